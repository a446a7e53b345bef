import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { LabError } from '../errors';
import { buildNetwork, classicKinds, isNeuralKind, kindLabel, MODEL_KINDS, modelKind, modelKinds, neuralKind, neuralKinds, readClassicSettings } from './registry';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('model registry', () => {
  it('lists every kind once, keyed by its own id, classic before neural in menu order', () => {
    const ids = modelKinds().map((k) => k.id);
    expect(ids).toEqual(['knn', 'logistic', 'forest', 'svm', 'linear-svm', 'extra-trees', 'sgd', 'mlp', 'lstm', 'gru', 'bilstm', 'cnn', 'toronto-cnn', 'spectrogram-ann']);
    for (const [key, k] of Object.entries(MODEL_KINDS)) expect(k.id).toBe(key);
    expect(neuralKinds().map((k) => k.id)).toEqual(['mlp', 'lstm', 'gru', 'bilstm', 'cnn', 'toronto-cnn', 'spectrogram-ann']);
    expect(neuralKinds().every((k) => k.trainsWithTf)).toBe(true);
    expect(modelKinds().filter((k) => k.family === 'classic').every((k) => !k.trainsWithTf)).toBe(true);
  });

  it('says which kinds exist when asked for an unknown one', () => {
    expect(() => modelKind('xgboost')).toThrow(LabError);
    expect(() => modelKind('xgboost')).toThrow(/Unknown model "xgboost" \(known: knn, logistic, forest, svm, linear-svm, extra-trees, sgd, mlp, lstm, gru, bilstm, cnn, toronto-cnn, spectrogram-ann\)/);
    expect(() => neuralKind('knn')).toThrow(/not a neural model/);
    expect(isNeuralKind('bilstm')).toBe(true);
    expect(isNeuralKind('knn')).toBe(false);
    expect(isNeuralKind('constructor')).toBe(false); // not fooled by Object.prototype
  });

  it('classic kinds carry their settings with scikit-learn’s defaults, and bad values are refused by name', () => {
    expect(classicKinds().filter((k) => !k.ownCell).map((k) => k.id)).toEqual(['forest', 'svm', 'linear-svm', 'extra-trees', 'sgd']);
    // SVC(C=1.0, kernel='rbf', gamma='scale'); ExtraTreesClassifier(n_estimators=100, min_samples_split=2); SGDClassifier(alpha=0.0001).
    expect(readClassicSettings('svm', {})).toEqual({ C: 1, kernel: 'rbf', gamma: 'scale' });
    expect(readClassicSettings('extra-trees', {})).toEqual({ nTrees: 100, minSamplesSplit: 2 });
    expect(readClassicSettings('sgd', {})).toEqual({ alpha: 1e-4 });
    expect(readClassicSettings('svm', { C: '10', kernel: 'linear', gamma: '0.5' })).toEqual({ C: 10, kernel: 'linear', gamma: 0.5 });
    expect(readClassicSettings('svm', { gamma: 'auto' }).gamma).toBe('auto');
    expect(() => readClassicSettings('svm', { kernel: 'poly' })).toThrow(/SVM kernel \(--kernel\) must be one of rbf, linear, got "poly"/);
    expect(() => readClassicSettings('svm', { gamma: 'wide' })).toThrow(/"scale", "auto" or a positive number/);
    expect(() => readClassicSettings('extra-trees', { minSamplesSplit: 1 })).toThrow(/whole number ≥ 2/);
    expect(() => readClassicSettings('mlp', {})).toThrow(/not a classic model/);
  });

  it('shows students the label, not the id ("BiLSTM", not "BILSTM")', () => {
    expect(kindLabel('bilstm')).toBe('BiLSTM');
    expect(kindLabel('knn')).toBe('k-NN');
    expect(kindLabel('something-else')).toBe('something-else');
  });

  it('builds each neural kind for the input its entry names, with the kind’s default dropout', async () => {
    // Parameter counts by hand: MLP 4→256→128→64→3; LSTM(128) on 4 features: 4·(128·4 + 128·128 + 128) …
    const mlp = await buildNetwork('mlp', { inputShape: [4], nClasses: 3, seed: 1 });
    const count = (n: typeof mlp) => n.variables.reduce((a, v) => a + v.size, 0);
    expect(mlp.inputShape).toEqual([4]);
    expect(count(mlp)).toBe(4 * 256 + 256 + 256 * 128 + 128 + 128 * 64 + 64 + 64 * 3 + 3);
    expect(mlp.model.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => l.getConfig()['rate'])).toEqual([0.3, 0.3, 0.3]);
    mlp.dispose();
    const lstm = await buildNetwork('lstm', { inputShape: [3, 4], nClasses: 3, seed: 1 });
    expect(lstm.inputShape).toEqual([3, 4]);
    expect(count(lstm)).toBe(4 * (4 * 128 + 128 * 128 + 128) + 128 * 128 + 128 + 128 * 3 + 3);
    expect(lstm.model.layers.find((l) => l.getClassName() === 'Dropout')?.getConfig()['rate']).toBe(MODEL_KINDS.lstm.defaults.dropout);
    lstm.dispose();
    await expect(buildNetwork('lstm', { inputShape: [4], nClasses: 3, seed: 1 })).rejects.toThrow(/reads sequences/);
    await expect(buildNetwork('knn', { inputShape: [4], nClasses: 3, seed: 1 })).rejects.toThrow(/not a neural model/);
  });

  it('builds the CNN kinds for [bands, frames, 1] crops: small VGG widths by channels, Toronto by hand-counted parameters', async () => {
    expect(MODEL_KINDS.cnn.input).toBe('spectrogram-crops');
    expect(MODEL_KINDS['toronto-cnn'].input).toBe('spectrogram-crops');
    const count = (n: { variables: { size: number }[] }) => n.variables.reduce((a, v) => a + v.size, 0);
    // Small VGG, desktop: convs 3·3·(1·16 + 16·32 + 32·64 + 64·128) without bias, batch norm γ, β per channel, dense 128 → 3.
    const vgg = await buildNetwork('cnn', { inputShape: [16, 16, 1], nClasses: 3, seed: 1, channels: 'desktop' });
    expect(count(vgg)).toBe(9 * (16 + 16 * 32 + 32 * 64 + 64 * 128) + 2 * (16 + 32 + 64 + 128) + 128 * 3 + 3);
    expect(vgg.model.layers.find((l) => l.getClassName() === 'Dropout')?.getConfig()['rate']).toBe(MODEL_KINDS.cnn.defaults.dropout);
    vgg.dispose();
    // Toronto: 5×5 convs 1→8→16 with bias, 16×16 → 4×4 after two poolings, dense 256 → 64 → 3.
    const toronto = await buildNetwork('toronto-cnn', { inputShape: [16, 16, 1], nClasses: 3, seed: 1 });
    expect(count(toronto)).toBe(25 * 8 + 8 + 25 * 8 * 16 + 16 + 4 * 4 * 16 * 64 + 64 + 64 * 3 + 3);
    toronto.dispose();
    // APS360 ANN baseline on a 10 s crop of 64 bands (431 frames): flattened 64·431 → 300 → 3,
    // i.e. bands × frames × 300 + 300 + 300 × genres + genres.
    expect(MODEL_KINDS['spectrogram-ann'].input).toBe('spectrogram-crops');
    const ann = await buildNetwork('spectrogram-ann', { inputShape: [64, 431, 1], nClasses: 3, seed: 1 });
    expect(count(ann)).toBe(64 * 431 * 300 + 300 + 300 * 3 + 3);
    expect(ann.model.countParams()).toBe(8_276_403);
    ann.dispose();
    await expect(buildNetwork('spectrogram-ann', { inputShape: [64, 431], nClasses: 3, seed: 1 })).rejects.toThrow(/\[bands, frames, 1\]/);
    await expect(buildNetwork('cnn', { inputShape: [16, 4], nClasses: 3, seed: 1 })).rejects.toThrow(/\[bands, frames, 1\]/);
  });
});
