/**
 * Small dense float64 linear algebra for the Frechet distance: a symmetric eigendecomposition
 * (cyclic Jacobi rotations, which stay accurate for the nearly singular covariances of classifier
 * features) and the functions built on it. Matrices are row-major `Float64Array`s of `n * n`.
 */
import { InvalidArgumentError } from '@bigmodel/core';

/**
 * Eigenvalues and eigenvectors of a symmetric matrix: `A = V diag(values) V^T`, eigenvectors in the columns of V.
 */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric `n x n` matrix `a` by cyclic Jacobi rotations (Golub & Van
 * Loan, Matrix Computations, section 8.5), to machine precision. Only the symmetric part of `a` is
 * used.
 *
 * @example
 * ```ts
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values; // [1, 3] in some order
 * ```
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n)
    throw new InvalidArgumentError({ parameter: 'a', value: `${a.length} values`, message: `An ${n}x${n} matrix has ${n * n} values.` });
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (a[i * n + j] + a[j * n + i]) / 2;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i] * m[i];
  const tolerance = 1e-30 * Math.max(scale, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The rotation that zeroes m[p][q] (the smaller of the two angles).
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/**
 * `A B` for `n x n` matrices.
 */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/**
 * The symmetric positive semi-definite square root of a symmetric matrix: `V diag(sqrt(max(l, 0))) V^T`
 * (eigenvalues below zero, from rounding, are taken as zero).
 *
 * @example
 * ```ts
 * sqrtmSymmetric(Float64Array.of(4, 0, 0, 9), 2); // [2, 0, 0, 3]
 * ```
 */
export function sqrtmSymmetric(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(Math.max(values[k], 0));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * root;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}

/**
 * `trace((A B)^(1/2))` for symmetric positive semi-definite A and B, computed as
 * `trace((A^(1/2) B A^(1/2))^(1/2))`: `A^(1/2) B A^(1/2)` is symmetric and has the eigenvalues of
 * `A B`, so only symmetric eigendecompositions are needed (no general matrix square root, no
 * complex parts).
 *
 * @example
 * ```ts
 * traceSqrtProduct(Float64Array.of(4, 0, 0, 1), Float64Array.of(1, 0, 0, 9), 2); // 2 + 3 = 5
 * ```
 */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, n: number): number {
  const root = sqrtmSymmetric(a, n);
  const inner = matMul(matMul(root, b, n), root, n);
  const { values } = symmetricEigen(inner, n);
  let trace = 0;
  for (const value of values) trace += Math.sqrt(Math.max(value, 0));
  return trace;
}
