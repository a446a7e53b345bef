import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON, referenceUnavailable, tempExchange, writeNpy } from './reference';

const missing = referenceUnavailable(['numpy']);
if (missing) console.log(`bench/reference.test.ts: numpy round trip skipped — ${missing}`);

describe.skipIf(!!missing)('writeNpy', () => {
  it('numpy reads back the shape, dtype and values (numpy is the independent reader)', () => {
    const ex = tempExchange();
    try {
      // 3 × 2 float64 with values whose float64 bits matter, a float32 with a header-padding edge, int32 with negatives.
      writeNpy(ex.path('a.npy'), Float64Array.of(0.1, -2, 1e-300, 3.5, Math.PI, -0), [3, 2]);
      writeNpy(ex.path('b.npy'), Float32Array.of(1.5, -0.25), [2]);
      writeNpy(ex.path('c.npy'), Int32Array.of(-7, 0, 2147483647), [3]);
      const py = `
import numpy as np, json, sys
a, b, c = (np.load(sys.argv[i]) for i in (1, 2, 3))
print(json.dumps([list(a.shape), str(a.dtype), a.tolist(), list(b.shape), str(b.dtype), b.tolist(), str(c.dtype), c.tolist()]))`;
      const r = spawnSync(PYTHON, ['-c', py, ex.path('a.npy'), ex.path('b.npy'), ex.path('c.npy')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const [aShape, aType, a, bShape, bType, b, cType, c] = JSON.parse(r.stdout);
      expect(aShape).toEqual([3, 2]);
      expect(aType).toBe('float64');
      expect(a).toEqual([[0.1, -2], [1e-300, 3.5], [Math.PI, -0]]);
      expect(bShape).toEqual([2]);
      expect(bType).toBe('float32');
      expect(b).toEqual([1.5, -0.25]);
      expect(cType).toBe('int32');
      expect(c).toEqual([-7, 0, 2147483647]);
    } finally {
      ex.dispose();
    }
  });
});
