/**
 * Every paper preset, one entry each (HOUSE_STYLE: "a paper preset: one entry each, listed nowhere
 * else"). The CLI's `preset list`/`preset run`, the Paper presets cell and the k-NN cell's preset
 * button all read this list. It is a plain concatenation of each paper's array: a paper's file
 * exports its presets, and adding a paper is one import and one spread here.
 */
import { LabError } from '../errors';
import { GEORGIA_TECH_PRESETS } from './georgiaTech';
import { NORTHEASTERN_PRESETS } from './northeastern';
import { NORTHEASTERN_CNN_PRESETS } from './northeasternCnn';
import { NTNU_PRESETS } from './ntnu';
import { SPECTRAL_PRESETS } from './spectral';
import { TORONTO_PRESETS } from './toronto';
import type { PaperId, Preset } from './types';

export { figureHistogram, formatPresetValue, presetAvailability, presetTableText, tableKindOf, TABLE_FILES } from './common';

export const PRESETS: readonly Preset[] = [...NTNU_PRESETS, ...SPECTRAL_PRESETS, ...NORTHEASTERN_PRESETS, ...NORTHEASTERN_CNN_PRESETS, ...TORONTO_PRESETS, ...GEORGIA_TECH_PRESETS];

/** How each paper is named where presets are grouped. */
export const PAPER_TITLES: Record<PaperId, string> = {
  ntnu: 'NTNU TTT4275 course study',
  spectral: 'Spectral-features report',
  northeastern: 'Northeastern study',
  toronto: 'Toronto CNN study',
  'georgia-tech': 'Georgia Tech study',
};

/** The preset with this id; an unknown id is a LabError listing the known ones. */
export function presetById(id: string): Preset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new LabError('bad-argument', `Unknown preset "${id}". Known presets: ${PRESETS.map((x) => x.id).join(', ')} (list them with \`lab preset list\`).`, { preset: id });
  return p;
}

/** Presets grouped by paper, papers in the order they first appear. */
export function presetsByPaper(presets: readonly Preset[] = PRESETS): { paper: PaperId; title: string; presets: Preset[] }[] {
  const groups = new Map<PaperId, Preset[]>();
  for (const p of presets) groups.set(p.paper, [...(groups.get(p.paper) ?? []), p]);
  return [...groups.entries()].map(([paper, list]) => ({ paper, title: PAPER_TITLES[paper], presets: list }));
}
