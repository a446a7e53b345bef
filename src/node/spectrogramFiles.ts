/** A spectrogram set from audio files and folders (Node): the CLI's `--audio DIR` / `--train-audio DIR`. */
import { basename } from 'node:path';
import { buildSpectrogramSet, type SpectrogramSet, type SpectrogramSetOptions } from '../core/data/spectrogramSet';
import { LabError } from '../core/errors';
import { listAudioFiles, readAudioFile } from './audioFiles';

/**
 * Every audio file under `paths` (recursively, sorted) as one log-mel matrix per track; a file
 * that fails is named in `failed` and the rest go on (the same rule as `lab extract`).
 */
export async function readSpectrogramSet(paths: readonly string[], o: SpectrogramSetOptions & { exclude?: ReadonlySet<string> } = {}): Promise<SpectrogramSet> {
  const files = listAudioFiles(paths).filter((f) => !o.exclude?.has(f));
  if (files.length === 0) throw new LabError('bad-argument', `No audio files under ${paths.join(', ')} (.wav/.mp3/.flac/.ogg).`);
  return buildSpectrogramSet(files, readAudioFile, { name: paths.map((p) => basename(p)).join('+'), ...o });
}
