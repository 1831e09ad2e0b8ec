export { Space } from './space';
export { Discrete } from './discrete';
export { Box, type BoxArray, type BoxDtype, type BoxOptions } from './box';
export { MultiDiscrete } from './multi-discrete';
export { MultiBinary } from './multi-binary';
export { DictSpace, type DictValue } from './dict-space';
export { TupleSpace, type TupleValue } from './tuple-space';
