/** Pooled statistics used by the recipes (float64 accumulation; population variance like np.var). */

/** Mean and population variance of `x` (optionally a strided view: every `stride`-th value from `offset`). */
export function meanVar(x: ArrayLike<number>, offset = 0, stride = 1, count = Math.floor((x.length - offset + stride - 1) / stride)): [number, number] {
  if (count <= 0) return [0, 0];
  let s = 0;
  for (let i = 0; i < count; i++) s += x[offset + i * stride] as number;
  const m = s / count;
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = (x[offset + i * stride] as number) - m;
    v += d * d;
  }
  return [m, v / count];
}
