/**
 * `@bigmodel/rl`: Gymnasium-faithful environments in TypeScript, and DQN, REINFORCE, A2C, PPO, SAC and
 * TD3 (DDPG) agents that solve them.
 *
 * - Environments: {@link CartPole}, {@link MountainCar}, {@link ContinuousMountainCar},
 *   {@link Acrobot}, {@link Pendulum}, {@link FrozenLake}, {@link CliffWalking}, {@link LunarLander},
 *   {@link MaskedCorridor} (action masking: `info.actionMask`, see {@link actionMaskOf}), built by
 *   {@link make} from the {@link registry}.
 * - Spaces, wrappers, {@link SyncVectorEnv}, {@link AsyncVectorEnv} (one worker thread per sub-environment).
 *
 * @packageDocumentation
 */
export {
  Box,
  DictSpace,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  Space,
  TupleSpace,
  type BoxArray,
  type BoxDtype,
  type BoxOptions,
  type DictValue,
  type TupleValue,
} from './spaces';
export { BaseEnv, Wrapper, type Env, type Info, type ResetOptions, type ResetResult, type RgbFrame, type StepResult } from './env/env';
export type { EnvSpec } from './env/env-spec';
export { actionMaskOf, stackActionMasks, type ActionMask } from './env/action-mask';
export { ResetNeededError, VectorEnvWorkerError } from './env/errors';
export { rlLogger, setRlLogger, type RlLogger } from './env/logger';
export { make, register, registry, spec, type MakeOptions, type RegistryEntry } from './env/registry';
export {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  OrderEnforcing,
  RecordEpisodeStatistics,
  TimeLimit,
  TransformObservation,
  TransformReward,
  type EpisodeStatistics,
} from './wrappers';
export { SyncVectorEnv } from './vector/sync-vector-env';
export type { AutoresetMode, VectorEnv, VectorStepResult } from './vector/vector-env';
export { AsyncVectorEnv, asyncVectorWorkerScript } from './vector/async-vector-env';
export { envFromSource, type EnvSource } from './vector/env-from-spec';
export { PhysicalStateEnv, type PhysicalStateEnvOptions, type PhysicalStateLayout } from './envs/physical-state-env';
export { CartPole, type CartPoleOptions } from './envs/cart-pole';
export { MountainCar, type MountainCarOptions } from './envs/mountain-car';
export { ContinuousMountainCar, type ContinuousMountainCarOptions } from './envs/continuous-mountain-car';
export { Pendulum, type PendulumOptions } from './envs/pendulum';
export { Acrobot, type AcrobotOptions } from './envs/acrobot';
export { FrozenLake, FROZEN_LAKE_MAPS, type FrozenLakeOptions, type Transition } from './envs/frozen-lake';
export { CliffWalking } from './envs/cliff-walking';
export { MaskedCorridor, type MaskedCorridorOptions } from './envs/masked-corridor';
export { LunarLander, type LunarLanderAction, type LunarLanderBodies, type LunarLanderOptions } from './envs/lunar-lander';
export { Rng, linearSchedule } from './deprecated';
export { RunningMeanStd } from './utils/running-mean-std';
export { Mlp, type Activation, type Initialization } from './agents/common/mlp';
export { CONFIG_SIZE_LIMITS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WEIGHTS, MAX_LAYER_UNITS } from './agents/common/config-fields';
export { ReplayBuffer, type ReplayBatch } from './agents/common/replay-buffer';
export { evaluate, evaluateAsync, type EvaluateOptions, type EvaluationResult, type Policy } from './agents/evaluate';
export { Dqn, DQN_PRESETS, dqnConfigSchema, linearAnneal, resolveDqnConfig, type DqnConfig } from './agents/dqn';
export type { LearnOptions } from './agents/common/learn-options';
export { ActorCritic, actionHeadFor, type ActionHead, type ActorCriticOptions, type ActResult } from './agents/common/actor-critic';
export type { Reads } from './agents/common/reads';
export { AgentBase } from './agents/common/agent-base';
export { RolloutCollector, computeGae, type Rollout, type RolloutCollectorOptions } from './agents/common/rollout';
export { Ppo, PPO_PRESETS, ppoConfigSchema, resolvePpoConfig, type PpoConfig } from './agents/ppo';
export { A2c, A2C_PRESETS, a2cConfigSchema, resolveA2cConfig, type A2cConfig } from './agents/a2c';
export { Reinforce, discountedReturns, reinforceConfigSchema, resolveReinforceConfig, type ReinforceConfig } from './agents/reinforce';
export {
  Sac,
  SAC_PRESETS,
  entCoefLoss,
  sacConfigSchema,
  resolveSacConfig,
  sacActorLoss,
  sacCriticLoss,
  softTarget,
  squashedGaussian,
  stateDependentGaussian,
  type SacConfig,
  type SacLosses,
} from './agents/sac';
export {
  Td3,
  TD3_PRESETS,
  DDPG_OVERRIDES,
  resolveTd3Config,
  td3ConfigSchema,
  smoothingNoise,
  td3Target,
  type Td3Config,
  type Td3Losses,
} from './agents/td3';
export { ActionNoise, type ActionNoiseKind } from './agents/common/action-noise';
export { prepareBoxEnv, scaleAction, unscaleAction } from './agents/common/box-actions';
export { ContinuousCritics } from './agents/common/continuous-critics';
export { OffPolicyRollout, type OffPolicySchedule } from './agents/common/off-policy-rollout';
export { loadAgent, type Agent } from './agents/load-agent';
export { trainingPreset, type PresetAlgorithm } from './agents/common/training-preset';
export { captureEnvState, restoreEnvState, type EnvLayerState, type FieldState } from './agents/common/env-state';
export { prepareEnv, type ActionSpaceKind } from './agents/common/prepare-env';
export { learnWithCheckpoints, type LearnWithCheckpointsOptions } from './agents/learn-with-checkpoints';
