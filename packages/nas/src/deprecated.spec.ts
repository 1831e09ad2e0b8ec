import { TPE } from './deprecated';
import { builtinSpace } from './space/builtin-spaces';
import { Tpe } from './strategies/tpe';

describe('deprecated names', () => {
  it('TPE is Tpe: the same class, and `new TPE(...)` still builds a working strategy', () => {
    expect(TPE).toBe(Tpe);
    const space = builtinSpace('branin');
    const strategy = new TPE(space, { seed: 3 });
    expect(strategy).toBeInstanceOf(Tpe);
    expect(() => space.validate(strategy.ask()!.config, 'config')).not.toThrow();
  });
});
