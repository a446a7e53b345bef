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
import { migrateInputSpec, type InputSpec } from './inputSpec';
import { wrapModel, type Network } from './network';
import { describeJsonError } from '../data/text';
import { corruptModel, SAVED_MODEL_FORMAT, SAVED_MODEL_VERSION, validateSavedModel, type ModelMetadata, type SavedModel } from './savedFormat';

export {
  SAVED_MODEL_FORMAT,
  SAVED_MODEL_VERSION,
  checkEnsembleMembers,
  validateMetadata,
  validateSavedModel,
  type ModelMetadata,
  type SavedModel,
  type SavedModelEntry,
} from './savedFormat';

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

/** Rebuild a usable model from a SavedModel; validates first. */
export async function loadSavedModel(saved: unknown): Promise<LoadedModel> {
  const s = validateSavedModel(saved);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: s.modelTopology, weightSpecs: s.weightSpecs, weightData: s.weightData }));
  } catch (e) {
    throw corruptModel(`tfjs could not rebuild it (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const network = wrapModel(s.metadata.kind, model);
    const m = s.metadata;
    if (network.inputShape.join('×') !== m.inputShape.join('×')) throw corruptModel(`topology input ${network.inputShape.join('×')} does not match metadata ${m.inputShape.join('×')}`);
    if (network.nClasses !== m.input.genres.length) throw corruptModel(`topology has ${network.nClasses} outputs for ${m.input.genres.length} genres`);
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
      throw corruptModel(`${what} is not JSON: ${describeJsonError(text, e)}.`, { file: what });
    }
  };
  const mj = parse(files.modelJson, 'model.json') as Record<string, unknown> | null;
  if (!mj || typeof mj !== 'object') throw corruptModel('model.json is not an object', { file: 'model.json' });
  const manifest = mj['weightsManifest'];
  if (!Array.isArray(manifest) || manifest.length === 0) throw corruptModel('model.json has no weightsManifest', { file: 'model.json' });
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
