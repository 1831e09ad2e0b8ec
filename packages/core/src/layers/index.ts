export { LazyGradConv2D, lazyGradConv2d, type LazyGradConv2DArgs } from './lazy-grad-conv2d';
export { LazyGradDense, lazyGradDense, type LazyGradDenseArgs } from './lazy-grad-dense';
