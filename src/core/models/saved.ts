/**
 * Saved neural models. A model is its tf.layers topology + weights (what `model.save` hands an
 * IOHandler: modelTopology, weightSpecs, weightData) plus a metadata JSON saying how to turn a
 * feature table into its inputs (recipe, feature names, scaler, label order, sequence length) and
 * how it was made (metrics, seed, backend, time).
 *
 * Two forms:
 * - {@link SavedModel}: plain objects + one ArrayBuffer, structured-clone safe (IndexedDB, workers);
 * - files: `model.json` (the standard tfjs layers-model JSON, loadable by tf.loadLayersModel with
 *   `weights.bin` beside it), `weights.bin`, and `metadata.json`.
 * Every import is validated; corrupt or mismatched input is a LabError saying what is wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { RECIPES } from '../features/recipes';
import type { Dataset } from '../data/dataset';
import type { ModelKind, ModelSpec, TrainedClassifier } from './classifier';
import { wrapModel, type Network } from './network';
import { describeJsonError } from '../data/text';

export const SAVED_MODEL_FORMAT = 'genre-lab-model';
export const SAVED_MODEL_VERSION = 1;
const KINDS: readonly ModelKind[] = ['mlp', 'lstm', 'gru', 'bilstm'];

export interface ModelMetadata {
  format: typeof SAVED_MODEL_FORMAT;
  formatVersion: number;
  kind: ModelKind;
  unit: 'segment' | 'sequence';
  /** Feature recipe id and version (the dataset's meta.recipe, e.g. `ntnu10`); null when unknown. */
  recipe: string | null;
  recipeVersion: string | null;
  featureNames: string[];
  scaler: { mean: number[]; std: number[] };
  /** Label order of the model's outputs. */
  genres: string[];
  /** Steps per sequence (1 for segment models). */
  steps: number;
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

export interface ModelFiles {
  'model.json': string;
  'weights.bin': ArrayBuffer;
  'metadata.json': string;
}

export interface LoadedModel {
  network: Network;
  spec: ModelSpec;
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

/** Version of a known feature recipe (FeatureSpec), or null for tables of unknown origin. */
function recipeVersionOf(recipe: string | undefined): string | null {
  const spec = recipe ? (RECIPES as Readonly<Record<string, { version: number } | undefined>>)[recipe] : undefined;
  return spec ? String(spec.version) : null;
}

/** Serialize a trained classifier (structured-clone safe). */
export async function serializeClassifier(
  c: TrainedClassifier,
  extra: { backend?: string; createdAt?: string; recipeVersion?: string; training?: ModelMetadata['training'] } = {},
): Promise<SavedModel> {
  const art = await captureArtifacts(c.network.model);
  const metadata: ModelMetadata = {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    kind: c.spec.kind,
    unit: c.spec.unit,
    recipe: c.spec.recipe ?? null,
    // The recipe's FeatureSpec version, so audio analysed by a later version of a recipe is refused.
    recipeVersion: extra.recipeVersion ?? recipeVersionOf(c.spec.recipe),
    featureNames: [...c.spec.featureNames],
    scaler: { mean: Array.from(c.spec.scaler.mean), std: Array.from(c.spec.scaler.std) },
    genres: [...c.spec.genres],
    steps: c.spec.steps,
    inputShape: [...c.network.inputShape],
    metrics: { accuracy: c.test.evaluation.accuracy, macroF1: c.test.evaluation.macroF1, testTracks: c.test.evaluation.n },
    seed: c.seed,
    backend: extra.backend ?? tf.getBackend(),
    createdAt: extra.createdAt ?? new Date().toISOString(),
    training: extra.training,
  };
  return { metadata, ...art };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isFiniteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Check metadata field by field; returns it typed. */
export function validateMetadata(m: unknown): ModelMetadata {
  if (typeof m !== 'object' || m === null) throw corrupt('metadata is not an object');
  const o = m as Record<string, unknown>;
  if (o['format'] !== SAVED_MODEL_FORMAT) throw corrupt(`metadata format is ${JSON.stringify(o['format'])}, expected "${SAVED_MODEL_FORMAT}"`);
  if (o['formatVersion'] !== SAVED_MODEL_VERSION) throw corrupt(`format version ${String(o['formatVersion'])} is not supported (this lab reads ${SAVED_MODEL_VERSION})`);
  if (!KINDS.includes(o['kind'] as ModelKind)) throw corrupt(`unknown model kind ${JSON.stringify(o['kind'])}`);
  const unit = o['unit'];
  if (unit !== 'segment' && unit !== 'sequence') throw corrupt(`unit must be "segment" or "sequence"`);
  if ((o['kind'] === 'mlp') !== (unit === 'segment')) throw corrupt(`kind ${String(o['kind'])} does not match unit ${unit}`);
  const names = o['featureNames'];
  if (!isStringArray(names) || names.length === 0) throw corrupt('featureNames must be a non-empty list of strings');
  const scaler = o['scaler'] as Record<string, unknown> | undefined;
  if (!scaler || !isFiniteArray(scaler['mean']) || !isFiniteArray(scaler['std'])) throw corrupt('scaler mean/std must be lists of finite numbers');
  if (scaler['mean'].length !== names.length || scaler['std'].length !== names.length)
    throw corrupt(`scaler has ${scaler['mean'].length}/${scaler['std'].length} columns for ${names.length} features`);
  if (scaler['std'].some((s) => !(s > 0))) throw corrupt('scaler std must be positive');
  if (!isStringArray(o['genres']) || o['genres'].length < 2) throw corrupt('genres must list at least two labels');
  const steps = o['steps'];
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) throw corrupt('steps must be a positive integer');
  const shape = o['inputShape'];
  const expected = unit === 'sequence' ? [steps, names.length] : [names.length];
  if (!isFiniteArray(shape) || shape.join('×') !== expected.join('×')) throw corrupt(`inputShape ${JSON.stringify(shape)} does not match ${expected.join('×')}`);
  if (o['recipe'] !== null && typeof o['recipe'] !== 'string') throw corrupt('recipe must be a string or null');
  if (o['recipeVersion'] !== null && o['recipeVersion'] !== undefined && typeof o['recipeVersion'] !== 'string') throw corrupt('recipeVersion must be a string or null');
  if (typeof o['metrics'] !== 'object' || o['metrics'] === null) throw corrupt('metrics must be an object');
  if (typeof o['seed'] !== 'number' || typeof o['backend'] !== 'string' || typeof o['createdAt'] !== 'string') throw corrupt('seed, backend and createdAt are required');
  return { ...(o as unknown as ModelMetadata), recipeVersion: (o['recipeVersion'] as string | null | undefined) ?? null };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Check the structure of a SavedModel (e.g. read back from IndexedDB). */
export function validateSavedModel(saved: unknown): SavedModel {
  if (typeof saved !== 'object' || saved === null) throw corrupt('expected an object');
  const o = saved as Record<string, unknown>;
  const metadata = validateMetadata(o['metadata']);
  const topo = o['modelTopology'];
  if (typeof topo !== 'object' || topo === null || typeof (topo as Record<string, unknown>)['class_name'] !== 'string') throw corrupt('modelTopology is missing or not a tfjs layers topology');
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
    if (network.nClasses !== m.genres.length) throw corrupt(`topology has ${network.nClasses} outputs for ${m.genres.length} genres`);
    const spec: ModelSpec = {
      kind: m.kind,
      unit: m.unit,
      featureNames: [...m.featureNames],
      scaler: { mean: Float64Array.from(m.scaler.mean), std: Float64Array.from(m.scaler.std) },
      genres: [...m.genres],
      steps: m.steps,
      recipe: m.recipe ?? undefined,
    };
    return { network, spec, metadata: m, dispose: () => network.dispose() };
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
  const key = (m: ModelMetadata) => JSON.stringify([m.kind, m.unit, m.recipe, m.steps, m.genres, m.featureNames]);
  members.forEach((m, i) => {
    if (key(m.metadata) !== key(first))
      throw new LabError('spec-mismatch', `Member ${i + 1} (${m.metadata.kind}, ${m.metadata.featureNames.length} features, recipe ${m.metadata.recipe ?? 'unknown'}) does not match member 1 (${first.kind}, ${first.featureNames.length} features, recipe ${first.recipe ?? 'unknown'}): import them as separate models.`);
  });
}

/**
 * Check a loaded model can read `ds`: same recipe when both are known, and every feature present.
 * Throws `spec-mismatch` with what differs.
 */
export function checkModelMatchesDataset(meta: ModelMetadata, ds: Dataset): void {
  const dsRecipe = ds.meta.recipe ?? null;
  if (meta.recipe && dsRecipe && meta.recipe !== dsRecipe)
    throw new LabError('spec-mismatch', `This model was trained on recipe ${meta.recipe} features but ${ds.name} holds ${dsRecipe}.`, { model: meta.recipe, data: dsRecipe });
  const missing = meta.featureNames.filter((f) => !ds.featureNames.includes(f));
  if (missing.length)
    throw new LabError('spec-mismatch', `${ds.name} lacks ${missing.length} feature(s) the model needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, { missing });
  const extraGenres = ds.genres.filter((g) => !meta.genres.includes(g));
  if (extraGenres.length) throw new LabError('spec-mismatch', `The model does not know genre(s) ${extraGenres.join(', ')}.`, { genres: extraGenres });
}
