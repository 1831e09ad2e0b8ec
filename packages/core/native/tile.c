/*
 * Tile of 32-bit elements.
 */
#include <wasm_simd128.h>

#include "abi.h"

/*
 * Tile for 4-byte elements: out = x repeated reps[d] times along each dimension d.
 * `spec` holds [rank, x_shape[0..rank), reps[0..rank)]. First every row of x is repeated along
 * the last dimension into its first copy in out; then, from the innermost dimension outwards, each
 * finished block is copied reps[d] - 1 more times.
 */
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
