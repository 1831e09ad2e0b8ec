/*
 * Unary ops on SIMD lanes: square, relu, relu6, neg, abs (exact) and tanh, sigmoid, elu (polynomial e^x).
 */
#include <wasm_simd128.h>

#include "abi.h"

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
 * Unary ops, four floats at a time (op: abi.h's UNARY_*; any other code traps): op 0 square (x * x), 1 relu (max(0, x)), 2 relu6
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
void unary_f32(const float *restrict x, float *restrict out, int32_t n, int32_t op) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t six = wasm_f32x4_splat(6.0f);
  switch (op) {
    case UNARY_SQUARE: UNARY_LOOP(wasm_f32x4_mul(v, v)); break;
    case UNARY_RELU: UNARY_LOOP(wasm_f32x4_max(zero, v)); break;
    case UNARY_RELU6: UNARY_LOOP(wasm_f32x4_min(wasm_f32x4_max(zero, v), six)); break;
    case UNARY_NEG: UNARY_LOOP(wasm_f32x4_neg(v)); break;
    case UNARY_ABS: UNARY_LOOP(wasm_f32x4_abs(v)); break;
    case UNARY_TANH: UNARY_LOOP(tanh_f32x4(v)); break;
    case UNARY_SIGMOID: UNARY_LOOP(wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(wasm_f32x4_splat(1.0f), exp_clamped_f32x4(wasm_f32x4_neg(v))))); break;
    case UNARY_ELU: UNARY_LOOP(wasm_v128_bitselect(v, wasm_f32x4_sub(exp_clamped_f32x4(v), wasm_f32x4_splat(1.0f)), wasm_f32x4_ge(v, zero))); break;
    default: __builtin_trap(); /* an op code abi.h does not define */
  }
}
#undef UNARY_LOOP
