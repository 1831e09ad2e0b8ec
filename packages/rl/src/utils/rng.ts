/**
 * rl draws every random number from core's {@link Rng} (Mulberry32 with a readable, writable
 * 32-bit state); this module keeps the package's internal import path to it.
 */
export { Rng } from '@bigmodel/core';
