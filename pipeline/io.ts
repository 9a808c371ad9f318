/**
 * The I/O a stage may touch besides its explicit inputs: the clock and the log.
 * Passed in, so tests fix the time and capture the log lines.
 */
export interface Io {
  /** Current instant; tests pass a fixed clock. */
  now: () => Date;
  /** One line per stage with counts, to stderr; never data, never secrets. */
  log: (line: string) => void;
}

export function defaultIo(): Io {
  return {
    now: () => new Date(),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** A log that keeps its lines, for tests and for the run log. */
export function memoryIo(now: Date): Io & { lines: string[] } {
  const lines: string[] = [];
  return { now: () => new Date(now), log: (line) => lines.push(line), lines };
}
