import { beforeAll, describe, expect, it } from 'vitest';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { initNodeBackend } from '../../node/tfNode';
import { trainClassifier } from './classifier';

const parts = ['data', 'gtzan', 'GenreClassData_30s.txt'];
const skip = skipReason(...parts);

describe.skipIf(skip !== undefined)('accuracy on NTNU tables', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
  });

  it('MLP on NTNU 30 s (predefined split, seed 0, 40 epochs) is far above chance (10 %)', async () => {
    const ds = loadTableFile(sharedPath(...parts)!);
    const c = await trainClassifier(ds, { kind: 'mlp', seed: 0, epochs: 40 });
    // PyTorch reaches 74.5 % ± 1.8 with the full schedule; 40 epochs of ours gives ~72–75 %.
    expect(c.test.evaluation.n).toBe(198);
    expect(c.test.evaluation.accuracy).toBeGreaterThanOrEqual(0.68);
    c.dispose();
  });
});
