/**
 * A REINFORCE controller (Williams 1992) in the style of Zoph & Le 2017, "Neural Architecture
 * Search with Reinforcement Learning": a tfjs policy makes the space's decisions one after another
 * (categoricals and small integer ranges as they are; floats and wide integer ranges as `bins`
 * equal bins of their unit space, proposed at the bin centre), the trial's score is the reward, and
 * the policy follows the gradient of (R - b) * sum log pi(a) plus an entropy bonus, with Adam. The
 * baseline b is an exponential moving average of rewards (decay `baselineDecay`), as in Zoph & Le.
 * The advantage is divided by the standard deviation of all rewards told so far, so that rewards of
 * any scale train at one learning rate, and so that steps shrink as the policy settles and its
 * rewards bunch up (dividing by the spread of recent advantages kept every step full size, and an
 * LSTM policy collapsed onto a few configurations within 50 trials).
 *
 * The policy is independent logits per decision (default), or, with `lstmUnits > 0`, Zoph & Le's
 * controller: an LSTM that reads the embedding of the previous decision and emits each decision's
 * logits through its own head. Each policy kind has its own default learning rate, and the LSTM's
 * logits are clipped as in ENAS (Pham et al. 2018; melodyguan/enas, whose PTB search sets
 * `controller_temperature` 5 and `controller_tanh_constant` 2.5): `2.5 * tanh(logits / 5)`, so
 * that no choice takes nearly all the probability. Conditional parameters are decided only when active. A failed
 * trial's reward is the lowest reward seen so far. One policy-gradient step per told trial.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, mulberry32, parseConfig, z } from '@bigmodel/core';

import type { Config, ParamValue, SearchSpace } from '../space/search-space';
import { checkTold } from '../internal/strategy-checks';
import { budgetField, configSchema, seedField } from '../internal/strategy-fields';
import { effectiveScore, type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * The schema of {@link ReinforceControllerConfig}: each field's check, default and description (`.describe()`), read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Strategies
 */
export const reinforceControllerConfigSchema = configSchema(
  z.strictObject({
    learningRate: z
      .number({ error: 'Must be > 0.' })
      .positive({ error: 'Must be > 0.' })
      .optional()
      .describe("Adam's learning rate, > 0 (default 0.05 for independent logits, 0.01 with an LSTM)."),
    entropyWeight: z
      .number({ error: 'Must be >= 0.' })
      .min(0, { error: 'Must be >= 0.' })
      .default(0.01)
      .describe('Weight of the entropy bonus, >= 0 (default 0.01).'),
    baselineDecay: z
      .number({ error: 'Must be in [0, 1).' })
      .min(0, { error: 'Must be in [0, 1).' })
      .lt(1, { error: 'Must be in [0, 1).' })
      .default(0.9)
      .describe('Decay of the moving-average baseline, in [0, 1) (default 0.9).'),
    bins: z
      .number({ error: 'Must be an integer >= 2.' })
      .int({ error: 'Must be an integer >= 2.' })
      .min(2, { error: 'Must be an integer >= 2.' })
      .default(8)
      .describe('Bins of a float (or an integer with more than `bins` values), an integer >= 2 (default 8).'),
    lstmUnits: z
      .number({ error: 'Must be an integer >= 0.' })
      .int({ error: 'Must be an integer >= 0.' })
      .min(0, { error: 'Must be an integer >= 0.' })
      .default(0)
      .describe('LSTM units of the controller; 0 for independent logits per decision (default 0).'),
    tanhConstant: z
      .number({ error: 'Must be a finite number >= 0 (0: no clipping).' })
      .min(0, { error: 'Must be a finite number >= 0 (0: no clipping).' })
      .optional()
      .describe(
        "ENAS's logit clipping: each decision's logits are `tanhConstant * tanh(logits / temperature)`, so no choice's " +
          'probability can approach 1 and the policy keeps exploring; 0 turns it off (default 2.5 with an LSTM, 0 for independent logits).',
      ),
    temperature: z
      .number({ error: 'Must be a finite number > 0.' })
      .positive({ error: 'Must be a finite number > 0.' })
      .optional()
      .describe('The temperature that divides the logits before the tanh clipping, > 0 (default 5 with an LSTM, 1 otherwise).'),
    seed: seedField.describe("Seed of the sampling and of the LSTM's initial weights, an integer (default 0)."),
    budget: budgetField.describe('Budget of every trial, a finite number > 0 (default 1).'),
  }),
);

/**
 * Configuration of {@link ReinforceController}, inferred from {@link reinforceControllerConfigSchema}
 * (docs/schemas/nas/ReinforceControllerConfig.schema.json carries each field's description):
 * `learningRate` (default 0.05 for independent logits, 0.01 with an LSTM), `entropyWeight` (default
 * 0.01), `baselineDecay` in [0, 1) (default 0.9), `bins` (default 8), `lstmUnits` (default 0: no
 * LSTM), `tanhConstant`, ENAS's logit clipping (default 2.5 with an LSTM, 0 otherwise),
 * `temperature` (default 5 with an LSTM, 1 otherwise), `seed` (default 0), `budget` of every trial
 * (default 1).
 *
 * @category Strategies
 */
export type ReinforceControllerConfig = z.input<typeof reinforceControllerConfigSchema>;

/**
 * Fills {@link ReinforceControllerConfig}'s defaults (those of `learningRate`, `tanhConstant` and
 * `temperature` depend on `lstmUnits`); throws InvalidArgumentError naming the bad field
 * (`ReinforceControllerConfig.temperature`) and its value, an unknown key with the nearest known one.
 *
 * @category Strategies
 */
export function resolveReinforceControllerConfig(config: ReinforceControllerConfig) {
  const resolved = parseConfig(reinforceControllerConfigSchema, config, 'ReinforceControllerConfig');
  const lstm = resolved.lstmUnits > 0;
  return {
    ...resolved,
    learningRate: resolved.learningRate ?? (lstm ? 0.01 : 0.05),
    tanhConstant: resolved.tanhConstant ?? (lstm ? 2.5 : 0),
    temperature: resolved.temperature ?? (lstm ? 5 : 1),
  };
}

/** One decision of the controller: a parameter and the values its actions stand for. */
interface Decision {
  name: string;
  /** Discrete values (categoricals, small integer ranges); undefined for binned numbers. */
  values?: ParamValue[];
  choices: number;
}

/**
 * The REINFORCE controller; see the file header. Call {@link ReinforceController.dispose} to free
 * its tensors.
 * @example
 * ```ts
 * const strategy = new ReinforceController(builtinSpace('cell'), { seed: 0, lstmUnits: 32 });
 * const trial = strategy.ask();
 * strategy.tell(trial, { status: 'ok', score: 0.93 });
 * strategy.dispose();
 * ```
 * @category Strategies
 */
export class ReinforceController implements Strategy {
  readonly name = 'reinforce';
  private readonly config: ReturnType<typeof resolveReinforceControllerConfig>;
  private readonly random: () => number;
  private readonly decisions: Decision[];
  private readonly decisionIndex: Map<string, number>;
  private readonly variables: tf.Variable[] = [];
  private readonly logits: tf.Variable[] = [];
  private readonly lstm?: {
    kernel: tf.Variable;
    bias: tf.Variable;
    start: tf.Variable;
    embeddings: tf.Variable[];
    heads: tf.Variable[];
    headBiases: tf.Variable[];
  };
  private readonly optimizer: tf.Optimizer;
  private baseline?: number;
  /** Count, mean and sum of squared deviations of every reward told (Welford), for the reward scale. */
  private rewardCount = 0;
  private rewardMean = 0;
  private rewardSquares = 0;
  private lowest = Infinity;
  private nextId = 0;

  constructor(
    readonly space: SearchSpace,
    config: ReinforceControllerConfig = {},
  ) {
    this.config = resolveReinforceControllerConfig(config);
    this.random = mulberry32(this.config.seed);
    const { bins, lstmUnits: units, seed } = this.config;
    this.decisions = space.params
      .filter((p) => p.type !== 'fixed' && space.valueCount(p.name) > 1)
      .map((p) => {
        const discrete = p.type === 'categorical' || space.valueCount(p.name) <= bins;
        return discrete
          ? { name: p.name, values: space.values(p.name), choices: space.valueCount(p.name) }
          : { name: p.name, choices: bins };
      });
    this.decisionIndex = new Map(this.decisions.map((d, i) => [d.name, i]));
    const variable = (t: tf.Tensor, name: string) => {
      const v = tf.variable(t, true, `reinforce_${name}_${tf.util.now().toString(36)}_${this.variables.length}`);
      t.dispose();
      this.variables.push(v);
      return v;
    };
    if (units === 0) {
      for (const d of this.decisions) this.logits.push(variable(tf.zeros([d.choices]), `logits_${d.name}`));
    } else {
      let s = seed * 9973;
      const uniform = (shape: number[]) => tf.randomUniform(shape, -0.1, 0.1, 'float32', s++);
      this.lstm = {
        kernel: variable(uniform([2 * units, 4 * units]), 'lstm_kernel'),
        bias: variable(tf.zeros([4 * units]), 'lstm_bias'),
        start: variable(uniform([1, units]), 'start'),
        embeddings: this.decisions.map((d) => variable(uniform([d.choices, units]), `embedding_${d.name}`)),
        heads: this.decisions.map((d) => variable(uniform([units, d.choices]), `head_${d.name}`)),
        headBiases: this.decisions.map((d) => variable(tf.zeros([d.choices]), `head_bias_${d.name}`)),
      };
    }
    this.optimizer = tf.train.adam(this.config.learningRate);
  }

  /** Reads the policy's probabilities synchronously, which the webgpu backend cannot do: there use {@link ReinforceController.askAsync}. */
  ask(): Trial {
    const config = this.rollout((probabilities) => this.sample(probabilities())).config;
    return this.trialOf(config);
  }

  /**
   * {@link ReinforceController.ask} with asynchronous reads (works on every backend, webgpu
   * included): the same draws, so the same trials. The independent-logits policy reads all its
   * probabilities in one read; the LSTM policy reads once per decision (each input depends on the
   * previous choice).
   */
  async askAsync(): Promise<Trial> {
    const config: Config = {};
    const lstm = this.lstm;
    const all = lstm
      ? undefined
      : await (async () => {
          const stacked = tf.tidy(() => tf.concat(this.logits.map((l) => tf.exp(tf.logSoftmax(this.clip(l as tf.Tensor1D))))));
          const values = (await stacked.data()) as Float32Array;
          stacked.dispose();
          let offset = 0;
          return this.decisions.map((d) => values.subarray(offset, (offset += d.choices)));
        })();
    let state: { c: tf.Tensor2D; h: tf.Tensor2D; input: tf.Tensor2D } | undefined;
    if (lstm) {
      const units = this.config.lstmUnits;
      state = { c: tf.zeros([1, units]), h: tf.zeros([1, units]), input: lstm.start as unknown as tf.Tensor2D };
    }
    const release = () => state && tf.dispose([state.c, state.h, ...(state.input === (lstm?.start as unknown) ? [] : [state.input])]);
    try {
      for (const p of this.space.params) {
        if (!this.space.isActive(p.name, config)) continue;
        const decision = this.decisionIndex.get(p.name);
        if (decision === undefined) {
          config[p.name] = p.type === 'float' ? p.min : this.space.values(p.name)[0];
          continue;
        }
        let probabilities: Float32Array;
        if (lstm && state) {
          const previous = state;
          const [c, h] = tf.tidy(() =>
            tf.basicLSTMCell(tf.scalar(1), lstm.kernel as tf.Tensor2D, lstm.bias as tf.Tensor1D, previous.input, previous.c, previous.h),
          );
          tf.dispose([previous.c, previous.h]);
          state = { c, h, input: previous.input };
          const p = tf.tidy(() => {
            const logits = tf
              .add(tf.matMul(h, lstm.heads[decision] as tf.Tensor2D), lstm.headBiases[decision])
              .reshape([-1]) as tf.Tensor1D;
            return tf.exp(tf.logSoftmax(this.clip(logits)));
          });
          probabilities = (await p.data()) as Float32Array;
          p.dispose();
        } else {
          probabilities = all![decision];
        }
        const action = this.sample(probabilities);
        if (lstm && state) {
          const next = tf.gather(lstm.embeddings[decision], [action]) as tf.Tensor2D;
          if (state.input !== (lstm.start as unknown)) state.input.dispose();
          state = { ...state, input: next };
        }
        const d = this.decisions[decision];
        config[p.name] = d.values ? d.values[action] : this.space.fromUnit(p.name, (action + 0.5) / d.choices);
      }
    } finally {
      release();
    }
    return this.trialOf(config);
  }

  /** An action drawn from `p` with the controller's generator (one draw). */
  private sample(p: ArrayLike<number>): number {
    let u = this.random();
    let k = 0;
    while (k < p.length - 1 && u >= p[k]) u -= p[k++];
    return k;
  }

  private trialOf(config: Config): Trial {
    return { id: this.nextId++, config, budget: this.config.budget, hash: this.space.hash(config) };
  }

  tell(trial: Trial, outcome: TrialOutcome): void {
    checkTold(this.space, trial, outcome);
    let reward = effectiveScore(outcome);
    if (reward === -Infinity) reward = Number.isFinite(this.lowest) ? this.lowest : 0;
    this.lowest = Math.min(this.lowest, reward);
    const { baselineDecay: decay, entropyWeight } = this.config;
    this.rewardCount++;
    const delta = reward - this.rewardMean;
    this.rewardMean += delta / this.rewardCount;
    this.rewardSquares += delta * (reward - this.rewardMean);
    if (this.baseline === undefined) {
      this.baseline = reward;
      return;
    }
    const advantage = reward - this.baseline;
    this.baseline = decay * this.baseline + (1 - decay) * reward;
    // The scale of all rewards so far, not of recent advantages: as the policy settles and rewards
    // bunch up, its updates shrink instead of staying full size.
    const scale = Math.sqrt(this.rewardSquares / this.rewardCount);
    if (advantage === 0 || !(scale > 0)) return;
    const scaled = advantage / scale;
    const actions = this.actionsOf(trial.config);
    const loss = this.optimizer.minimize(
      () => {
        const { logProbability, entropy } = this.rollout((_, d) => actions.get(d)!, true);
        return tf.sub(tf.mul(logProbability!, -scaled), tf.mul(entropy!, entropyWeight)) as tf.Scalar;
      },
      true,
      this.variables,
    );
    loss?.dispose();
  }

  /** The policy's probabilities for each decision of the independent-logits policy (for inspection). */
  probabilities(): Record<string, number[]> {
    if (this.lstm)
      throw new InvalidArgumentError({
        parameter: 'lstmUnits',
        value: this.config.lstmUnits,
        message: 'An LSTM policy has no fixed per-decision probabilities.',
      });
    return Object.fromEntries(
      this.decisions.map((d, i) => {
        const p = tf.tidy(() => tf.softmax(this.clip(this.logits[i] as tf.Tensor1D)));
        const values = Array.from(p.dataSync());
        p.dispose();
        return [d.name, values];
      }),
    );
  }

  dispose(): void {
    tf.dispose(this.variables);
    this.optimizer.dispose();
  }

  /** The logits the policy samples from: divided by the temperature, then clipped by tanh (see the config). */
  private clip(logits: tf.Tensor1D): tf.Tensor1D {
    const { tanhConstant, temperature } = this.config;
    const tempered: tf.Tensor1D = temperature === 1 ? logits : tf.div(logits, temperature);
    return tanhConstant > 0 ? tf.mul(tf.tanh(tempered), tanhConstant) : tempered;
  }

  /** The action index of each decision in `config`. */
  private actionsOf(config: Config): Map<number, number> {
    const actions = new Map<number, number>();
    this.decisions.forEach((d, i) => {
      if (!(d.name in config)) return;
      const v = config[d.name];
      actions.set(
        i,
        d.values ? d.values.indexOf(v) : Math.min(d.choices - 1, Math.floor(this.space.toUnit(d.name, v as number) * d.choices)),
      );
    });
    return actions;
  }

  /**
   * Walks the decisions in order, choosing each active one with `choose` (given its
   * probabilities), and returns the configuration with the summed log-probability and entropy
   * of the choices (as tensors when `keep`; the caller owns them).
   */
  private rollout(
    choose: (probabilities: () => Float32Array, decision: number) => number,
    keep = false,
  ): { config: Config; logProbability?: tf.Scalar; entropy?: tf.Scalar } {
    const config: Config = {};
    const run = () => {
      let logProbability: tf.Tensor = tf.scalar(0);
      let entropy: tf.Tensor = tf.scalar(0);
      let state: { c: tf.Tensor2D; h: tf.Tensor2D; input: tf.Tensor2D } | undefined;
      if (this.lstm) {
        const units = this.config.lstmUnits;
        state = { c: tf.zeros([1, units]), h: tf.zeros([1, units]), input: this.lstm.start as unknown as tf.Tensor2D };
      }
      for (const p of this.space.params) {
        if (!this.space.isActive(p.name, config)) continue;
        const decision = this.decisionIndex.get(p.name);
        if (decision === undefined) {
          // A fixed or single-valued parameter: nothing to decide.
          config[p.name] = p.type === 'float' ? p.min : this.space.values(p.name)[0];
          continue;
        }
        let logits: tf.Tensor1D;
        if (this.lstm && state) {
          const [c, h] = tf.basicLSTMCell(
            tf.scalar(1),
            this.lstm.kernel as tf.Tensor2D,
            this.lstm.bias as tf.Tensor1D,
            state.input,
            state.c,
            state.h,
          );
          logits = tf
            .add(tf.matMul(h, this.lstm.heads[decision] as tf.Tensor2D), this.lstm.headBiases[decision])
            .reshape([-1]) as tf.Tensor1D;
          state = { c, h, input: state.input };
        } else {
          logits = this.logits[decision] as tf.Tensor1D;
        }
        const logSoftmax = tf.logSoftmax(this.clip(logits));
        const action = choose(() => tf.exp(logSoftmax).dataSync() as Float32Array, decision);
        logProbability = tf.add(logProbability, logSoftmax.gather([action]).sum());
        entropy = tf.sub(entropy, tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax)));
        if (this.lstm && state) state.input = tf.gather(this.lstm.embeddings[decision], [action]) as tf.Tensor2D;
        const dd = this.decisions[decision];
        config[p.name] = dd.values ? dd.values[action] : this.space.fromUnit(p.name, (action + 0.5) / dd.choices);
      }
      return { logProbability: logProbability as tf.Scalar, entropy: entropy as tf.Scalar };
    };
    if (keep) return { config, ...run() };
    tf.tidy(() => void run());
    return { config };
  }
}
