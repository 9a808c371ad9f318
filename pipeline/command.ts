import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io.ts';

/**
 * One entry per sub-command. Each stage module owns its command's behaviour; this file only
 * parses arguments and maps failures to exit codes.
 */
export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] }, io: Io): Promise<number>;
}

/** Exit codes, so ops can tell what failed. */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 3, nothingRead: 4 } as const;

export class UsageError extends Error {}
