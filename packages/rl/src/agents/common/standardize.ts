/**
 * `values` shifted to mean 0 and scaled to standard deviation 1 (the unbiased estimate, plus 1e-8),
 * as Stable-Baselines3 normalizes advantages; fewer than two values come back unchanged.
 */
export function standardize(values: Float32Array): Float32Array {
  if (values.length < 2) return values;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return values.map((v) => (v - mean) / (std + 1e-8));
}
