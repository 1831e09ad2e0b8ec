/**
 * The one seeded generator of bigmodel: Mulberry32 (Tommy Ettinger's 32-bit generator), with its
 * whole state readable and writable so that a checkpoint can resume a run draw for draw, and
 * sub-streams derived by name or index.
 */
import { deriveSeed } from './derive-seed';
import { standardNormalFrom } from './normal';

/**
 * A seeded source of uniform, normal, exponential and integer draws whose whole state is one
 * unsigned 32-bit number ({@link Rng.state}). Every seeded draw in bigmodel comes from this
 * generator; {@link mulberry32} is the same sequence as a plain function.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.random(); // 0.6011037519201636, as mulberry32(42)()
 * const saved = rng.state;
 * const x = rng.normal();
 * rng.state = saved;
 * rng.normal() === x; // true: replays the same draws
 * const noise = rng.derive('noise', 3); // a sub-stream; rng itself does not advance
 * ```
 * @category Random
 */
export class Rng {
  /** The generator's state (an unsigned 32-bit integer); set it to replay from a saved point. */
  state: number;

  /** Seeds with `seed` (any integer, taken modulo 2^32), or from the platform's entropy when left out. */
  constructor(seed?: number) {
    this.state = (seed ?? globalThis.crypto.getRandomValues(new Uint32Array(1))[0]) >>> 0;
  }

  /** A float in [0, 1): one Mulberry32 step. */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** An integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** A standard normal draw ({@link standardNormal}: Box-Muller, two uniform draws per call). */
  normal(): number {
    return standardNormalFrom(this.random(), this.random());
  }

  /** An exponential draw with rate 1 (one uniform draw). */
  exponential(): number {
    return -Math.log(1 - this.random());
  }

  /** A fresh 32-bit seed drawn from this generator (one uniform draw), to seed another generator. */
  nextSeed(): number {
    return Math.floor(this.random() * 4294967296) >>> 0;
  }

  /**
   * An independent generator advanced by one draw of this one: `new Rng(this.nextSeed())`. Use it
   * to hand a child its own stream when the order of children is fixed.
   */
  split(): Rng {
    return new Rng(this.nextSeed());
  }

  /**
   * The sub-stream named by `keys` (names or indices), seeded by {@link deriveSeed} from the
   * current state. This generator does not advance, so the same state and keys always give the
   * same sub-stream, whatever else was drawn from other sub-streams.
   */
  derive(...keys: Array<number | string>): Rng {
    return new Rng(deriveSeed(this.state, ...keys));
  }
}
