/**
 * The saved-model format without tfjs: the metadata and SavedModel types and every import check
 * (metadata fields, topology against metadata, weight sizes, ensemble members). The project
 * worker validates the models a `.genrelab` file holds with these alone, so it does not bundle
 * tfjs (1.6 MB) to zip, unzip and check; saved.ts adds what needs tfjs (capture, rebuild).
 */
import type { io } from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { isSpectrogramInput, migrateInputSpec, sampleShapeOf, type InputSpec } from './inputSpec';
import { isNeuralKind, MODEL_KINDS, neuralKinds, type NeuralKindId } from './registry';

export const SAVED_MODEL_FORMAT = 'genre-lab-model';
/** 2: the InputSpec under `input`; 1: its fields flat in the metadata (read and migrated). */
export const SAVED_MODEL_VERSION = 2;

export interface ModelMetadata {
  format: typeof SAVED_MODEL_FORMAT;
  formatVersion: typeof SAVED_MODEL_VERSION;
  /** Registry id of the model kind. */
  kind: NeuralKindId;
  /** What the model reads: recipe and version, features, scaler, label order, sequence length. */
  input: InputSpec;
  /** Per-sample input shape. */
  inputShape: number[];
  /** Test metrics at save time (accuracy, macroF1, ...). */
  metrics: Record<string, number>;
  seed: number;
  /** tfjs backend that trained it. */
  backend: string;
  /** ISO 8601. */
  createdAt: string;
  /** Free-form training settings (epochs, learning rate, ...). */
  training?: Record<string, number | string | boolean>;
}

export interface SavedModel {
  metadata: ModelMetadata;
  modelTopology: object;
  weightSpecs: io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/**
 * One trained run as the lab keeps it (IndexedDB, project files): a single model or an ensemble,
 * each member a SavedModel (weights included).
 */
export interface SavedModelEntry {
  id: string;
  /** Shown in lists: "MLP · features_30_sec.csv · 74.0 %". */
  name: string;
  createdAt: string;
  datasetName: string;
  /** One or more members (an ensemble votes by mean probability). */
  members: SavedModel[];
}


/** A saved model that fails an import check (`bad-argument`, reason `corrupt-model`). */
export function corruptModel(message: string, detail: Record<string, unknown> = {}): LabError {
  return new LabError('bad-argument', `Not a valid saved model: ${message}`, { reason: 'corrupt-model', ...detail });
}

const isFiniteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Check metadata field by field and return it in today's format: version 2 as it is, version 1
 * (the input fields flat in the metadata) migrated to version 2.
 */
export function validateMetadata(m: unknown): ModelMetadata {
  if (typeof m !== 'object' || m === null) throw corruptModel('metadata is not an object');
  const o = m as Record<string, unknown>;
  if (o['format'] !== SAVED_MODEL_FORMAT) throw corruptModel(`metadata format is ${JSON.stringify(o['format'])}, expected "${SAVED_MODEL_FORMAT}"`);
  const version = o['formatVersion'];
  if (version !== 1 && version !== SAVED_MODEL_VERSION) throw corruptModel(`format version ${String(version)} is not supported (this lab reads 1 and ${SAVED_MODEL_VERSION})`);
  const kind = o['kind'];
  if (!isNeuralKind(kind)) throw corruptModel(`unknown model kind ${JSON.stringify(kind)} (this lab reads ${neuralKinds().map((k) => k.id).join(', ')})`);
  const rawInput = version === 1 ? o : o['input'];
  if (typeof rawInput !== 'object' || rawInput === null) throw corruptModel('input (what the model reads) is missing');
  const input = migrateInputSpec(rawInput as Record<string, unknown>);
  if (MODEL_KINDS[kind].input !== input.input) throw corruptModel(`kind ${kind} reads ${MODEL_KINDS[kind].input}, but the metadata says ${input.input}`);
  const shape = o['inputShape'];
  const expected = sampleShapeOf(input);
  if (!isFiniteArray(shape) || shape.join('×') !== expected.join('×')) throw corruptModel(`inputShape ${JSON.stringify(shape)} does not match ${expected.join('×')}`);
  const metrics = o['metrics'];
  if (typeof metrics !== 'object' || metrics === null) throw corruptModel('metrics must be an object');
  if (typeof o['seed'] !== 'number' || typeof o['backend'] !== 'string' || typeof o['createdAt'] !== 'string') throw corruptModel('seed, backend and createdAt are required');
  return {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    kind,
    input,
    inputShape: [...shape],
    metrics: { ...(metrics as Record<string, number>) },
    seed: o['seed'],
    backend: o['backend'],
    createdAt: o['createdAt'],
    ...(o['training'] && typeof o['training'] === 'object' ? { training: { ...(o['training'] as Record<string, number | string | boolean>) } } : {}),
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Throw when the topology's own input shape (its first layer's batch_input_shape) or output count
 * (its last layer's units) disagrees with the metadata: such files would import and only fail in
 * Classify. Checked at import, before anything is added; parts the topology does not state pass.
 */
function checkTopologyMatchesMetadata(topo: Record<string, unknown>, m: { inputShape: readonly number[]; nFeatures: number; nGenres: number }): void {
  const cfg = topo['config'] as { layers?: unknown } | unknown[] | undefined;
  const layers = (Array.isArray(cfg) ? cfg : cfg?.layers) as { config?: Record<string, unknown> }[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) return;
  const first = layers[0]?.config ?? {};
  const batchShape = first['batch_input_shape'] ?? first['batchInputShape'];
  if (Array.isArray(batchShape) && batchShape.slice(1).join('×') !== m.inputShape.join('×'))
    throw corruptModel(`model.json's network reads inputs of ${batchShape.slice(1).join('×')} but metadata.json describes ${m.inputShape.join('×')} (${m.nFeatures} features): the two files do not belong together`, {
      topology: batchShape.slice(1),
      metadata: m.inputShape,
    });
  // the last layer is the output only in a Sequential model (a functional one names its outputs elsewhere)
  const units = topo['class_name'] === 'Sequential' ? layers[layers.length - 1]?.config?.['units'] : undefined;
  if (typeof units === 'number' && units !== m.nGenres)
    throw corruptModel(`model.json's network has ${units} outputs for ${m.nGenres} genres in metadata.json: the two files do not belong together`, { outputs: units, genres: m.nGenres });
}

/** Check the structure of a SavedModel (e.g. read back from IndexedDB). */
export function validateSavedModel(saved: unknown): SavedModel {
  if (typeof saved !== 'object' || saved === null) throw corruptModel('expected an object');
  const o = saved as Record<string, unknown>;
  const metadata = validateMetadata(o['metadata']);
  const topo = o['modelTopology'];
  if (typeof topo !== 'object' || topo === null || typeof (topo as Record<string, unknown>)['class_name'] !== 'string') throw corruptModel('modelTopology is missing or not a tfjs layers topology');
  checkTopologyMatchesMetadata(topo as Record<string, unknown>, { inputShape: metadata.inputShape, nFeatures: metadata.input.featureNames.length, nGenres: metadata.input.genres.length });
  const specs = o['weightSpecs'];
  if (!Array.isArray(specs)) throw corruptModel('weightSpecs must be a list');
  let bytes = 0;
  for (const s of specs as Record<string, unknown>[]) {
    if (typeof s?.['name'] !== 'string' || !isFiniteArray(s['shape']) || typeof s['dtype'] !== 'string' || !(s['dtype'] in DTYPE_BYTES) || s['quantization'])
      throw corruptModel(`weight spec ${JSON.stringify(s)} is malformed`);
    bytes += (s['shape'] as number[]).reduce((a, b) => a * b, 1) * (DTYPE_BYTES[s['dtype']] as number);
  }
  const data = o['weightData'];
  if (!(data instanceof ArrayBuffer)) throw corruptModel('weightData must be an ArrayBuffer');
  if (data.byteLength !== bytes) throw corruptModel(`weights are ${data.byteLength} bytes but the weight specs need ${bytes}`, { bytes: data.byteLength, expected: bytes });
  return { metadata, modelTopology: topo, weightSpecs: specs as io.WeightsManifestEntry[], weightData: data };
}

/** Members of one ensemble must read the same inputs and give the same outputs. */
export function checkEnsembleMembers(members: readonly SavedModel[]): void {
  const first = members[0]?.metadata;
  if (!first) throw new LabError('bad-argument', 'An ensemble needs at least one member.');
  const key = (m: ModelMetadata) => JSON.stringify([m.kind, m.input.input, m.input.recipe, m.input.steps, m.input.genres, m.input.featureNames, isSpectrogramInput(m.input) ? m.input.spectrogram : null]);
  const what = (m: ModelMetadata) =>
    isSpectrogramInput(m.input)
      ? `${m.kind}, ${m.input.spectrogram.nBands} mel bands × ${m.input.spectrogram.cropFrames} frames`
      : `${m.kind}, ${m.input.featureNames.length} features, recipe ${m.input.recipe ?? 'unknown'}`;
  members.forEach((m, i) => {
    if (key(m.metadata) !== key(first))
      throw new LabError('spec-mismatch', `Member ${i + 1} (${what(m.metadata)}) does not match member 1 (${what(first)}): import them as separate models.`);
  });
}
