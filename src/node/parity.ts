/**
 * Parity of our extractor against independent librosa numbers: the published GTZAN tables
 * (features_30_sec.csv, features_3_sec_classical_jazz_rock.csv, GenreClassData_30s/10s.txt) for
 * the real clips in ../shared/data/gtzan, and librosa-reference.json for the synthetic fixtures.
 * Used by the golden tests (on a subset) and by `npm run parity` (on everything). Node-only.
 */
import { compareMeydaToLibrosa, type MeydaComparison } from '../core/features/meydaCompare';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { extractRecipe, KAGGLE_FEATURE_NAMES, NTNU_FEATURE_NAMES } from '../core/features/recipes';
import type { RecipeId } from '../core/features/spec';
import { getColumn, type Dataset } from '../core/data/dataset';
import { fitKnn, rowsExceptTracks } from '../core/models/classifiers';
import { buildClassifyInputs, summarizePrediction } from '../core/models/classifyAudio';
import { readAudioFile } from './audioFiles';
import { loadTableFile } from './loadTable';
import { fixturesDir, gtzanDir } from './paths';

/** A published table as rows keyed by their first key column. */
export interface RefTable {
  header: string[];
  /** key → rows (NTNU 10 s has three rows per file, in segment order). */
  rows: Map<string, number[][]>;
  /** Per column: population std over all rows (the column's spread). */
  spread: Map<string, number>;
}

/** A published table read by the lab's own parser (core/data/parse), rows keyed by their row key. */
function parseTable(path: string): RefTable & { dataset: Dataset } {
  const dataset = loadTableFile(path);
  const d = dataset.featureNames.length;
  const rows = new Map<string, number[][]>();
  for (let r = 0; r < dataset.nRows; r++) {
    const key = dataset.rowKeys[r] as string;
    const list = rows.get(key) ?? [];
    list.push(Array.from(dataset.values.subarray(r * d, (r + 1) * d)));
    rows.set(key, list);
  }
  const spread = new Map<string, number>();
  dataset.featureNames.forEach((h, c) => {
    const col = getColumn(dataset, c);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    spread.set(h, Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length));
  });
  return { header: dataset.featureNames, rows, spread, dataset };
}

let cache: Record<string, RefTable & { dataset: Dataset }> = {};
/** Load (cached) one of the published tables. */
export function loadTable(which: 'kaggle30' | 'kaggle3' | 'ntnu30' | 'ntnu10'): RefTable & { dataset: Dataset } {
  const hit = cache[which];
  if (hit) return hit;
  const t =
    which === 'kaggle30' ? parseTable(join(gtzanDir, 'features_30_sec.csv'))
      : which === 'kaggle3' ? parseTable(join(gtzanDir, 'features_3_sec_classical_jazz_rock.csv'))
        : parseTable(join(gtzanDir, which === 'ntnu30' ? 'GenreClassData_30s.txt' : 'GenreClassData_10s.txt'));
  cache = { ...cache, [which]: t };
  return t;
}

/** Feature family of a column (Kaggle or NTNU naming). */
export function featureFamily(name: string): string {
  if (name.startsWith('chroma')) return 'chroma_stft';
  if (name.startsWith('mfcc')) return 'mfcc';
  if (name.startsWith('rms')) return 'rms';
  if (name.startsWith('zero_cross')) return 'zcr';
  if (name.includes('rolloff')) return 'rolloff';
  for (const f of ['spectral_centroid', 'spectral_bandwidth', 'spectral_contrast', 'spectral_flatness', 'harmony', 'perceptr', 'tempo']) if (name.startsWith(f)) return f;
  return name;
}

/**
 * Scaled error of one value: |got − want| / max(|want|, 0.1·spread). For ordinary values this is
 * the relative error; for values near zero it is the absolute error in units of a tenth of the
 * column's spread (so a max of 1e−2 means an absolute error ≤ 1e−3 of the spread).
 */
export function scaledError(got: number, want: number, spread: number): number {
  const d = Math.abs(got - want);
  if (d === 0) return 0;
  const denom = Math.max(Math.abs(want), 0.1 * spread, 1e-300);
  return d / denom;
}

export interface FamilyStats {
  n: number;
  median: number;
  max: number;
  /** Column and clip of the max. */
  worst?: string;
}

export interface RecipeParity {
  recipe: string;
  source: string;
  clips: number;
  rows: number;
  families: Record<string, FamilyStats>;
  tempo: { agree: number; total: number; rate: number; mismatches: string[] };
  /** Mean extraction time per clip in ms. */
  msPerClip: number;
  /** Our rows per clip id (real clips only). */
  extracted?: Map<string, Float64Array[]>;
}

class Collector {
  private errs = new Map<string, { e: number[]; worst: number; where: string }>();
  tempoAgree = 0;
  tempoTotal = 0;
  tempoMismatches: string[] = [];
  add(name: string, got: number, want: number, spread: number, where: string): void {
    const fam = featureFamily(name);
    if (fam === 'tempo') {
      this.tempoTotal++;
      if (Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want))) this.tempoAgree++;
      else this.tempoMismatches.push(`${where}: ${got.toFixed(2)} vs ${want.toFixed(2)}`);
      return;
    }
    const e = scaledError(got, want, spread);
    const s = this.errs.get(fam) ?? { e: [], worst: -1, where: '' };
    s.e.push(e);
    if (e > s.worst) {
      s.worst = e;
      s.where = `${where} ${name}: ${got} vs ${want}`;
    }
    this.errs.set(fam, s);
  }
  families(): Record<string, FamilyStats> {
    const out: Record<string, FamilyStats> = {};
    for (const [fam, s] of [...this.errs.entries()].sort()) {
      const sorted = Float64Array.from(s.e).sort();
      const m = sorted.length;
      const median = m % 2 ? (sorted[(m - 1) >> 1] as number) : ((sorted[m / 2 - 1] as number) + (sorted[m / 2] as number)) / 2;
      out[fam] = { n: m, median, max: sorted[m - 1] as number, worst: s.where };
    }
    return out;
  }
}

export interface RealClip {
  /** GTZAN id, e.g. `jazz.00003`. */
  id: string;
  genre: string;
  path: string;
}

/** The complete real clips under ../shared/data/gtzan (audio/ and genres_original/), one per id. */
export function listRealClips(): RealClip[] {
  const byId = new Map<string, RealClip>();
  const add = (path: string, file: string): void => {
    const id = file.replace(/\.wav$/, '');
    if (!byId.has(id)) byId.set(id, { id, genre: id.split('.')[0] as string, path });
  };
  const audio = join(gtzanDir, 'audio');
  if (existsSync(audio)) for (const f of listDir(audio)) add(join(audio, f), f);
  const orig = join(gtzanDir, 'genres_original');
  if (existsSync(orig)) for (const g of listDir(orig)) for (const f of listDir(join(orig, g))) add(join(orig, g, f), f);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function listDir(p: string): string[] {
  return readdirSync(p).filter((f) => !f.startsWith('.')).sort();
}

const ntnuFile = (id: string): string => `${id.replace('.', '_')}.wav`;

/** Which table rows a recipe's segments should equal, for one clip (empty when the table lacks it). */
function expectedRows(recipe: RecipeId, id: string): { table: RefTable; rows: { key: string; values: number[] }[] } {
  if (recipe === 'kaggle30') {
    const t = loadTable('kaggle30');
    const r = t.rows.get(`${id}.au`)?.[0];
    return { table: t, rows: r ? [{ key: `${id}.au`, values: r }] : [] };
  }
  if (recipe === 'kaggle3') {
    const t = loadTable('kaggle3');
    const rows: { key: string; values: number[] }[] = [];
    for (let k = 0; k < 10; k++) {
      const r = t.rows.get(`${id}.${k}.wav`)?.[0];
      if (r) rows.push({ key: `${id}.${k}.wav`, values: r });
    }
    return { table: t, rows };
  }
  const t = loadTable(recipe === 'ntnu30' ? 'ntnu30' : 'ntnu10');
  const list = t.rows.get(ntnuFile(id)) ?? [];
  return { table: t, rows: list.map((values, k) => ({ key: `${ntnuFile(id)}#${k}`, values })) };
}

/** Compare one recipe on the given real clips with its published table. */
export async function realClipParity(recipe: 'kaggle30' | 'kaggle3' | 'ntnu30' | 'ntnu10', clips: readonly RealClip[]): Promise<RecipeParity> {
  const c = new Collector();
  let nClips = 0;
  let nRows = 0;
  let ms = 0;
  const extracted = new Map<string, Float64Array[]>();
  for (const clip of clips) {
    const exp = expectedRows(recipe, clip.id);
    if (exp.rows.length === 0) continue;
    const audio = await readAudioFile(clip.path);
    const t0 = performance.now();
    const res = extractRecipe(audio.samples, audio.sampleRateHz, recipe);
    ms += performance.now() - t0;
    nClips++;
    extracted.set(clip.id, res.segments);
    const names = recipe.startsWith('kaggle') ? KAGGLE_FEATURE_NAMES : NTNU_FEATURE_NAMES;
    // kaggle3 rows are keyed by segment index; the table can skip segments, so match by key
    exp.rows.forEach((row, j) => {
      const segIdx = recipe === 'kaggle3' ? Number(row.key.split('.').at(-2)) : j;
      const seg = res.segments[segIdx];
      if (!seg) return;
      nRows++;
      names.forEach((name, i) => {
        const col = exp.table.header.indexOf(name);
        c.add(name, seg[i] as number, row.values[col] as number, exp.table.spread.get(name) ?? 0, row.key);
      });
    });
  }
  return { recipe, source: 'published table', clips: nClips, rows: nRows, families: c.families(), tempo: { agree: c.tempoAgree, total: c.tempoTotal, rate: c.tempoTotal ? c.tempoAgree / c.tempoTotal : NaN, mismatches: c.tempoMismatches }, msPerClip: nClips ? ms / nClips : 0, extracted };
}

export interface FixtureReference {
  clips: { file: string; n_samples: number; kaggle: Record<string, number>; ntnu: Record<string, number> }[];
  frames: {
    clip: string;
    reflect: Record<string, unknown> & { melspectrogram_db: number[][]; mfcc: number[][]; chroma_stft: number[][]; spectral_centroid: number[]; rms: number[]; zero_crossing_rate: number[]; chroma_tuning_estimated: number };
  };
}

export function loadFixtureReference(): FixtureReference {
  return JSON.parse(readFileSync(join(fixturesDir, 'librosa-reference.json'), 'utf8')) as FixtureReference;
}

/** Compare kaggle30 and ntnu30 on the synthetic fixture clips with librosa-reference.json. */
export async function fixtureParity(recipe: 'kaggle30' | 'ntnu30', files?: readonly string[]): Promise<RecipeParity> {
  const ref = loadFixtureReference();
  const c = new Collector();
  let n = 0;
  let ms = 0;
  // spreads over the fixture set itself (values near zero are judged against them)
  const key = recipe === 'kaggle30' ? 'kaggle' : 'ntnu';
  const names = recipe === 'kaggle30' ? KAGGLE_FEATURE_NAMES : NTNU_FEATURE_NAMES;
  const spread = new Map<string, number>();
  for (const name of names) {
    const v = ref.clips.map((cl) => cl[key][name] as number);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    spread.set(name, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length));
  }
  for (const clip of ref.clips) {
    if (files && !files.includes(clip.file)) continue;
    const audio = await readAudioFile(join(fixturesDir, 'audio', clip.file));
    const t0 = performance.now();
    const res = extractRecipe(audio.samples, audio.sampleRateHz, recipe);
    ms += performance.now() - t0;
    n++;
    const seg = res.segments[0] as Float64Array;
    names.forEach((name, i) => c.add(name, seg[i] as number, clip[key][name] as number, spread.get(name) ?? 0, clip.file));
  }
  return { recipe, source: 'librosa-reference.json fixtures', clips: n, rows: n, families: c.families(), tempo: { agree: c.tempoAgree, total: c.tempoTotal, rate: c.tempoTotal ? c.tempoAgree / c.tempoTotal : NaN, mismatches: c.tempoMismatches }, msPerClip: n ? ms / n : 0 };
}

export interface ArrayParity {
  name: string;
  n: number;
  maxAbs: number;
  maxRel: number;
  medianRel: number;
}

function compareArrays(name: string, got: (i: number) => number, want: readonly number[], relFloor: number): ArrayParity {
  const rel: number[] = [];
  let maxAbs = 0;
  want.forEach((w, i) => {
    const d = Math.abs(got(i) - w);
    maxAbs = Math.max(maxAbs, d);
    rel.push(d / Math.max(Math.abs(w), relFloor));
  });
  rel.sort((a, b) => a - b);
  return { name, n: want.length, maxAbs, maxRel: rel[rel.length - 1] ?? 0, medianRel: rel[rel.length >> 1] ?? 0 };
}

/**
 * Frame-level parity on cmajor_chord.wav (first 200 frames, reflect padding): mel dB, MFCC,
 * chroma, centroid, rms, zcr and the estimated tuning, against librosa-reference.json.
 */
export async function frameParity(): Promise<{ arrays: ArrayParity[]; tuning: { got: number; want: number } }> {
  const { computeStft, powerSpectrogram, magnitudeFromPower, fftFrequenciesHz } = await import('../core/features/stft');
  const { applyMelFilterbank, getMelFilterbank } = await import('../core/features/mel');
  const { powerToDb } = await import('../core/features/db');
  const { computeMfcc } = await import('../core/features/mfcc');
  const { computeChroma } = await import('../core/features/chroma');
  const { computeSpectralCentroid } = await import('../core/features/centroid');
  const { computeRms } = await import('../core/features/rms');
  const { computeZcr } = await import('../core/features/zcr');
  const ref = loadFixtureReference();
  const fr = ref.frames.reflect;
  const audio = await readAudioFile(join(fixturesDir, 'audio', ref.frames.clip));
  const y = audio.samples;
  const st = computeStft(y, { padMode: 'reflect' });
  const power = powerSpectrogram(st);
  const mag = magnitudeFromPower(power);
  const melDb = powerToDb(applyMelFilterbank(power, st.nFrames, getMelFilterbank(22050)));
  const mfcc = computeMfcc(melDb, st.nFrames, 128, 20);
  const { chroma, tuning } = computeChroma(power, st.nFrames, st.nBins, 22050);
  const centroid = computeSpectralCentroid(mag, st.nFrames, st.nBins, fftFrequenciesHz(22050));
  const rms = computeRms(y, 'reflect');
  const zcr = computeZcr(y);
  const nT = fr.rms.length;
  const flat2 = (m: number[][]): number[] => m.flatMap((row) => row);
  const rowsOf = (m: number[][]): number => m.length;
  const arrays: ArrayParity[] = [
    compareArrays('melspectrogram_db', (i) => melDb[(i % nT) * 128 + Math.floor(i / nT)] as number, flat2(fr.melspectrogram_db), 1),
    compareArrays('mfcc', (i) => mfcc[(i % nT) * 20 + Math.floor(i / nT)] as number, flat2(fr.mfcc), 1),
    compareArrays('chroma_stft', (i) => chroma[(i % nT) * 12 + Math.floor(i / nT)] as number, flat2(fr.chroma_stft), 1e-3),
    compareArrays('spectral_centroid', (i) => centroid[i] as number, fr.spectral_centroid, 1),
    compareArrays('rms', (i) => rms[i] as number, fr.rms, 1e-6),
    compareArrays('zero_crossing_rate', (i) => zcr[i] as number, fr.zero_crossing_rate, 1e-6),
  ];
  void rowsOf;
  return { arrays, tuning: { got: tuning, want: fr.chroma_tuning_estimated } };
}

export type { MeydaComparison } from '../core/features/meydaCompare';

/** Meyda vs librosa on one clip file (see compareMeydaToLibrosa). */
export async function meydaComparison(path: string): Promise<MeydaComparison[]> {
  const audio = await readAudioFile(path);
  return compareMeydaToLibrosa(audio.samples);
}

/**
 * The genre the lab's k-NN (k = 5, distance weights, z-scored with the training rows — the k-NN
 * cell's and `lab classify`'s model) gives `features` (one row, in the table's feature order),
 * trained on the Kaggle 30 s table without the clip's own track.
 */
export async function knnGenreWithoutTrack(trackId: string, features: Float64Array): Promise<string> {
  const ds = loadTable('kaggle30').dataset;
  const knn = fitKnn(ds, rowsExceptTracks(ds, new Set([trackId])), { k: 5, weights: 'distance' });
  const inputs = buildClassifyInputs(knn.spec, { featureNames: ds.featureNames, rows: [features] });
  return summarizePrediction(knn.spec.genres, inputs.units, await knn.predict(inputs)).voteGenre;
}
