import { InvalidArgumentError } from '@bigmodel/core';
import type { Body } from 'planck';

import type { RgbFrame } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { setRlLogger } from '../env/logger';
import { make } from '../env/registry';
import { Rng } from '../utils/rng';
import { LunarLander, lunarShaping, lunarWind } from './lunar-lander';

// Hand-worked from Gymnasium's lunar_lander.py: W = 600/30 = 20 m, H = 400/30 = 13.33 m, FPS = 50,
// the pad at y = H/4 between x = 8 and x = 12, LEG_DOWN = 18/30 m.
const W = 20;
const H = 400 / 30;
const PAD_Y = H / 4;

/** The shaping potential written out from Gymnasium's source (not the module's helper). */
function potential(s: ArrayLike<number>): number {
  return (
    -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1]) - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] + 10 * s[7]
  );
}

/** Fuel spent by one step: the shaping difference less the reward (float32 observations: ~1e-5 of noise). */
function fuelOf(previous: Float32Array, next: { observation: Float32Array; reward: number }): number {
  return potential(next.observation) - potential(previous) - next.reward;
}

/** Moves the lander and its legs rigidly by (dx, dy) and stops them. */
function teleport(env: LunarLander, dx: number, dy: number): void {
  const { lander, legs } = env.bodies!;
  for (const body of [lander, ...legs] as Body[]) {
    const p = body.getPosition();
    body.setTransform({ x: p.x + dx, y: p.y + dy }, body.getAngle());
    body.setLinearVelocity({ x: 0, y: 0 });
    body.setAngularVelocity(0);
    body.setAwake(true);
  }
}

function xMomentum(env: LunarLander): number {
  const { lander, legs } = env.bodies!;
  return [lander, ...legs].reduce((sum, b) => sum + b.getMass() * b.getLinearVelocity().x, 0);
}

describe('LunarLander (Gymnasium 1.x rules on planck)', () => {
  it('resets at the top centre with the observation normalised as Gymnasium does, legs not in contact', () => {
    const env = new LunarLander();
    const { observation: o, info } = env.reset({ seed: 3 });
    expect(info).toEqual({});
    expect(o).toBeInstanceOf(Float32Array);
    expect(o).toHaveLength(8);
    expect(env.observationSpace.contains(o)).toBe(true);
    expect([env.helipadX1, env.helipadX2, env.helipadY]).toEqual([8, 12, PAD_Y]);
    const { lander } = env.bodies!;
    const p = lander.getPosition(),
      v = lander.getLinearVelocity();
    const expected = [
      (p.x - 10) / 10,
      (p.y - (PAD_Y + 0.6)) / (H / 2),
      (v.x * 10) / 50,
      (v.y * (H / 2)) / 50,
      lander.getAngle(),
      (20 * lander.getAngularVelocity()) / 50,
      0,
      0,
    ];
    expected.forEach((e, i) => expect(o[i]).toBeCloseTo(e, 6));
    // One step of 0.02 s after starting at (10, H): the random force (<= 1000 N on ~5 kg) moves it by millimetres.
    expect(Math.abs(o[0])).toBeLessThan(0.01);
    expect(o[1]).toBeGreaterThan((H - PAD_Y - 0.6 - 0.05) / (H / 2));
    expect(o[1]).toBeLessThan((H - PAD_Y - 0.6) / (H / 2) + 0.01);
    expect(o[6]).toBe(0);
    expect(o[7]).toBe(0);
  });

  it('pushes the lander at reset with a force uniform in [-1000, 1000] N per axis, drawn after the 12 terrain heights', () => {
    for (const seed of [0, 1, 2]) {
      const env = new LunarLander();
      env.reset({ seed });
      const draws = new Rng(seed);
      for (let i = 0; i < 12; i++) draws.random();
      const fx = draws.uniform(-1000, 1000),
        fy = draws.uniform(-1000, 1000);
      // Joint forces are internal and nothing touches the ground: momentum after 1/50 s is (F + m g) / 50.
      const { lander, legs } = env.bodies!;
      const bodies = [lander, ...legs];
      const mass = bodies.reduce((sum, b) => sum + b.getMass(), 0);
      const py = bodies.reduce((sum, b) => sum + b.getMass() * b.getLinearVelocity().y, 0);
      expect(xMomentum(env)).toBeCloseTo(fx / 50, 9);
      expect(py).toBeCloseTo((fy - 10 * mass) / 50, 9);
    }
  });

  it('charges 0.3 per main-engine step and 0.03 per side-engine step on top of the shaping difference', () => {
    const fuel = [0, 0.03, 0.3, 0.03];
    for (let action = 0; action < 4; action++) {
      const env = new LunarLander();
      const { observation } = env.reset({ seed: 7 });
      expect(fuelOf(observation, env.step(action))).toBeCloseTo(fuel[action], 4);
    }
  });

  it('pays the shaping difference (legs +10 each) less fuel on every non-terminal step of a random episode', () => {
    const env = new LunarLander();
    const rng = new Rng(11);
    let { observation } = env.reset({ seed: 11 });
    let sawLeg = false;
    for (let t = 0; t < 1000; t++) {
      const action = rng.integer(0, 4);
      const result = env.step(action);
      if (result.terminated) {
        expect(Math.abs(result.reward)).toBe(100);
        break;
      }
      sawLeg ||= result.observation[6] + result.observation[7] > 0;
      expect(fuelOf(observation, result)).toBeCloseTo([0, 0.03, 0.3, 0.03][action], 4);
      expect(lunarShaping(result.observation)).toBeCloseTo(potential(result.observation), 9);
      observation = result.observation;
    }
    expect(sawLeg).toBe(true);
  });

  it('maps continuous actions as Gymnasium: main from 50% above 0, side engines beyond |0.5|, clipped to [-1, 1]', () => {
    const cases: [number[], number][] = [
      [[0, 0], 0],
      [[-0.7, 0], 0],
      [[0.001, 0], 0.3 * 0.5005],
      [[0.5, 0], 0.3 * 0.75],
      [[3, 0], 0.3],
      [[0, 0.5], 0],
      [[0, -0.5], 0],
      [[0, 0.7], 0.03 * 0.7],
      [[0, -0.9], 0.03 * 0.9],
      [[0, -4], 0.03],
      [[1, 1], 0.33],
    ];
    for (const [action, cost] of cases) {
      const env = new LunarLander({ continuous: true });
      const { observation } = env.reset({ seed: 5 });
      expect(fuelOf(observation, env.step(Float32Array.from(action)))).toBeCloseTo(cost, 4);
    }
  });

  it('fires the left engine (discrete 1, lateral < -0.5) to push the lander left and the right one to push it right', () => {
    const vxAfter = (options: { continuous?: boolean }, action: number | number[]) => {
      const env = new LunarLander(options);
      env.reset({ seed: 2 });
      return env.step(action).observation[2];
    };
    const noop = vxAfter({}, 0);
    expect(vxAfter({}, 1)).toBeLessThan(noop);
    expect(vxAfter({}, 3)).toBeGreaterThan(noop);
    expect(vxAfter({ continuous: true }, [0, -0.8])).toBeLessThan(noop);
    expect(vxAfter({ continuous: true }, [0, 0.8])).toBeGreaterThan(noop);
  });

  it('ends with +100 when the lander comes to rest on the pad (no longer awake), both legs down', () => {
    const env = new LunarLander();
    env.reset({ seed: 0 });
    const p = env.bodies!.lander.getPosition();
    teleport(env, W / 2 - p.x, PAD_Y + 0.5 - p.y); // leg tips (~0.45 m below the centre) just above the pad, still
    let last = env.step(0);
    for (let t = 0; t < 500 && !last.terminated; t++) last = env.step(0);
    expect(last.terminated).toBe(true);
    expect(last.reward).toBe(100);
    expect(env.bodies!.lander.isAwake()).toBe(false);
    expect([last.observation[6], last.observation[7]]).toEqual([1, 1]);
    expect(Math.abs(last.observation[0])).toBeLessThan(0.05);
    expect(env.gameOver).toBe(false);
  });

  it('ends with -100 when |x| >= 1 (off either side of the viewport)', () => {
    for (const side of [1, -1]) {
      const env = new LunarLander();
      env.reset({ seed: 0 });
      const p = env.bodies!.lander.getPosition();
      teleport(env, W / 2 + side * (W / 2 + 0.2) - p.x, 0);
      const { observation, reward, terminated } = env.step(0);
      expect(side * observation[0]).toBeGreaterThanOrEqual(1);
      expect(terminated).toBe(true);
      expect(reward).toBe(-100);
    }
  });

  it('ends with -100 when the hull touches the ground (engines off from the start)', () => {
    const env = new LunarLander();
    env.reset({ seed: 1 });
    let last = env.step(0);
    for (let t = 0; t < 500 && !last.terminated; t++) last = env.step(0);
    expect(last.terminated).toBe(true);
    expect(last.reward).toBe(-100);
    expect(env.gameOver).toBe(true);
  });

  it('has wind off by default; with wind on, the force tanh(sin(0.02k) + sin(0.01πk))·windPower acts on the hull', () => {
    expect([0, 50, -1234, 100].map((k) => lunarWind(k, 1))).toEqual(
      [0, 0.950936143654817, -0.41271104305454265, 0.7207948703648464].map((v) => expect.closeTo(v, 12)),
    );
    expect((make('LunarLander-v3').unwrapped as LunarLander).enableWind).toBe(false);
    const calm = new LunarLander();
    const windy = new LunarLander({ enableWind: true, windPower: 15, turbulencePower: 0 });
    calm.reset({ seed: 4 });
    windy.reset({ seed: 4 });
    // Same terrain and initial force (drawn before the wind indices); the reset step used index k = windIdx - 1.
    const k = windy.windIdx - 1;
    expect(k).toBeGreaterThanOrEqual(-9999);
    expect(k).toBeLessThan(9999);
    expect(Number.isInteger(k)).toBe(true);
    // Joint forces are internal: the whole lander's momentum differs by wind force x 1/50 s.
    expect(xMomentum(windy) - xMomentum(calm)).toBeCloseTo(lunarWind(k, 15) / 50, 9);
    expect(calm.windIdx).toBe(0);
  });

  it('applies wind and turbulence only while neither leg touches the ground', () => {
    const env = new LunarLander({ enableWind: true });
    env.reset({ seed: 0 });
    const p = env.bodies!.lander.getPosition();
    teleport(env, W / 2 - p.x, PAD_Y + 0.5 - p.y);
    let steps = 0;
    let contact = false;
    while (!contact && steps < 100) {
      const before = env.windIdx;
      contact = env.legContact[0] || env.legContact[1]; // as Gymnasium reads it: before the step
      env.step(0);
      steps += 1;
      expect(env.windIdx - before).toBe(contact ? 0 : 1);
    }
    expect(contact).toBe(true);
    const [wind, torque] = [env.windIdx, env.torqueIdx];
    for (let t = 0; t < 20; t++) if (env.legContact[0] || env.legContact[1]) env.step(0);
    expect([env.windIdx, env.torqueIdx]).toEqual([wind, torque]);
  });

  it('repeats the same trajectory for the same seed, and another for another seed', () => {
    const run = (seed: number, continuous: boolean) => {
      const env = new LunarLander({ continuous, enableWind: true });
      env.actionSpace.seed(seed);
      const trace: number[] = Array.from(env.reset({ seed }).observation);
      for (let t = 0; t < 150; t++) {
        const { observation, reward, terminated } = env.step(env.actionSpace.sample());
        trace.push(...observation, reward);
        if (terminated) break;
      }
      return trace;
    };
    for (const continuous of [false, true]) {
      expect(run(9, continuous)).toEqual(run(9, continuous));
      expect(run(9, continuous)).not.toEqual(run(10, continuous));
    }
  });

  it('renders a 600x400 RGB frame with sky, moon, lander, flags and the main engine flame', () => {
    const env = new LunarLander();
    env.reset({ seed: 0 });
    const count = (frame: RgbFrame, rgb: number[]) => {
      let n = 0;
      const d = frame.data;
      for (let i = 0; i < d.length; i += 3) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) n++;
      return n;
    };
    const before = env.render();
    expect([before.height, before.width, before.channels, before.data.length]).toEqual([400, 600, 3, 400 * 600 * 3]);
    expect(count(before, [0, 0, 0])).toBeGreaterThan(100_000); // sky
    expect(count(before, [255, 255, 255])).toBeGreaterThan(20_000); // moon
    expect(count(before, [128, 102, 230])).toBeGreaterThan(300); // hull and legs: ~34x27 px
    expect(count(before, [204, 204, 0])).toBeGreaterThan(100); // two flags
    // The top row is sky, the bottom row moon (rows run top to bottom).
    expect(Array.from(before.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(before.data.subarray(399 * 600 * 3, 399 * 600 * 3 + 3))).toEqual([255, 255, 255]);
    env.step(2);
    expect(count(env.render(), [255, 110, 40])).toBeGreaterThan(30); // flame at full throttle
  });

  it('is registered as LunarLander-v3 and LunarLanderContinuous-v3: 1000 steps, solved at 200', () => {
    const discrete = make('LunarLander-v3');
    expect(discrete.spec).toMatchObject({ maxEpisodeSteps: 1000, rewardThreshold: 200 });
    expect(discrete.actionSpace.sample()).toEqual(expect.any(Number));
    for (const env of [make('LunarLanderContinuous-v3'), make('LunarLander-v3', { continuous: true })]) {
      expect(env.spec).toMatchObject({ maxEpisodeSteps: 1000, rewardThreshold: 200 });
      expect((env.unwrapped as LunarLander).continuous).toBe(true);
      expect(Array.from(env.actionSpace.sample() as Float32Array)).toHaveLength(2);
    }
  });

  it('refuses bad options and actions with typed errors, and warns on wind outside its recommended range', () => {
    for (const gravity of [-12, 0, 1, Number.NaN]) {
      expect(() => new LunarLander({ gravity })).toThrow(InvalidArgumentError);
    }
    expect(new LunarLander({ gravity: -1.62 }).gravity).toBe(-1.62);
    expect(() => new LunarLander().step(0)).toThrow(ResetNeededError);
    const discrete = new LunarLander();
    discrete.reset({ seed: 0 });
    for (const action of [4, -1, 1.5, [0, 0]]) expect(() => discrete.step(action as never)).toThrow(InvalidArgumentError);
    const continuous = new LunarLander({ continuous: true });
    continuous.reset({ seed: 0 });
    for (const action of [2, [0], [Number.NaN, 0]]) expect(() => continuous.step(action as never)).toThrow(InvalidArgumentError);
    const warnings: string[] = [];
    const previous = setRlLogger({ warn: (m) => warnings.push(m) });
    try {
      new LunarLander({ windPower: 25, turbulencePower: 3 });
    } finally {
      setRlLogger(previous);
    }
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('25');
  });
});
