/**
 * Run one Georgia Tech, Toronto or Northeastern-CNN preset headless and print its result as JSON —
 * the same `run` the UI calls, for a student without the UI. Stop-gap until these presets join the
 * registry behind `lab preset run` (the integrator folds this in there).
 *
 *   npx tsx bench/presetRun.ts list
 *   npx tsx bench/presetRun.ts georgia-tech-leakage --data ../shared/data/gtzan/features_3_sec_classical_jazz_rock.csv
 *   npx tsx bench/presetRun.ts toronto-new-data --audio ../shared/data/gtzan/genres_original --eval-audio ../shared/data/gtzan/audio --quick
 *
 * Options: --seed N (default 0), --quick (reduced protocol, labelled in the result), --bands 64|96|128
 * (mel bands of the audio's spectrograms, default 128). Progress goes to stderr; Ctrl-C cancels.
 */
import { parseArgs } from 'node:util';
import type { LogMelBands } from '../src/core/features/logMel';
import { GEORGIA_TECH_PRESETS } from '../src/core/presets/georgiaTech';
import { NORTHEASTERN_CNN_PRESETS } from '../src/core/presets/northeasternCnn';
import { TORONTO_PRESETS } from '../src/core/presets/toronto';
import type { PresetInput } from '../src/core/presets/types';
import { toErrorInfo } from '../src/core/errors';
import { loadTableFile } from '../src/node/loadTable';
import { readSpectrogramSet } from '../src/node/spectrogramFiles';
import { initNodeBackend } from '../src/node/tfNode';

const PRESETS = [...GEORGIA_TECH_PRESETS, ...TORONTO_PRESETS, ...NORTHEASTERN_CNN_PRESETS];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { data: { type: 'string' }, audio: { type: 'string' }, 'eval-audio': { type: 'string' }, seed: { type: 'string', default: '0' }, quick: { type: 'boolean', default: false }, bands: { type: 'string', default: '128' } },
  });
  const id = positionals[0];
  if (!id || id === 'list') {
    for (const p of PRESETS) console.log(`${p.id.padEnd(28)} ${p.needs.kind === 'table' ? `table: ${p.needs.hint}` : `audio${p.needs.evalAudio ? ` + eval audio (${p.needs.evalAudio})` : ''}`}  ${p.title}`);
    return id ? 0 : 2;
  }
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) {
    console.error(`Unknown preset "${id}" (known: ${PRESETS.map((p) => p.id).join(', ')}).`);
    return 2;
  }
  const seed = Number(values.seed);
  const bands = Number(values.bands);
  if (!Number.isInteger(seed) || ![64, 96, 128].includes(bands)) {
    console.error('--seed must be a whole number and --bands one of 64, 96, 128.');
    return 2;
  }
  const input: PresetInput = { seed, effort: values.quick ? 'quick' : 'full' };
  if (values.data) input.dataset = loadTableFile(values.data, {}, (line) => console.error(line));
  const readAudio = (dir: string) =>
    readSpectrogramSet([dir], { nBands: bands as LogMelBands, onFile: (done, total, file, error) => error && console.error(`${file}: ${error} (skipped; ${done}/${total})`) });
  if (values.audio) input.spectrograms = await readAudio(values.audio);
  if (values['eval-audio']) input.evalSpectrograms = await readAudio(values['eval-audio']);
  await initNodeBackend();
  const cancel = { cancelled: false };
  process.once('SIGINT', () => {
    cancel.cancelled = true;
    console.error('Cancelling…');
  });
  let last = '';
  const t0 = performance.now();
  const result = await preset.run(input, {
    cancel,
    onProgress: (f, label) => {
      // Every 10 % and whenever the stage changes: enough to see it move without flooding the terminal.
      const key = `${Math.floor(f * 10)} ${label.replace(/: epoch \d+ of \d+$/, '')}`;
      if (key === last) return;
      last = key;
      console.error(`${String(Math.floor(f * 100)).padStart(3)} %  ${label}`);
    },
  });
  console.error(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(toErrorInfo(e).message);
    process.exit(1);
  },
);
