/**
 * The Toronto new-data evaluation gives the same numbers in the browser and in the CLI for the same
 * folders and seed: the browser's path (each WAV decoded and turned into a log-mel matrix as the
 * extraction worker does, quantised and assembled as the page does, then the preset run by the
 * training worker's handler over the real transport with both sets held by id) against
 * `lab preset run toronto-new-data --audio A --eval-audio B --json` run as its own process. The counts shown (tracks
 * scored, genres unknown to the model, tracks not scored and why) are checked against what the
 * folders hold, by their file names.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { encodeWav16 } from '../core/audio/wav';
import { assembleSpectrogramSet, logMelOptionsFor, logMelParamsFor, spectrogramTrackName, type NamedLogMel } from '../core/data/spectrogramSet';
import { computeLogMel, quantiseLogMel } from '../core/features/logMel';
import type { PresetResult } from '../core/presets/types';
import { listAudioFiles } from '../node/audioFiles';
import { initNodeBackend } from '../node/tfNode';
import type { TrainApi } from './protocol';
import { channelWorker, type ChannelWorker } from './testChannel';
import { trainHandlers } from './trainHandlers';
import { WorkerClient } from './transport';
import type { HeldData } from './wire';

const SR = 22050;
let root: string;
const workers: ChannelWorker[] = [];

/** A synthetic clip written as a 16-bit WAV (the same bytes a student would drop). */
function writeClip(dir: string, name: string, style: SynthStyle, seed: number, sec: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), encodeWav16([synthesizeClip(style, seed, sec, SR)], SR));
}

/** The page's path for a folder: per file what extract.worker.ts computes (WAV → mono → log-mel dB), quantised and assembled as spectrogramActions does. */
function browserSet(dir: string, id: string): HeldData {
  const params = logMelParamsFor({ nBands: 64 });
  const seen = new Set<string>();
  const rows: NamedLogMel[] = listAudioFiles([dir]).map((file) => {
    const name = spectrogramTrackName(file, seen);
    seen.add(name.trackId);
    const samples = decodeWavToMono(new Uint8Array(readFileSync(file)), file, SR);
    return { ...name, mel: quantiseLogMel(computeLogMel(samples, logMelOptionsFor(params))) };
  });
  return { ...assembleSpectrogramSet(rows, [], params, dir.split('/').pop()), id };
}

/** `npm run lab -- <argv>` as a student types it (a process of its own: workers may not import the CLI, and this is the real thing). */
async function cliJson(argv: string[]): Promise<PresetResult> {
  const repo = resolve(import.meta.dirname, '..', '..');
  const { stdout } = await promisify(execFile)(join(repo, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', ...argv], { cwd: repo, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as PresetResult;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'genre-lab-new-data-'));
  // Training folder: 3 clips of 4 s of each of two styles (genre from the file name).
  for (const style of ['synth-ambient', 'synth-techno'] as const) for (let i = 0; i < 3; i++) writeClip(join(root, 'train'), `${style}.0000${i}.wav`, style, 10 + i, 4);
  // New songs: two of known genres, two of a genre the model never saw (in a genre sub-folder),
  // one that is also a training track, one of 2 s (shorter than the 4 s crops).
  const other = join(root, 'new');
  writeClip(other, 'synth-ambient.00100.wav', 'synth-ambient', 900, 4);
  writeClip(other, 'synth-techno.00100.wav', 'synth-techno', 901, 5);
  writeClip(join(other, 'synth-chorale'), 'choir-a.wav', 'synth-chorale', 902, 4);
  writeClip(join(other, 'synth-chorale'), 'choir-b.wav', 'synth-chorale', 903, 4);
  writeClip(other, 'synth-techno.00001.wav', 'synth-techno', 11, 4);
  writeClip(other, 'synth-ambient.00101.wav', 'synth-ambient', 904, 2);
  await initNodeBackend('wasm');
});

afterAll(() => {
  for (const w of workers.splice(0)) for (const p of w.ports) p.close();
  rmSync(root, { recursive: true, force: true });
});

describe('Toronto new-data evaluation: browser path = CLI', () => {
  it('the training worker, given both sets by id, returns exactly the CLI’s JSON for the same folders and seed; the counts match the folders', async () => {
    const seed = 2;
    const cli = await cliJson(['preset', 'run', 'toronto-new-data', '--audio', join(root, 'train'), '--eval-audio', join(root, 'new'), '--bands', '64', '--seed', String(seed), '--quick', '--backend', 'wasm', '--json']);

    const choice = await initNodeBackend('wasm');
    const handlers = trainHandlers({ ensureBackend: async () => choice });
    const client = new WorkerClient<TrainApi>(
      () => {
        const w = channelWorker<TrainApi>(handlers);
        workers.push(w);
        return w;
      },
      { name: 'The training worker', cancel: 'message', datasetSlots: 2 },
    );
    const train = browserSet(join(root, 'train'), 'spectrograms:train');
    const other = browserSet(join(root, 'new'), 'spectrograms:new');
    const browser = await client.request('preset', { datasetId: train.id, evalDatasetId: other.id, presetId: 'toronto-new-data', seed, effort: 'quick', backend: 'wasm' }, { datasets: [train, other] }).promise;
    // Names differ only where the folder's name is shown (the CLI names a set by its folder, as the page does here).
    expect(JSON.parse(JSON.stringify(browser))).toEqual(cli);

    const n = (id: string) => cli.numbers.find((x) => x.id === id)!;
    // Known genres, new ids, at least one 4 s crop long: synth-ambient.00100 and synth-techno.00100.
    expect(n('new-data-tracks').ours).toBe(2);
    expect(n('new-data-tracks').label).toContain('of 6 in the folder');
    // One genre unknown to the model (synth-chorale, 2 tracks), named in the label.
    expect(n('new-data-unknown-genres').ours).toBe(1);
    expect(n('new-data-unknown-genres').label).toContain('synth-chorale; 2 tracks');
    expect(n('new-data-accuracy').paper).toBe(0.488);
    expect(n('crop-accuracy').paper).toBe(0.68);
    expect(cli.tables[0]!.rows.map((r) => r[0]).sort()).toEqual(['synth-ambient.00100', 'synth-techno.00100']);
    const why = Object.fromEntries(cli.tables[1]!.rows.map((r) => [r[0], r[2]]));
    expect(Object.keys(why).sort()).toEqual(['choir-a', 'choir-b', 'synth-ambient.00101', 'synth-techno.00001']);
    expect(why['synth-techno.00001']).toMatch(/training folder/);
    expect(why['synth-ambient.00101']).toMatch(/shorter than one 4\.0 s crop/);
    // 4 s clips are shorter than the report's 10 s segments: the crop is the shortest clip, 1 + ⌊88 200 / 512⌋ = 173 frames, and the result says so.
    expect(cli.notes.join(' ')).toMatch(/crops are 4\.0 s \(173 frames\)/);
  }, 600_000);
});
