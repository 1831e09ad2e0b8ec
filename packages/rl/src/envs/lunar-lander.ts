/**
 * LunarLander (Oleg Klimov), with the rules of Gymnasium 1.x `gymnasium/envs/box2d/lunar_lander.py`
 * (v3): its geometry, observation, shaping reward, fuel costs, termination, engine impulses, wind and
 * turbulence, on the `planck` physics engine (a JavaScript rewrite of Box2D). Trajectories are not
 * Box2D's bit for bit; the rules are Gymnasium's, and lunar-lander.spec.ts checks them by hand.
 */
import { InvalidArgumentError } from '@bigmodel/core';
import { Box as BoxShape, Edge, Polygon, RevoluteJoint, Vec2, World, type Body, type Contact } from 'planck';

import { BaseEnv, type ResetOptions, type ResetResult, type RgbFrame, type StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { rlLogger } from '../env/logger';
import { Box } from '../spaces/box';
import { Discrete } from '../spaces/discrete';
import type { Space } from '../spaces/space';
import { Canvas, type Color } from '../utils/canvas';

/**
 * Options of {@link LunarLander} (Gymnasium's keyword arguments).
 *
 * @category Environments
 */
export interface LunarLanderOptions {
  /** Two continuous engine throttles instead of four discrete actions (default false). */
  continuous?: boolean;
  /** Vertical gravity in m/s², in (-12, 0) (default -10). */
  gravity?: number;
  /** Apply wind and turbulence while no leg touches the ground (default false). */
  enableWind?: boolean;
  /** Largest horizontal wind force; recommended in [0, 20] (default 15). */
  windPower?: number;
  /** Largest turbulence torque; recommended in [0, 2] (default 1.5). */
  turbulencePower?: number;
}

/**
 * A discrete action (0..3) or a continuous `[main, lateral]` pair.
 *
 * @category Environments
 */
export type LunarLanderAction = number | ArrayLike<number>;

/** Frames per second: one step is 1/FPS s of simulation. */
const FPS = 50;
/** Pixels per metre of the 600x400 viewport. */
const SCALE = 30.0;
const MAIN_ENGINE_POWER = 13.0;
const SIDE_ENGINE_POWER = 0.6;
/** Bound of each component of the random force applied at reset. */
const INITIAL_RANDOM = 1000.0;
/** The hull in pixels (divided by SCALE for metres). */
const LANDER_POLY: readonly (readonly [number, number])[] = [
  [-14, 17],
  [-17, 0],
  [-17, -10],
  [17, -10],
  [17, 0],
  [14, 17],
];
const LEG_AWAY = 20;
const LEG_DOWN = 18;
const LEG_W = 2;
const LEG_H = 8;
const LEG_SPRING_TORQUE = 40;
const SIDE_ENGINE_HEIGHT = 14;
const SIDE_ENGINE_AWAY = 12;
/** Where the main engine sits below the hull's centre, in pixels. */
const MAIN_ENGINE_Y_LOCATION = 4;
const VIEWPORT_W = 600;
const VIEWPORT_H = 400;
/** Terrain points across the viewport. */
const CHUNKS = 11;
const W = VIEWPORT_W / SCALE;
const H = VIEWPORT_H / SCALE;

/**
 * Gymnasium's wind (and turbulence) profile at index `k`: `tanh(sin(0.02 k) + sin(0.01 π k)) · power`,
 * a bounded signal that never repeats.
 * @category Environments
 */
export function lunarWind(k: number, power: number): number {
  return Math.tanh(Math.sin(0.02 * k) + Math.sin(Math.PI * 0.01 * k)) * power;
}

/**
 * Gymnasium's shaping potential of a LunarLander observation: `-100·‖(x, y)‖ - 100·‖(vx, vy)‖ -
 * 100·|angle| + 10·leftLeg + 10·rightLeg`. A step's reward is its difference from the previous step's,
 * less the fuel spent.
 * @category Environments
 */
export function lunarShaping(s: ArrayLike<number>): number {
  return -100 * Math.hypot(s[0], s[1]) - 100 * Math.hypot(s[2], s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] + 10 * s[7];
}

/** One engine's exhaust during the last step, in world coordinates, for rendering. */
interface Flame {
  x: number;
  y: number;
  /** Direction the exhaust leaves in (unit vector). */
  dx: number;
  dy: number;
  power: number;
  main: boolean;
}

/**
 * The planck bodies of an episode.
 *
 * @category Environments
 */
export interface LunarLanderBodies {
  /** The static ground: a floor edge and the terrain's edges. */
  moon: Body;
  /** The hull. */
  lander: Body;
  /** Legs, `legs[0]` on the hull's +x side (Gymnasium's `legs[0]`, made with i = -1), `legs[1]` on its -x side. */
  legs: [Body, Body];
}

const LANDER_FILL: Color = [128, 102, 230];
const LANDER_EDGE: Color = [77, 77, 128];
const FLAG: Color = [204, 204, 0];

/**
 * Land a rocket on the pad between the two flags, which is always at (0, 0) in observation coordinates.
 * Fuel is infinite.
 *
 * - Action Space: `Discrete(4)`: 0 does nothing, 1 fires the left orientation engine (pushes the lander
 *   left and turns it counterclockwise), 2 the main engine, 3 the right orientation engine. With
 *   `continuous: true`, `Box(-1, 1, (2,))` float32 `[main, lateral]` (clipped to [-1, 1]): the main
 *   engine is off for `main <= 0` and throttles from 50% to 100% over (0, 1]; the lateral engines are
 *   off for `|lateral| <= 0.5`, fire left below -0.5 and right above 0.5, throttled 50% to 100%.
 * - Observation Space: `Box(8)` float32: x and y relative to the pad (x = ±1 at the viewport's edges,
 *   y in half viewport heights above the landed height), vx·(W/2)/FPS and vy·(H/2)/FPS with W x H =
 *   20 x 13.3 m and FPS = 50 (Gymnasium's scaling: 0.2 and 0.133 per m/s), the angle (rad),
 *   20·ω/FPS, and 1/0 for each leg touching the ground. Bounds ±2.5, ±2.5, ±10, ±10, ±2π, ±10,
 *   [0, 1], [0, 1].
 * - Rewards: the difference of the shaping potential (`lunarShaping`) between steps, less
 *   0.3 x throttle per step of main engine and 0.03 x throttle per step of a side engine; the
 *   terminating step's reward is -100 for a crash or leaving the screen, +100 for coming to rest.
 *   Solved at 200.
 * - Starting State: at the top centre of the viewport, upright, legs out, pushed by a random force
 *   (each component uniform in [-1000, 1000] N) for the first step; terrain of 11 points, each the
 *   mean of three of 12 random heights (x 0.99), with the flat pad in the middle.
 * - Episode End: terminated when the hull touches the ground, |x| >= 1, or the lander is no longer
 *   awake (at rest, the physics engine puts it to sleep); truncated by the registry's time limit
 *   (1000 steps).
 *
 * With `enableWind`, a horizontal force `lunarWind(k, windPower)` and a torque
 * `lunarWind(k', turbulencePower)` act on the hull at each step while neither leg touches the
 * ground, k and k' starting at random integers in [-9999, 9999).
 * @example
 * ```ts
 * const env = make('LunarLander-v3');
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(2); // main engine
 * ```
 * @category Environments
 */
export class LunarLander extends BaseEnv<Float32Array, LunarLanderAction> {
  readonly continuous: boolean;
  readonly gravity: number;
  readonly enableWind: boolean;
  readonly windPower: number;
  readonly turbulencePower: number;
  readonly actionSpace: Space<LunarLanderAction>;
  readonly observationSpace = new Box({
    low: [-2.5, -2.5, -10, -10, -2 * Math.PI, -10, 0, 0],
    high: [2.5, 2.5, 10, 10, 2 * Math.PI, 10, 1, 1],
    dtype: 'float32',
  });
  /** The wind profile's index for the next step (Gymnasium's `wind_idx`), drawn at reset when wind is on. */
  windIdx = 0;
  /** The turbulence profile's index for the next step (Gymnasium's `torque_idx`). */
  torqueIdx = 0;
  /** Left and right x of the pad, and its height, in metres. */
  helipadX1 = 0;
  helipadX2 = 0;
  helipadY = 0;
  /** Whether the hull has touched the ground this episode. */
  gameOver = false;
  /** Whether each leg touches the ground now. */
  readonly legContact: [boolean, boolean] = [false, false];
  private world: World | null = null;
  private parts: LunarLanderBodies | null = null;
  private prevShaping: number | null = null;
  private terrain: [number, number][] = [];
  private flames: Flame[] = [];

  constructor(options: LunarLanderOptions = {}) {
    super();
    this.continuous = options.continuous ?? false;
    this.gravity = options.gravity ?? -10.0;
    this.enableWind = options.enableWind ?? false;
    this.windPower = options.windPower ?? 15.0;
    this.turbulencePower = options.turbulencePower ?? 1.5;
    if (typeof this.continuous !== 'boolean') {
      throw new InvalidArgumentError({ parameter: 'continuous', value: this.continuous, message: 'Expected true or false.' });
    }
    if (typeof this.enableWind !== 'boolean') {
      throw new InvalidArgumentError({ parameter: 'enableWind', value: this.enableWind, message: 'Expected true or false.' });
    }
    if (!(typeof this.gravity === 'number' && this.gravity > -12 && this.gravity < 0)) {
      const message = 'LunarLander gravity must be between -12 and 0 (exclusive).';
      throw new InvalidArgumentError({ parameter: 'gravity', value: this.gravity, message });
    }
    for (const [parameter, value] of [
      ['windPower', this.windPower],
      ['turbulencePower', this.turbulencePower],
    ] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidArgumentError({ parameter, value, message: 'Expected a finite number.' });
      }
    }
    if (this.windPower < 0 || this.windPower > 20) {
      rlLogger().warn(`windPower value is recommended to be between 0.0 and 20.0, (current value: ${this.windPower})`);
    }
    if (this.turbulencePower < 0 || this.turbulencePower > 2) {
      rlLogger().warn(`turbulencePower value is recommended to be between 0.0 and 2.0, (current value: ${this.turbulencePower})`);
    }
    const actionSpace = this.continuous ? new Box({ low: -1, high: 1, shape: [2], dtype: 'float32' }) : new Discrete(4);
    this.actionSpace = actionSpace as Space<LunarLanderAction>;
  }

  /** The episode's planck bodies (null before the first reset), for inspection and tests. */
  get bodies(): LunarLanderBodies | null {
    return this.parts;
  }

  override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(options);
    const rng = this.npRandom;
    // A fresh world per episode, as Gymnasium builds one.
    const world = new World({ gravity: Vec2(0, this.gravity) });
    this.world = world;
    this.gameOver = false;
    this.prevShaping = null;
    this.legContact[0] = this.legContact[1] = false;
    this.flames = [];

    // ---- terrain: random heights, the pad's five flat, smoothed over three neighbours
    const height = Array.from({ length: CHUNKS + 1 }, () => rng.uniform(0, H / 2));
    const chunkX = Array.from({ length: CHUNKS }, (_, i) => (W / (CHUNKS - 1)) * i);
    const mid = Math.floor(CHUNKS / 2);
    this.helipadX1 = chunkX[mid - 1];
    this.helipadX2 = chunkX[mid + 1];
    this.helipadY = H / 4;
    for (let i = mid - 2; i <= mid + 2; i++) height[i] = this.helipadY;
    // for i = 0 the left neighbour is height[-1], numpy's last element
    const smoothY = chunkX.map((_, i) => 0.33 * (height[(i - 1 + height.length) % height.length] + height[i] + height[i + 1]));
    const moon = world.createBody();
    moon.createFixture({ shape: new Edge(Vec2(0, 0), Vec2(W, 0)) });
    this.terrain = chunkX.map((x, i) => [x, smoothY[i]]);
    for (let i = 0; i < CHUNKS - 1; i++) {
      moon.createFixture({ shape: new Edge(Vec2(chunkX[i], smoothY[i]), Vec2(chunkX[i + 1], smoothY[i + 1])), density: 0, friction: 0.1 });
    }

    // ---- lander at the top centre, pushed by a random force
    const initialX = W / 2;
    const initialY = H;
    const lander = world.createBody({ type: 'dynamic', position: Vec2(initialX, initialY), angle: 0 });
    lander.createFixture({
      shape: new Polygon(LANDER_POLY.map(([x, y]) => Vec2(x / SCALE, y / SCALE))),
      density: 5.0,
      friction: 0.1,
      filterCategoryBits: 0x0010,
      filterMaskBits: 0x001, // collide with the ground only
      restitution: 0.0,
    });
    lander.applyForceToCenter(Vec2(rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM)), true);
    if (this.enableWind) {
      this.windIdx = rng.integer(-9999, 9999);
      this.torqueIdx = rng.integer(-9999, 9999);
    }

    // ---- legs on spring-loaded hinges, limited to a half-radian swing
    const legs: Body[] = [];
    for (const i of [-1, 1]) {
      const leg = world.createBody({ type: 'dynamic', position: Vec2(initialX - (i * LEG_AWAY) / SCALE, initialY), angle: i * 0.05 });
      const shape = new BoxShape(LEG_W / SCALE, LEG_H / SCALE);
      leg.createFixture({ shape, density: 1.0, restitution: 0.0, filterCategoryBits: 0x0020, filterMaskBits: 0x001 });
      world.createJoint(
        new RevoluteJoint({
          bodyA: lander,
          bodyB: leg,
          localAnchorA: Vec2(0, 0),
          localAnchorB: Vec2((i * LEG_AWAY) / SCALE, LEG_DOWN / SCALE),
          referenceAngle: 0, // Box2D's default; planck would otherwise take the bodies' angle difference
          enableMotor: true,
          enableLimit: true,
          maxMotorTorque: LEG_SPRING_TORQUE,
          motorSpeed: 0.3 * i, // low enough not to jump back into the sky
          lowerAngle: i === -1 ? 0.4 : -0.9,
          upperAngle: i === -1 ? 0.9 : -0.4,
        }),
      );
      legs.push(leg);
    }
    this.parts = { moon, lander, legs: [legs[0], legs[1]] };

    // ---- contacts: the hull touching the ground ends the game; legs report touching it
    const onContact = (touching: boolean) => (contact: Contact) => {
      const a = contact.getFixtureA().getBody();
      const b = contact.getFixtureB().getBody();
      if (touching && (a === lander || b === lander)) this.gameOver = true;
      for (let k = 0; k < 2; k++) if (a === legs[k] || b === legs[k]) this.legContact[k] = touching;
    };
    world.on('begin-contact', onContact(true));
    world.on('end-contact', onContact(false));

    // Gymnasium returns the observation of a first step with the engines off.
    const { observation } = this.step(this.continuous ? [0, 0] : 0);
    return { observation, info: {} };
  }

  step(action: LunarLanderAction): StepResult<Float32Array> {
    const { main, lateral } = this.parseAction(action);
    if (this.world === null || this.parts === null) throw new ResetNeededError('Call reset before using step.');
    const world = this.world;
    const { lander } = this.parts;
    this.flames = [];

    // ---- wind and turbulence, only while airborne
    if (this.enableWind && !(this.legContact[0] || this.legContact[1])) {
      lander.applyForceToCenter(Vec2(lunarWind(this.windIdx, this.windPower), 0), true);
      this.windIdx += 1;
      lander.applyTorque(lunarWind(this.torqueIdx, this.turbulencePower), true);
      this.torqueIdx += 1;
    }

    // ---- engines: impulses at points dispersed by up to 1 px (drawn every step)
    const angle = lander.getAngle();
    const tip = [Math.sin(angle), Math.cos(angle)];
    const side = [-tip[1], tip[0]];
    const dispersion = [this.npRandom.uniform(-1, 1) / SCALE, this.npRandom.uniform(-1, 1) / SCALE];
    const pos = lander.getPosition();

    let mPower = 0;
    if (main > 0) {
      mPower = this.continuous ? (Math.min(main, 1) + 1) * 0.5 : 1; // 50%..100%
      const ox = tip[0] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion[0]) + side[0] * dispersion[1];
      const oy = -tip[1] * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * dispersion[0]) - side[1] * dispersion[1];
      const at = Vec2(pos.x + ox, pos.y + oy);
      this.addFlame(at, ox, oy, mPower, true);
      lander.applyLinearImpulse(Vec2(-ox * MAIN_ENGINE_POWER * mPower, -oy * MAIN_ENGINE_POWER * mPower), at, true);
    }

    let sPower = 0;
    if (Math.abs(lateral) > 0.5) {
      const direction = Math.sign(lateral);
      sPower = this.continuous ? Math.min(Math.abs(lateral), 1) : 1;
      const ox = tip[0] * dispersion[0] + side[0] * (3 * dispersion[1] + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const oy = -tip[1] * dispersion[0] - side[1] * (3 * dispersion[1] + (direction * SIDE_ENGINE_AWAY) / SCALE);
      // Gymnasium's x offset is 17 px (not SIDE_ENGINE_HEIGHT): the thrust point, hence the torque, depends on the angle
      const at = Vec2(pos.x + ox - (tip[0] * 17) / SCALE, pos.y + oy + (tip[1] * SIDE_ENGINE_HEIGHT) / SCALE);
      this.addFlame(at, ox, oy, sPower, false);
      lander.applyLinearImpulse(Vec2(-ox * SIDE_ENGINE_POWER * sPower, -oy * SIDE_ENGINE_POWER * sPower), at, true);
    }

    world.step(1.0 / FPS, 6 * 30, 2 * 30);

    // ---- observation, in viewport units per step
    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    const state = [
      (p.x - W / 2) / (W / 2),
      (p.y - (this.helipadY + LEG_DOWN / SCALE)) / (H / 2),
      (v.x * (W / 2)) / FPS,
      (v.y * (H / 2)) / FPS,
      lander.getAngle(),
      (20.0 * lander.getAngularVelocity()) / FPS,
      this.legContact[0] ? 1 : 0,
      this.legContact[1] ? 1 : 0,
    ];

    // ---- reward: shaping difference less fuel; +-100 at the end
    const shaping = lunarShaping(state);
    let reward = this.prevShaping === null ? 0 : shaping - this.prevShaping;
    this.prevShaping = shaping;
    reward -= mPower * 0.3;
    reward -= sPower * 0.03;
    let terminated = false;
    if (this.gameOver || Math.abs(state[0]) >= 1.0) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
    }
    return { observation: Float32Array.from(state), reward, terminated, truncated: false, info: {} };
  }

  /** The main and lateral commands of an action, validated (continuous ones clipped to [-1, 1]). */
  private parseAction(action: LunarLanderAction): { main: number; lateral: number } {
    if (this.continuous) {
      const a = action as ArrayLike<number>;
      if (a == null || typeof a !== 'object' || a.length !== 2 || !(Number.isFinite(a[0]) && Number.isFinite(a[1]))) {
        const message = 'Continuous LunarLander takes two finite numbers [main, lateral] in [-1, 1].';
        throw new InvalidArgumentError({ parameter: 'action', value: action, message });
      }
      return { main: Math.max(-1, Math.min(1, a[0])), lateral: Math.max(-1, Math.min(1, a[1])) };
    }
    if (action !== 0 && action !== 1 && action !== 2 && action !== 3) {
      const message = 'LunarLander takes 0 (noop), 1 (left engine), 2 (main engine) or 3 (right engine).';
      throw new InvalidArgumentError({ parameter: 'action', value: action, message });
    }
    return { main: action === 2 ? 1 : 0, lateral: action === 1 ? -1 : action === 3 ? 1 : 0 };
  }

  private addFlame(at: Vec2, ox: number, oy: number, power: number, main: boolean): void {
    const n = Math.hypot(ox, oy) || 1;
    this.flames.push({ x: at.x, y: at.y, dx: ox / n, dy: oy / n, power, main });
  }

  /**
   * A 600x400 frame as Gymnasium lays it out: black sky over the white moon, the lander and its legs,
   * the pad's flags, and the exhaust of the engines fired in the last step (flames here, Gymnasium's
   * particles there).
   */
  render(): RgbFrame {
    const canvas = new Canvas(VIEWPORT_W, VIEWPORT_H);
    for (let i = 0; i + 1 < this.terrain.length; i++) {
      const [x1, y1] = this.terrain[i];
      const [x2, y2] = this.terrain[i + 1];
      canvas.polygon(
        [
          [x1 * SCALE, y1 * SCALE],
          [x2 * SCALE, y2 * SCALE],
          [x2 * SCALE, VIEWPORT_H],
          [x1 * SCALE, VIEWPORT_H],
        ],
        [0, 0, 0],
      );
    }
    for (const f of this.flames) {
      const length = (f.main ? 22 : 10) * f.power;
      const half = f.main ? 5 : 2.5;
      const bx = f.x * SCALE,
        by = f.y * SCALE;
      canvas.polygon(
        [
          [bx - f.dy * half, by + f.dx * half],
          [bx + f.dx * length, by + f.dy * length],
          [bx + f.dy * half, by - f.dx * half],
        ],
        [255, Math.round(110 + 60 * (1 - f.power)), 40],
      );
    }
    if (this.parts) {
      for (const body of [this.parts.lander, ...this.parts.legs]) {
        for (let fixture = body.getFixtureList(); fixture; fixture = fixture.getNext()) {
          const shape = fixture.getShape() as Polygon;
          const path = shape.m_vertices.slice(0, shape.m_count).map((v): [number, number] => {
            const w = body.getWorldPoint(v);
            return [w.x * SCALE, w.y * SCALE];
          });
          canvas.polygon(path, LANDER_FILL);
          for (let k = 0; k < path.length; k++) {
            const [a, b] = [path[k], path[(k + 1) % path.length]];
            canvas.line(a[0], a[1], b[0], b[1], 1, LANDER_EDGE);
          }
        }
      }
      for (const x of [this.helipadX1 * SCALE, this.helipadX2 * SCALE]) {
        const y1 = this.helipadY * SCALE,
          y2 = y1 + 50;
        canvas.line(x, y1, x, y2, 1, [255, 255, 255]);
        canvas.polygon(
          [
            [x, y2],
            [x, y2 - 10],
            [x + 25, y2 - 5],
          ],
          FLAG,
        );
      }
    }
    return canvas.frame();
  }

  override close(): void {
    this.world = null;
    this.parts = null;
  }
}
