export { LazyGradConv2D, lazyGradConv2d, type LazyGradConv2DArgs } from './lazy-grad-conv2d';
