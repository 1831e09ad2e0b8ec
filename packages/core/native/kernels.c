/*
 * bigmodel's WebAssembly kernels for the tfjs wasm backend.
 *
 * These are the loops of the training kernels that tfjs-backend-wasm 4.22 lacks or runs slowly
 * (im2col / col2im around GEMMs, max-pool gradient, depthwise convolution gradients,
 * unsorted segment sum, reductions, tile, and a few elementwise ops). The module imports the tfjs wasm module's own linear memory and
 * works in place on tensors' heap offsets, so no data is copied between JavaScript and wasm.
 *
 * The module must own no memory of its own: no static data and no stack frames (build.mjs checks
 * both), because every byte of the imported memory belongs to the tfjs allocator. Hence plain
 * scalar loops over pointer arguments, with no local arrays.
 *
 * Layouts are NHWC; filters are [kh, kw, in, out] as in TensorFlow.js.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* The geometry of one 2-D convolution or pooling window, as backend_util.Conv2DInfo describes it. */
typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int32_t filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} Geometry;

/* Reads a Geometry from 15 consecutive int32 values at `g`. */
static inline Geometry load_geometry(const int32_t *g) {
  Geometry r = {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14]};
  return r;
}

/*
 * colsT[(kh, kw, ci), (n, oh, ow)] = x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, ci], 0 in the padding.
 * The transposed unfold, so that the filter gradient is one untransposed GEMM colsT x dy.
 * Output positions run outermost: reads are contiguous channel runs, and the K rows being written
 * advance together one float at a time, so their cache lines fill while they stay in L1.
 */
EXPORT(im2col_transposed)
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
EXPORT(im2col)
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
EXPORT(col2im)
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

/*
 * Max-pool gradient: each window's dy goes to its first strictly greatest input (the cpu
 * backend's rule); a window with no value above -Infinity (all -Inf or NaN) passes nothing.
 * Four channels at a time keep their running maxima and argmax offsets in SIMD registers.
 * dx is overwritten.
 */
EXPORT(max_pool_grad)
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

/* Depthwise input gradient: dx[n, ih, iw, c] = sum dy[n, oh, ow, c*m + q] * w[kh, kw, c, q]. dx is overwritten. */
EXPORT(depthwise_backprop_input)
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
EXPORT(depthwise_backprop_filter)
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

/* out[s, j] = sum over i with ids[i] == s of x[i, j]; ids outside [0, segments) are dropped. out is overwritten. */
EXPORT(unsorted_segment_sum_f32)
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

EXPORT(unsorted_segment_sum_i32)
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
EXPORT(sum_rows_f32)
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

/*
 * Tile for 4-byte elements: out = x repeated reps[d] times along each dimension d.
 * `spec` holds [rank, x_shape[0..rank), reps[0..rank)]. First every row of x is repeated along
 * the last dimension into its first copy in out; then, from the innermost dimension outwards, each
 * finished block is copied reps[d] - 1 more times.
 */
EXPORT(tile_32)
void tile_32(const int32_t *restrict x, int32_t *restrict out, const int32_t *spec) {
  const int32_t rank = spec[0];
  const int32_t *shape = spec + 1;
  const int32_t *reps = spec + 1 + rank;
  const int32_t row = shape[rank - 1];
  /* out_stride(d) = product over j > d of shape[j] * reps[j] */
#define OUT_STRIDE(d, result)                                            \
  do {                                                                   \
    int32_t s_ = 1;                                                      \
    for (int32_t j_ = rank - 1; j_ > (d); j_--) s_ *= shape[j_] * reps[j_]; \
    (result) = s_;                                                       \
  } while (0)
  int32_t rows = 1;
  for (int32_t d = 0; d < rank - 1; d++) rows *= shape[d];
  for (int32_t r = 0; r < rows; r++) {
    /* Where row r of x starts in out: its multi-index over dims 0..rank-2, placed by out strides. */
    int32_t offset = 0;
    int32_t rest = r;
    for (int32_t d = rank - 2; d >= 0; d--) {
      int32_t stride;
      OUT_STRIDE(d, stride);
      offset += (rest % shape[d]) * stride;
      rest /= shape[d];
    }
    for (int32_t t = 0; t < reps[rank - 1]; t++) {
      __builtin_memcpy(out + offset + t * row, x + r * row, (uint32_t)row * 4u);
    }
  }
  for (int32_t d = rank - 2; d >= 0; d--) {
    if (reps[d] == 1) continue;
    int32_t stride;
    OUT_STRIDE(d, stride);
    const int32_t block = shape[d] * stride;
    int32_t prefixes = 1;
    for (int32_t j = 0; j < d; j++) prefixes *= shape[j];
    for (int32_t p = 0; p < prefixes; p++) {
      int32_t offset = 0;
      int32_t rest = p;
      for (int32_t j = d - 1; j >= 0; j--) {
        int32_t s;
        OUT_STRIDE(j, s);
        offset += (rest % shape[j]) * s;
        rest /= shape[j];
      }
      for (int32_t t = 1; t < reps[d]; t++) {
        __builtin_memcpy(out + offset + t * block, out + offset, (uint32_t)block * 4u);
      }
    }
  }
#undef OUT_STRIDE
}

/* ---- Elementwise kernels (the stock ones are scalar loops at 4-20 ns per element) ---- */

/* out = x > 0 ? x : alpha * x */
EXPORT(leaky_relu_f32)
void leaky_relu_f32(const float *restrict x, float *restrict out, int32_t n, float alpha) {
  for (int32_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
}

/*
 * In place: x[r, c] = act(x[r, c] + bias[c]) (no bias when `bias` is 0), the epilogue of a fused
 * convolution. act: 0 linear, 1 relu, 2 relu6, 4 leaky relu with slope alpha (tfjs's
 * FusableActivation numbering).
 */
EXPORT(bias_activation_f32)
void bias_activation_f32(float *x, const float *bias, int32_t rows, int32_t cols, int32_t activation, float alpha) {
  const v128_t zero = wasm_f32x4_splat(0.0f), six = wasm_f32x4_splat(6.0f), slope = wasm_f32x4_splat(alpha);
  for (int32_t r = 0; r < rows; r++, x += cols) {
    int32_t c = 0;
    /* Four at a time: the same operations as the scalar tail, lane by lane (bitselect picks). */
    for (; c + 4 <= cols; c += 4) {
      v128_t v = wasm_v128_load(x + c);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (activation == 1) v = wasm_v128_bitselect(zero, v, wasm_f32x4_lt(v, zero));
      else if (activation == 2) v = wasm_v128_bitselect(zero, wasm_v128_bitselect(six, v, wasm_f32x4_gt(v, six)), wasm_f32x4_lt(v, zero));
      else if (activation == 4) v = wasm_v128_bitselect(wasm_f32x4_mul(slope, v), v, wasm_f32x4_lt(v, zero));
      wasm_v128_store(x + c, v);
    }
    for (; c < cols; c++) {
      float v = bias ? x[c] + bias[c] : x[c];
      if (activation == 1) v = v < 0.0f ? 0.0f : v; /* NaN stays NaN, as on the cpu backend */
      else if (activation == 2) v = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
      else if (activation == 4) v = v < 0.0f ? alpha * v : v;
      x[c] = v;
    }
  }
}

/* out = sqrt(x) */
EXPORT(sqrt_f32)
void sqrt_f32(const float *restrict x, float *restrict out, int32_t n) {
  for (int32_t i = 0; i < n; i++) out[i] = __builtin_sqrtf(x[i]);
}

/*
 * Comparisons to bool (one byte each): op 0 a > b, 1 a >= b, 2 a < b, 3 a <= b.
 * b is either as long as a, or one value (b_scalar != 0). NaN compares false, as in JavaScript.
 */
EXPORT(compare_f32)
void compare_f32(const float *restrict a, const float *restrict b, uint8_t *restrict out, int32_t n, int32_t b_scalar, int32_t op) {
  if (b_scalar) {
    const float v = b[0];
    switch (op) {
      case 0: for (int32_t i = 0; i < n; i++) out[i] = a[i] > v; break;
      case 1: for (int32_t i = 0; i < n; i++) out[i] = a[i] >= v; break;
      case 2: for (int32_t i = 0; i < n; i++) out[i] = a[i] < v; break;
      default: for (int32_t i = 0; i < n; i++) out[i] = a[i] <= v; break;
    }
  } else {
    switch (op) {
      case 0: for (int32_t i = 0; i < n; i++) out[i] = a[i] > b[i]; break;
      case 1: for (int32_t i = 0; i < n; i++) out[i] = a[i] >= b[i]; break;
      case 2: for (int32_t i = 0; i < n; i++) out[i] = a[i] < b[i]; break;
      default: for (int32_t i = 0; i < n; i++) out[i] = a[i] <= b[i]; break;
    }
  }
}

/* out = condition ? t : e, all of one shape. */
EXPORT(select_f32)
void select_f32(const uint8_t *restrict condition, const float *restrict t, const float *restrict e, float *restrict out, int32_t n) {
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    /* Four condition bytes widened to four 32-bit lanes, all ones where the byte is not 0. */
    const v128_t bytes = wasm_v128_load32_zero(condition + i);
    const v128_t wide = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(bytes));
    const v128_t pick = wasm_i32x4_ne(wide, wasm_i32x4_splat(0));
    wasm_v128_store(out + i, wasm_v128_bitselect(wasm_v128_load(t + i), wasm_v128_load(e + i), pick));
  }
  for (; i < n; i++) out[i] = condition[i] ? t[i] : e[i];
}

/*
 * Batch normalization with per-channel statistics, channels innermost:
 * out = (x - mean) * (scale / sqrt(variance + epsilon)) + offset. Each of mean, variance, offset
 * and scale has `channels` values or one (its *_len); offset and scale may be absent (0).
 * `scratch` holds 3 * channels floats.
 */
EXPORT(batch_norm_f32)
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

/*
 * Binary ops of a full operand x [rows, cols] with a row [cols] broadcast over its rows:
 * out[r, c] = x[r, c] OP row[c], or row[c] OP x[r, c] when row_first (for sub and div).
 * op: 0 add, 1 sub, 2 mul, 3 div; each a single IEEE float32 operation, as on the cpu backend.
 */
#define ROW_LOOP(EXPR)                                                       \
  for (int32_t r = 0; r < rows; r++, x += cols, out += cols) {              \
    for (int32_t c = 0; c < cols; c++) { const float a = x[c], b = row[c]; out[c] = (EXPR); } \
  }
EXPORT(binary_row_f32)
void binary_row_f32(const float *restrict x, const float *restrict row, float *restrict out, int32_t rows, int32_t cols,
                    int32_t op, int32_t row_first) {
  switch (op * 2 + (row_first != 0)) {
    case 0: case 1: ROW_LOOP(a + b); break;
    case 2: ROW_LOOP(a - b); break;
    case 3: ROW_LOOP(b - a); break;
    case 4: case 5: ROW_LOOP(a * b); break;
    case 6: ROW_LOOP(a / b); break;
    default: ROW_LOOP(b / a); break;
  }
}
#undef ROW_LOOP

/*
 * e^x for x in [-87, 88], four lanes: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two parts
 * so that n ln 2 is exact), e^r from a degree-6 polynomial (Cephes expf, ~1 ulp), times 2^n built in
 * the exponent bits.
 */
static inline v128_t exp_f32x4(v128_t x) {
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, wasm_f32x4_mul(r, r)), r), wasm_f32x4_splat(1.0f));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

/*
 * tanh, four lanes (Cephes tanhf, relative error ~2e-7): x + x^3 P(x^2) for |x| < 0.625, else
 * sign(x) (1 - 2 / (e^(2|x|) + 1)) with |x| capped at 10 (tanh is 1.0f from about 9.01 on). NaN
 * stays NaN.
 */
static inline v128_t tanh_f32x4(v128_t x) {
  const v128_t a = wasm_f32x4_abs(x);
  const v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422e-1f));
  const v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  const v128_t e = exp_f32x4(wasm_f32x4_mul(wasm_f32x4_splat(2.0f), wasm_f32x4_min(a, wasm_f32x4_splat(10.0f))));
  const v128_t t = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
  const v128_t sign = wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000));
  const v128_t large = wasm_v128_or(t, sign); /* t >= 0 (or NaN), so or-ing the sign in is copysign */
  return wasm_v128_bitselect(small, large, wasm_f32x4_lt(a, wasm_f32x4_splat(0.625f)));
}

/*
 * e^x for any x, four lanes: exp_f32x4 on x clamped to [-87, 88] (outside, e^x is below float's
 * normal range or near its top; the clamp keeps 2^n a normal number). NaN stays NaN.
 */
static inline v128_t exp_clamped_f32x4(v128_t x) {
  return exp_f32x4(wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f)));
}

/*
 * Unary ops, four floats at a time: op 0 square (x * x), 1 relu (max(0, x)), 2 relu6
 * (min(max(0, x), 6)), 3 neg (-x), 4 abs (|x|), 5 tanh (tanh_f32x4), 6 sigmoid (1 / (1 + e^-x)),
 * 7 elu (x >= 0 ? x : e^x - 1). The first five are exact; tanh, sigmoid and elu go through the
 * polynomial e^x (~1 ulp), and sigmoid is 0 below x = -88 only to within ~6e-39.
 * f32x4.max and f32x4.min propagate NaN and order -0 below +0, as JavaScript's Math.max and
 * Math.min do (the cpu backend's definitions).
 */
#define UNARY_LOOP(EXPR)                                                         \
  do {                                                                           \
    int32_t i = 0;                                                               \
    for (; i + 4 <= n; i += 4) { const v128_t v = wasm_v128_load(x + i); wasm_v128_store(out + i, (EXPR)); } \
    for (; i < n; i++) { const v128_t v = wasm_f32x4_splat(x[i]); out[i] = wasm_f32x4_extract_lane((EXPR), 0); } \
  } while (0)
EXPORT(unary_f32)
void unary_f32(const float *restrict x, float *restrict out, int32_t n, int32_t op) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t six = wasm_f32x4_splat(6.0f);
  switch (op) {
    case 0: UNARY_LOOP(wasm_f32x4_mul(v, v)); break;
    case 1: UNARY_LOOP(wasm_f32x4_max(zero, v)); break;
    case 2: UNARY_LOOP(wasm_f32x4_min(wasm_f32x4_max(zero, v), six)); break;
    case 3: UNARY_LOOP(wasm_f32x4_neg(v)); break;
    case 4: UNARY_LOOP(wasm_f32x4_abs(v)); break;
    case 5: UNARY_LOOP(tanh_f32x4(v)); break;
    case 6: UNARY_LOOP(wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_splat(1.0f), exp_clamped_f32x4(wasm_f32x4_neg(v))))); break;
    default: UNARY_LOOP(wasm_v128_bitselect(v, wasm_f32x4_sub(exp_clamped_f32x4(v), wasm_f32x4_splat(1.0f)), wasm_f32x4_ge(v, zero))); break;
  }
}
#undef UNARY_LOOP

/* out = x > hi ? hi : (x < lo ? lo : x), the cpu backend's ClipByValue (NaN stays NaN). Exact. */
EXPORT(clip_f32)
void clip_f32(const float *restrict x, float *restrict out, int32_t n, float lo, float hi) {
  const v128_t low = wasm_f32x4_splat(lo), high = wasm_f32x4_splat(hi);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t clipped_low = wasm_v128_bitselect(low, v, wasm_f32x4_lt(v, low));
    wasm_v128_store(out + i, wasm_v128_bitselect(high, clipped_low, wasm_f32x4_gt(v, high)));
  }
  for (; i < n; i++) out[i] = x[i] > hi ? hi : (x[i] < lo ? lo : x[i]);
}

/*
 * out[i] = sum_p a[i * lda + p] * x[p] for i < m: a matrix times one column (a dense layer with one
 * unit). Sixteen products per step in four vector accumulators, which are added in a fixed order at
 * the end, then the tail: every sum has the same order on every run.
 */
EXPORT(gemv_f32)
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

/*
 * Max pooling, NHWC: out[n, oh, ow, c] = the greatest x over the window's in-range pixels, taken in
 * row-major window order as "first strictly greater" (the cpu backend's rule: NaN never wins, a
 * window with nothing above -Infinity gives -Infinity). Four channels at a time.
 */
EXPORT(max_pool_f32)
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
 * One Adam step over n elements, PyTorch's order of operations, each a single float32 operation
 * as the composed tfjs ops do them (core's adamStep):
 *   m' = m * beta1 + g * (1 - beta1);  v' = v * beta2 + (g * g) * (1 - beta2)
 *   vmax' = max(vmax, v') (AMSGrad, when vmax is not 0)
 *   w' = w - (m' / (sqrt(amsgrad ? vmax' : v') / bc2_sqrt + epsilon)) * step_size
 * The constants come as float32 values (the scalars the composed ops would make). Outputs may not
 * alias inputs. Four lanes at a time with the same operations as the scalar tail.
 */
EXPORT(adam_f32)
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
