/*
 * One fused Adam / AMSGrad update.
 */
#include <wasm_simd128.h>

#include "abi.h"

/*
 * One Adam step over n elements, PyTorch's order of operations, each a single float32 operation
 * as the composed tfjs ops do them (core's adamStep):
 *   m' = m * beta1 + g * (1 - beta1);  v' = v * beta2 + (g * g) * (1 - beta2)
 *   vmax' = max(vmax, v') (AMSGrad, when vmax is not 0)
 *   w' = w - (m' / (sqrt(amsgrad ? vmax' : v') / bc2_sqrt + epsilon)) * step_size
 * The constants come as float32 values (the scalars the composed ops would make). Outputs may not
 * alias inputs. Four lanes at a time with the same operations as the scalar tail.
 */
void adam_f32(const float *restrict w, const float *restrict g, const float *restrict m, const float *restrict v,
              const float *restrict vmax, float *restrict w_out, float *restrict m_out, float *restrict v_out,
              float *restrict vmax_out, int32_t n, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
              float bc2_sqrt, float epsilon, float step_size) {
  const v128_t b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(one_minus_beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(one_minus_beta2);
  const v128_t bc = wasm_f32x4_splat(bc2_sqrt), eps = wasm_f32x4_splat(epsilon), lr = wasm_f32x4_splat(step_size);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), b1), wasm_f32x4_mul(gi, c1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), b2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), c2));
    v128_t second = vi;
    if (vmax) {
      /* tfjs's Maximum: NaN if either is NaN, else the larger (v' when equal). */
      const v128_t old = wasm_v128_load(vmax + i);
      second = wasm_f32x4_max(old, vi);
      wasm_v128_store(vmax_out + i, second);
    }
    const v128_t denominator = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(second), bc), eps);
    const v128_t update = wasm_f32x4_mul(wasm_f32x4_div(mi, denominator), lr);
    wasm_v128_store(w_out + i, wasm_f32x4_sub(wasm_v128_load(w + i), update));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
  }
  for (; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (gi * gi) * one_minus_beta2;
    float second = vi;
    if (vmax) {
      const float old = vmax[i];
      second = wasm_f32x4_extract_lane(wasm_f32x4_max(wasm_f32x4_splat(old), wasm_f32x4_splat(vi)), 0);
      vmax_out[i] = second;
    }
    w_out[i] = w[i] - (mi / (__builtin_sqrtf(second) / bc2_sqrt + epsilon)) * step_size;
    m_out[i] = mi;
    v_out[i] = vi;
  }
}
