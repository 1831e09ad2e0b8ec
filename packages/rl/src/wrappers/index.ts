export { OrderEnforcing } from './order-enforcing';
export { TimeLimit } from './time-limit';
export { RecordEpisodeStatistics, type EpisodeStatistics } from './record-episode-statistics';
export { NormalizeObservation } from './normalize-observation';
export { NormalizeReward } from './normalize-reward';
export { ClipAction } from './clip-action';
export { TransformObservation } from './transform-observation';
export { TransformReward } from './transform-reward';
