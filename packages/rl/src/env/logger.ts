/**
 * Where environments send warnings (Gymnasium's `logger.warn`), e.g. stepping after termination.
 * @category Environments
 */
export interface RlLogger {
  /** Reports a warning. */
  warn(message: string): void;
}

/** The default logger: Node's process warnings (printed once per message by Node, never thrown). */
const processWarnings: RlLogger = { warn: (message) => process.emitWarning(message, 'BigModelRlWarning') };

let current: RlLogger = processWarnings;

/**
 * Replaces the logger environments warn through; returns the previous one. Pass nothing to restore
 * the default (Node process warnings).
 * @example
 * ```ts
 * const warnings: string[] = [];
 * setRlLogger({ warn: (m) => warnings.push(m) });
 * ```
 * @category Environments
 */
export function setRlLogger(logger?: RlLogger): RlLogger {
  const previous = current;
  current = logger ?? processWarnings;
  return previous;
}

/** The logger environments warn through now. @category Environments */
export function rlLogger(): RlLogger {
  return current;
}
