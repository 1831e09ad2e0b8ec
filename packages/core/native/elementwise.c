/*
 * Elementwise kernels (the stock ones are scalar loops at 4-20 ns per element): leaky relu, the fused
 * bias + activation epilogue, sqrt, comparisons, select, row-broadcast binary ops and clip.
 */
#include <wasm_simd128.h>

#include "abi.h"

/* out = x > 0 ? x : alpha * x */
void leaky_relu_f32(const float *restrict x, float *restrict out, int32_t n, float alpha) {
  for (int32_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
}

/*
 * In place: x[r, c] = act(x[r, c] + bias[c]) (no bias when `bias` is 0), the epilogue of a fused
 * convolution. act: 0 linear, 1 relu, 2 relu6, 4 leaky relu with slope alpha (tfjs's
 * FusableActivation numbering).
 */
void bias_activation_f32(float *x, const float *bias, int32_t rows, int32_t cols, int32_t activation, float alpha) {
  const v128_t zero = wasm_f32x4_splat(0.0f), six = wasm_f32x4_splat(6.0f), slope = wasm_f32x4_splat(alpha);
  for (int32_t r = 0; r < rows; r++, x += cols) {
    int32_t c = 0;
    /* Four at a time: the same operations as the scalar tail, lane by lane (bitselect picks). */
    for (; c + 4 <= cols; c += 4) {
      v128_t v = wasm_v128_load(x + c);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (activation == ACTIVATION_RELU) v = wasm_v128_bitselect(zero, v, wasm_f32x4_lt(v, zero));
      else if (activation == ACTIVATION_RELU6) v = wasm_v128_bitselect(zero, wasm_v128_bitselect(six, v, wasm_f32x4_gt(v, six)), wasm_f32x4_lt(v, zero));
      else if (activation == ACTIVATION_LEAKY_RELU) v = wasm_v128_bitselect(wasm_f32x4_mul(slope, v), v, wasm_f32x4_lt(v, zero));
      wasm_v128_store(x + c, v);
    }
    for (; c < cols; c++) {
      float v = bias ? x[c] + bias[c] : x[c];
      if (activation == ACTIVATION_RELU) v = v < 0.0f ? 0.0f : v; /* NaN stays NaN, as on the cpu backend */
      else if (activation == ACTIVATION_RELU6) v = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
      else if (activation == ACTIVATION_LEAKY_RELU) v = v < 0.0f ? alpha * v : v;
      x[c] = v;
    }
  }
}

/* out = sqrt(x) */
void sqrt_f32(const float *restrict x, float *restrict out, int32_t n) {
  for (int32_t i = 0; i < n; i++) out[i] = __builtin_sqrtf(x[i]);
}

/*
 * Comparisons to bool (one byte each; op: abi.h's COMPARE_*, any other code traps): op 0 a > b, 1 a >= b, 2 a < b, 3 a <= b.
 * b is either as long as a, or one value (b_scalar != 0). NaN compares false, as in JavaScript.
 */
void compare_f32(const float *restrict a, const float *restrict b, uint8_t *restrict out, int32_t n, int32_t b_scalar, int32_t op) {
  if (b_scalar) {
    const float v = b[0];
    switch (op) {
      case COMPARE_GREATER: for (int32_t i = 0; i < n; i++) out[i] = a[i] > v; break;
      case COMPARE_GREATER_EQUAL: for (int32_t i = 0; i < n; i++) out[i] = a[i] >= v; break;
      case COMPARE_LESS: for (int32_t i = 0; i < n; i++) out[i] = a[i] < v; break;
      case COMPARE_LESS_EQUAL: for (int32_t i = 0; i < n; i++) out[i] = a[i] <= v; break;
      default: __builtin_trap();
    }
  } else {
    switch (op) {
      case COMPARE_GREATER: for (int32_t i = 0; i < n; i++) out[i] = a[i] > b[i]; break;
      case COMPARE_GREATER_EQUAL: for (int32_t i = 0; i < n; i++) out[i] = a[i] >= b[i]; break;
      case COMPARE_LESS: for (int32_t i = 0; i < n; i++) out[i] = a[i] < b[i]; break;
      case COMPARE_LESS_EQUAL: for (int32_t i = 0; i < n; i++) out[i] = a[i] <= b[i]; break;
      default: __builtin_trap();
    }
  }
}

/* out = condition ? t : e, all of one shape. */
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
 * Binary ops of a full operand x [rows, cols] with a row [cols] broadcast over its rows:
 * out[r, c] = x[r, c] OP row[c], or row[c] OP x[r, c] when row_first (for sub and div).
 * op (abi.h's BINARY_ROW_*; any other code traps): 0 add, 1 sub, 2 mul, 3 div; each a single IEEE float32 operation, as on the cpu backend.
 */
#define ROW_LOOP(EXPR)                                                       \
  for (int32_t r = 0; r < rows; r++, x += cols, out += cols) {              \
    for (int32_t c = 0; c < cols; c++) { const float a = x[c], b = row[c]; out[c] = (EXPR); } \
  }
void binary_row_f32(const float *restrict x, const float *restrict row, float *restrict out, int32_t rows, int32_t cols,
                    int32_t op, int32_t row_first) {
  switch (op * 2 + (row_first != 0)) {
    case BINARY_ROW_ADD * 2: case BINARY_ROW_ADD * 2 + 1: ROW_LOOP(a + b); break;
    case BINARY_ROW_SUB * 2: ROW_LOOP(a - b); break;
    case BINARY_ROW_SUB * 2 + 1: ROW_LOOP(b - a); break;
    case BINARY_ROW_MUL * 2: case BINARY_ROW_MUL * 2 + 1: ROW_LOOP(a * b); break;
    case BINARY_ROW_DIV * 2: ROW_LOOP(a / b); break;
    case BINARY_ROW_DIV * 2 + 1: ROW_LOOP(b / a); break;
    default: __builtin_trap(); /* an op code abi.h does not define */
  }
}
#undef ROW_LOOP

/* out = x > hi ? hi : (x < lo ? lo : x), the cpu backend's ClipByValue (NaN stays NaN). Exact. */
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
