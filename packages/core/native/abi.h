/*
 * The ABI between bigmodel's WebAssembly modules and TypeScript: every exported function's
 * signature and every constant both sides must agree on. The C sources include this header, so the
 * compiler checks each definition against its declaration here; build.mjs reads it and generates
 * src/kernels/native/abi.ts (the bindings' types and the same constants), and `build.mjs --check`
 * fails when that file is out of date. Change the ABI here, then run build.mjs.
 *
 * Conventions the generator relies on: constants are `#define NAME <integer>`; declarations are one
 * `EXPORT(name) <void|int32_t> name(<params>);` each, after a `@module kernels` or `@module gemm`
 * line naming the module that defines them. Pointer arguments are byte offsets into the tfjs wasm
 * backend's heap (numbers in TypeScript); int32_t and float arguments are numbers too.
 *
 * Both modules import the tfjs module's own linear memory and must own none of it: no static data
 * and no stack frames (build.mjs checks both), because every byte belongs to the tfjs allocator.
 * Layouts are NHWC; filters are [kh, kw, in, out] as in TensorFlow.js.
 */
#ifndef BIGMODEL_ABI_H
#define BIGMODEL_ABI_H

#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * A 2-D convolution's or pooling window's geometry (backend_util.Conv2DInfo): GEOMETRY_INTS
 * consecutive int32 values, at these indices.
 */
#define GEOMETRY_BATCH 0
#define GEOMETRY_IN_HEIGHT 1
#define GEOMETRY_IN_WIDTH 2
#define GEOMETRY_IN_CHANNELS 3
#define GEOMETRY_OUT_HEIGHT 4
#define GEOMETRY_OUT_WIDTH 5
#define GEOMETRY_OUT_CHANNELS 6
#define GEOMETRY_FILTER_HEIGHT 7
#define GEOMETRY_FILTER_WIDTH 8
#define GEOMETRY_STRIDE_HEIGHT 9
#define GEOMETRY_STRIDE_WIDTH 10
#define GEOMETRY_DILATION_HEIGHT 11
#define GEOMETRY_DILATION_WIDTH 12
#define GEOMETRY_PAD_TOP 13
#define GEOMETRY_PAD_LEFT 14
#define GEOMETRY_INTS 15

/* unary_f32's op codes. Any other code traps. */
#define UNARY_SQUARE 0
#define UNARY_RELU 1
#define UNARY_RELU6 2
#define UNARY_NEG 3
#define UNARY_ABS 4
#define UNARY_TANH 5
#define UNARY_SIGMOID 6
#define UNARY_ELU 7

/* compare_f32's op codes (a OP b). Any other code traps. */
#define COMPARE_GREATER 0
#define COMPARE_GREATER_EQUAL 1
#define COMPARE_LESS 2
#define COMPARE_LESS_EQUAL 3

/* binary_row_f32's op codes. Any other code traps. */
#define BINARY_ROW_ADD 0
#define BINARY_ROW_SUB 1
#define BINARY_ROW_MUL 2
#define BINARY_ROW_DIV 3

/* bias_activation_f32's activations (tfjs's FusableActivation numbering; other codes are linear). */
#define ACTIVATION_LINEAR 0
#define ACTIVATION_RELU 1
#define ACTIVATION_RELU6 2
#define ACTIVATION_LEAKY_RELU 4

/* gemm_f32's flag bits. */
#define GEMM_ACCUMULATE 1
#define GEMM_TRANSPOSE_A 2
#define GEMM_TRANSPOSE_B 4

/* @module kernels: kernels.wasm, built from conv.c, pool.c, reduce.c, tile.c, elementwise.c, unary.c, ... */

/* conv.c */
EXPORT(im2col_transposed) void im2col_transposed(const float *x, float *cols_t, const int32_t *geometry);
EXPORT(im2col) void im2col(const float *x, float *cols, const int32_t *geometry, int32_t row_begin, int32_t row_end);
EXPORT(col2im) void col2im(const float *cols, float *dx, const int32_t *geometry, int32_t row_begin, int32_t row_end);
EXPORT(depthwise_backprop_input) void depthwise_backprop_input(const float *dy, const float *w, float *dx, const int32_t *geometry);
EXPORT(depthwise_backprop_filter) void depthwise_backprop_filter(const float *x, const float *dy, float *dw, const int32_t *geometry);

/* pool.c */
EXPORT(max_pool_f32) void max_pool_f32(const float *x, float *out, const int32_t *geometry);
EXPORT(max_pool_grad) void max_pool_grad(const float *x, const float *dy, float *dx, const int32_t *geometry);

/* reduce.c */
EXPORT(unsorted_segment_sum_f32)
void unsorted_segment_sum_f32(const float *x, const int32_t *ids, float *out, int32_t count, int32_t inner, int32_t segments);
EXPORT(unsorted_segment_sum_i32)
void unsorted_segment_sum_i32(const int32_t *x, const int32_t *ids, int32_t *out, int32_t count, int32_t inner, int32_t segments);
EXPORT(sum_rows_f32) void sum_rows_f32(const float *x, float *out, int32_t rows, int32_t cols, float scale);

/* gemv.c */
EXPORT(gemv_f32) void gemv_f32(const float *a, const float *x, float *out, int32_t m, int32_t k, int32_t lda);

/* tile.c */
EXPORT(tile_32) void tile_32(const int32_t *x, int32_t *out, const int32_t *spec);

/* elementwise.c */
EXPORT(leaky_relu_f32) void leaky_relu_f32(const float *x, float *out, int32_t n, float alpha);
EXPORT(bias_activation_f32)
void bias_activation_f32(float *x, const float *bias, int32_t rows, int32_t cols, int32_t activation, float alpha);
EXPORT(sqrt_f32) void sqrt_f32(const float *x, float *out, int32_t n);
EXPORT(compare_f32) void compare_f32(const float *a, const float *b, uint8_t *out, int32_t n, int32_t b_scalar, int32_t op);
EXPORT(select_f32) void select_f32(const uint8_t *condition, const float *t, const float *e, float *out, int32_t n);
EXPORT(binary_row_f32)
void binary_row_f32(const float *x, const float *row, float *out, int32_t rows, int32_t cols, int32_t op, int32_t row_first);
EXPORT(clip_f32) void clip_f32(const float *x, float *out, int32_t n, float lo, float hi);

/* unary.c */
EXPORT(unary_f32) void unary_f32(const float *x, float *out, int32_t n, int32_t op);

/* batch_norm.c */
EXPORT(batch_norm_f32)
void batch_norm_f32(const float *x, const float *mean, int32_t mean_len, const float *variance, int32_t variance_len,
                    const float *offset, int32_t offset_len, const float *scale, int32_t scale_len, float *out, int32_t n,
                    int32_t channels, float epsilon, float *scratch);

/* adam.c */
EXPORT(adam_f32)
void adam_f32(const float *w, const float *g, const float *m, const float *v, const float *v_max, float *w_out, float *m_out,
              float *v_out, float *v_max_out, int32_t n, float beta1, float one_minus_beta1, float beta2,
              float one_minus_beta2, float bias_correction2_sqrt, float epsilon, float step_size);

/* @module gemm: gemm.wasm, built from gemm.c with relaxed SIMD */

EXPORT(gemm_f32_pack_floats) int32_t gemm_f32_pack_floats(int32_t m, int32_t n, int32_t k);
EXPORT(gemm_f32)
void gemm_f32(const float *a, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t lda, int32_t ldb, int32_t ldc,
              int32_t flags, float *pack);
EXPORT(gemm_f32_unfold_t)
void gemm_f32_unfold_t(const float *x, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t i0, int32_t ldb,
                       int32_t ldc, float *pack, const int32_t *geometry);
EXPORT(gemm_f32_unfold)
void gemm_f32_unfold(const float *x, const float *b, float *c, int32_t m, int32_t n, int32_t k, int32_t i0, int32_t ldb,
                     int32_t ldc, float *pack, const int32_t *geometry);
EXPORT(conv_backprop_input_pack_floats) int32_t conv_backprop_input_pack_floats(int32_t co, int32_t cn, int32_t taps);
EXPORT(conv_backprop_input_f32)
void conv_backprop_input_f32(const float *dy, const float *w, float *dx, int32_t c0, int32_t cn, float *pack,
                             const int32_t *geometry);

#endif
