import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.ts';

/**
 * One entry per sub-command. Each stage module owns its command's behaviour; this file only
 * parses arguments and maps failures to exit codes.
 */
export interface Command {
  summary: string;
  usage: string;
  /** More for `--help`: defaults, exit codes. */
  help?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] }, io: Io): Promise<number>;
}

/** Exit codes, so ops can tell what failed. */
export const EXIT = {
  ok: 0, failed: 1, usage: 2, config: 3, nothingRead: 4,
  /** Scheduled runs and rebuilds (docs/operations.md): another run holds the lock. */
  lockHeld: 10,
  /** Some source days could not be extracted; everything else was loaded and published. */
  extractFailed: 11,
  /** The load into the warehouse failed; warehouse and site are as before the run. */
  loadFailed: 12,
  /** The site could not be built; the previous site is still served. */
  siteFailed: 13,
  /** The site is published but the daily report could not be written or sent. */
  reportFailed: 14,
  /** Stopped by SIGTERM/SIGINT between stages. */
  aborted: 15,
} as const;

export class UsageError extends Error {}

/** A whole-number option in [min, max]; undefined when the option was not given. */
export function wholeNumberOption(value: unknown, name: string, min: number, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || (max !== undefined && number > max)) {
    const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be a whole number ${range}, got "${String(value)}"`);
  }
  return number;
}
