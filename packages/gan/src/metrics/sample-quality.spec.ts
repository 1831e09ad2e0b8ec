import { mulberry32, standardNormal } from '@bigmodel/core';

import { classifierScore, featureStatistics, frechetDistance, modeCoverage, type FeatureStatistics } from './sample-quality';

function gaussian(mean: number[], covariance: number[]): FeatureStatistics {
  return { dimension: mean.length, count: 1000, mean: Float64Array.from(mean), covariance: Float64Array.from(covariance) };
}

describe('featureStatistics', () => {
  it('computes the mean and the unbiased covariance by hand', () => {
    // Vectors (1, 2), (3, 2), (5, 8): mean (3, 4); deviations (-2, -2), (0, -2), (2, 4).
    const stats = featureStatistics(Float32Array.of(1, 2, 3, 2, 5, 8), 3, 2);
    expect(Array.from(stats.mean)).toEqual([3, 4]);
    expect(Array.from(stats.covariance)).toEqual([(4 + 0 + 4) / 2, (4 + 0 + 8) / 2, (4 + 0 + 8) / 2, (4 + 4 + 16) / 2]);
  });
});

describe('frechetDistance', () => {
  it('is (m1 - m2)^2 + (s1 - s2)^2 in one dimension', () => {
    expect(frechetDistance(gaussian([1], [4]), gaussian([-2], [9]))).toBeCloseTo(9 + 1, 10);
  });

  it('is zero between identical Gaussians and symmetric', () => {
    const a = gaussian([1, 2], [2, 0.7, 0.7, 1]);
    const b = gaussian([0, 1], [0.5, -0.3, -0.3, 3]);
    expect(frechetDistance(a, a)).toBeCloseTo(0, 10);
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 10);
  });

  it('matches the 2x2 closed form for non-commuting covariances', () => {
    const a = gaussian([1, 2], [2, 0.7, 0.7, 1]);
    const b = gaussian([0, 1], [0.5, -0.3, -0.3, 3]);
    // tr sqrt(AB) = sqrt(tr(AB) + 2 sqrt(det(A) det(B))) for 2x2 matrices with positive eigenvalues.
    const trAB = 2 * 0.5 + 0.7 * -0.3 + 0.7 * -0.3 + 1 * 3;
    const traceSqrt = Math.sqrt(trAB + 2 * Math.sqrt((2 - 0.49) * (1.5 - 0.09)));
    expect(frechetDistance(a, b)).toBeCloseTo(1 + 1 + (2 + 1 + 0.5 + 3) - 2 * traceSqrt, 10);
  });

  it('estimated from samples approaches the distance of the generating Gaussians', () => {
    const random = mulberry32(3);
    const normal = () => standardNormal(random);
    const n = 20000;
    const draw = (shift: number, scale: number) =>
      Float64Array.from({ length: n * 3 }, (_, i) => shift * (i % 3 === 0 ? 1 : 0) + scale * normal());
    const distance = frechetDistance(featureStatistics(draw(0, 1), n, 3), featureStatistics(draw(2, 2), n, 3));
    expect(distance).toBeCloseTo(4 + 3 * (2 - 1) ** 2, 0); // mean term 4, covariance term 3 * (sqrt 4 - sqrt 1)^2
  });
});

describe('classifierScore', () => {
  it('is k for confident predictions spread evenly over k classes, and 1 for identical predictions', () => {
    const even = new Float32Array(40);
    for (let i = 0; i < 4; i++) even[i * 10 + i] = 1;
    expect(classifierScore(even, 4, 10)).toBeCloseTo(4, 6);
    const same = Float32Array.from({ length: 30 }, (_, i) => [0.2, 0.3, 0.5][i % 3]);
    expect(classifierScore(same, 10, 3)).toBeCloseTo(1, 10);
  });

  it('matches a hand-computed mixed case', () => {
    // p1 = (0.9, 0.1), p2 = (0.2, 0.8); marginal (0.55, 0.45).
    const kl = (p: number[]) => p[0] * Math.log(p[0] / 0.55) + p[1] * Math.log(p[1] / 0.45);
    expect(classifierScore(Float32Array.of(0.9, 0.1, 0.2, 0.8), 2, 2)).toBeCloseTo(Math.exp((kl([0.9, 0.1]) + kl([0.2, 0.8])) / 2), 6);
  });
});

describe('modeCoverage', () => {
  it('counts classes hit and the KL of the histogram to uniform', () => {
    const coverage = modeCoverage([0, 1, 1, 1], 3);
    expect(coverage.classesCovered).toBe(2);
    expect(coverage.histogram).toEqual([0.25, 0.75, 0]);
    expect(coverage.klToUniform).toBeCloseTo(0.25 * Math.log(0.75) + 0.75 * Math.log(2.25), 12);
    expect(modeCoverage([0, 1, 2, 0, 1, 2], 3).klToUniform).toBeCloseTo(0, 12);
  });
});
