/**
 * Spectral normalization of a layer's kernel (Miyato et al. 2018, "Spectral Normalization for
 * Generative Adversarial Networks"): the layer uses `W / sigma(W)`, where `sigma(W)` is the largest
 * singular value of the kernel reshaped to `[fanIn, units]`, estimated by power iteration with
 * vectors `u` (length `units`) and `v` (length `fanIn`) that persist across updates. As in the
 * paper and PyTorch's `spectral_norm`, one power-iteration step runs per update
 * ({@link SpectralNormalized.powerIterate}, called by the trainer outside the gradient tape), and
 * the gradient flows through `sigma = v^T W u` with `u` and `v` held constant. `u` and `v` are
 * non-trainable weights of the layer, so checkpoints carry them and a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Which layers are spectrally normalized: both kinds below.
 *
 * @category Models
 */
export interface SpectralNormalized {
  /** One power-iteration step: `v = W u / ||W u||`, then `u = W^T v / ||W^T v||`. */
  powerIterate(): void;
  /** The current estimate `v^T W u` of the kernel's largest singular value. */
  sigma(): tf.Scalar;
}

/**
 * Whether `layer` is one of this file's spectrally normalized layers.
 *
 * @category Models
 */
export function isSpectralNormalized(layer: unknown): layer is SpectralNormalized {
  return layer instanceof SpectralNormLayer;
}

type LayerVariable = tf.LayerVariable;
type Initializer = ReturnType<typeof tf.initializers.randomNormal>;
/** `Layer.addWeight` (protected), handed over by the layer being built. */
type AddWeight = (name: string, shape: number[], initializer: Initializer, trainable: boolean) => LayerVariable;

/** The shape of a layer's one input (Keras hands a layer either a shape or a list of them). */
function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/** `x / (||x|| + 1e-12)`. */
function normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

/** What both layers share: the kernel matrix view, `u`, `v`, the power iteration and `sigma`. */
class SpectralState {
  constructor(
    private readonly kernel: LayerVariable,
    private readonly u: LayerVariable,
    private readonly v: LayerVariable,
  ) {}

  private matrix(): tf.Tensor2D {
    const shape = this.kernel.shape as number[];
    return tf.reshape(this.kernel.read(), [-1, shape[shape.length - 1]]);
  }

  powerIterate(): void {
    tf.tidy(() => {
      const w = this.matrix();
      const v = normalize(tf.matMul(w, tf.reshape(this.u.read(), [-1, 1])));
      const u = normalize(tf.matMul(w, v, true, false));
      this.v.write(tf.reshape(v, [-1]));
      this.u.write(tf.reshape(u, [-1]));
    });
  }

  sigma(): tf.Scalar {
    return tf.tidy(() => tf.sum(tf.mul(tf.reshape(this.v.read(), [-1, 1]), tf.matMul(this.matrix(), tf.reshape(this.u.read(), [-1, 1])))));
  }

  /** The normalized kernel `W / sigma`, in its own shape. */
  normalized(): tf.Tensor {
    return tf.div(this.kernel.read(), this.sigma());
  }
}

/** The vectors `u` and `v`: random unit vectors, seeded. */
function addVectors(addWeight: AddWeight, fanIn: number, units: number, seed: number): [LayerVariable, LayerVariable] {
  const unit = (name: string, length: number, s: number) =>
    addWeight(name, [length], tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: s }), false);
  const u = unit('sn_u', units, seed);
  const v = unit('sn_v', fanIn, seed + 1);
  tf.tidy(() => {
    u.write(normalize(u.read()));
    v.write(normalize(v.read()));
  });
  return [u, v];
}

/**
 * What both spectrally normalized layers share: the kernel (with its `u` and `v`), the bias, and
 * {@link SpectralNormalized}'s methods. Subclasses give the kernel's shape and the product.
 * @category Models
 */
export abstract class SpectralNormLayer extends tf.layers.Layer implements SpectralNormalized {
  private state?: SpectralState;
  private bias?: LayerVariable;

  /**
   * Adds, in this order, the kernel of `kernelShape` (its last axis the output units, the others
   * its fan-in), the bias, and the power iteration's `u` and `v` seeded from `seed`.
   */
  protected buildWeights(kernelShape: number[], initializer: Initializer, seed: number): void {
    const units = kernelShape[kernelShape.length - 1];
    const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
    const kernel = this.addWeight('kernel', kernelShape, 'float32', initializer);
    this.bias = this.addWeight('bias', [units], 'float32', tf.initializers.zeros());
    const addWeight: AddWeight = (name, shape, init, trainable) => this.addWeight(name, shape, 'float32', init, undefined, trainable);
    const [u, v] = addVectors(addWeight, fanIn, units, seed);
    this.state = new SpectralState(kernel, u, v);
    this.built = true;
  }

  /** The kernel divided by its estimated largest singular value, in the kernel's shape. */
  protected normalizedKernel(): tf.Tensor {
    return this.state!.normalized();
  }

  /** The bias's current value. */
  protected biasValue(): tf.Tensor {
    return this.bias!.read();
  }

  powerIterate(): void {
    this.state!.powerIterate();
  }

  sigma(): tf.Scalar {
    return this.state!.sigma();
  }
}

/**
 * Options of {@link SpectralNormConv2D}.
 *
 * @category Models
 */
export interface SpectralNormConv2DArgs {
  filters: number;
  kernelSize: number;
  strides: number;
  /** Input shape `[height, width, channels]`, for a first layer. */
  inputShape?: number[];
  kernelInitializer: Initializer;
  /** Seed of the initial `u` and `v`. */
  seed: number;
  name?: string;
}

/**
 * A 2-D convolution (padding `same`, with bias) whose kernel is spectrally normalized.
 * @category Models
 */
export class SpectralNormConv2D extends SpectralNormLayer {
  /** @internal */
  static className = 'SpectralNormConv2D';

  constructor(private readonly args: SpectralNormConv2DArgs) {
    super({ name: args.name, inputShape: args.inputShape });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1] as number;
    const { kernelSize, filters } = this.args;
    this.buildWeights([kernelSize, kernelSize, channels, filters], this.args.kernelInitializer, this.args.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    const out = (size: number | null) => (size === null ? null : Math.ceil(size / this.args.strides));
    return [shape[0], out(shape[1]), out(shape[2]), this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.add(tf.conv2d(x, this.normalizedKernel() as tf.Tensor4D, this.args.strides, 'same'), this.biasValue()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { filters, kernelSize, strides, seed } = this.args;
    return { ...super.getConfig(), filters, kernelSize, strides, seed };
  }
}
tf.serialization.registerClass(SpectralNormConv2D);

/**
 * Options of {@link SpectralNormDense}.
 *
 * @category Models
 */
export interface SpectralNormDenseArgs {
  units: number;
  kernelInitializer: Initializer;
  /** Seed of the initial `u` and `v`. */
  seed: number;
  name?: string;
}

/**
 * A dense layer (with bias, no activation) whose kernel is spectrally normalized; its input must
 * be flat (`[batch, features]`).
 * @category Models
 */
export class SpectralNormDense extends SpectralNormLayer {
  /** @internal */
  static className = 'SpectralNormDense';

  constructor(private readonly args: SpectralNormDenseArgs) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const features = shape[shape.length - 1] as number;
    this.buildWeights([features, this.args.units], this.args.kernelInitializer, this.args.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return [shape[0], this.args.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    return tf.tidy(() => tf.add(tf.matMul(x, this.normalizedKernel() as tf.Tensor2D), this.biasValue()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { units, seed } = this.args;
    return { ...super.getConfig(), units, seed };
  }
}
tf.serialization.registerClass(SpectralNormDense);
