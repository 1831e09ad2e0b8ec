/*
 * bigmodel's single-precision GEMM for WebAssembly relaxed SIMD.
 *
 *   gemm_f32(a, b, c, m, n, k, lda, ldb, ldc, flags, pack)
 *     C[m x n]  = op(A)[m x k] * op(B)[k x n]      (flags & GEMM_ACCUMULATE == 0)
 *     C[m x n] += op(A)[m x k] * op(B)[k x n]      (flags & GEMM_ACCUMULATE != 0)
 *   row-major; op(A) = A, or A^T with A stored [k x m] when flags & GEMM_TRANSPOSE_A (likewise B,
 *   stored [n x k] when flags & GEMM_TRANSPOSE_B); lda, ldb, ldc are the stored row strides in
 *   floats; `pack` is caller-owned scratch of gemm_f32_pack_floats(m, n, k) floats (16-byte
 *   alignment is best, not required). Transposed operands cost nothing extra beyond their packing,
 *   which reads them in their stored order.
 *
 * Built as its own module (build.mjs) because f32x4.relaxed_madd makes a module that engines
 * without relaxed SIMD refuse to compile; the caller feature-detects and otherwise keeps XNNPACK.
 * Like kernels.c it owns no memory: no static data and no stack frame (every intermediate lives in
 * wasm locals, which V8 keeps in registers).
 *
 * Threads: the caller runs several instances of this module on one shared memory, each on its own
 * rows or columns of C with its own `pack`. Every element's sum runs in the same order whatever the
 * split (K blocks depend on k alone, and within a block the products are added p = 0, 1, ... into
 * one accumulator, then added to C), so the result is bitwise the same for any number of threads.
 *
 * Design (the BLIS / Goto loop nest; both operands packed):
 *   for each K block of kc <= KC = 512 rows (k cut into near-equal blocks; the first block honours
 *   `accumulate`, later ones add):
 *     for each N block of nc columns (as many as fit L2_FLOATS = 128 Ki floats of packed B):
 *       pack B[kc x nc] into NR = 16 wide column panels, k-major, zero-padded past n;
 *       for each M block of mc <= MC = 64 rows:
 *         pack A[mc x kc] into MR = 2 row strips, k-major (A[i][p], A[i+1][p] adjacent),
 *         zero-padded past m;
 *         for each 16-wide B panel (kc x 16, resident in L1):
 *           panel_kernel: for each 2-row strip, a 2 x 16 tile of C in 8 v128 accumulators.
 *   Per k step the micro-kernel does 4 v128 loads of B, 2 broadcast loads of A and 8
 *   f32x4.relaxed_madd (one FMA each where the CPU has FMA). Why this shape, measured with V8 on
 *   x86-64: the accumulators, B vectors, A broadcasts and one temporary must fit the 15 xmm
 *   registers V8 allocates (2x16 and 4x8 fit; 6x8, 5x8, 3x12, 4x12 spill); the loop is bound by
 *   instructions issued, so constant offsets stay wasm load offsets (OPAQUE) and the strip loop
 *   sits around the k loop (V8 unrolls nested small loops, dropping their stack checks).
 *   Columns past the last full panel go through a 2 x 16 scratch tile at the end of `pack`.
 *
 * Scratch: gemm_f32_pack_floats(m, n, k) = kc * (nc + mc) + MR * NR floats, at most 640 KiB.
 */
#include <wasm_simd128.h>

#include "abi.h"

/*
 * Hides a pointer's value from the optimizer (an empty asm), so that loop strength reduction
 * cannot rewrite `p + constant` loads into separately incremented addresses: the constant then
 * stays a wasm load offset, which V8 folds into the x86 addressing mode.
 */
#define OPAQUE(x) __asm__("" : "+r"(x))

#define MR 2
#define NV 4 /* v128 vectors per tile row */
#define NR (4 * NV)
#define KC 512
#define MC 64
#define L2_FLOATS (128 * 1024)


static inline int32_t min_i32(int32_t x, int32_t y) { return x < y ? x : y; }

static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}

/* Rows per K block: k split into ceil(k / KC) near-equal blocks. Depends on k only (see Threads). */
static inline int32_t k_block(int32_t k) {
  const int32_t blocks = (k + KC - 1) / KC;
  return (k + blocks - 1) / blocks;
}

/* Columns per packed B block: as many NR-wide panels as fit L2_FLOATS (at least one), no more than n needs. */
static inline int32_t n_block(int32_t n, int32_t kc) {
  int32_t nc = (L2_FLOATS / kc) / NR * NR;
  if (nc < NR) nc = NR;
  const int32_t n_round = (n + NR - 1) / NR * NR;
  return min_i32(nc, n_round);
}

/* Rows per packed A block: MC, or m rounded up to MR if smaller. */
static inline int32_t m_block(int32_t m) { return min_i32(MC, (m + MR - 1) / MR * MR); }

/* Floats of scratch gemm_f32 needs for these sizes: one packed B block, one packed A block, one edge tile. */
int32_t gemm_f32_pack_floats(int32_t m, int32_t n, int32_t k) {
  if (k <= 0) return MR * NR;
  const int32_t kc = k_block(k);
  return kc * (n_block(n, kc) + m_block(m)) + MR * NR;
}

/*
 * c[0..mc) x [0..NR) (=|+=) the packed A block ap (MR-row strips, each kc x MR k-major) times the
 * packed B panel bp (kc x NR, k-major). Rows past mc come from A's zero padding and are not stored.
 */
__attribute__((noinline))
static void panel_kernel(int32_t kc, int32_t mc, const float *ap, const float *bp0, float *c, int32_t ldc,
                         int32_t add) {
  for (int32_t ir = 0; ir < mc; ir += MR) {
    v128_t acc[MR][NV];
#pragma clang loop unroll(full)
    for (int32_t i = 0; i < MR; i++)
#pragma clang loop unroll(full)
      for (int32_t j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);

    const float *bp = bp0;
    int32_t p = kc;
    do {
      v128_t bv[NV];
#pragma clang loop unroll(full)
      for (int32_t j = 0; j < NV; j++) bv[j] = wasm_v128_load(bp + 4 * j);
#pragma clang loop unroll(full)
      for (int32_t i = 0; i < MR; i++) {
        const v128_t av = wasm_v128_load32_splat(ap + i);
#pragma clang loop unroll(full)
        for (int32_t j = 0; j < NV; j++) acc[i][j] = madd(av, bv[j], acc[i][j]);
      }
      ap += MR;
      bp += NR;
      OPAQUE(ap);
      OPAQUE(bp);
    } while (--p);

    const int32_t mr = mc - ir;
#pragma clang loop unroll(full)
    for (int32_t i = 0; i < MR; i++) {
      if (i < mr) {
        float *ci = c + i * ldc;
#pragma clang loop unroll(full)
        for (int32_t j = 0; j < NV; j++) {
          v128_t v = acc[i][j];
          if (add) v = wasm_f32x4_add(v, wasm_v128_load(ci + 4 * j));
          wasm_v128_store(ci + 4 * j, v);
        }
      }
    }
    c += MR * ldc;
  }
}

/* Packs a[0..mc) x [0..kc) (row stride lda) into MR-row strips, k-major, zero-padding the last strip. */
static void pack_a(int32_t mc, int32_t kc, const float *a, int32_t lda, float *ap) {
  for (int32_t i = 0; i < mc; i += MR) {
    const int32_t mr = min_i32(MR, mc - i);
    const float *ai = a + i * lda;
    if (mr == MR) {
      int32_t p = 0;
      for (; p + 4 <= kc; p += 4) {
        const v128_t r0 = wasm_v128_load(ai + p), r1 = wasm_v128_load(ai + lda + p);
        wasm_v128_store(ap, wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5));
        wasm_v128_store(ap + 4, wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7));
        ap += 8;
      }
      for (; p < kc; p++) {
        ap[0] = ai[p];
        ap[1] = ai[lda + p];
        ap += MR;
      }
    } else {
      for (int32_t p = 0; p < kc; p++) {
        ap[0] = ai[p];
        ap[1] = 0.0f;
        ap += MR;
      }
    }
  }
}

/*
 * pack_a for A stored transposed: op(A)[i, p] = at[p * lda + i]. Two stored rows p, p + 1 are read
 * four values of i at a time; one shuffle per strip gives its [A[i][p], A[i+1][p], A[i][p+1],
 * A[i+1][p+1]], stored at once (a 2 x 4 transpose, no scalar copies on the full strips).
 */
static void pack_a_transposed(int32_t mc, int32_t kc, const float *at, int32_t lda, float *ap) {
  const int32_t full = mc / MR * MR;
  const int32_t quads = mc / 4 * 4;
  const int32_t strip = kc * MR; /* floats from one strip to the next */
  int32_t p = 0;
  for (; p + 2 <= kc; p += 2) {
    const float *src0 = at + p * lda;
    const float *src1 = src0 + lda;
    float *dst = ap + p * MR;
    int32_t i = 0;
    for (; i < quads; i += 4, dst += 2 * strip) {
      const v128_t r0 = wasm_v128_load(src0 + i), r1 = wasm_v128_load(src1 + i);
      wasm_v128_store(dst, wasm_i32x4_shuffle(r0, r1, 0, 1, 4, 5));
      wasm_v128_store(dst + strip, wasm_i32x4_shuffle(r0, r1, 2, 3, 6, 7));
    }
    for (; i < full; i += MR, dst += strip) {
      dst[0] = src0[i];
      dst[1] = src0[i + 1];
      dst[2] = src1[i];
      dst[3] = src1[i + 1];
    }
    if (i < mc) {
      dst[0] = src0[i];
      dst[1] = 0.0f;
      dst[2] = src1[i];
      dst[3] = 0.0f;
    }
  }
  for (; p < kc; p++) {
    const float *src = at + p * lda;
    float *dst = ap + p * MR;
    int32_t i = 0;
    for (; i < full; i += MR, dst += strip) {
      dst[0] = src[i];
      dst[1] = src[i + 1];
    }
    if (i < mc) {
      dst[0] = src[i];
      dst[1] = 0.0f;
    }
  }
}

/* Packs b[0..kc) x [0..nc) (row stride ldb) into NR-wide panels at bp, zero-padding the last. */
static void pack_b(int32_t kc, int32_t nc, const float *b, int32_t ldb, float *bp) {
  int32_t j = 0;
  for (; j + NR <= nc; j += NR) {
    const float *bj = b + j;
    for (int32_t p = 0; p < kc; p++) {
#pragma clang loop unroll(full)
      for (int32_t v = 0; v < NV; v++) wasm_v128_store(bp + 4 * v, wasm_v128_load(bj + 4 * v));
      bj += ldb;
      bp += NR;
    }
  }
  if (j < nc) {
    const int32_t nr = nc - j;
    const float *bj = b + j;
    for (int32_t p = 0; p < kc; p++) {
      int32_t q = 0;
      for (; q < nr; q++) bp[q] = bj[q];
      for (; q < NR; q++) bp[q] = 0.0f;
      bj += ldb;
      bp += NR;
    }
  }
}

/*
 * pack_b for B stored transposed: op(B)[p, j] = bt[j * ldb + p]. Four stored rows j..j+3 are read
 * four values of p at a time and transposed in registers (4 x 4), so each panel row gets four
 * columns in one store; the panel (kc x NR) stays in L1 while its 16 rows are read.
 */
static void pack_b_transposed(int32_t kc, int32_t nc, const float *bt, int32_t ldb, float *bp) {
  const int32_t k4 = kc / 4 * 4;
  for (int32_t j = 0; j < nc; j += NR, bp += kc * NR) {
    const int32_t nr = min_i32(NR, nc - j);
    int32_t q = 0;
    for (; q + 4 <= nr; q += 4) {
      const float *s0 = bt + (j + q) * ldb;
      const float *s1 = s0 + ldb, *s2 = s1 + ldb, *s3 = s2 + ldb;
      float *dst = bp + q;
      int32_t p = 0;
      for (; p < k4; p += 4, dst += 4 * NR) {
        const v128_t r0 = wasm_v128_load(s0 + p), r1 = wasm_v128_load(s1 + p);
        const v128_t r2 = wasm_v128_load(s2 + p), r3 = wasm_v128_load(s3 + p);
        const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5); /* r0[0] r1[0] r0[1] r1[1] */
        const v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        const v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(dst, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        wasm_v128_store(dst + NR, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        wasm_v128_store(dst + 2 * NR, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        wasm_v128_store(dst + 3 * NR, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
      for (; p < kc; p++, dst += NR) {
        dst[0] = s0[p];
        dst[1] = s1[p];
        dst[2] = s2[p];
        dst[3] = s3[p];
      }
    }
    for (; q < nr; q++) {
      const float *src = bt + (j + q) * ldb;
      for (int32_t p = 0; p < kc; p++) bp[p * NR + q] = src[p];
    }
    for (; q < NR; q++)
      for (int32_t p = 0; p < kc; p++) bp[p * NR + q] = 0.0f;
  }
}

/* Moves the output position (n, oh, ow) on by one, in NHWC order. */
static inline void next_position(int32_t *n, int32_t *oh, int32_t *ow, int32_t out_h, int32_t out_w) {
  if (++*ow == out_w) {
    *ow = 0;
    if (++*oh == out_h) {
      *oh = 0;
      ++*n;
    }
  }
}

/*
 * Where the unfold of the NHWC input x reads channels c0.. of tap (kh, kw) at output position
 * (n, oh, ow): a pointer into x, or 0 when the tap falls in the padding. `g` as in pack_a_unfold_t.
 */
static inline const float *tap_source(const float *x, const int32_t *g, int32_t n, int32_t oh, int32_t ow, int32_t kh,
                                      int32_t kw, int32_t c0) {
  const int32_t in_h = g[GEOMETRY_IN_HEIGHT], in_w = g[GEOMETRY_IN_WIDTH], in_c = g[GEOMETRY_IN_CHANNELS];
  const int32_t ih = oh * g[GEOMETRY_STRIDE_HEIGHT] - g[GEOMETRY_PAD_TOP] + kh * g[GEOMETRY_DILATION_HEIGHT],
                iw = ow * g[GEOMETRY_STRIDE_WIDTH] - g[GEOMETRY_PAD_LEFT] + kw * g[GEOMETRY_DILATION_WIDTH];
  return (ih >= 0 && ih < in_h && iw >= 0 && iw < in_w) ? x + ((n * in_h + ih) * in_w + iw) * in_c + c0 : 0;
}

/*
 * pack_a for A = the im2col unfold of an NHWC input, read in place (never written out):
 * A[p, t] = unfold(x)[p, t] = x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, ci] (0 in the padding)
 * for the output position p = (n, oh, ow) and the tap t = (kh, kw, ci). The block is rows
 * p0 .. p0 + mc and columns t0 .. t0 + kc. Packs the same values in the same places as pack_a on
 * the written-out unfold, so the products are bitwise the same. `geometry` as in pack_a_unfold_t.
 */
static void pack_a_unfold(int32_t mc, int32_t kc, int32_t p0, int32_t t0, const float *x, const int32_t *geometry,
                          float *ap) {
  const int32_t in_c = geometry[GEOMETRY_IN_CHANNELS], out_h = geometry[GEOMETRY_OUT_HEIGHT];
  const int32_t out_w = geometry[GEOMETRY_OUT_WIDTH], filter_w = geometry[GEOMETRY_FILTER_WIDTH];
  const v128_t zero = wasm_f32x4_splat(0.0f);
  int32_t ow = p0 % out_w, oh = (p0 / out_w) % out_h, n = p0 / (out_w * out_h);
  for (int32_t i = 0; i < mc; i += MR, ap += kc * MR) {
    const int32_t pair = i + 1 < mc;
    int32_t ow1 = ow, oh1 = oh, n1 = n;
    next_position(&n1, &oh1, &ow1, out_h, out_w);
    int32_t t = t0;
    const int32_t t_end = t0 + kc;
    while (t < t_end) {
      const int32_t tap = t / in_c;
      const int32_t c0 = t - tap * in_c;
      const int32_t run = min_i32(in_c - c0, t_end - t);
      const int32_t kh = tap / filter_w, kw = tap - kh * filter_w;
      const float *s0 = tap_source(x, geometry, n, oh, ow, kh, kw, c0);
      const float *s1 = pair ? tap_source(x, geometry, n1, oh1, ow1, kh, kw, c0) : 0;
      float *dst = ap + (t - t0) * MR;
      int32_t r = 0;
      /* Four columns at a time, rows p and p + 1 interleaved, as pack_a does. */
      for (; r + 4 <= run; r += 4, dst += 4 * MR) {
        const v128_t r0 = s0 ? wasm_v128_load(s0 + r) : zero, r1 = s1 ? wasm_v128_load(s1 + r) : zero;
        wasm_v128_store(dst, wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5));
        wasm_v128_store(dst + 4, wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7));
      }
      for (; r < run; r++, dst += MR) {
        dst[0] = s0 ? s0[r] : 0.0f;
        dst[1] = s1 ? s1[r] : 0.0f;
      }
      t += run;
    }
    n = n1;
    oh = oh1;
    ow = ow1;
    next_position(&n, &oh, &ow, out_h, out_w);
  }
}

/*
 * pack_a_transposed for A = the im2col unfold of an NHWC input, read in place (never written out):
 * op(A)[i, p] = unfold(x)[p, i] = x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, ci] (0 in the padding)
 * for the output position p = (n, oh, ow) and the tap i = (kh, kw, ci). The block is rows
 * i0 .. i0 + mc of op(A) and columns p0 .. p0 + kc. Packs the same values in the same places as
 * pack_a_transposed on the written-out unfold, so the products are bitwise the same.
 * `geometry` holds the 15 int32 values of a convolution (abi.h's GEOMETRY_* indices).
 */
static void pack_a_unfold_t(int32_t mc, int32_t kc, int32_t i0, int32_t p0, const float *x, const int32_t *geometry,
                            float *ap) {
  const int32_t in_c = geometry[GEOMETRY_IN_CHANNELS], out_h = geometry[GEOMETRY_OUT_HEIGHT];
  const int32_t out_w = geometry[GEOMETRY_OUT_WIDTH], filter_w = geometry[GEOMETRY_FILTER_WIDTH];
  const int32_t strip = kc * MR;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  /* Output position of p0, advanced one position per column. */
  int32_t ow = p0 % out_w, oh = (p0 / out_w) % out_h, n = p0 / (out_w * out_h);
  for (int32_t q = 0; q < kc; q += 2) {
    const int32_t pair = q + 1 < kc;
    /* (n, oh, ow) of columns q and q + 1. */
    int32_t ow1 = ow, oh1 = oh, n1 = n;
    next_position(&n1, &oh1, &ow1, out_h, out_w);
    float *dst_q = ap + q * MR;
    int32_t i = i0;
    const int32_t i_end = i0 + mc;
    while (i < i_end) {
      const int32_t tap = i / in_c;
      const int32_t c0 = i - tap * in_c;
      const int32_t run = min_i32(in_c - c0, i_end - i);
      const int32_t kh = tap / filter_w, kw = tap - kh * filter_w;
      const float *s0 = tap_source(x, geometry, n, oh, ow, kh, kw, c0);
      const float *s1 = pair ? tap_source(x, geometry, n1, oh1, ow1, kh, kw, c0) : 0;
      int32_t j = i - i0; /* row of the block */
      int32_t r = 0;
      if ((j & 1) == 0 && pair) {
        /* Four rows at a time (two strips), as pack_a_transposed does. */
        for (; r + 4 <= run; r += 4, j += 4) {
          const v128_t r0 = s0 ? wasm_v128_load(s0 + r) : zero, r1 = s1 ? wasm_v128_load(s1 + r) : zero;
          float *dst = dst_q + (j / MR) * strip;
          wasm_v128_store(dst, wasm_i32x4_shuffle(r0, r1, 0, 1, 4, 5));
          wasm_v128_store(dst + strip, wasm_i32x4_shuffle(r0, r1, 2, 3, 6, 7));
        }
      }
      for (; r < run; r++, j++) {
        float *dst = dst_q + (j / MR) * strip + (j & 1);
        dst[0] = s0 ? s0[r] : 0.0f;
        if (pair) dst[MR] = s1 ? s1[r] : 0.0f;
      }
      i += run;
    }
    if (mc & 1) {
      /* The last strip's second row is padding. */
      float *dst = dst_q + (mc / MR) * strip + 1;
      dst[0] = 0.0f;
      if (pair) dst[MR] = 0.0f;
    }
    /* Advance two positions. */
    n = n1;
    oh = oh1;
    ow = ow1;
    next_position(&n, &oh, &ow, out_h, out_w);
  }
}

/*
 * The loop nest of gemm_f32; with `unfold` set, A is the unfold of x = a (pack_a_unfold, or
 * pack_a_unfold_t with GEMM_TRANSPOSE_A), its rows counted from i0.
 */
static inline __attribute__((always_inline)) void gemm_core(const float *a, const float *b, float *c, int32_t m, int32_t n,
                                                            int32_t k, int32_t lda, int32_t ldb, int32_t ldc, int32_t flags,
                                                            float *pack, const int32_t *unfold, int32_t i0) {
  const int32_t accumulate = flags & GEMM_ACCUMULATE;
  const int32_t transpose_a = flags & GEMM_TRANSPOSE_A;
  const int32_t transpose_b = flags & GEMM_TRANSPOSE_B;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
    return;
  }
  const int32_t kc_block = k_block(k);
  const int32_t nc_block = n_block(n, kc_block);
  const int32_t mc_block = m_block(m);
  float *const b_pack = pack;
  float *const a_pack = b_pack + kc_block * nc_block;
  float *const edge = a_pack + kc_block * mc_block;

  for (int32_t pc = 0; pc < k; pc += kc_block) {
    const int32_t kc = min_i32(kc_block, k - pc);
    const int32_t add = accumulate || pc > 0;
    for (int32_t jc = 0; jc < n; jc += nc_block) {
      const int32_t nc = min_i32(nc_block, n - jc);
      if (transpose_b) pack_b_transposed(kc, nc, b + jc * ldb + pc, ldb, b_pack);
      else pack_b(kc, nc, b + pc * ldb + jc, ldb, b_pack);
      for (int32_t ic = 0; ic < m; ic += MC) {
        const int32_t mc = min_i32(MC, m - ic);
        if (unfold && transpose_a) pack_a_unfold_t(mc, kc, i0 + ic, pc, a, unfold, a_pack);
        else if (unfold) pack_a_unfold(mc, kc, i0 + ic, pc, a, unfold, a_pack);
        else if (transpose_a) pack_a_transposed(mc, kc, a + pc * lda + ic, lda, a_pack);
        else pack_a(mc, kc, a + ic * lda + pc, lda, a_pack);
        float *c_block = c + ic * ldc + jc;
        for (int32_t jr = 0; jr < nc; jr += NR) {
          const int32_t nr = min_i32(NR, nc - jr);
          const float *bp = b_pack + jr * kc;
          if (nr == NR) {
            panel_kernel(kc, mc, a_pack, bp, c_block + jr, ldc, add);
          } else {
            for (int32_t ir = 0; ir < mc; ir += MR) {
              const int32_t mr = min_i32(MR, mc - ir);
              float *ci = c_block + ir * ldc + jr;
              panel_kernel(kc, mr, a_pack + ir * kc, bp, edge, NR, 0);
              for (int32_t i = 0; i < mr; i++)
                for (int32_t j = 0; j < nr; j++) {
                  const float v = edge[i * NR + j];
                  ci[i * ldc + j] = add ? ci[i * ldc + j] + v : v;
                }
            }
          }
        }
      }
    }
  }
}

void gemm_f32(const float *a, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t lda,
              int32_t ldb, int32_t ldc, int32_t flags, float *pack) {
  gemm_core(a, b, c, m, n, k, lda, ldb, ldc, flags, pack, 0, 0);
}

/*
 * C[m x n] = op(A)[m x k] * B[k x n] with op(A)[i, p] = unfold(x)[p, i] (see pack_a_unfold_t): rows
 * i0 .. i0 + m of the transposed unfold of x, never written out. The filter gradient of a
 * convolution is this product with B = dy [positions x out channels]. B is untransposed, C is
 * overwritten. Bitwise the same as gemm_f32 on the written-out unfold with GEMM_TRANSPOSE_A.
 */
void gemm_f32_unfold_t(const float *x, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t i0,
                       int32_t ldb, int32_t ldc, float *pack, const int32_t *geometry) {
  gemm_core(x, b, c, m, n, k, 0, ldb, ldc, GEMM_TRANSPOSE_A, pack, geometry, i0);
}

/*
 * C[m x n] = A[m x k] * B[k x n] with A = rows i0 .. i0 + m of the unfold of x (see pack_a_unfold),
 * never written out: a convolution's forward pass with B = the filter as [taps x out channels].
 * B is untransposed, C is overwritten. Bitwise the same as gemm_f32 on the written-out unfold.
 */
void gemm_f32_unfold(const float *x, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t i0,
                     int32_t ldb, int32_t ldc, float *pack, const int32_t *geometry) {
  gemm_core(x, b, c, m, n, k, 0, ldb, ldc, 0, pack, geometry, i0);
}

/* dst[0..n) += src[0..n), four floats at a time (each element one float32 add). */
static inline void add_rows_f32(float *restrict dst, const float *restrict src, int32_t n) {
  int32_t c = 0;
  for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
  for (; c < n; c++) dst[c] += src[c];
}

/* Floats of scratch conv_backprop_input_f32 needs: every tap's packed filter slice, one packed dy block, one tile. */
int32_t conv_backprop_input_pack_floats(int32_t co, int32_t cn, int32_t taps) {
  return taps * co * cn + MC * co + MC * cn;
}

/*
 * A convolution's input gradient with the col2im fold in the GEMM's epilogue, for the channels
 * c0 .. c0 + cn of dx (cn a multiple of NR; the channel ranges of different threads never meet):
 * dx[n, ih, iw, c] = sum over the output positions p and taps t that read (ih, iw) of
 * dy[p, :] . w[t, c, :], w being the filter [kh, kw, ci, co] as [taps * in_c, co]. For each block
 * of MC positions, dy is packed once and multiplied by each tap's packed filter slice into a tile
 * [MC x cn] that is added to the pixels its positions read; the cols matrix of an explicit GEMM +
 * col2im is never written. Every dx element sums its terms in one order (position block, tap,
 * position), whatever the channel split, so results are the same for any thread count. The
 * channel range of dx is overwritten. `geometry` as in pack_a_unfold_t (the convolution whose input
 * is dx and output dy); co = geometry[GEOMETRY_OUT_CHANNELS] is the GEMM's depth.
 */
void conv_backprop_input_f32(const float *dy, const float *w, float *dx, int32_t c0, int32_t cn, float *pack,
                             const int32_t *geometry) {
  const int32_t batch = geometry[GEOMETRY_BATCH], in_h = geometry[GEOMETRY_IN_HEIGHT], in_w = geometry[GEOMETRY_IN_WIDTH];
  const int32_t in_c = geometry[GEOMETRY_IN_CHANNELS];
  const int32_t out_h = geometry[GEOMETRY_OUT_HEIGHT], out_w = geometry[GEOMETRY_OUT_WIDTH], co = geometry[GEOMETRY_OUT_CHANNELS];
  const int32_t filter_h = geometry[GEOMETRY_FILTER_HEIGHT], filter_w = geometry[GEOMETRY_FILTER_WIDTH];
  const int32_t stride_h = geometry[GEOMETRY_STRIDE_HEIGHT], stride_w = geometry[GEOMETRY_STRIDE_WIDTH];
  const int32_t dilation_h = geometry[GEOMETRY_DILATION_HEIGHT], dilation_w = geometry[GEOMETRY_DILATION_WIDTH];
  const int32_t pad_top = geometry[GEOMETRY_PAD_TOP], pad_left = geometry[GEOMETRY_PAD_LEFT];
  const int32_t taps = filter_h * filter_w;
  const int32_t positions = batch * out_h * out_w;
  float *const b_pack = pack;
  float *const a_pack = b_pack + taps * co * cn;
  float *const tile = a_pack + MC * co;

  const int32_t pixels = batch * in_h * in_w;
  for (int32_t q = 0; q < pixels; q++) {
    float *d = dx + q * in_c + c0;
    for (int32_t c = 0; c < cn; c++) d[c] = 0.0f;
  }
  /* Tap t's slice as a transposed B: op(B_t)[p, j] = w[(t * in_c + c0 + j) * co + p]. */
  for (int32_t t = 0; t < taps; t++) pack_b_transposed(co, cn, w + (t * in_c + c0) * co, co, b_pack + t * co * cn);

  int32_t ow = 0, oh = 0, n = 0; /* the position that starts the block */
  for (int32_t ic = 0; ic < positions; ic += MC) {
    const int32_t mc = min_i32(MC, positions - ic);
    pack_a(mc, co, dy + ic * co, co, a_pack);
    for (int32_t t = 0; t < taps; t++) {
      const int32_t kh = t / filter_w, kw = t - kh * filter_w;
      const float *bp = b_pack + t * co * cn;
      for (int32_t jr = 0; jr < cn; jr += NR) panel_kernel(co, mc, a_pack, bp + jr * co, tile + jr, cn, 0);
      int32_t pw = ow, ph = oh, pn = n;
      for (int32_t r = 0; r < mc; r++) {
        const int32_t ih = ph * stride_h - pad_top + kh * dilation_h, iw = pw * stride_w - pad_left + kw * dilation_w;
        if (ih >= 0 && ih < in_h && iw >= 0 && iw < in_w) add_rows_f32(dx + ((pn * in_h + ih) * in_w + iw) * in_c + c0, tile + r * cn, cn);
        if (++pw == out_w) {
          pw = 0;
          if (++ph == out_h) {
            ph = 0;
            pn++;
          }
        }
      }
    }
    for (int32_t r = 0; r < mc; r++) {
      if (++ow == out_w) {
        ow = 0;
        if (++oh == out_h) {
          oh = 0;
          n++;
        }
      }
    }
  }
}
