export { mulberry32, shuffleInPlace } from './mulberry32';
