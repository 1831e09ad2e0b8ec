import { mulberry32 } from '@bigmodel/core';

import { matMul, sqrtmSymmetric, symmetricEigen, traceSqrtProduct } from './linear-algebra';

/** A random orthogonal n x n matrix: Gram-Schmidt on seeded uniform columns. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const v = Array.from({ length: n }, () => random() - 0.5);
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * q[i * n + k];
      for (let i = 0; i < n; i++) v[i] -= dot * q[i * n + k];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) q[i * n + j] = v[i] / norm;
  }
  return q;
}

/** Q diag(values) Q^T. */
function withEigenvalues(q: Float64Array, values: number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += q[i * n + k] * values[k] * q[j * n + k];
  return out;
}

const sorted = (values: ArrayLike<number>) => Array.from(values).sort((a, b) => a - b);

describe('symmetricEigen', () => {
  it('recovers the eigenvalues of Q diag(l) Q^T and reconstructs the matrix', () => {
    const n = 12;
    const values = Array.from({ length: n }, (_, i) => (i - 3) * 0.75); // negative, zero and positive
    const a = withEigenvalues(randomOrthogonal(n, 1), values);
    const eigen = symmetricEigen(a, n);
    sorted(eigen.values).forEach((v, i) => expect(v).toBeCloseTo(sorted(values)[i], 10));
    const rebuilt = withEigenvalues(eigen.vectors, Array.from(eigen.values));
    rebuilt.forEach((v, i) => expect(v).toBeCloseTo(a[i], 10));
  });

  it('gives 1 and 3 for [[2, 1], [1, 2]]', () => {
    expect(sorted(symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values)).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });
});

describe('sqrtmSymmetric', () => {
  it('squares back to a positive semi-definite matrix, rank-deficient included', () => {
    const n = 10;
    const a = withEigenvalues(randomOrthogonal(n, 2), [0, 0, 1e-3, 0.5, 1, 2, 3, 5, 8, 13]);
    const root = sqrtmSymmetric(a, n);
    matMul(root, root, n).forEach((v, i) => expect(v).toBeCloseTo(a[i], 9));
  });
});

describe('traceSqrtProduct', () => {
  it('is sum sqrt(a_i b_i) for diagonal matrices', () => {
    const a = Float64Array.of(4, 0, 0, 0, 1, 0, 0, 0, 9);
    const b = Float64Array.of(1, 0, 0, 0, 16, 0, 0, 0, 4);
    expect(traceSqrtProduct(a, b, 3)).toBeCloseTo(2 + 4 + 6, 12);
  });

  it('matches the 2x2 closed form sqrt(tr(AB) + 2 sqrt(det A det B)) for non-commuting A and B', () => {
    const a = Float64Array.of(2, 0.7, 0.7, 1);
    const b = Float64Array.of(0.5, -0.3, -0.3, 3);
    const ab = matMul(a, b, 2);
    const detA = 2 * 1 - 0.7 * 0.7;
    const detB = 0.5 * 3 - 0.3 * 0.3;
    expect(traceSqrtProduct(a, b, 2)).toBeCloseTo(Math.sqrt(ab[0] + ab[3] + 2 * Math.sqrt(detA * detB)), 12);
  });
});
