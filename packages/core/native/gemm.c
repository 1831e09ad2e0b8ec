/*
 * Single-threaded single-precision GEMM for WebAssembly SIMD128.
 *
 *   gemm_f32(a, b, c, m, n, k, lda, ldb, ldc, accumulate, pack)
 *     C[m x n] = A[m x k] * B[k x n]        (accumulate == 0)
 *     C[m x n] += A[m x k] * B[k x n]       (accumulate != 0)
 *   all row-major, lda/ldb/ldc the row strides in floats; `pack` is caller-provided scratch of
 *   gemm_f32_pack_floats(m, n, k) floats (16-byte alignment is best but not required).
 *
 * Like the rest of the native kernels the module owns no memory: no static data and no stack
 * frame (every intermediate lives in wasm locals, which V8 keeps in registers).
 *
 * Design (the BLIS / Goto loop nest, with only B packed):
 *   - B is packed, one block of KC rows x NC columns at a time, into column panels NR = 8 floats
 *     wide: panel j holds B[p, j*NR .. j*NR+7] for p = 0..kc-1 contiguously (zero-padded past n),
 *     so the micro-kernel reads it as two aligned-stride v128 loads per k step. A block is at most
 *     L2_FLOATS floats (512 KiB), so it stays in the 1 MiB L2 while every row strip of A sweeps it.
 *   - A is not packed: the micro-kernel broadcasts A[i, p] straight from the MR = 6 rows of A
 *     (v128.load32_splat, a plain broadcast load in V8). Rows past m are clamped to the last valid
 *     row, so an edge strip reads only real memory and its extra rows are simply not stored. The
 *     6 x kc strip of A is reused from L1 across all NC / NR panels of the B block.
 *   - The micro-kernel keeps a 6 x 8 tile of C in 12 v128 accumulators; with the two B vectors,
 *     one broadcast and one product temporary that is 16 registers, which is what V8 has on
 *     x86-64 (xmm0-15), so its register allocator does not spill in the inner loop.
 *   - Column edges (n % 8) go through a 6 x 8 scratch tile at the end of `pack` and are copied.
 *   - K is cut into near-equal blocks of at most KC = 512 so the first block honours `accumulate`
 *     and later blocks add.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

#ifndef MR
#define MR 6
#endif
#ifndef NV
#define NV 2 /* v128 vectors per tile row */
#endif
#define NR (4 * NV)
#ifndef KC
#define KC 512
#endif
#ifndef L2_FLOATS
#define L2_FLOATS (128 * 1024)
#endif

static inline int32_t min_i32(int32_t x, int32_t y) { return x < y ? x : y; }

/* Rows per K block: k split into ceil(k / KC) near-equal blocks. */
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

/* Floats of scratch gemm_f32 needs: one packed B block (kc x nc) plus an MR x NR edge tile. */
EXPORT(gemm_f32_pack_floats)
int32_t gemm_f32_pack_floats(int32_t m, int32_t n, int32_t k) {
  (void)m;
  const int32_t kc = k_block(k);
  return kc * n_block(n, kc) + MR * NR;
}

/*
 * c[0..mr) x [0..NR) (=|+=) a[0..mr) x [0..kc) * packed panel bp (kc x NR).
 * Rows i >= mr of A are clamped to row mr-1 and their results discarded.
 */
__attribute__((noinline))
static void micro_kernel(int32_t kc, const float *a, int32_t lda, int32_t mr, const float *bp, float *c,
                         int32_t ldc, int32_t add) {
  const float *ap[MR];
#pragma clang loop unroll(full)
  for (int32_t i = 0; i < MR; i++) ap[i] = a + (i < mr ? i : mr - 1) * lda;

  v128_t acc[MR][NV];
#pragma clang loop unroll(full)
  for (int32_t i = 0; i < MR; i++)
#pragma clang loop unroll(full)
    for (int32_t j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);

  for (int32_t p = 0; p < kc; p++) {
    v128_t bv[NV];
#pragma clang loop unroll(full)
    for (int32_t j = 0; j < NV; j++) bv[j] = wasm_v128_load(bp + 4 * j);
    bp += NR;
#pragma clang loop unroll(full)
    for (int32_t i = 0; i < MR; i++) {
      const v128_t av = wasm_v128_load32_splat(ap[i] + p);
#pragma clang loop unroll(full)
      for (int32_t j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_add(acc[i][j], wasm_f32x4_mul(av, bv[j]));
    }
  }

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

EXPORT(gemm_f32)
void gemm_f32(const float *a, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t lda,
              int32_t ldb, int32_t ldc, int32_t accumulate, float *pack) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) c[i * ldc + j] = 0.0f;
    return;
  }
  const int32_t kc_block = k_block(k);
  const int32_t nc_block = n_block(n, kc_block);
  float *const edge = pack + kc_block * nc_block;

  for (int32_t pc = 0; pc < k; pc += kc_block) {
    const int32_t kc = min_i32(kc_block, k - pc);
    const int32_t add = accumulate || pc > 0;
    for (int32_t jc = 0; jc < n; jc += nc_block) {
      const int32_t nc = min_i32(nc_block, n - jc);
      pack_b(kc, nc, b + pc * ldb + jc, ldb, pack);
      for (int32_t ic = 0; ic < m; ic += MR) {
        const int32_t mr = min_i32(MR, m - ic);
        const float *ai = a + ic * lda + pc;
        float *ci = c + ic * ldc + jc;
        int32_t jr = 0;
        for (; jr + NR <= nc; jr += NR) micro_kernel(kc, ai, lda, mr, pack + jr * kc, ci + jr, ldc, add);
        if (jr < nc) {
          const int32_t nr = nc - jr;
          micro_kernel(kc, ai, lda, mr, pack + jr * kc, edge, NR, 0);
          for (int32_t i = 0; i < mr; i++)
            for (int32_t j = 0; j < nr; j++) {
              const float v = edge[i * NR + j];
              ci[i * ldc + jr + j] = add ? ci[i * ldc + jr + j] + v : v;
            }
        }
      }
    }
  }
}
