/**
 * The argument checks every strategy runs on what it is given (not part of the public API).
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { SearchSpace } from '../space/search-space';
import type { Trial, TrialOutcome } from '../strategies/strategy';

/**
 * Validates what a strategy is told (the trial's config is in the space, the outcome is well-formed).
 */
export function checkTold(space: SearchSpace, trial: Trial, outcome: TrialOutcome): void {
  if (!trial || typeof trial !== 'object' || !Number.isInteger(trial.id)) {
    throw new InvalidArgumentError({
      parameter: 'trial',
      value: trial,
      message: 'tell() takes a trial from ask() (or one of the same shape).',
    });
  }
  space.validate(trial.config, 'trial.config');
  if (!outcome || !['ok', 'failed', 'infeasible'].includes(outcome.status) || typeof outcome.score !== 'number') {
    throw new InvalidArgumentError({
      parameter: 'outcome',
      value: outcome,
      message: "Expected { status: 'ok' | 'failed' | 'infeasible', score: number }.",
    });
  }
}
