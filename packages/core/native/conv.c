/*
 * Convolution kernels around the GEMMs (native/gemm.c): the im2col unfold (plain and transposed),
 * the col2im fold, and the depthwise convolution's input and filter gradients.
 */
#include <wasm_simd128.h>

#include "abi.h"
#include "geometry.h"

/*
 * colsT[(kh, kw, ci), (n, oh, ow)] = x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, ci], 0 in the padding.
 * The transposed unfold, so that the filter gradient is one untransposed GEMM colsT x dy.
 * Output positions run outermost: reads are contiguous channel runs, and the K rows being written
 * advance together one float at a time, so their cache lines fill while they stay in L1.
 */
void im2col_transposed(const float *x, float *cols_t, const int32_t *geometry) {
  const Geometry g = load_geometry(geometry);
  const int32_t m_total = g.batch * g.out_h * g.out_w;
  int32_t m = 0;
  for (int32_t n = 0; n < g.batch; n++) {
    for (int32_t oh = 0; oh < g.out_h; oh++) {
      for (int32_t ow = 0; ow < g.out_w; ow++, m++) {
        float *dst = cols_t + m;
        for (int32_t kh = 0; kh < g.filter_h; kh++) {
          const int32_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
          const int32_t row_ok = ih >= 0 && ih < g.in_h;
          for (int32_t kw = 0; kw < g.filter_w; kw++) {
            const int32_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
            if (row_ok && iw >= 0 && iw < g.in_w) {
              const float *src = x + ((n * g.in_h + ih) * g.in_w + iw) * g.in_c;
              for (int32_t c = 0; c < g.in_c; c++, dst += m_total) *dst = src[c];
            } else {
              for (int32_t c = 0; c < g.in_c; c++, dst += m_total) *dst = 0.0f;
            }
          }
        }
      }
    }
  }
}

/* dst[0..n) = src[0..n), four floats at a time. */
static inline void copy_f32(float *restrict dst, const float *restrict src, int32_t n) {
  int32_t c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
  for (; c < n; c++) dst[c] = src[c];
}

/* dst[0..n) += src[0..n), four floats at a time (each element one float32 add, as a scalar loop). */
static inline void add_f32(float *restrict dst, const float *restrict src, int32_t n) {
  int32_t c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
  for (; c < n; c++) dst[c] += src[c];
}

/*
 * cols[(n, oh, ow), (kh, kw, ci)] = x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, ci], 0 in the padding,
 * for the rows m = (n, oh, ow) in [row_begin, row_end) (so that threads can share one unfold).
 * The unfold that makes a forward convolution one GEMM cols x W (W as [kh, kw, ci, co] is already
 * the [K, co] matrix). Each tap is a contiguous run of in_c floats in both x and cols.
 */
void im2col(const float *restrict x, float *restrict cols, const int32_t *geometry, int32_t row_begin, int32_t row_end) {
  const Geometry g = load_geometry(geometry);
  const int32_t row = g.filter_h * g.filter_w * g.in_c;
  float *dst = cols + row_begin * row;
  int32_t ow = row_begin % g.out_w;
  int32_t oh = (row_begin / g.out_w) % g.out_h;
  int32_t n = row_begin / (g.out_w * g.out_h);
  for (int32_t m = row_begin; m < row_end; m++) {
    for (int32_t kh = 0; kh < g.filter_h; kh++) {
      const int32_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
      const int32_t row_ok = ih >= 0 && ih < g.in_h;
      for (int32_t kw = 0; kw < g.filter_w; kw++, dst += g.in_c) {
        const int32_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
        if (row_ok && iw >= 0 && iw < g.in_w) {
          copy_f32(dst, x + ((n * g.in_h + ih) * g.in_w + iw) * g.in_c, g.in_c);
        } else {
          for (int32_t c = 0; c < g.in_c; c++) dst[c] = 0.0f;
        }
      }
    }
    if (++ow == g.out_w) {
      ow = 0;
      if (++oh == g.out_h) {
        oh = 0;
        n++;
      }
    }
  }
}

/*
 * dx[n, ih, iw, ci] = sum of cols[(n, oh, ow), (kh, kw, ci)] over the taps that read (ih, iw), for
 * the rows r = (n, ih) of dx in [row_begin, row_end); those rows are overwritten. Rows are
 * independent, so threads can share one fold; each row starts from 0 and takes its terms in
 * increasing (oh, ow) (kh and kw descending), the order of a scatter over the rows of cols, so the
 * sums are the same whatever the split.
 */
void col2im(const float *cols, float *dx, const int32_t *geometry, int32_t row_begin, int32_t row_end) {
  const Geometry g = load_geometry(geometry);
  const int32_t row = g.filter_h * g.filter_w * g.in_c;
  const int32_t dx_row = g.in_w * g.in_c;
  for (int32_t r = row_begin; r < row_end; r++) {
    const int32_t n = r / g.in_h;
    const int32_t ih = r - n * g.in_h;
    float *d = dx + r * dx_row;
    for (int32_t i = 0; i < dx_row; i++) d[i] = 0.0f;
    for (int32_t kh = g.filter_h - 1; kh >= 0; kh--) {
      const int32_t t = ih + g.pad_top - kh * g.dilation_h;
      if (t < 0 || t % g.stride_h != 0) continue;
      const int32_t oh = t / g.stride_h;
      if (oh >= g.out_h) continue;
      const float *src_rows = cols + (n * g.out_h + oh) * g.out_w * row;
      for (int32_t kw = g.filter_w - 1; kw >= 0; kw--) {
        const float *s = src_rows + (kh * g.filter_w + kw) * g.in_c;
        for (int32_t ow = 0; ow < g.out_w; ow++, s += row) {
          const int32_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
          if (iw < 0 || iw >= g.in_w) continue;
          add_f32(d + iw * g.in_c, s, g.in_c);
        }
      }
    }
  }
}

/* Depthwise input gradient: dx[n, ih, iw, c] = sum dy[n, oh, ow, c*m + q] * w[kh, kw, c, q]. dx is overwritten. */
void depthwise_backprop_input(const float *dy, const float *w, float *dx, const int32_t *geometry) {
  const Geometry g = load_geometry(geometry);
  const int32_t mult = g.out_c / g.in_c;
  const int32_t dx_size = g.batch * g.in_h * g.in_w * g.in_c;
  for (int32_t i = 0; i < dx_size; i++) dx[i] = 0.0f;
  for (int32_t n = 0; n < g.batch; n++) {
    for (int32_t oh = 0; oh < g.out_h; oh++) {
      for (int32_t ow = 0; ow < g.out_w; ow++) {
        const float *dy_px = dy + ((n * g.out_h + oh) * g.out_w + ow) * g.out_c;
        for (int32_t kh = 0; kh < g.filter_h; kh++) {
          const int32_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
          if (ih < 0 || ih >= g.in_h) continue;
          for (int32_t kw = 0; kw < g.filter_w; kw++) {
            const int32_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
            if (iw < 0 || iw >= g.in_w) continue;
            float *d = dx + ((n * g.in_h + ih) * g.in_w + iw) * g.in_c;
            const float *wk = w + (kh * g.filter_w + kw) * g.out_c;
            if (mult == 1) {
              for (int32_t c = 0; c < g.in_c; c++) d[c] += dy_px[c] * wk[c];
            } else {
              for (int32_t c = 0; c < g.in_c; c++) {
                float sum = 0.0f;
                for (int32_t q = 0; q < mult; q++) sum += dy_px[c * mult + q] * wk[c * mult + q];
                d[c] += sum;
              }
            }
          }
        }
      }
    }
  }
}

/* Depthwise filter gradient: dw[kh, kw, c, q] = sum x[n, ih, iw, c] * dy[n, oh, ow, c*m + q]. dw is overwritten. */
void depthwise_backprop_filter(const float *x, const float *dy, float *dw, const int32_t *geometry) {
  const Geometry g = load_geometry(geometry);
  const int32_t mult = g.out_c / g.in_c;
  const int32_t dw_size = g.filter_h * g.filter_w * g.out_c;
  for (int32_t i = 0; i < dw_size; i++) dw[i] = 0.0f;
  for (int32_t n = 0; n < g.batch; n++) {
    for (int32_t oh = 0; oh < g.out_h; oh++) {
      for (int32_t ow = 0; ow < g.out_w; ow++) {
        const float *dy_px = dy + ((n * g.out_h + oh) * g.out_w + ow) * g.out_c;
        for (int32_t kh = 0; kh < g.filter_h; kh++) {
          const int32_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
          if (ih < 0 || ih >= g.in_h) continue;
          for (int32_t kw = 0; kw < g.filter_w; kw++) {
            const int32_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
            if (iw < 0 || iw >= g.in_w) continue;
            const float *xp = x + ((n * g.in_h + ih) * g.in_w + iw) * g.in_c;
            float *d = dw + (kh * g.filter_w + kw) * g.out_c;
            if (mult == 1) {
              for (int32_t c = 0; c < g.in_c; c++) d[c] += xp[c] * dy_px[c];
            } else {
              for (int32_t c = 0; c < g.in_c; c++) {
                for (int32_t q = 0; q < mult; q++) d[c * mult + q] += xp[c] * dy_px[c * mult + q];
              }
            }
          }
        }
      }
    }
  }
}
