/*
 * Batch normalization with per-channel statistics.
 */
#include <wasm_simd128.h>

#include "abi.h"

/*
 * Batch normalization with per-channel statistics, channels innermost:
 * out = (x - mean) * (scale / sqrt(variance + epsilon)) + offset. Each of mean, variance, offset
 * and scale has `channels` values or one (its *_len); offset and scale may be absent (0).
 * `scratch` holds 3 * channels floats.
 */
void batch_norm_f32(const float *restrict x, const float *restrict mean, int32_t mean_len, const float *restrict variance,
                    int32_t variance_len, const float *restrict offset, int32_t offset_len, const float *restrict scale,
                    int32_t scale_len, float *restrict out, int32_t n, int32_t channels, float epsilon, float *restrict scratch) {
  float *m = scratch;
  float *a = scratch + channels;
  float *o = scratch + 2 * channels;
  for (int32_t c = 0; c < channels; c++) {
    const float v = variance[variance_len == 1 ? 0 : c];
    const float s = scale ? scale[scale_len == 1 ? 0 : c] : 1.0f;
    m[c] = mean[mean_len == 1 ? 0 : c];
    a[c] = s / __builtin_sqrtf(v + epsilon);
    o[c] = offset ? offset[offset_len == 1 ? 0 : c] : 0.0f;
  }
  for (int32_t i = 0; i < n; i += channels) {
    for (int32_t c = 0; c < channels; c++) out[i + c] = (x[i + c] - m[c]) * a[c] + o[c];
  }
}
