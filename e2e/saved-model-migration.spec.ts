import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropFile, gtzan, loadFile, openFresh, sharedMissing } from './helpers';

const reason = sharedMissing('features_30_sec.csv', 'audio/disco.00000.wav');
/** An MLP saved by the lab before the InputSpec (metadata format 1), see its README. */
const v1 = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'src', 'core', 'models', 'testdata', 'model-v1');

test.describe('a model saved the old way', () => {
  test.skip(!!reason, reason);

  test('stored in IndexedDB by the previous version, it is listed, reads a clip, and gives the table row’s answer', async ({ page }) => {
    test.setTimeout(300_000);
    await openFresh(page);
    // Seed the saved-model database exactly as the old lab wrote it: an entry whose member has format-1 metadata.
    const metadata = JSON.parse(readFileSync(join(v1, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata['formatVersion']).toBe(1);
    const modelJson = JSON.parse(readFileSync(join(v1, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: object[] }[] };
    const weights = readFileSync(join(v1, 'weights.bin')).toString('base64');
    await page.evaluate(
      async ({ metadata, topology, specs, weights }) => {
        const bin = atob(weights);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const entry = { id: 'v1-model', name: 'MLP · features_30_sec.csv · 77.5 %', createdAt: '2026-12-01T20:30:26.367Z', datasetName: 'features_30_sec.csv', members: [{ metadata, modelTopology: topology, weightSpecs: specs, weightData: bytes.buffer }] };
        await new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('genre-lab-models');
          open.onupgradeneeded = () => open.result.createObjectStore('models');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('models', 'readwrite');
            tx.objectStore('models').put(entry, entry.id);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        });
      },
      { metadata, topology: modelJson.modelTopology, specs: modelJson.weightsManifest[0]!.weights, weights },
    );
    await page.reload();
    // With the table loaded, the old model is listed, and its answer from our audio features equals its answer from the table row.
    await loadFile(page, gtzan('features_30_sec.csv'));
    await expect(page.getByTestId('summary-tracks')).toHaveText('1000');
    await expect(page.getByTestId('saved-model')).toHaveCount(1);
    await expect(page.getByTestId('saved-model')).toHaveAttribute('data-model-id', 'v1-model');
    await expect(page.getByTestId('saved-model')).toContainText('kaggle30');
    const cell = page.getByTestId('cell-classify');
    await dropFile(page, 'classify-drop-zone', gtzan('audio/disco.00000.wav'));
    const block = cell.locator('[data-testid="classify-results"][data-file="disco.00000.wav"] [data-testid="model-prediction"][data-model-id="v1-model"]');
    await expect(block.getByTestId('from-table')).toBeVisible({ timeout: 120_000 });
    const fromAudio = (await block.getByTestId('from-audio').textContent())?.trim();
    expect(fromAudio).toBeTruthy();
    expect(fromAudio).toBe((await block.getByTestId('from-table').textContent())?.trim());
  });
});
