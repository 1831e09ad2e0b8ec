export { createReferenceCnn } from './reference-cnn';
