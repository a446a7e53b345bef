/**
 * Build a Dataset (core/data/dataset.ts) from extracted clips, with row keys in the recipe's
 * table style: Kaggle 30 s `name.wav` (the file as given; the published table's `.au` names
 * refer to the original GTZAN files), Kaggle 3 s `blues.00000.3.wav`, NTNU `blues_00000.wav`
 * (one key per segment row, repeated for each segment as GenreClassData_10s.txt does).
 */
import { hashString, type Dataset } from '../data/dataset';
import { LabError } from '../errors';
import { getRecipe } from './recipes';
import type { RecipeId } from './spec';

export interface ExtractedClip {
  /** File name as loaded (`blues.00000.wav`, `my song.mp3`). */
  fileName: string;
  genre: string;
  /** One row per segment, in the recipe's feature order. */
  segments: Float64Array[];
  /** Samples per segment (Kaggle `length`); defaults to the recipe's segment length. */
  segmentLengths?: number[];
  /** SHA-256 of the file's bytes (hex), when it came from a file: listed in the dataset's sources. */
  sha256?: string;
}

export interface ToDatasetOptions {
  name?: string;
  note?: string;
  /** Optional per-clip split (0 train, 1 test), copied to every segment row. */
  clipSplit?: ArrayLike<number>;
}

/** File name without directory and extension: `a/b/blues.00000.wav` → `blues.00000`. */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Row key of segment `k` of a clip in the recipe's table style. */
export function rowKeyFor(recipeId: RecipeId, fileName: string, k: number): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = fileStem(fileName);
  switch (recipeId) {
    case 'kaggle30':
      return base;
    case 'kaggle3':
      return `${stem}.${k}.wav`;
    case 'meyda':
      return `${stem}.${k}`;
    default:
      // NTNU: GTZAN `pop.00072` is written `pop_00072.wav`
      return `${stem.replace(/^([a-z]+)\.(\d{5})$/, '$1_$2')}.wav`;
  }
}

/** Assemble a Dataset of format 'audio' from extracted clips. */
export function toDataset(clips: readonly ExtractedClip[], recipeId: RecipeId, opts: ToDatasetOptions = {}): Dataset {
  const spec = getRecipe(recipeId);
  const d = spec.featureNames.length;
  const genres = [...new Set(clips.map((c) => c.genre))].sort();
  let nRows = 0;
  for (const c of clips) nRows += c.segments.length;
  if (nRows === 0) throw new LabError('no-features', 'No segments were extracted, so there is nothing to put in a dataset.');
  const values = new Float64Array(nRows * d);
  const labels = new Int32Array(nRows);
  const segmentIndex = new Int32Array(nRows);
  const split = opts.clipSplit ? new Uint8Array(nRows) : undefined;
  const trackIds: string[] = [];
  const rowKeys: string[] = [];
  const lengths: number[] = [];
  let r = 0;
  let h = hashString(`${spec.id}@${spec.version}`);
  clips.forEach((c, ci) => {
    h = hashString(`${c.fileName}|${c.genre}|${c.segments.length}`, parseInt(h, 16));
    c.segments.forEach((seg, k) => {
      if (seg.length !== d) throw new LabError('ragged-rows', `${c.fileName} segment ${k} has ${seg.length} values; the ${spec.id} recipe has ${d} features.`, { file: c.fileName, segment: k });
      for (let j = 0; j < d; j++) {
        const v = seg[j] as number;
        if (!Number.isFinite(v)) throw new LabError('non-finite', `${c.fileName} segment ${k}: ${spec.featureNames[j]} is not a finite number.`, { file: c.fileName, feature: spec.featureNames[j] });
        values[r * d + j] = v;
      }
      h = hashString(Array.from(seg.subarray(0, Math.min(4, d)), (v) => v.toPrecision(12)).join(','), parseInt(h, 16));
      labels[r] = genres.indexOf(c.genre);
      segmentIndex[r] = k;
      trackIds.push(fileStem(c.fileName));
      rowKeys.push(rowKeyFor(spec.id, c.fileName, k));
      lengths.push(c.segmentLengths?.[k] ?? spec.segmentSamples ?? 0);
      if (split && opts.clipSplit) split[r] = (opts.clipSplit[ci] as number) ? 1 : 0;
      r++;
    });
  });
  return {
    id: `audio-${spec.id}-${h}`,
    name: opts.name ?? `${clips.length} audio clip${clips.length === 1 ? '' : 's'} (${spec.id})`,
    format: 'audio',
    featureNames: [...spec.featureNames],
    nRows,
    values,
    labels,
    genres,
    trackIds,
    segmentIndex,
    split,
    rowKeys,
    meta: {
      recipe: spec.id,
      segmentSec: spec.segmentSamples === null ? undefined : spec.segmentSamples / spec.sampleRateHz,
      lengths,
      note: opts.note,
      // A project stores this list instead of the audio (synthesised clips have no file to list).
      ...(clips.every((c) => c.sha256) ? { sources: clips.map((c) => ({ file: c.fileName, sha256: c.sha256! })) } : {}),
    },
  };
}
