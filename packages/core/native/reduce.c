/*
 * Reductions: unsorted segment sums (float and int) and column sums over rows.
 */
#include <wasm_simd128.h>

#include "abi.h"

/* out[s, j] = sum over i with ids[i] == s of x[i, j]; ids outside [0, segments) are dropped. out is overwritten. */
void unsorted_segment_sum_f32(const float *x, const int32_t *ids, float *out, int32_t count, int32_t inner, int32_t segments) {
  for (int32_t i = 0; i < segments * inner; i++) out[i] = 0.0f;
  for (int32_t i = 0; i < count; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;
    float *d = out + s * inner;
    const float *src = x + i * inner;
    for (int32_t j = 0; j < inner; j++) d[j] += src[j];
  }
}

void unsorted_segment_sum_i32(const int32_t *x, const int32_t *ids, int32_t *out, int32_t count, int32_t inner, int32_t segments) {
  for (int32_t i = 0; i < segments * inner; i++) out[i] = 0;
  for (int32_t i = 0; i < count; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;
    int32_t *d = out + s * inner;
    const int32_t *src = x + i * inner;
    for (int32_t j = 0; j < inner; j++) d[j] += src[j];
  }
}

/*
 * out[j] = scale * sum_i x[i, j] for x of shape [rows, cols]: sums (scale 1) and means
 * (scale 1/rows) over leading axes, as in bias gradients and batch-norm statistics.
 */
void sum_rows_f32(const float *restrict x, float *restrict out, int32_t rows, int32_t cols, float scale) {
  for (int32_t j = 0; j < cols; j++) out[j] = 0.0f;
  for (int32_t i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    for (int32_t j = 0; j < cols; j++) out[j] += row[j];
  }
  if (scale != 1.0f) {
    for (int32_t j = 0; j < cols; j++) out[j] *= scale;
  }
}
