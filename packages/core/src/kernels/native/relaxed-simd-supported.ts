/**
 * Whether the engine compiles WebAssembly relaxed SIMD, which bigmodel's GEMM (native/gemm.c) needs
 * for `f32x4.relaxed_madd`. Node 20 (V8 11.3) compiles it only behind
 * `--experimental-wasm-relaxed-simd`; newer Node and browsers have it on by default.
 */

/**
 * The smallest module with an `f32x4.relaxed_madd`: (func (param v128 v128 v128) (result v128)
 * (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))).
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128 v128 v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function 0 has type 0
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // code
]);

let relaxedSimd: boolean | undefined;

/**
 * Whether this engine compiles relaxed SIMD: we ask whether it validates a tiny module with one
 * `f32x4.relaxed_madd`, switch the flag on in Node where V8 keeps it behind one (Node 20), and ask
 * again. Never throws: where the flag cannot be set the answer is simply false.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSimd !== undefined) return relaxedSimd;
  relaxedSimd = WebAssembly.validate(RELAXED_SIMD_PROBE);
  if (!relaxedSimd && typeof process !== 'undefined' && process.versions?.node) {
    try {
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = WebAssembly.validate(RELAXED_SIMD_PROBE);
    } catch {
      relaxedSimd = false;
    }
  }
  return relaxedSimd;
}
