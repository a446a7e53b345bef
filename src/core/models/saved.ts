/**
 * Saved neural models. A model is its tf.layers topology + weights (what `model.save` hands an
 * IOHandler: modelTopology, weightSpecs, weightData) plus a metadata JSON saying how to turn a
 * feature table into its inputs (recipe, feature names, scaler, label order, sequence length) and
 * how it was made (metrics, seed, backend, time).
 *
 * Format version 2 keeps what the model reads as one versioned {@link InputSpec} (`metadata.input`);
 * version 1 (before the model registry) had the same fields flat in the metadata and is migrated
 * when read, from IndexedDB and from files alike.
 *
 * Two forms:
 * - {@link SavedModel}: plain objects + one ArrayBuffer, structured-clone safe (IndexedDB, workers);
 * - files: `model.json` (the standard tfjs layers-model JSON, loadable by tf.loadLayersModel with
 *   `weights.bin` beside it), `weights.bin`, and `metadata.json`.
 * Every import is validated; corrupt or mismatched input is a LabError saying what is wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import type { Dataset } from '../data/dataset';
import type { TrainedClassifier } from './classifier';
import { isSpectrogramInput, migrateInputSpec, sampleShapeOf, type InputSpec } from './inputSpec';
import { wrapModel, type Network } from './network';
import { describeJsonError } from '../data/text';
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
  weightSpecs: tf.io.WeightsManifestEntry[];
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

export interface ModelFiles {
  'model.json': string;
  'weights.bin': ArrayBuffer;
  'metadata.json': string;
}

export interface LoadedModel {
  network: Network;
  spec: InputSpec;
  metadata: ModelMetadata;
  dispose(): void;
}

function corrupt(message: string, detail: Record<string, unknown> = {}): LabError {
  return new LabError('bad-argument', `Not a valid saved model: ${message}`, { reason: 'corrupt-model', ...detail });
}

/** Topology + weights of a tf.layers model through a custom IOHandler. */
export async function captureArtifacts(model: tf.LayersModel): Promise<Omit<SavedModel, 'metadata'>> {
  let captured: Omit<SavedModel, 'metadata'> | undefined;
  await model.save({
    save: async (artifacts: tf.io.ModelArtifacts) => {
      const data = artifacts.weightData;
      const weightData = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      captured = {
        // JSON round trip: a plain, structured-clone-safe copy of the topology.
        modelTopology: JSON.parse(JSON.stringify(artifacts.modelTopology)) as object,
        weightSpecs: JSON.parse(JSON.stringify(artifacts.weightSpecs ?? [])) as tf.io.WeightsManifestEntry[],
        weightData: weightData.slice(0),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
    },
  });
  if (!captured) throw new LabError('internal', 'tfjs did not hand over the model artifacts.');
  return captured;
}

/** Serialize a trained classifier (structured-clone safe). */
export async function serializeClassifier(
  c: TrainedClassifier,
  extra: { backend?: string; createdAt?: string; training?: ModelMetadata['training'] } = {},
): Promise<SavedModel> {
  const art = await captureArtifacts(c.network.model);
  const metadata: ModelMetadata = {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    kind: c.kind,
    // A copy: the spec carries the recipe's version, so audio analysed by a later version of a recipe is refused.
    input: migrateInputSpec({ ...c.spec }),
    inputShape: [...c.network.inputShape],
    metrics: {
      accuracy: c.test.evaluation.accuracy,
      macroF1: c.test.evaluation.macroF1,
      testTracks: c.test.evaluation.n,
      // Spectrogram models are also judged per crop (segment models per segment).
      ...(c.test.segmentEvaluation ? { segmentAccuracy: c.test.segmentEvaluation.accuracy } : {}),
    },
    seed: c.seed,
    backend: extra.backend ?? tf.getBackend(),
    createdAt: extra.createdAt ?? new Date().toISOString(),
    training: extra.training,
  };
  return { metadata, ...art };
}

const isFiniteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Check metadata field by field and return it in today's format: version 2 as it is, version 1
 * (the input fields flat in the metadata) migrated to version 2.
 */
export function validateMetadata(m: unknown): ModelMetadata {
  if (typeof m !== 'object' || m === null) throw corrupt('metadata is not an object');
  const o = m as Record<string, unknown>;
  if (o['format'] !== SAVED_MODEL_FORMAT) throw corrupt(`metadata format is ${JSON.stringify(o['format'])}, expected "${SAVED_MODEL_FORMAT}"`);
  const version = o['formatVersion'];
  if (version !== 1 && version !== SAVED_MODEL_VERSION) throw corrupt(`format version ${String(version)} is not supported (this lab reads 1 and ${SAVED_MODEL_VERSION})`);
  const kind = o['kind'];
  if (!isNeuralKind(kind)) throw corrupt(`unknown model kind ${JSON.stringify(kind)} (this lab reads ${neuralKinds().map((k) => k.id).join(', ')})`);
  const rawInput = version === 1 ? o : o['input'];
  if (typeof rawInput !== 'object' || rawInput === null) throw corrupt('input (what the model reads) is missing');
  const input = migrateInputSpec(rawInput as Record<string, unknown>);
  if (MODEL_KINDS[kind].input !== input.input) throw corrupt(`kind ${kind} reads ${MODEL_KINDS[kind].input}, but the metadata says ${input.input}`);
  const shape = o['inputShape'];
  const expected = sampleShapeOf(input);
  if (!isFiniteArray(shape) || shape.join('×') !== expected.join('×')) throw corrupt(`inputShape ${JSON.stringify(shape)} does not match ${expected.join('×')}`);
  const metrics = o['metrics'];
  if (typeof metrics !== 'object' || metrics === null) throw corrupt('metrics must be an object');
  if (typeof o['seed'] !== 'number' || typeof o['backend'] !== 'string' || typeof o['createdAt'] !== 'string') throw corrupt('seed, backend and createdAt are required');
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
    throw corrupt(`model.json's network reads inputs of ${batchShape.slice(1).join('×')} but metadata.json describes ${m.inputShape.join('×')} (${m.nFeatures} features): the two files do not belong together`, {
      topology: batchShape.slice(1),
      metadata: m.inputShape,
    });
  // the last layer is the output only in a Sequential model (a functional one names its outputs elsewhere)
  const units = topo['class_name'] === 'Sequential' ? layers[layers.length - 1]?.config?.['units'] : undefined;
  if (typeof units === 'number' && units !== m.nGenres)
    throw corrupt(`model.json's network has ${units} outputs for ${m.nGenres} genres in metadata.json: the two files do not belong together`, { outputs: units, genres: m.nGenres });
}

/** Check the structure of a SavedModel (e.g. read back from IndexedDB). */
export function validateSavedModel(saved: unknown): SavedModel {
  if (typeof saved !== 'object' || saved === null) throw corrupt('expected an object');
  const o = saved as Record<string, unknown>;
  const metadata = validateMetadata(o['metadata']);
  const topo = o['modelTopology'];
  if (typeof topo !== 'object' || topo === null || typeof (topo as Record<string, unknown>)['class_name'] !== 'string') throw corrupt('modelTopology is missing or not a tfjs layers topology');
  checkTopologyMatchesMetadata(topo as Record<string, unknown>, { inputShape: metadata.inputShape, nFeatures: metadata.input.featureNames.length, nGenres: metadata.input.genres.length });
  const specs = o['weightSpecs'];
  if (!Array.isArray(specs)) throw corrupt('weightSpecs must be a list');
  let bytes = 0;
  for (const s of specs as Record<string, unknown>[]) {
    if (typeof s?.['name'] !== 'string' || !isFiniteArray(s['shape']) || typeof s['dtype'] !== 'string' || !(s['dtype'] in DTYPE_BYTES) || s['quantization'])
      throw corrupt(`weight spec ${JSON.stringify(s)} is malformed`);
    bytes += (s['shape'] as number[]).reduce((a, b) => a * b, 1) * (DTYPE_BYTES[s['dtype']] as number);
  }
  const data = o['weightData'];
  if (!(data instanceof ArrayBuffer)) throw corrupt('weightData must be an ArrayBuffer');
  if (data.byteLength !== bytes) throw corrupt(`weights are ${data.byteLength} bytes but the weight specs need ${bytes}`, { bytes: data.byteLength, expected: bytes });
  return { metadata, modelTopology: topo, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: data };
}

/** Rebuild a usable model from a SavedModel; validates first. */
export async function loadSavedModel(saved: unknown): Promise<LoadedModel> {
  const s = validateSavedModel(saved);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: s.modelTopology, weightSpecs: s.weightSpecs, weightData: s.weightData }));
  } catch (e) {
    throw corrupt(`tfjs could not rebuild it (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const network = wrapModel(s.metadata.kind, model);
    const m = s.metadata;
    if (network.inputShape.join('×') !== m.inputShape.join('×')) throw corrupt(`topology input ${network.inputShape.join('×')} does not match metadata ${m.inputShape.join('×')}`);
    if (network.nClasses !== m.input.genres.length) throw corrupt(`topology has ${network.nClasses} outputs for ${m.input.genres.length} genres`);
    return { network, spec: m.input, metadata: m, dispose: () => network.dispose() };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The three files of a saved model. `model.json` is the standard tfjs layers-model JSON. */
export function exportModelFiles(saved: SavedModel): ModelFiles {
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }],
  };
  return {
    'model.json': JSON.stringify(modelJson),
    'weights.bin': saved.weightData.slice(0),
    'metadata.json': JSON.stringify(saved.metadata, null, 2),
  };
}

/** Read the three files back into a (validated) SavedModel. */
export function importModelFiles(files: { modelJson: string; weightsBin: ArrayBuffer; metadataJson: string }): SavedModel {
  const parse = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      // Not e.message: V8 quotes the raw input, which for a binary file is a line of garbage.
      throw corrupt(`${what} is not JSON: ${describeJsonError(text, e)}.`, { file: what });
    }
  };
  const mj = parse(files.modelJson, 'model.json') as Record<string, unknown> | null;
  if (!mj || typeof mj !== 'object') throw corrupt('model.json is not an object', { file: 'model.json' });
  const manifest = mj['weightsManifest'];
  if (!Array.isArray(manifest) || manifest.length === 0) throw corrupt('model.json has no weightsManifest', { file: 'model.json' });
  const weightSpecs = (manifest as { weights?: unknown }[]).flatMap((g) => (Array.isArray(g.weights) ? g.weights : [null]));
  return validateSavedModel({
    metadata: parse(files.metadataJson, 'metadata.json'),
    modelTopology: mj['modelTopology'],
    weightSpecs,
    weightData: files.weightsBin,
  });
}

type ModelFileRole = 'model' | 'weights' | 'metadata';

function roleOf(name: string): ModelFileRole | undefined {
  if (/metadata\.json$/i.test(name)) return 'metadata';
  if (/model\.json$/i.test(name)) return 'model';
  if (/\.bin$/i.test(name)) return 'weights';
  return undefined;
}

/**
 * Sort picked files into saved models. Three files (one of each kind) are one model whatever their
 * names; more are grouped by the prefix before `model.json` / `weights.bin` / `metadata.json`, as
 * an ensemble exports them (`lstm-x10-m1-model.json`, …, `lstm-x10-m10-metadata.json`), in member
 * order. Throws with what is missing or foreign.
 */
export function groupModelFiles<F extends { name: string }>(files: readonly F[]): { prefix: string; model: F; weights: F; metadata: F }[] {
  if (files.length === 0) throw new LabError('bad-argument', 'No files picked: pick model.json, weights.bin and metadata.json together (three per ensemble member).');
  const foreign = files.filter((f) => !roleOf(f.name));
  if (foreign.length) throw new LabError('bad-argument', `${foreign.map((f) => f.name).join(', ')}: not a model file — pick model.json, weights.bin and metadata.json.`);
  const byRole = (role: ModelFileRole) => files.filter((f) => roleOf(f.name) === role);
  if (files.length === 3 && byRole('model').length === 1 && byRole('weights').length === 1 && byRole('metadata').length === 1)
    return [{ prefix: '', model: byRole('model')[0]!, weights: byRole('weights')[0]!, metadata: byRole('metadata')[0]! }];
  const groups = new Map<string, Partial<Record<ModelFileRole, F>>>();
  for (const f of files) {
    const role = roleOf(f.name) as ModelFileRole;
    const prefix = f.name.replace(role === 'weights' ? /(weights)?\.bin$/i : role === 'model' ? /model\.json$/i : /metadata\.json$/i, '');
    const g = groups.get(prefix) ?? {};
    if (g[role]) throw new LabError('bad-argument', `Two ${role} files for ${prefix || 'one model'}: ${g[role]!.name} and ${f.name}.`);
    g[role] = f;
    groups.set(prefix, g);
  }
  const out: { prefix: string; model: F; weights: F; metadata: F }[] = [];
  for (const [prefix, g] of [...groups].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))) {
    const missing = (['model', 'weights', 'metadata'] as const).filter((r) => !g[r]);
    if (missing.length)
      throw new LabError('bad-argument', `${prefix || 'The model'} is missing its ${missing.map((r) => (r === 'weights' ? 'weights.bin' : `${r}.json`)).join(' and ')}: pick all three files of every model.`);
    out.push({ prefix, model: g.model!, weights: g.weights!, metadata: g.metadata! });
  }
  return out;
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

/**
 * Check a loaded model can read `ds`: same recipe when both are known, and every feature present.
 * Throws `spec-mismatch` with what differs.
 */
export function checkModelMatchesDataset(meta: Pick<InputSpec, 'recipe' | 'featureNames' | 'genres'>, ds: Dataset): void {
  const dsRecipe = ds.meta.recipe ?? null;
  if (meta.recipe && dsRecipe && meta.recipe !== dsRecipe)
    throw new LabError('spec-mismatch', `This model was trained on recipe ${meta.recipe} features but ${ds.name} holds ${dsRecipe}.`, { model: meta.recipe, data: dsRecipe });
  const missing = meta.featureNames.filter((f) => !ds.featureNames.includes(f));
  if (missing.length)
    throw new LabError('spec-mismatch', `${ds.name} lacks ${missing.length} feature(s) the model needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, { missing });
  const extraGenres = ds.genres.filter((g) => !meta.genres.includes(g));
  if (extraGenres.length) throw new LabError('spec-mismatch', `The model does not know genre(s) ${extraGenres.join(', ')}.`, { genres: extraGenres });
}
