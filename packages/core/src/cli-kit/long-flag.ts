/** The long flag of an option's flags: `'-s, --total-steps <n>'` -> `'--total-steps'`. */
export const longFlag = (flags: string): string => /--[\w-]+/.exec(flags)?.[0] ?? flags;
