/**
 * Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar 2018, Algorithm 1) and successive
 * halving (Jamieson & Talwalkar 2016), over any strategy: the wrapped strategy proposes the
 * configurations, this one decides their budgets.
 *
 * With `minBudget` r, `maxBudget` R and `eta`, s_max = floor(log_eta(R / r)). Bracket s (s_max down
 * to 0, then again) starts n = ceil((s_max + 1) / (s + 1) * eta^s) configurations at budget
 * R * eta^-s; each rung keeps the best 1/eta of its configurations and gives them eta times the
 * budget, up to R. Successive halving is the single most aggressive bracket, s = s_max, repeated.
 *
 * A configuration is told to the wrapped strategy once, when its way through the bracket ends
 * (dropped at a rung, or finished at R), with its last outcome; so evolution and TPE see every
 * configuration they proposed (scores from different budgets are compared as they are, as in
 * BOHB's fallback). With parallel workers, a new bracket starts whenever the open ones have nothing
 * to run, so no worker waits for a rung to fill.
 */
import { InvalidArgumentError, parseConfig, z } from '@bigmodel/core';

import type { SearchSpace } from '../space/search-space';
import { configSchema } from '../internal/strategy-fields';
import { checkTold } from '../internal/strategy-checks';
import { effectiveScore, type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * The schema of {@link HyperbandConfig}: each field's check, default and description (`.describe()`), read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Strategies
 */
export const hyperbandConfigSchema = configSchema(
  z
    .strictObject({
      minBudget: z
        .number({ error: 'Must be a finite number > 0.' })
        .positive({ error: 'Must be a finite number > 0.' })
        .default(1)
        .describe('Smallest budget r, a finite number > 0 (default 1).'),
      maxBudget: z.number({ error: 'Must be finite and >= minBudget.' }).default(9).describe('Largest budget R, >= minBudget (default 9).'),
      eta: z.number({ error: 'Must be > 1.' }).gt(1, { error: 'Must be > 1.' }).default(3).describe('Reduction factor, > 1 (default 3).'),
      mode: z
        .enum(['hyperband', 'successive-halving'], { error: "Must be 'hyperband' or 'successive-halving'." })
        .default('hyperband')
        .describe('`hyperband` cycles the brackets s_max..0; `successive-halving` repeats bracket s_max (default `hyperband`).'),
      integerBudgets: z
        .boolean()
        .optional()
        .describe('Round budgets to integers (default: true when minBudget and maxBudget are integers).'),
    })
    .superRefine((c, context) => {
      if (c.maxBudget < c.minBudget) {
        const message = `Must be finite and >= minBudget (${c.minBudget}).`;
        context.addIssue({ code: 'custom', path: ['maxBudget'], input: c.maxBudget, message });
      }
    }),
);

/**
 * Configuration of {@link Hyperband}, inferred from {@link hyperbandConfigSchema}
 * (docs/schemas/nas/HyperbandConfig.schema.json carries each field's description): `minBudget` r
 * (default 1), `maxBudget` R >= r (default 9), `eta` > 1 (default 3), `mode` (`hyperband`, the
 * default, or `successive-halving`), `integerBudgets` (default: true when both budgets are
 * integers).
 *
 * @category Strategies
 */
export type HyperbandConfig = z.input<typeof hyperbandConfigSchema>;

/**
 * Fills {@link HyperbandConfig}'s defaults and computes s_max; throws InvalidArgumentError naming
 * the bad field (`HyperbandConfig.eta`) and its value, an unknown key with the nearest known one.
 *
 * @param name The config's name in errors (`RunSearchConfig.hyperband` when a search passes it on).
 * @category Strategies
 */
export function resolveHyperbandConfig(config: HyperbandConfig, name = 'HyperbandConfig') {
  const resolved = parseConfig(hyperbandConfigSchema, config, name);
  const integerBudgets = resolved.integerBudgets ?? (Number.isInteger(resolved.minBudget) && Number.isInteger(resolved.maxBudget));
  const sMax = Math.floor(Math.log(resolved.maxBudget / resolved.minBudget) / Math.log(resolved.eta) + 1e-9);
  return { ...resolved, integerBudgets, sMax };
}

/**
 * The schedule of bracket s: configurations and budget per rung.
 *
 * @category Strategies
 */
export function bracketSchedule(
  s: number,
  config: { maxBudget: number; eta: number; sMax: number; integerBudgets: boolean },
): { configs: number; budget: number }[] {
  const n = Math.ceil(((config.sMax + 1) / (s + 1)) * config.eta ** s);
  return Array.from({ length: s + 1 }, (_, i) => {
    const budget = config.maxBudget * config.eta ** (i - s);
    return {
      configs: Math.max(1, Math.floor(n * config.eta ** -i)),
      budget: config.integerBudgets ? Math.max(1, Math.round(budget)) : budget,
    };
  });
}

interface Member {
  base: Trial;
  /** Outcome at the current rung (undefined while pending). */
  outcome?: TrialOutcome;
  trial: Trial;
}

interface Bracket {
  index: number;
  s: number;
  schedule: { configs: number; budget: number }[];
  rung: number;
  /** Members of the current rung. */
  members: Member[];
  /** Rung-0 configurations still to ask the wrapped strategy for. */
  toStart: number;
  /** Promoted members waiting to run at the current rung. */
  queue: Member[];
}

/**
 * Hyperband / successive halving over a wrapped strategy; see the file header.
 * @example
 * ```ts
 * const strategy = new Hyperband(new RegularizedEvolution(space, { seed: 0 }), { minBudget: 1, maxBudget: 9, eta: 3 });
 * const trial = strategy.ask()!; // trial.budget is 1, 3 or 9 epochs
 * ```
 * @category Strategies
 */
export class Hyperband implements Strategy {
  readonly name: string;
  readonly space: SearchSpace;
  private readonly config: ReturnType<typeof resolveHyperbandConfig>;
  private readonly brackets: Bracket[] = [];
  private readonly byId = new Map<number, { bracket: Bracket; member: Member }>();
  private bracketsOpened = 0;
  private nextId = 0;

  constructor(
    readonly base: Strategy,
    config: HyperbandConfig = {},
  ) {
    this.config = resolveHyperbandConfig(config);
    this.space = base.space;
    this.name = `${this.config.mode}(${base.name})`;
  }

  ask(): Trial | undefined {
    const asking = this.asking();
    let step = asking.next();
    while (!step.done) step = asking.next(this.base.ask());
    return step.value;
  }

  /**
   * {@link Hyperband.ask}, asking the wrapped strategy with its `askAsync` when it has one (a
   * REINFORCE controller on webgpu): the same trials as `ask`. The runner uses it.
   */
  async askAsync(): Promise<Trial | undefined> {
    const asking = this.asking();
    let step = asking.next();
    while (!step.done) step = asking.next(this.base.askAsync ? await this.base.askAsync() : this.base.ask());
    return step.value;
  }

  /** The asking, written once: it yields when it needs a new configuration from the wrapped strategy. */
  private *asking(): Generator<void, Trial | undefined, Trial | undefined> {
    for (const bracket of this.brackets) {
      const trial = yield* this.next(bracket);
      if (trial) return trial;
    }
    const s =
      this.config.mode === 'successive-halving' ? this.config.sMax : this.config.sMax - (this.bracketsOpened % (this.config.sMax + 1));
    const schedule = bracketSchedule(s, this.config);
    const bracket: Bracket = { index: this.bracketsOpened++, s, schedule, rung: 0, members: [], toStart: schedule[0].configs, queue: [] };
    this.brackets.push(bracket);
    return yield* this.next(bracket);
  }

  tell(trial: Trial, outcome: TrialOutcome): void {
    checkTold(this.space, trial, outcome);
    const entry = this.byId.get(trial.id);
    if (!entry || entry.member.outcome) {
      throw new InvalidArgumentError({
        parameter: 'trial.id',
        value: trial.id,
        message: 'Hyperband is told only about trials it asked for and has not heard about yet.',
      });
    }
    this.byId.delete(trial.id);
    const { bracket, member } = entry;
    member.outcome = outcome;
    const rung = bracket.schedule[bracket.rung];
    const done = bracket.members.filter((m) => m.outcome).length;
    if (done < rung.configs || bracket.toStart > 0 || bracket.queue.length > 0) return;
    // The rung is complete: the best 1/eta go on, the others end here.
    const ranked = [...bracket.members].sort((a, b) => effectiveScore(b.outcome!) - effectiveScore(a.outcome!) || a.trial.id - b.trial.id);
    const last = bracket.rung === bracket.schedule.length - 1;
    const keep = last ? 0 : bracket.schedule[bracket.rung + 1].configs;
    for (const m of ranked.slice(keep)) this.base.tell(m.base, m.outcome!);
    if (last) {
      this.brackets.splice(this.brackets.indexOf(bracket), 1);
      return;
    }
    bracket.rung++;
    bracket.members = [];
    bracket.queue = ranked.slice(0, keep).map((m) => ({ base: m.base, trial: m.trial }));
  }

  dispose(): void {
    this.base.dispose();
  }

  /** The next trial bracket `bracket` can run now, if any (yielding to ask the wrapped strategy for a new one). */
  private *next(bracket: Bracket): Generator<void, Trial | undefined, Trial | undefined> {
    const budget = bracket.schedule[bracket.rung].budget;
    let member: Member | undefined;
    if (bracket.rung === 0 && bracket.toStart > 0) {
      const base = yield;
      if (!base) return undefined;
      bracket.toStart--;
      member = { base, trial: base };
    } else {
      member = bracket.queue.shift();
      if (!member) return undefined;
    }
    const trial: Trial = {
      id: this.nextId++,
      config: member.base.config,
      budget,
      hash: member.base.hash,
      info: { bracket: bracket.index, s: bracket.s, rung: bracket.rung, baseTrial: member.base.id },
    };
    member.trial = trial;
    bracket.members.push(member);
    this.byId.set(trial.id, { bracket, member });
    return trial;
  }
}
