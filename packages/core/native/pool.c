/*
 * Max pooling: the forward pass and its gradient.
 */
#include <wasm_simd128.h>

#include "abi.h"
#include "geometry.h"

/*
 * Max pooling, NHWC: out[n, oh, ow, c] = the greatest x over the window's in-range pixels, taken in
 * row-major window order as "first strictly greater" (the cpu backend's rule: NaN never wins, a
 * window with nothing above -Infinity gives -Infinity). Four channels at a time.
 */
void max_pool_f32(const float *restrict x, float *restrict out, const int32_t *geometry) {
  const Geometry g = load_geometry(geometry);
  const int32_t channels = g.in_c;
  for (int32_t n = 0; n < g.batch; n++) {
    for (int32_t oh = 0; oh < g.out_h; oh++) {
      const int32_t ih0 = oh * g.stride_h - g.pad_top;
      for (int32_t ow = 0; ow < g.out_w; ow++, out += channels) {
        const int32_t iw0 = ow * g.stride_w - g.pad_left;
        int32_t c = 0;
        for (; c + 4 <= channels; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          for (int32_t fh = 0; fh < g.filter_h; fh++) {
            const int32_t ih = ih0 + fh * g.dilation_h;
            if (ih < 0 || ih >= g.in_h) continue;
            for (int32_t fw = 0; fw < g.filter_w; fw++) {
              const int32_t iw = iw0 + fw * g.dilation_w;
              if (iw < 0 || iw >= g.in_w) continue;
              const v128_t v = wasm_v128_load(x + ((n * g.in_h + ih) * g.in_w + iw) * channels + c);
              best = wasm_v128_bitselect(v, best, wasm_f32x4_gt(v, best));
            }
          }
          wasm_v128_store(out + c, best);
        }
        for (; c < channels; c++) {
          float best = -__builtin_inff();
          for (int32_t fh = 0; fh < g.filter_h; fh++) {
            const int32_t ih = ih0 + fh * g.dilation_h;
            if (ih < 0 || ih >= g.in_h) continue;
            for (int32_t fw = 0; fw < g.filter_w; fw++) {
              const int32_t iw = iw0 + fw * g.dilation_w;
              if (iw < 0 || iw >= g.in_w) continue;
              const float v = x[((n * g.in_h + ih) * g.in_w + iw) * channels + c];
              if (v > best) best = v;
            }
          }
          out[c] = best;
        }
      }
    }
  }
}

/*
 * Max-pool gradient: each window's dy goes to its first strictly greatest input (the cpu
 * backend's rule); a window with no value above -Infinity (all -Inf or NaN) passes nothing.
 * Four channels at a time keep their running maxima and argmax offsets in SIMD registers.
 * dx is overwritten.
 */
void max_pool_grad(const float *restrict x, const float *restrict dy, float *restrict dx, const int32_t *geometry) {
  const Geometry g = load_geometry(geometry);
  const int32_t channels = g.in_c;
  const int32_t dx_size = g.batch * g.in_h * g.in_w * channels;
  for (int32_t i = 0; i < dx_size; i++) dx[i] = 0.0f;
  const v128_t lane_offsets = wasm_i32x4_make(0, 1, 2, 3);
  const float *dy_px = dy;
  for (int32_t n = 0; n < g.batch; n++) {
    for (int32_t oh = 0; oh < g.out_h; oh++) {
      const int32_t ih0 = oh * g.stride_h - g.pad_top;
      for (int32_t ow = 0; ow < g.out_w; ow++, dy_px += channels) {
        const int32_t iw0 = ow * g.stride_w - g.pad_left;
        int32_t c = 0;
        for (; c + 4 <= channels; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t arg = wasm_i32x4_splat(-1);
          for (int32_t fh = 0; fh < g.filter_h; fh++) {
            const int32_t ih = ih0 + fh * g.dilation_h;
            if (ih < 0 || ih >= g.in_h) continue;
            for (int32_t fw = 0; fw < g.filter_w; fw++) {
              const int32_t iw = iw0 + fw * g.dilation_w;
              if (iw < 0 || iw >= g.in_w) continue;
              const int32_t at = ((n * g.in_h + ih) * g.in_w + iw) * channels + c;
              const v128_t v = wasm_v128_load(x + at);
              const v128_t greater = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, greater);
              arg = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), lane_offsets), arg, greater);
            }
          }
          int32_t lanes[4] = {wasm_i32x4_extract_lane(arg, 0), wasm_i32x4_extract_lane(arg, 1),
                              wasm_i32x4_extract_lane(arg, 2), wasm_i32x4_extract_lane(arg, 3)};
          for (int32_t l = 0; l < 4; l++) {
            if (lanes[l] >= 0) dx[lanes[l]] += dy_px[c + l];
          }
        }
        for (; c < channels; c++) {
          float best = -__builtin_inff();
          int32_t arg = -1;
          for (int32_t fh = 0; fh < g.filter_h; fh++) {
            const int32_t ih = ih0 + fh * g.dilation_h;
            if (ih < 0 || ih >= g.in_h) continue;
            for (int32_t fw = 0; fw < g.filter_w; fw++) {
              const int32_t iw = iw0 + fw * g.dilation_w;
              if (iw < 0 || iw >= g.in_w) continue;
              const int32_t at = ((n * g.in_h + ih) * g.in_w + iw) * channels + c;
              if (x[at] > best) {
                best = x[at];
                arg = at;
              }
            }
          }
          if (arg >= 0) dx[arg] += dy_px[c];
        }
      }
    }
  }
}
