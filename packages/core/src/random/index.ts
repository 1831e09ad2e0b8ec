export { mulberry32, shuffleInPlace } from './mulberry32';
export { Rng } from './rng';
export { deriveSeed } from './derive-seed';
export { standardNormal, fillStandardNormal } from './normal';
