/**
 * The long flag of an option's flags: `'-s, --total-steps <n>'` -> `'--total-steps'`.
 *
 * @category CLI
 */
export const longFlag = (flags: string): string => /--[\w-]+/.exec(flags)?.[0] ?? flags;
