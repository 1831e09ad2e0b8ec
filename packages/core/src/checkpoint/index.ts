export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_SECTIONS,
  CHECKPOINT_VERSION,
  type Checkpoint,
  type CheckpointArray,
  type CheckpointDtype,
  type CheckpointSection,
} from './checkpoint';
export { hasCheckpoint, readCheckpoint, type ReadCheckpointOptions } from './read-checkpoint';
export { writeCheckpoint } from './write-checkpoint';
export { checkpointArrays, checkpointTensor } from './checkpoint-tensors';
