/*
 * Matrix-vector product.
 */
#include <wasm_simd128.h>

#include "abi.h"

/*
 * out[i] = sum_p a[i * lda + p] * x[p] for i < m: a matrix times one column (a dense layer with one
 * unit). Sixteen products per step in four vector accumulators, which are added in a fixed order at
 * the end, then the tail: every sum has the same order on every run.
 */
void gemv_f32(const float *restrict a, const float *restrict x, float *restrict out, int32_t m, int32_t k, int32_t lda) {
  for (int32_t i = 0; i < m; i++, a += lda) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    int32_t p = 0;
    for (; p + 16 <= k; p += 16) {
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + p), wasm_v128_load(x + p)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + p + 4), wasm_v128_load(x + p + 4)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + p + 8), wasm_v128_load(x + p + 8)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + p + 12), wasm_v128_load(x + p + 12)));
    }
    const v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    float sum = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
                (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
    for (; p < k; p++) sum += a[p] * x[p];
    out[i] = sum;
  }
}
