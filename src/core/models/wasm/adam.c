/*
 * One Adam step over a flat vector of weights, as a WebAssembly SIMD kernel (adamKernel.ts loads
 * it; fusedKernels.ts's adamStep runs it where it can and keeps its per-op path otherwise):
 *   m = f32(m * b1) + f32(g * c1)                     (c1 = 1 - b1, as float32)
 *   v = f32(v * b2) + f32(f32(g * g) * c2)            (c2 = 1 - b2)
 *   w = w - f32(m * stepScale) / (f32(sqrt(v) * vScale) + eps)
 * each operation rounded to float32 as tfjs's elementwise kernels round it, so the weights are
 * bit for bit those of the per-op update. Arrays are padded to a multiple of 4 floats.
 */
#include <wasm_simd128.h>

void adamStep(float *m, float *v, float *w, const float *g, int n, float b1, float c1, float b2, float c2, float stepScale,
              float vScale, float eps) {
  const v128_t B1 = wasm_f32x4_splat(b1), C1 = wasm_f32x4_splat(c1), B2 = wasm_f32x4_splat(b2), C2 = wasm_f32x4_splat(c2);
  const v128_t S = wasm_f32x4_splat(stepScale), V = wasm_f32x4_splat(vScale), E = wasm_f32x4_splat(eps);
  for (int i = 0; i < n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gi, C1));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), C2));
    v128_t step = wasm_f32x4_div(wasm_f32x4_mul(mi, S), wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sqrt(vi), V), E));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    wasm_v128_store(w + i, wasm_f32x4_sub(wasm_v128_load(w + i), step));
  }
}
