export { RedisTrialQueue, searchIdOf, type RedisTrialQueueOptions, type TrialQueueEvent } from './redis-trial-queue';
export { runWorker, type RunWorkerOptions, type WorkerEvent, type WorkerHandle } from './run-worker';
export { checkRedis, parseRedisAddress, type RedisAddress } from './redis-address';
