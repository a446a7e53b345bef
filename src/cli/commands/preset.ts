/**
 * `lab preset list` and `lab preset run <id>`: the paper presets headless, through the same
 * registry and the same `run` as the Paper presets cell, so the same seed prints the same numbers.
 */
import { LabError } from '../../core/errors';
import { formatPresetValue, presetAvailability, presetById, presetsByPaper } from '../../core/presets/registry';
import type { Preset, PresetInput, PresetResult } from '../../core/presets/types';
import type { BackendName } from '../../core/models/tfBackend';
import { loadTableFile } from '../../node/loadTable';
import { initNodeBackend } from '../../node/tfNode';
import { optFlag, optNumber, optString, type ParsedArgs } from '../args';
import { emit, type CliCommand } from '../command';
import { stderrProgress } from './knn';
import { readAudioSet } from './train';

function needsText(p: Preset): string {
  return p.needs.kind === 'table' ? `table: ${p.needs.hint}` : `audio: ${p.needs.hint}${p.needs.evalAudio ? ` (evaluation audio ${p.needs.evalAudio})` : ''}`;
}

function listText(): string {
  const lines: string[] = [];
  for (const g of presetsByPaper()) {
    lines.push(g.title);
    for (const p of g.presets) {
      lines.push(`  ${p.id.padEnd(24)} ${p.title}`);
      lines.push(`  ${''.padEnd(24)} needs ${needsText(p)}`);
      const paper = p.paperNumbers.length ? p.paperNumbers.map((n) => `${n.label} ${formatPresetValue(n.value, n.unit)}`).join('; ') : 'not stated in our sources';
      lines.push(`  ${''.padEnd(24)} paper: ${paper}`);
    }
  }
  return lines.join('\n');
}

/** The result as text: ours | paper | note per number, then the tables. */
export function resultText(p: Preset, r: PresetResult): string {
  const lines = [`${p.title}`, `data: ${r.dataUsed}`, `seed ${r.seed}`, ''];
  const w = Math.max(8, ...r.numbers.map((n) => n.label.length));
  lines.push(`${'number'.padEnd(w)}  ${'ours'.padStart(10)}  paper`);
  for (const n of r.numbers) lines.push(`${n.label.padEnd(w)}  ${formatPresetValue(n.ours, n.unit).padStart(10)}  ${formatPresetValue(n.paper, n.unit)}${n.note ? `  (${n.note})` : ''}`);
  for (const t of r.tables) {
    lines.push('', t.title, '  ' + t.columns.join('\t'));
    for (const row of t.rows) lines.push('  ' + row.join('\t'));
  }
  const notes = [...r.notes, ...p.differences];
  if (notes.length) lines.push('', 'Notes and differences from the paper:', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

async function inputFromArgs(p: Preset, args: ParsedArgs): Promise<PresetInput> {
  const log = (s: string) => {
    if (!args.options['json']) process.stderr.write(s + '\n');
  };
  const seed = optNumber(args, 'seed', 0);
  const effort = optFlag(args, 'quick') ? ('quick' as const) : ('full' as const);
  const data = optString(args, 'data');
  const audio = optString(args, 'audio');
  const evalAudio = optString(args, 'eval-audio');
  const input: PresetInput = { seed, effort };
  if (p.needs.kind === 'table') {
    if (!data) throw new LabError('bad-argument', `${p.id} reads a feature table: pass --data <file> (${p.needs.hint}; ${p.needs.tables.join(' or ')}).`);
    input.dataset = loadTableFile(data);
  } else {
    if (!audio) throw new LabError('bad-argument', `${p.id} learns from audio: pass --audio <folder> (${p.needs.hint}).`);
    input.spectrograms = await readAudioSet(audio, args, log);
    // New songs to evaluate on may all be of one genre (a folder of new rock songs).
    if (evalAudio) input.evalSpectrograms = await readAudioSet(evalAudio, args, log, 1);
  }
  const a = presetAvailability(p, input);
  if (!a.runnable) throw new LabError('bad-argument', `${p.title} ${a.message}.`);
  return input;
}

export const presetCommand: CliCommand = {
  name: 'preset',
  usage: 'preset list [--json] | preset run <id> (--data F | --audio DIR [--eval-audio DIR] [--bands 128]) [--seed 0] [--quick] [--backend wasm|cpu] [--json]',
  async run(args) {
    const [sub, id] = args.positionals;
    if (sub === 'list') {
      const json = presetsByPaper().map((g) => ({
        paper: g.paper,
        title: g.title,
        presets: g.presets.map((p) => ({ id: p.id, title: p.title, summary: p.summary, needs: p.needs, paperNumbers: p.paperNumbers, differences: p.differences })),
      }));
      emit(args, json, listText);
      return;
    }
    if (sub !== 'run') throw new LabError('bad-argument', `Use \`preset list\` or \`preset run <id> --data F\`, got "${sub ?? ''}".`);
    if (!id) throw new LabError('bad-argument', 'Name the preset to run: `preset run <id>` (see `preset list`).');
    const p = presetById(id);
    const input = await inputFromArgs(p, args);
    if (p.trainsWithTf || p.needs.kind === 'audio') {
      const b = await initNodeBackend(optString(args, 'backend') as BackendName | undefined);
      if (!args.options['json']) process.stderr.write(`backend ${b.name} (${b.reason})\n`);
    }
    const progress = stderrProgress(p.title);
    const r = await p.run(input, { onProgress: (f) => progress(f) });
    emit(args, r, () => resultText(p, r));
  },
};
