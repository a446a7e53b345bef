/**
 * `npm run lab -- melspec <files|folders> [--bands 64|96|128] [--pad constant|reflect] --out DIR`:
 * one log-mel matrix per audio file ({@link computeLogMel}: ref = max, top_db 80) written as
 * `DIR/<trackname>.npy` (float32, bands × frames, dB before any quantisation), so the CNN's
 * inputs can be inspected or compared with librosa in Python. A file that fails is named with
 * the reason and the rest go on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { optNumber, optString, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { encodeNpy } from '../../core/data/npy';
import { LabError, toErrorInfo } from '../../core/errors';
import { computeLogMel, LOG_MEL_BANDS, type LogMelBands } from '../../core/features/logMel';
import type { PadMode } from '../../core/features/stft';
import { listAudioFiles, readAudioFile } from '../../node/audioFiles';

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect'];

export interface MelspecOptions {
  files: readonly string[];
  outDir: string;
  nBands?: LogMelBands;
  padMode?: PadMode;
  /** One line per file (default: stderr). */
  log?: (line: string) => void;
}

export interface MelspecResult {
  written: { file: string; out: string; nBands: number; nFrames: number }[];
  failed: { file: string; error: string }[];
}

/** Write one `.npy` log-mel matrix per file into `outDir`; failures are collected, not thrown. */
export async function writeMelspecs(opts: MelspecOptions): Promise<MelspecResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  mkdirSync(opts.outDir, { recursive: true });
  const res: MelspecResult = { written: [], failed: [] };
  const used = new Set<string>();
  for (const [i, file] of opts.files.entries()) {
    const tag = `[${i + 1}/${opts.files.length}] ${file}`;
    try {
      const name = basename(file, extname(file));
      // Two folders may hold the same track name; overwriting one with the other would lose data silently.
      if (used.has(name)) throw new LabError('bad-argument', `another file already wrote ${name}.npy; rename one of them.`);
      const audio = await readAudioFile(file);
      const m = computeLogMel(audio.samples, { sampleRateHz: audio.sampleRateHz, nBands: opts.nBands ?? 128, padMode: opts.padMode ?? 'constant' });
      const out = join(opts.outDir, `${name}.npy`);
      writeFileSync(out, encodeNpy(m.db, [m.nBands, m.nFrames]));
      used.add(name);
      res.written.push({ file, out, nBands: m.nBands, nFrames: m.nFrames });
      log(`${tag}: ${m.nBands} × ${m.nFrames} → ${out}`);
    } catch (e) {
      const error = toErrorInfo(e).message;
      res.failed.push({ file, error });
      log(`${tag}: FAILED: ${error}`);
    }
  }
  return res;
}

async function run(args: ParsedArgs): Promise<void> {
  const outDir = optString(args, 'out');
  if (!outDir) throw new LabError('bad-argument', 'melspec needs --out DIR (the folder the .npy files go to).');
  const nBands = optNumber(args, 'bands', 128);
  if (!(LOG_MEL_BANDS as readonly number[]).includes(nBands)) throw new LabError('bad-argument', `--bands must be one of ${LOG_MEL_BANDS.join(', ')}, got ${nBands}.`);
  const padMode = optString(args, 'pad', 'constant') as PadMode;
  if (!PAD_MODES.includes(padMode)) throw new LabError('bad-argument', `--pad must be constant or reflect, got "${padMode}".`);
  const files = listAudioFiles(args.positionals);
  if (files.length === 0) throw new LabError('bad-argument', 'No audio files given (pass files or folders with .wav/.mp3/.flac/.ogg).');
  const t0 = performance.now();
  const res = await writeMelspecs({ files, outDir, nBands: nBands as LogMelBands, padMode });
  process.stderr.write(`wrote ${res.written.length} file(s) to ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${res.failed.length} failed\n`);
  for (const f of res.failed) process.stderr.write(`  failed: ${f.file}: ${f.error}\n`);
  if (res.failed.length > 0) process.exitCode = 1;
}

export const melspecCommand: CliCommand = {
  name: 'melspec',
  usage: 'melspec <files|folders> [--bands 64|96|128] [--pad constant|reflect] --out DIR   one log-mel .npy (float32 dB, bands × frames) per file',
  run,
};
