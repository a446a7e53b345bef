/**
 * Node-only audio file helpers for the CLI, tests and benchmarks: read bytes, decode to mono
 * 22 050 Hz, and list audio files under folders.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeToMono, type MonoAudio } from '../core/audio/decodeNode';
import { LabError } from '../core/errors';

export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.flac', '.ogg'];

/** Read and decode one audio file to mono float32 at 22 050 Hz. */
export async function readAudioFile(path: string, targetRateHz = 22050): Promise<MonoAudio> {
  const bytes = readFileSync(path);
  return decodeToMono(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), basename(path), targetRateHz);
}

/** Audio files given directly or found (recursively, sorted) under the given folders. */
export function listAudioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) throw new LabError('bad-argument', `No such file or folder: ${p}`, { path: p });
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else if (AUDIO_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}
