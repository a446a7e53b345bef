import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
export const sharedDir = resolve(here, '..', '..', 'shared');
export const gtzan = (f: string) => join(sharedDir, 'data', 'gtzan', f);
export const artifactsDir = join(here, 'artifacts');

/** Why a test that needs ../shared is skipped (printed, never silent). */
export function sharedMissing(...files: string[]): string | undefined {
  const missing = files.map(gtzan).filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const msg = `skipped: ${missing.join(', ')} not found (../shared sits next to the repo root in CI)`;
  console.warn(msg);
  return msg;
}

/** A clean lab with no data (`?empty` skips the demo corpus that a first open loads). */
export async function openFresh(page: Page, path = '/?empty') {
  await page.goto(path);
  // A clean lab: forget what earlier tests saved (state, saved models, feature and spectrogram caches).
  await page.evaluate(async () => {
    for (const name of ['genre-lab', 'genre-lab-models', 'genre-lab-features', 'genre-lab-spectrograms'])
      await new Promise<void>((res) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = r.onerror = r.onblocked = () => res();
      });
  });
  await page.reload();
  await expect(page.getByTestId('drop-zone')).toBeVisible();
}

export async function loadFile(page: Page, path: string) {
  await page.getByTestId('file-input').setInputFiles(path);
}

export async function loadBuffer(page: Page, name: string, content: string | Buffer, mimeType = 'text/csv') {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType, buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) });
}

export async function screenshotCell(page: Page, id: string, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.getByTestId(`cell-${id}`).screenshot({ path: join(artifactsDir, `${name}.png`) });
}

/** Drop a file on an element the way a browser does (a DataTransfer holding one File). */
export async function dropFile(page: Page, testId: string, path: string, mimeType = 'audio/wav') {
  const b64 = readFileSync(path).toString('base64');
  const dt = await page.evaluateHandle(
    ({ b64, name, mimeType }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const d = new DataTransfer();
      d.items.add(new File([bytes], name, { type: mimeType }));
      return d;
    },
    { b64, name: basename(path), mimeType },
  );
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: dt });
}
