import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InvalidArgumentError, initBackend } from '@bigmodel/core';

import { Box } from '../spaces/box';
import { ContinuousBandit } from '../testing/continuous-bandit';
import { Rng } from '../utils/rng';
import { scaleAction, unscaleAction } from './common/box-actions';
import { evaluate } from './evaluate';
import { loadAgent } from './load-agent';
import { Sac, entCoefLoss, resolveSacConfig, sacActorLoss, squashedGaussian, stateDependentGaussian } from './sac';

beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
});

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

/** The squashed Gaussian's action and log-probability in float64, from the formulas of the paper's appendix C. */
function squashed(mean: number, logStd: number, noise: number) {
  const clipped = Math.min(2, Math.max(-20, logStd));
  const action = Math.tanh(mean + Math.exp(clipped) * noise);
  const logProb = -0.5 * noise * noise - clipped - HALF_LOG_2PI - Math.log(1 - action * action + 1e-6);
  return { action, logProb };
}

describe('SAC', () => {
  it('squashedGaussian gives tanh(mean + std * noise) and the log-probability with the tanh correction, log std clipped to [-20, 2]', () => {
    const rows: [number, number, number][] = [
      [0.3, -0.5, 0.7],
      [-1.2, 0.4, -1.5],
      [0.1, 5, 0.2], // log std clipped to 2
      [0.5, -30, 1.0], // clipped to -20: the action is tanh(mean)
    ];
    const out = tf.tidy(() => {
      const output = tf.tensor2d(rows.map(([m, s]) => [m, s]));
      const { action, logProb } = squashedGaussian(output, tf.tensor2d(rows.map(([, , e]) => [e])));
      return { action: Array.from(action.dataSync()), logProb: Array.from(logProb.dataSync()) };
    });
    rows.forEach(([m, s, e], i) => {
      const expected = squashed(m, s, e);
      expect(out.action[i]).toBeCloseTo(expected.action, 6);
      expect(out.logProb[i]).toBeCloseTo(expected.logProb, 4);
    });
    expect(out.action[3]).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('the actor loss is mean(alpha * log pi - min(Q1, Q2)) and the entropy loss -mean(log alpha * (log pi + target))', () => {
    const logProb = [0.5, -1.5, 2];
    const q1 = [1, 2, -3];
    const q2 = [0.5, 3, -2];
    const [actor, entropy] = tf.tidy(() => [
      sacActorLoss(0.2, tf.tensor1d(logProb), [tf.tensor2d(q1, [3, 1]), tf.tensor2d(q2, [3, 1])]).dataSync()[0],
      entCoefLoss(tf.scalar(Math.log(0.3)), tf.tensor1d(logProb), -1).dataSync()[0],
    ]);
    expect(actor).toBeCloseTo((0.2 * 0.5 - 0.5 + 0.2 * -1.5 - 2 + 0.2 * 2 + 3) / 3, 6);
    expect(entropy).toBeCloseTo(-Math.log(0.3) * ((0.5 - 1 + -1.5 - 1 + 2 - 1) / 3), 6);
  });

  /**
   * A SAC agent with linear networks of fixed weights (netArch []), one transition in its buffer, and
   * the noise of its first gradient step replayed from its generator (the batch's index, then the
   * current and the next observation's standard normal draws).
   */
  function fixedAgent(actorLogStdBias: number) {
    const agent = new Sac({ env: 'Pendulum-v1', netArch: [], bufferSize: 1, batchSize: 1, learningRate: 0.01, entCoefInit: 0.5, seed: 0 });
    const actorW = [0.2, -0.1, 0.3, 0.05, 0.1, -0.2]; // [3, 2] row-major: column 0 mean, column 1 log std
    const actorB = [0.1, actorLogStdBias];
    const critic1 = [0.5, -0.3, 0.2, 0.8];
    const critic2 = [0.4, -0.2, 0.1, 1.1];
    agent.actor.setWeights([Float32Array.from(actorW), Float32Array.from(actorB)]);
    const critics = [Float32Array.from(critic1), Float32Array.of(0.05), Float32Array.from(critic2), Float32Array.of(-0.1)];
    agent.critics.setWeights(critics);
    agent.criticTargets.setWeights(critics);
    const [obs, nextObs, action, reward] = [[0.6, 0.8, -0.5], [0.7, 0.71, 0.3], 0.25, -1.3];
    agent.buffer.add(obs, nextObs, [action], reward, false);
    const replay = new Rng();
    replay.state = agent.rng.state;
    replay.random(); // the batch index
    const [noise, nextNoise] = [replay.normal(), replay.normal()];
    const actorOut = (o: number[]) => [
      dot(o, [actorW[0], actorW[2], actorW[4]]) + actorB[0],
      dot(o, [actorW[1], actorW[3], actorW[5]]) + actorB[1],
    ];
    const q = (w: number[], b: number, o: number[], a: number) => dot([...o, a], w) + b;
    const pi = squashed(actorOut(obs)[0], actorOut(obs)[1], noise);
    const next = squashed(actorOut(nextObs)[0], actorOut(nextObs)[1], nextNoise);
    const alpha = 0.5;
    const nextQ = Math.min(q(critic1, 0.05, nextObs, next.action), q(critic2, -0.1, nextObs, next.action));
    const target = reward + 0.99 * (nextQ - alpha * next.logProb);
    const criticLoss = 0.5 * ((q(critic1, 0.05, obs, action) - target) ** 2 + (q(critic2, -0.1, obs, action) - target) ** 2);
    const entLoss = -Math.log(alpha) * (pi.logProb + -1);
    return { agent, criticLoss, entLoss, logProb: pi.logProb };
  }

  it('one gradient step on fixed linear networks: the critic and entropy losses match the closed forms, alpha steps by lr towards the target entropy', () => {
    // Low std (log std about -3): entropy -log pi below the target -1, so alpha must grow.
    const low = fixedAgent(-3);
    expect(low.logProb).toBeGreaterThan(1);
    const losses = low.agent.train(1);
    expect(losses['losses/criticLoss']).toBeCloseTo(low.criticLoss, 4);
    expect(losses['losses/entCoefLoss']).toBeCloseTo(low.entLoss, 5);
    expect(losses['losses/entCoef']).toBeCloseTo(0.5, 6);
    // Adam's first step moves log alpha by lr * g / (|g| + eps): exactly lr, against the gradient's sign.
    expect(Math.log(low.agent.entCoef)).toBeCloseTo(Math.log(0.5) + 0.01, 6);
    low.agent.dispose();
    // High std (log std about 1): entropy above the target, so alpha must shrink.
    const high = fixedAgent(1);
    expect(high.logProb).toBeLessThan(1);
    high.agent.train(1);
    expect(Math.log(high.agent.entCoef)).toBeCloseTo(Math.log(0.5) - 0.01, 6);
    high.agent.dispose();
  });

  it('a fixed entropy coefficient stays fixed and is used in the losses', () => {
    const agent = new Sac({ netArch: [4], bufferSize: 8, batchSize: 4, learningStarts: 8, entCoef: 0.05, seed: 1 });
    const losses = agent.learn(12).train(2);
    expect(losses['losses/entCoef']).toBe(0.05);
    expect(losses['losses/entCoefLoss']).toBe(0);
    expect(agent.entCoef).toBeCloseTo(0.05, 6);
    agent.dispose();
  });

  it('refuses a Discrete action space up front, and bad hyperparameters, with InvalidArgumentError naming them', () => {
    expect(() => new Sac({ env: 'CartPole-v1' })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        parameter: 'actionSpace',
        message: expect.stringContaining('SAC supports Box'),
      }),
    );
    expect(() => resolveSacConfig({ tau: 0 })).toThrow(expect.objectContaining({ parameter: 'SacConfig.tau' }));
    expect(() => resolveSacConfig({ entCoef: -1 })).toThrow(expect.objectContaining({ parameter: 'SacConfig.entCoef' }));
    expect(() => resolveSacConfig({ bufferSize: 10, batchSize: 64 })).toThrow(
      expect.objectContaining({ parameter: 'SacConfig.bufferSize', value: 10 }),
    );
    expect(() => resolveSacConfig({ entCoeff: 0.1 } as never)).toThrow(InvalidArgumentError);
  });

  describe('gSDE', () => {
    it('stateDependentGaussian: u = mean + latent @ matrix, and log pi from the variance latent^2 @ std^2 (float64 by hand)', () => {
      const mean = [
        [0.3, -0.2],
        [-1.1, 0.5],
      ];
      const latent = [
        [0.5, -1.0, 2.0],
        [0.0, 0.3, -0.7],
      ];
      const logStd = [
        [-1.0, -0.5],
        [-2.0, 0.2],
        [-0.3, -1.5],
      ];
      const matrix = [
        [0.2, -0.4],
        [0.1, 0.3],
        [-0.25, 0.05],
      ];
      const out = tf.tidy(() => {
        const r = stateDependentGaussian(tf.tensor2d(mean), tf.tensor2d(latent), tf.tensor2d(logStd), tf.tensor2d(matrix));
        return { action: Array.from(r.action.dataSync()), logProb: Array.from(r.logProb.dataSync()) };
      });
      mean.forEach((m, i) => {
        let logProb = 0;
        for (let j = 0; j < 2; j++) {
          const u = m[j] + latent[i].reduce((sum, x, k) => sum + x * matrix[k][j], 0);
          const variance = latent[i].reduce((sum, x, k) => sum + x * x * Math.exp(2 * logStd[k][j]), 0) + 1e-6;
          const a = Math.tanh(u);
          logProb += -0.5 * ((u - m[j]) ** 2 / variance) - 0.5 * Math.log(variance) - HALF_LOG_2PI - Math.log(1 - a * a + 1e-6);
          expect(out.action[2 * i + j]).toBeCloseTo(a, 6);
        }
        expect(out.logProb[i]).toBeCloseTo(logProb, 4);
      });
    });

    const sde = { env: 'MountainCarContinuous-v0', netArch: [8], bufferSize: 64, batchSize: 8, learningStarts: 0, useSde: true };

    /** A case of fixtures/sac-gsde-reference.json. */
    interface Reference {
      input: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      steps: { criticLoss: number; actorLoss: number }[];
      after: { actor: number[][]; logStd: number[] };
    }
    const reference: { cases: Reference[] } = JSON.parse(readFileSync(join(__dirname, '../../fixtures/sac-gsde-reference.json'), 'utf8'));
    it.each(reference.cases.map((c): [string, Reference] => [c.input['name'], c]))(
      'gradient steps on %s networks match PyTorch: losses, weights and log std (fixtures/sac_gsde_reference.py, sb3 transcribed)',
      (_name, ref) => {
        const i = ref.input;
        const agent = new Sac({
          env: 'MountainCarContinuous-v0',
          netArch: i.netArch,
          bufferSize: 1,
          batchSize: 1,
          learningRate: i.learningRate,
          entCoef: i.entCoef,
          gamma: i.gamma,
          clipMean: i.clipMean,
          useSde: true,
          logStdInit: i.logStdInit,
          seed: 0,
        });
        agent.actor.setWeights(i.actor.map((w: number[] | number[][]) => Float32Array.from(w.flat())));
        const critics = i.critics.flat().map((w: number[] | number[][]) => Float32Array.from(w.flat()));
        agent.critics.setWeights(critics);
        agent.criticTargets.setWeights(critics);
        agent.buffer.add(i.obs, i.nextObs, [i.action], i.reward, false);
        // The draws the fixture used are this agent's: per step, the batch index, then the exploration matrix's.
        const replay = new Rng();
        replay.state = agent.rng.state;
        const draws = i.draws.map((step: number[]) => (replay.random(), step.map(() => replay.normal())));
        expect(draws).toEqual(i.draws);
        ref.steps.forEach((step) => {
          const losses = agent.train(1);
          expect(losses['losses/criticLoss']).toBeCloseTo(step.criticLoss, 5);
          expect(losses['losses/actorLoss']).toBeCloseTo(step.actorLoss, 5);
        });
        agent.actor.getWeights().forEach((w, k) => Array.from(w).forEach((v, j) => expect(v).toBeCloseTo(ref.after.actor[k][j], 5)));
        const logStd = Array.from((agent.sdeLogStd as tf.Variable).dataSync());
        logStd.forEach((v, k) => expect(v).toBeCloseTo(ref.after.logStd[k], 5));
        agent.dispose();
      },
    );

    it('a mean beyond clipMean gets no gradient (the clip is flat there) while the log std still trains', () => {
      const agent = new Sac({ ...sde, netArch: [], bufferSize: 1, batchSize: 1, entCoef: 0.1, logStdInit: -1, seed: 0 });
      const mean = [Float32Array.of(0, 0), Float32Array.of(10)]; // mean 10 everywhere, clipped to 2
      agent.actor.setWeights(mean);
      agent.buffer.add([-0.5, 0.02], [-0.48, 0.03], [0.4], -0.016, false);
      agent.train(2);
      expect(agent.actor.getWeights()).toEqual(mean);
      expect(Array.from((agent.sdeLogStd as tf.Variable).dataSync()).every((v) => v !== -1)).toBe(true);
      agent.dispose();
    });

    /** The exploration matrix's draws in use at each environment step of `steps`. */
    function noisePerStep(agent: Sac, steps: number): (Float32Array | null)[] {
      const seen: (Float32Array | null)[] = [];
      agent.learn(steps, { onStep: () => void seen.push(agent.sdeNoise) });
      return seen;
    }

    it('holds one exploration matrix per collection phase, or a new one every sdeSampleFreq steps', () => {
      const phases = new Sac({ ...sde, trainFreq: 4, gradientSteps: 1, seed: 1 });
      const held = noisePerStep(phases, 12);
      // The same array through a phase of 4 steps, a new one at the start of the next.
      expect(held.map((n) => held.indexOf(n))).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8]);
      expect(held[0]).toHaveLength(8); // [features 8, actions 1]
      const every = new Sac({ ...sde, trainFreq: 4, gradientSteps: 1, sdeSampleFreq: 2, seed: 1 });
      const seen = noisePerStep(every, 8);
      expect(seen.map((n) => seen.indexOf(n))).toEqual([0, 0, 2, 2, 4, 4, 6, 6]);
      [phases, every].forEach((a) => a.dispose());
    });

    it('the actor is a mean head clipped to [-clipMean, clipMean]; the deterministic action is tanh of it', () => {
      const agent = new Sac({ ...sde, netArch: [], clipMean: 0.5, seed: 2 });
      expect(agent.actor.sizes).toEqual([2, 1]);
      agent.actor.setWeights([Float32Array.of(10, 0), Float32Array.of(0)]); // mean = 10 * position
      const action = (x: number) => agent.predict(Float32Array.of(x, 0), true)[0];
      expect(action(0.01)).toBeCloseTo(Math.tanh(0.1), 6);
      expect(action(1)).toBeCloseTo(Math.tanh(0.5), 6);
      expect(action(-1)).toBeCloseTo(-Math.tanh(0.5), 6);
      agent.dispose();
    });

    it('training moves the log standard deviations (the gradient reaches them), with tensor counts flat over steps', () => {
      // No hidden layer: the features are the observation (position, velocity), all but never 0, so each entry has a gradient.
      const agent = new Sac({ ...sde, netArch: [], trainFreq: 8, gradientSteps: 8, logStdInit: -1, seed: 3 });
      const logStd = () => Array.from((agent.sdeLogStd as tf.Variable).dataSync());
      expect(logStd()).toEqual([-1, -1]);
      agent.learn(16);
      const tensors = tf.memory().numTensors;
      agent.learn(16);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(logStd().every((v) => v !== -1)).toBe(true);
      agent.dispose();
    });

    it('saves and loads the log standard deviations and the matrix in use; a damaged gSDE checkpoint is a FileFormatError', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rl-sac-sde-'));
      const agent = new Sac({ ...sde, trainFreq: 8, gradientSteps: 2, logStdInit: -1, seed: 4 }).learn(20);
      await agent.save(dir);
      const loaded = await loadAgent(dir);
      expect(loaded).toBeInstanceOf(Sac);
      expect((loaded as Sac).sdeNoise).toEqual(agent.sdeNoise);
      expect(Array.from(((loaded as Sac).sdeLogStd as tf.Variable).dataSync())).toEqual(
        Array.from((agent.sdeLogStd as tf.Variable).dataSync()),
      );
      [loaded, agent].forEach((a) => a.dispose());
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const document = manifest.state;
      expect(document).toEqual(expect.objectContaining({ sdeLogStd: expect.anything(), sdeNoise: expect.anything() }));
      const before = tf.memory().numTensors;
      const { sdeLogStd: _logStd, ...withoutLogStd } = document;
      const { sdeNoise: _noise, ...withoutNoise } = document;
      for (const damaged of [
        withoutLogStd,
        withoutNoise,
        { ...document, sdeNoise: 5 },
        { ...document, sdeNoise: {} },
        { ...document, sdeNoise: 'AAAA' },
      ]) {
        writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, state: damaged }));
        await expect(loadAgent(dir)).rejects.toThrow(FileFormatError);
      }
      expect(tf.memory().numTensors).toBe(before);
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses bad gSDE settings with InvalidArgumentError naming them', () => {
      expect(() => resolveSacConfig({ sdeSampleFreq: 0 })).toThrow(
        expect.objectContaining({ parameter: 'SacConfig.sdeSampleFreq', message: expect.stringContaining('Must be -1') }),
      );
      expect(() => resolveSacConfig({ logStdInit: 5 })).toThrow(expect.objectContaining({ parameter: 'SacConfig.logStdInit' }));
      expect(() => resolveSacConfig({ clipMean: -1 })).toThrow(expect.objectContaining({ parameter: 'SacConfig.clipMean' }));
      expect(() => resolveSacConfig({ useSde: 'yes' as never })).toThrow(expect.objectContaining({ parameter: 'SacConfig.useSde' }));
    });
  });

  it('rescales actions between [-1, 1] and the Box bounds', () => {
    const space = new Box({ low: [-2, 0], high: [2, 10] });
    expect(Array.from(unscaleAction([-1, 1], space))).toEqual([-2, 10]);
    expect(Array.from(unscaleAction([0, 0], space))).toEqual([0, 5]);
    expect(Array.from(scaleAction([1, 2.5], space))).toEqual([0.5, -0.5]);
  });

  it('learns the best action of a one-step bandit (a broken update would not), with tensor counts flat over steps', () => {
    const config = { netArch: [32], bufferSize: 500, batchSize: 64, learningStarts: 40, learningRate: 3e-3, tau: 0.05, gradientSteps: 4 };
    const agent = new Sac({ ...config, entCoefInit: 0.1, seed: 3 }, new ContinuousBandit());
    agent.learn(60);
    const tensors = tf.memory().numTensors;
    agent.learn(40);
    expect(tf.memory().numTensors).toBe(tensors);
    // The best action returns 0, a uniformly random one -1.69 on average, the bounds -6.76 and -1.96.
    const { meanReturn } = evaluate(agent, new ContinuousBandit(), { episodes: 1 });
    expect(meanReturn).toBeGreaterThan(-0.5);
    agent.dispose();
  });

  it('a linear learning rate never goes below 0 when learn() is called again past the span the first call set', () => {
    const rates: number[] = [];
    const logger = {
      log: (r: Record<string, unknown>) => void ('schedule/learningRate' in r && rates.push(r['schedule/learningRate'] as number)),
    };
    const config = { netArch: [8], bufferSize: 100, batchSize: 8, learningStarts: 10, learningRateSchedule: 'linear' as const };
    const agent = new Sac({ ...config, seed: 0 }, new ContinuousBandit());
    agent.learn(30, { logger }).learn(30, { logger });
    expect(rates.length).toBeGreaterThan(30);
    expect(Math.min(...rates)).toBe(0); // past the span: 0, not negative (PPO's schedules clamp the same way)
    agent.dispose();
  });
});
