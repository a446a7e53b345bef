/**
 * The model registry: one entry per model kind the lab knows, and every list of kinds — the Train
 * cell's model menu, the saved-model list, the CLI's help and validation, the saved-model metadata
 * check — is read from here. Adding a kind is one entry below, its builder file and its tests.
 *
 * The registry holds no tfjs code: the page's main thread reads it to draw menus, so neural
 * builders are loaded on demand (`loadBuilder`), in the worker or the CLI that trains.
 */
import { LabError } from '../errors';
import type { ModelDefaults, VggSize } from './defaults';
import type { ClassicFitOptions, ClassicFitter, Classifier } from './classifiers';
import type { Dataset } from '../data/dataset';
import type { Network } from './network';

/** What one sample of a model is made from. */
export type InputKind =
  /** one feature row (a segment, or a whole track for 30 s tables); segments of a test track vote */
  | 'feature-rows'
  /** a track's consecutive segments as one sequence of feature rows */
  | 'segment-sequences'
  /** crops of a log-mel spectrogram (the CNN issue) */
  | 'spectrogram-crops';

/** What a neural builder needs; the rest of a network's shape is the kind's own. */
export interface NetworkBuildOptions {
  /** Per-sample input shape: `[features]`, `[steps, features]` or `[bands, frames, 1]`. */
  inputShape: readonly number[];
  nClasses: number;
  /** Seeds the initial weights. */
  seed: number;
  /** Dropout rate; default the kind's. */
  dropout?: number;
  /** Recurrent units (sequence models). */
  units?: number;
  /** Hidden widths (MLP). */
  hidden?: number[];
  /** Small VGG channel widths (defaults.ts' VGG_CHANNELS): 'laptop' 8-16-32-64 (default) or 'desktop' 16-32-64-128. */
  channels?: VggSize;
  /** Small VGG with residual blocks; default false. */
  residual?: boolean;
}

export type NetworkBuilder = (o: NetworkBuildOptions) => Network;

interface KindBase<Id extends string> {
  id: Id;
  /** Short name for tables, menus' values and saved-model names: "BiLSTM". */
  label: string;
  /** One line for the model menu: "BiLSTM + layer norm over segment sequences". */
  description: string;
  input: InputKind;
}

export interface NeuralKind<Id extends string = string> extends KindBase<Id> {
  family: 'neural';
  /** Trained with tfjs (in the training worker, or the CLI). */
  trainsWithTf: true;
  /** Training defaults; how they were chosen is recorded in defaults.ts. */
  defaults: ModelDefaults;
  loadBuilder(): Promise<NetworkBuilder>;
}

/** The settings a classic kind exposes (keys of ClassicFitOptions), read by the Classic models cell and `lab classic`. */
export interface ClassicSetting {
  key: 'C' | 'kernel' | 'gamma' | 'nTrees' | 'minSamplesSplit' | 'alpha';
  label: string;
  /** The CLI option, without dashes (`--min-samples-split`). */
  flag: string;
  /** number: positive; integer: whole and ≥ min; choice: one of `options`; gamma: "scale", "auto" or a positive number. */
  type: 'number' | 'integer' | 'choice' | 'gamma';
  default: number | string;
  options?: readonly string[];
  min?: number;
}

export interface ClassicKind<Id extends string = string> extends KindBase<Id> {
  family: 'classic';
  trainsWithTf: false;
  loadFit(): Promise<ClassicFitter>;
  /** Main settings with scikit-learn's defaults (k-NN's live in its own cell). */
  settings?: readonly ClassicSetting[];
  /** Has a cell of its own (k-NN, logistic regression), so the Classic models cell's menu leaves it out. */
  ownCell?: boolean;
  /** Its fit draws random numbers, so a run takes a seed. */
  seeded?: boolean;
}

export type ModelKindEntry = NeuralKind | ClassicKind;

const neural = <Id extends string>(e: Omit<NeuralKind<Id>, 'family' | 'trainsWithTf'>): NeuralKind<Id> => ({ ...e, family: 'neural', trainsWithTf: true });
const classic = <Id extends string>(e: Omit<ClassicKind<Id>, 'family' | 'trainsWithTf'>): ClassicKind<Id> => ({ ...e, family: 'classic', trainsWithTf: false });

const C_SETTING: ClassicSetting = { key: 'C', label: 'C', flag: 'C', type: 'number', default: 1 };
const TREE_SETTINGS: readonly ClassicSetting[] = [
  { key: 'nTrees', label: 'trees', flag: 'trees', type: 'integer', default: 100, min: 1 },
  { key: 'minSamplesSplit', label: 'min samples split', flag: 'min-samples-split', type: 'integer', default: 2, min: 2 },
];

/** Every model kind, in menu order. Defaults: chosen on training tracks only, see defaults.ts. */
export const MODEL_KINDS = {
  knn: classic({
    id: 'knn',
    label: 'k-NN',
    description: 'k nearest neighbours on z-scored feature rows',
    input: 'feature-rows',
    ownCell: true,
    loadFit: async () => (await import('./classifiers')).fitKnn,
  }),
  logistic: classic({
    id: 'logistic',
    label: 'logistic',
    description: 'multinomial logistic regression (L2, scikit-learn’s C)',
    input: 'feature-rows',
    ownCell: true,
    settings: [C_SETTING],
    loadFit: async () => (await import('./classifiers')).fitLogistic,
  }),
  forest: classic({
    id: 'forest',
    label: 'random forest',
    description: 'random forest (Gini impurity, bootstrap, √features per split)',
    input: 'feature-rows',
    settings: TREE_SETTINGS,
    seeded: true,
    loadFit: async () => (await import('./classifiers')).fitForest,
  }),
  svm: classic({
    id: 'svm',
    label: 'SVM',
    description: 'support vector machine (scikit-learn’s SVC: libsvm SMO, one-vs-one votes)',
    input: 'feature-rows',
    settings: [
      C_SETTING,
      { key: 'kernel', label: 'kernel', flag: 'kernel', type: 'choice', default: 'rbf', options: ['rbf', 'linear'] },
      { key: 'gamma', label: 'gamma', flag: 'gamma', type: 'gamma', default: 'scale' },
    ],
    loadFit: async () => (await import('./classifiers')).fitSvm,
  }),
  'linear-svm': classic({
    id: 'linear-svm',
    label: 'linear SVM',
    description: 'linear SVM (LinearSVC-like: squared hinge, one-vs-rest, dual coordinate descent)',
    input: 'feature-rows',
    settings: [C_SETTING],
    seeded: true,
    loadFit: async () => (await import('./classifiers')).fitLinearSvm,
  }),
  'extra-trees': classic({
    id: 'extra-trees',
    label: 'Extra Trees',
    description: 'extremely randomised trees (random thresholds, no bootstrap, √features per split)',
    input: 'feature-rows',
    settings: TREE_SETTINGS,
    seeded: true,
    loadFit: async () => (await import('./classifiers')).fitExtraTrees,
  }),
  sgd: classic({
    id: 'sgd',
    label: 'SGD',
    description: 'linear SVM by stochastic gradient descent (scikit-learn’s SGDClassifier: hinge, one-vs-all)',
    input: 'feature-rows',
    settings: [{ key: 'alpha', label: 'alpha (L2)', flag: 'alpha', type: 'number', default: 1e-4 }],
    seeded: true,
    loadFit: async () => (await import('./classifiers')).fitSgd,
  }),
  mlp: neural({
    id: 'mlp',
    label: 'MLP',
    description: 'MLP (per segment / track)',
    input: 'feature-rows',
    defaults: { epochs: 60, learningRate: 1e-3, batchSize: 32, dropout: 0.3, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./mlp')).buildMlpNetwork,
  }),
  lstm: neural({
    id: 'lstm',
    label: 'LSTM',
    description: 'LSTM over segment sequences',
    input: 'segment-sequences',
    defaults: { epochs: 40, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./sequence')).sequenceBuilder('lstm'),
  }),
  gru: neural({
    id: 'gru',
    label: 'GRU',
    description: 'GRU over segment sequences',
    input: 'segment-sequences',
    defaults: { epochs: 30, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./sequence')).sequenceBuilder('gru'),
  }),
  bilstm: neural({
    id: 'bilstm',
    label: 'BiLSTM',
    description: 'BiLSTM + layer norm',
    input: 'segment-sequences',
    defaults: { epochs: 25, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./sequence')).sequenceBuilder('bilstm'),
  }),
  // CNN defaults are the protocol (epochs 30, Adam 1e-3, batch 32); label smoothing and
  // mixup stay off until a measurement on training folds says they help (defaults.ts).
  cnn: neural({
    id: 'cnn',
    label: 'CNN',
    description: 'small VGG CNN on log-mel spectrogram crops',
    input: 'spectrogram-crops',
    defaults: { epochs: 30, learningRate: 1e-3, batchSize: 32, dropout: 0.3, labelSmoothing: 0, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./cnn')).buildVggFromOptions,
  }),
  'toronto-cnn': neural({
    id: 'toronto-cnn',
    label: 'Toronto CNN',
    description: 'Toronto (APS360) CNN: 2 conv layers + 2 dense on log-mel spectrogram crops',
    input: 'spectrogram-crops',
    defaults: { epochs: 30, learningRate: 1e-3, batchSize: 32, dropout: 0, labelSmoothing: 0, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./cnn')).buildTorontoFromOptions,
  }),
  // The APS360 report's baseline for its CNN: same crops, same training, no convolution.
  'spectrogram-ann': neural({
    id: 'spectrogram-ann',
    label: 'spectrogram ANN',
    description: 'Toronto (APS360) ANN baseline: the log-mel crop flattened → dense 300 → softmax',
    input: 'spectrogram-crops',
    defaults: { epochs: 30, learningRate: 1e-3, batchSize: 32, dropout: 0, labelSmoothing: 0, mixup: 0, schedule: 'constant' },
    loadBuilder: async () => (await import('./cnn')).buildAnnFromOptions,
  }),
} as const satisfies Record<string, ModelKindEntry>;

export type ModelKindId = keyof typeof MODEL_KINDS;
export type NeuralKindId = { [K in ModelKindId]: (typeof MODEL_KINDS)[K] extends NeuralKind ? K : never }[ModelKindId];
export type ClassicKindId = Exclude<ModelKindId, NeuralKindId>;

/** All kinds in menu order. */
export const modelKinds = (): ModelKindEntry[] => Object.values(MODEL_KINDS);
/** Neural kinds in menu order (the Train cell's menu). */
export const neuralKinds = (): NeuralKind<NeuralKindId>[] => modelKinds().filter((k): k is NeuralKind<NeuralKindId> => k.family === 'neural');

/** Classic kinds in menu order. */
export const classicKinds = (): ClassicKind<ClassicKindId>[] => modelKinds().filter((k): k is ClassicKind<ClassicKindId> => k.family === 'classic');

export function isModelKind(id: unknown): id is ModelKindId {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(MODEL_KINDS, id);
}

export function isNeuralKind(id: unknown): id is NeuralKindId {
  return isModelKind(id) && MODEL_KINDS[id].family === 'neural';
}

/** The entry of a kind; an unknown id is a LabError naming the known ones (strategy table, not an if-chain). */
export function modelKind(id: string): ModelKindEntry {
  if (!isModelKind(id)) throw new LabError('bad-argument', `Unknown model "${id}" (known: ${Object.keys(MODEL_KINDS).join(', ')}).`);
  return MODEL_KINDS[id];
}

export function neuralKind(id: string): NeuralKind<NeuralKindId> {
  const k = modelKind(id);
  if (k.family !== 'neural') throw new LabError('bad-argument', `"${id}" is not a neural model (neural: ${neuralKinds().map((n) => n.id).join(', ')}).`);
  return k as NeuralKind<NeuralKindId>;
}

/** "BiLSTM" for "bilstm"; an unknown id (e.g. from a foreign file) is shown as it is. */
export function kindLabel(id: string): string {
  return isModelKind(id) ? MODEL_KINDS[id].label : id;
}

/** Build a fresh network of a neural kind. */
export async function buildNetwork(id: string, o: NetworkBuildOptions): Promise<Network> {
  const kind = neuralKind(id);
  const build = await kind.loadBuilder();
  return build({ ...o, dropout: o.dropout ?? kind.defaults.dropout });
}

/** Fit a classic kind on `trainRows` of `ds`. */
export async function fitClassifier(id: string, ds: Dataset, trainRows: ArrayLike<number>, o: ClassicFitOptions = {}): Promise<Classifier> {
  const kind = modelKind(id);
  if (kind.family !== 'classic') throw new LabError('bad-argument', `"${id}" is trained with tfjs, not fitted directly (classic: ${modelKinds().filter((k) => k.family === 'classic').map((k) => k.id).join(', ')}).`);
  return (await kind.loadFit())(ds, trainRows, o);
}

export function classicKind(id: string): ClassicKind<ClassicKindId> {
  const k = modelKind(id);
  if (k.family !== 'classic') throw new LabError('bad-argument', `"${id}" is not a classic model (classic: ${classicKinds().map((c) => c.id).join(', ')}).`);
  return k as ClassicKind<ClassicKindId>;
}

/** The validated settings of a classic kind, ready for its fitter. */
export type ClassicSettingValues = Pick<ClassicFitOptions, ClassicSetting['key']>;

/**
 * A classic kind's settings from loose values (CLI strings, the cell's numbers): each checked
 * against its declaration, missing ones at their defaults. A bad value is a LabError naming the
 * option and what it accepts.
 */
export function readClassicSettings(id: string, values: Readonly<Record<string, unknown>>): ClassicSettingValues {
  const out: Record<string, number | string> = {};
  for (const s of classicKind(id).settings ?? []) {
    const raw = values[s.key] ?? s.default;
    const bad = (what: string) => new LabError('bad-argument', `${kindLabel(id)} ${s.label} (--${s.flag}) must be ${what}, got "${String(raw)}".`);
    if (s.type === 'choice') {
      if (!s.options?.includes(String(raw))) throw bad(`one of ${s.options?.join(', ')}`);
      out[s.key] = String(raw);
    } else if (s.type === 'gamma' && (raw === 'scale' || raw === 'auto')) out[s.key] = raw;
    else {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (s.type === 'integer') {
        if (!Number.isInteger(v) || v < (s.min ?? 1)) throw bad(`a whole number ≥ ${s.min ?? 1}`);
      } else if (!(v > 0 && Number.isFinite(v))) throw bad(s.type === 'gamma' ? '"scale", "auto" or a positive number' : 'a positive number');
      out[s.key] = v;
    }
  }
  return out as ClassicSettingValues;
}
