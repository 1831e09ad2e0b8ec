/**
 * The gradient of Mean without a full-size array of ones made in JavaScript, on the wasm backend.
 *
 * tfjs-core's gradient of Mean multiplies `dy` by `tf.ones(x.shape)` (an array the size of the
 * input, filled in JavaScript and copied into the backend) and divides by the number of reduced
 * elements. Batch norm takes two means per layer for its statistics, so one DCGAN train step
 * builds 4.8 M floats of ones this way, which also sets off major garbage collections.
 *
 * Gradients are registered per kernel name for all backends at once, so this one dispatches: on
 * wasm it divides `dy` by the reduced size and broadcasts it to the input's shape (one Tile
 * kernel); every element is `dy / n` either way (the stock product with 1 is exact), so the
 * gradient is bitwise the stock one. On every other backend the stock gradient runs unchanged.
 */
import {
  broadcastTo,
  div,
  getBackend,
  getGradient,
  Mean,
  registerGradient,
  reshape,
  util,
  type GradConfig,
  type MeanAttrs,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs';

let stock: GradConfig | undefined;

/** dL/dx of `mean(x, axis)` for the upstream gradient `dy`: `dy / n` broadcast to x's shape. */
function broadcastMeanGradient(dy: Tensor, x: Tensor, attrs: NamedAttrMap): Tensor {
  const axes = util.parseAxisParam((attrs as unknown as MeanAttrs).axis, x.shape);
  const keptShape = x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
  const reducedSize = util.sizeFromShape(axes.map((axis) => x.shape[axis]));
  return broadcastTo(div(reshape(dy, keptShape), reducedSize), x.shape);
}

/**
 * Registers the Mean gradient of the file header (once; the stock gradient is kept for the other
 * backends). Returns the kernel names whose gradients it registered.
 * @category Backend
 */
export function registerMeanGradient(): string[] {
  if (stock === undefined) {
    stock = getGradient(Mean);
    if (stock === undefined) return [];
    const { gradFunc: stockGradient } = stock;
    registerGradient({
      kernelName: Mean,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        if (getBackend() !== 'wasm') return stockGradient(dy, saved, attrs);
        const [x] = saved;
        return { x: () => broadcastMeanGradient(dy as Tensor, x, attrs) };
      },
    });
  }
  return [Mean];
}
