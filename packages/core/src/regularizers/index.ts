export { L1L2, l1, l2 } from './l1l2';
