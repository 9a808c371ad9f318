import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One line of `runs.jsonl` beside the warehouse: what a run did and how it ended. */
export interface RunRecord {
  id: string;
  kind: 'scheduled' | 'run' | 'rebuild';
  dates: string[];
  started: string;
  ended: string;
  /** Milliseconds per stage, in the order they ran. */
  stages: Record<string, number>;
  extracted: number;
  loaded: number;
  rejected: number;
  warnings: string[];
  outcome: 'ok' | 'failed' | 'aborted' | 'refused';
  /** The day whose report the run emails (scheduled runs and `run`). */
  emailDate?: string;
  error?: string;
  exitCode: number;
}

export function runLogOf(warehouse: string): string {
  return join(dirname(warehouse), 'runs.jsonl');
}

/** One `write` of one line with O_APPEND: concurrent appends never interleave within a line. */
export async function appendRun(warehouse: string, record: RunRecord): Promise<void> {
  await appendFile(runLogOf(warehouse), `${JSON.stringify(record)}\n`);
}

/** The most recent runs first; a torn last line (a crash mid-write) is skipped, not fatal. */
export async function recentRuns(warehouse: string, limit = 60): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await readFile(runLogOf(warehouse), 'utf8');
  } catch {
    return [];
  }
  const runs: RunRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      runs.push(JSON.parse(line) as RunRecord);
    } catch {
      // skipped: see above
    }
  }
  return runs.reverse().slice(0, limit);
}

/**
 * Whether a tick of the daemon went without its run: the log has runs (a first start catches up
 * nothing), and none finished, well or not, emailing the tick's report (`emailDate`), whether
 * scheduled or started by hand. A run stopped by SIGTERM or refused by the lock did not finish.
 * A run logged before runs recorded their report's day counts when scheduled after the tick.
 */
export async function missedTick(warehouse: string, tick: Date, emailDate: string): Promise<boolean> {
  const runs = await recentRuns(warehouse);
  return runs.length > 0 && !runs.some((run) => (run.outcome === 'ok' || run.outcome === 'failed')
    && (run.emailDate !== undefined ? run.emailDate === emailDate : run.kind === 'scheduled' && new Date(run.started) >= tick));
}

/** The pipeline's health at a glance: the last run's outcome and the last success. */
export function healthOf(runs: RunRecord[]): { status: 'ok' | 'failing' | 'unknown'; lastSuccess?: string; failuresSinceSuccess: number } {
  const ran = runs.filter((run) => run.outcome !== 'refused');
  if (!ran.length) return { status: 'unknown', failuresSinceSuccess: 0 };
  const lastOk = ran.findIndex((run) => run.outcome === 'ok');
  return {
    status: ran[0]!.outcome === 'ok' ? 'ok' : 'failing',
    lastSuccess: lastOk >= 0 ? ran[lastOk]!.ended : undefined,
    failuresSinceSuccess: lastOk >= 0 ? lastOk : ran.length,
  };
}
