/**
 * The seeded generator behind every random draw in this package: Mulberry32 (the same sequence as
 * core's `mulberry32`), with its 32-bit state readable and writable so that checkpoints can resume
 * a run draw for draw.
 */
import { randomBytes } from 'node:crypto';

/**
 * A seeded source of uniform, normal, exponential and integer draws whose whole state is one
 * unsigned 32-bit number ({@link Rng.state}).
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform(-0.05, 0.05);
 * const saved = rng.state;
 * rng.state = saved; // replays the same draws
 * ```
 * @category Random
 */
export class Rng {
  /** The generator's state (an unsigned 32-bit integer); set it to replay from a saved point. */
  state: number;

  /** Seeds with `seed` (any integer, taken modulo 2^32), or from the OS's entropy when left out. */
  constructor(seed?: number) {
    this.state = (seed ?? randomBytes(4).readUInt32LE(0)) >>> 0;
  }

  /** A float in [0, 1). */
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

  /** A standard normal draw (Box-Muller, one draw per call). */
  normal(): number {
    const u = 1 - this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  /** An exponential draw with rate 1. */
  exponential(): number {
    return -Math.log(1 - this.random());
  }

  /** A fresh 32-bit seed drawn from this generator (to seed another generator). */
  nextSeed(): number {
    return Math.floor(this.random() * 4294967296) >>> 0;
  }
}
