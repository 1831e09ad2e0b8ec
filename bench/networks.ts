/**
 * The networks the benchmark times, built the same way as bench/pytorch_reference.py builds them.
 * Uses only @tensorflow/tfjs, so that it runs with and without bigmodel's kernels; the optimizer
 * and the DCGAN's convolution and dense layers come from the caller (tfjs's Adam and
 * tf.layers.conv2d / tf.layers.dense by default; bench/run.ts gives bigmodel's rows core's Adam
 * and core's lazyGradConv2d / lazyGradDense).
 */
import * as tf from '@tensorflow/tfjs';

/** Makes an Adam optimizer with learning rate `lr` and first-moment decay `beta1` (second-moment decay 0.999). */
export type AdamFactory = (lr: number, beta1: number) => tf.Optimizer;

/** tfjs's own Adam (tf.train.adam with its defaults otherwise: beta2 0.999, epsilon the backend's, 1e-7). */
export const tfjsAdam: AdamFactory = (lr, beta1) => tf.train.adam(lr, beta1);

/** Makes the DCGAN's discriminator convolutions and its dense layers, from tf.layers' arguments. */
export interface DcganLayers {
  conv2d: (args: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.Layer;
  dense: (args: Parameters<typeof tf.layers.dense>[0]) => tf.layers.Layer;
}

/**
 * tfjs's own layers. Their products are tf.fused.conv2d / tf.fused.matMul, whose gradients
 * compute the gradients of every operand whichever are needed (core's lazyGradConv2d and
 * lazyGradDense do not).
 */
export const tfjsLayers: DcganLayers = { conv2d: (args) => tf.layers.conv2d(args), dense: (args) => tf.layers.dense(args) };

/** The reference CNN (same layers as createReferenceCnn in @bigmodel/core). */
export function referenceCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/**
 * One reference-CNN train step (batch 64, Adam 1e-3, categorical cross-entropy). Returns a step function, and one
 * that reads the loss asynchronously (a GPU backend cannot read synchronously in Node).
 */
export function cnnStep(adam: AdamFactory = tfjsAdam): { step: () => number; stepAsync: () => Promise<number>; dispose: () => void } {
  const model = referenceCnn();
  const optimizer = adam(1e-3, 0.9);
  const x = tf.randomUniform([64, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10).toFloat();
  const train = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!;
  const step = () => {
    const loss = train();
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const stepAsync = async () => {
    const loss = train();
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  return { step, stepAsync, dispose: () => (tf.dispose([x, y]), model.dispose(), optimizer.dispose()) };
}

/**
 * A CIFAR-shaped ResNet (He et al. 2016, section 4.2, with n = 2: ResNet-14): 32x32x3 inputs, a 3x3
 * convolution of 16 filters, three stages of two basic blocks (two 3x3 convolutions, batch norm,
 * ReLU, identity shortcut) at 16, 32 and 64 filters, the first block of stages 2 and 3 striding 2
 * with a 1x1 convolution and batch norm as its shortcut (option B), global average pooling and a
 * 10-way dense layer giving logits: 15 convolutions and one dense layer (bench/pytorch_reference.py
 * builds the same network). Synthetic data: a workload big enough for a GPU, not a CIFAR result.
 */
export function resnet14(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  const conv = (filters: number, kernelSize: number, strides: number) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false });
  const bnRelu = (x: tf.SymbolicTensor, relu = true) => {
    const normalized = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    return relu ? (tf.layers.reLU().apply(normalized) as tf.SymbolicTensor) : normalized;
  };
  let x = bnRelu(conv(16, 3, 1).apply(input) as tf.SymbolicTensor);
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let block = 0; block < 2; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const branch = bnRelu(
        conv(filters, 3, 1).apply(bnRelu(conv(filters, 3, strides).apply(x) as tf.SymbolicTensor)) as tf.SymbolicTensor,
        false,
      );
      const shortcut = strides === 1 ? x : bnRelu(conv(filters, 1, strides).apply(x) as tf.SymbolicTensor, false);
      x = tf.layers.reLU().apply(tf.layers.add().apply([branch, shortcut]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    }
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10 }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/**
 * One ResNet-14 train step (batch 64 of 32x32x3, Adam 1e-3, categorical cross-entropy, batch norm in
 * training mode), with the same two step functions as {@link cnnStep}.
 */
export function resnetStep(adam: AdamFactory = tfjsAdam): { step: () => number; stepAsync: () => Promise<number>; dispose: () => void } {
  const model = resnet14();
  const optimizer = adam(1e-3, 0.9);
  const x = tf.randomUniform([64, 32, 32, 3]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10).toFloat();
  const train = () =>
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
  const step = () => {
    const loss = train();
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const stepAsync = async () => {
    const loss = train();
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  return { step, stepAsync, dispose: () => (tf.dispose([x, y]), model.dispose(), optimizer.dispose()) };
}

/**
 * DCGAN for 28x28 MNIST (nz 100): generator and discriminator as the issue and the PyTorch script
 * define them, the discriminator's convolutions and the dense layers made by `layers`.
 */
export function dcgan(layers: DcganLayers = tfjsLayers): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
  const { conv2d, dense } = layers;
  const generator = tf.sequential({
    layers: [
      dense({ inputShape: [100], units: 7 * 7 * 128, useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.reshape({ targetShape: [7, 7, 128] }),
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [
      conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(),
      dense({ units: 1 }),
    ],
  });
  return { generator, discriminator };
}

/**
 * One DCGAN step at batch 64, as PyTorch's DCGAN example (and bench/pytorch_reference.py) makes
 * it: one generator forward `fake = G(z)`; a discriminator update on the real batch and on `fake`
 * (PyTorch's fake.detach()); then a generator update that backpropagates the discriminator's
 * verdict on that same `fake`, through the updated discriminator, to G's weights.
 *
 * In tfjs the discriminator update runs inside the generator's gradient: G's forward is recorded
 * on the tape, the discriminator's minimize is a nested gradient on the same tape, and the
 * generator loss is taken last. The nested update's operations drop out of the generator's
 * gradient, as they do not lead to its loss: an optimizer assigns a variable its new value
 * without changing the variable's tensor id, so the generator loss reads D's weights as fresh
 * inputs. The trainable weights after each step are bitwise those of running G forward twice
 * (once outside any tape for D's update, once inside G's); only G's batch-norm moving statistics
 * now move once per step, as in PyTorch.
 */
export function dcganStep(
  adam: AdamFactory = tfjsAdam,
  layers: DcganLayers = tfjsLayers,
): {
  step: () => number;
  stepAsync: () => Promise<number>;
  dispose: () => void;
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
} {
  const { generator, discriminator } = dcgan(layers);
  const optD = adam(2e-4, 0.5);
  const optG = adam(2e-4, 0.5);
  const real = tf.randomUniform([64, 28, 28, 1], -1, 1);
  const ones = tf.ones([64, 1]);
  const zeros = tf.zeros([64, 1]);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const bce = (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
  const train = () => {
    const z = tf.randomNormal([64, 100]);
    let dLoss: tf.Scalar | undefined;
    const { value: gLoss, grads } = tf.variableGrads(() => {
      const fake = generator.apply(z, { training: true }) as tf.Tensor;
      // Discriminator update on real and fake; its gradient stops at fake (PyTorch's detach()).
      dLoss = tf.keep(
        optD.minimize(
          () => {
            const lossReal = bce(ones, discriminator.apply(real, { training: true }) as tf.Tensor);
            const lossFake = bce(zeros, discriminator.apply(fake, { training: true }) as tf.Tensor);
            return tf.add(lossReal, lossFake) as tf.Scalar;
          },
          true,
          dVars,
        )!,
      );
      // Generator loss: the updated discriminator's verdict on the same fake batch.
      return bce(ones, discriminator.apply(fake, { training: true }) as tf.Tensor);
    }, gVars);
    optG.applyGradients(grads);
    tf.dispose([z, ...Object.values(grads)]);
    return [dLoss!, gLoss];
  };
  const step = () => {
    const losses = train();
    const value = losses[0].dataSync()[0] + losses[1].dataSync()[0];
    tf.dispose(losses);
    return value;
  };
  const stepAsync = async () => {
    const losses = train();
    const [d, g] = await Promise.all(losses.map((loss) => loss.data()));
    tf.dispose(losses);
    return d[0] + g[0];
  };
  return {
    step,
    stepAsync,
    dispose: () => (tf.dispose([real, ones, zeros]), generator.dispose(), discriminator.dispose(), optD.dispose(), optG.dispose()),
    generator,
    discriminator,
  };
}
