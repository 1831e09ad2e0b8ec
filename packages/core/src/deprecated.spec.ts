import { RMSprop, SGD, linearSchedule } from './deprecated';
import { Rmsprop, Sgd } from './optimizers';
import { linearDecay } from './optimizers/schedules';

describe('deprecated names', () => {
  it('SGD and RMSprop are the renamed classes, serialized under the same class names as before', () => {
    expect(SGD).toBe(Sgd);
    expect(RMSprop).toBe(Rmsprop);
    const sgd = new SGD({ lr: 0.1 });
    expect(sgd).toBeInstanceOf(Sgd);
    // Saved models name their optimizer by className; these strings must not change with the rename.
    expect(Sgd.className).toBe('BigModelSGD');
    expect(Rmsprop.className).toBe('BigModelRMSprop');
    sgd.dispose();
  });

  it('linearSchedule is linearDecay: 0.1 to 0.001 over 100 steps is 0.0505 at step 51', () => {
    expect(linearSchedule).toBe(linearDecay);
    expect(linearSchedule({ initial: 0.1, final: 0.001, totalSteps: 100 }).at(51)).toBeCloseTo(0.1 + (0.001 - 0.1) * 0.5, 15);
  });
});
