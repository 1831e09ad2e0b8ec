export { BigModelError } from './bigmodel-error';
export { InvalidArgumentError } from './invalid-argument-error';
export { ShapeError } from './shape-error';
export { BackendError } from './backend-error';
export { NumericalError } from './numerical-error';
export { FileFormatError } from './file-format-error';
export { ConnectionError } from './connection-error';
