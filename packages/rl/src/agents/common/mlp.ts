/**
 * The small fully connected networks the agents use, as explicit tfjs variables (no Layers model),
 * with PyTorch's default initialization or orthogonal initialization (as Stable-Baselines3's
 * policies), seeded by this package's generator so that the same seed gives the same network.
 */
import * as tf from '@tensorflow/tfjs';

import { Rng } from '../../utils/rng';

/**
 * Hidden-layer activation.
 *
 * @category Agents
 */
export type Activation = 'relu' | 'tanh';

/**
 * How weights start.
 *
 * @category Agents
 */
export type Initialization = { kind: 'pytorch' } | { kind: 'orthogonal'; hiddenGain: number; outputGain: number };

/**
 * Orthogonal `rows x cols` matrix scaled by `gain` (Saxe et al. 2014): Gram-Schmidt on a Gaussian matrix.
 *
 * @category Agents
 */
export function orthogonalMatrix(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const [n, m] = tall ? [rows, cols] : [cols, rows];
  // m orthonormal columns of length n.
  const q: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (const u of q) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c][r] : q[r][c]);
  return out;
}

let networkCount = 0;

/**
 * A multi-layer perceptron `sizes[0] -> ... -> sizes[last]` with an activation between layers and
 * a linear output.
 * @example
 * ```ts
 * const q = new Mlp([4, 64, 64, 2], { activation: 'relu', init: { kind: 'pytorch' }, seed: 0 });
 * const values = q.apply(tf.zeros([1, 4]));
 * ```
 * @category Agents
 */
export class Mlp {
  /** Weights and biases, layer by layer: `[W0, b0, W1, b1, ...]`. */
  readonly variables: tf.Variable[];
  readonly activation: Activation;

  constructor(
    readonly sizes: number[],
    options: { activation: Activation; init: Initialization; seed: number; trainable?: boolean },
  ) {
    this.activation = options.activation;
    const rng = new Rng(options.seed);
    const id = networkCount++;
    this.variables = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      let w: Float32Array, b: Float32Array;
      if (options.init.kind === 'orthogonal') {
        const gain = l + 2 === sizes.length ? options.init.outputGain : options.init.hiddenGain;
        w = orthogonalMatrix(fanIn, fanOut, gain, rng);
        b = new Float32Array(fanOut);
      } else {
        // PyTorch nn.Linear: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn)), bias the same.
        const bound = 1 / Math.sqrt(fanIn);
        w = Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-bound, bound));
        b = Float32Array.from({ length: fanOut }, () => rng.uniform(-bound, bound));
      }
      const trainable = options.trainable ?? true;
      // tf.variable keeps its own copy of the initial value, so the initial tensors are freed here.
      this.variables.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]), trainable, `rl_mlp${id}_w${l}`)));
      this.variables.push(tf.tidy(() => tf.variable(tf.tensor1d(b), trainable, `rl_mlp${id}_b${l}`)));
    }
  }

  /** The output for a batch `[n, sizes[0]]`. Call inside `tf.tidy`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.applyWithLatent(x).output;
  }

  /**
   * The output for a batch `[n, sizes[0]]` and the last layer's input `latent` `[n, sizes[last - 1]]`
   * (the last hidden layer's activations, or `x` itself without hidden layers). Call inside `tf.tidy`.
   */
  applyWithLatent(x: tf.Tensor2D): { latent: tf.Tensor2D; output: tf.Tensor2D } {
    let h: tf.Tensor2D = x;
    const layers = this.variables.length / 2;
    for (let l = 0; l + 1 < layers; l++) {
      h = tf.add(tf.matMul(h, this.variables[2 * l] as tf.Tensor2D), this.variables[2 * l + 1]);
      h = this.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
    }
    const last = 2 * (layers - 1);
    return { latent: h, output: tf.add(tf.matMul(h, this.variables[last] as tf.Tensor2D), this.variables[last + 1]) };
  }

  /** Copies of every weight, in `variables` order. */
  getWeights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  /** Sets every weight from arrays in `variables` order. */
  setWeights(weights: Float32Array[]): void {
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
  }

  /** `this = tau * source + (1 - tau) * this` (tau = 1: a hard copy). */
  updateFrom(source: Mlp, tau = 1): void {
    tf.tidy(() => {
      this.variables.forEach((v, i) =>
        v.assign(tau === 1 ? source.variables[i] : tf.add(tf.mul(source.variables[i], tau), tf.mul(v, 1 - tau))),
      );
    });
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables);
  }
}
