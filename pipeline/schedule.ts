import cron, { type ScheduledTask } from 'node-cron';
import { EXIT, UsageError, type Command } from './command.ts';
import { loadConfig, type Config } from './config.ts';
import { apiSourcesOf, datesFromArgs } from './extract.ts';
import type { Env } from './extract/auth.ts';
import { addDays, isIsoDate } from './extract/time.ts';
import type { Io } from './io.ts';
import { formatDateTime } from './render/format.ts';
import { missedTick } from './run-log.ts';
import { runPipeline, scheduledDates, type RunRequest, type RunResult } from './run.ts';

/**
 * The daemon (`rechamadas schedule`) and the ops commands `run` and `rebuild`. node-cron fires
 * the run in the configured zone; its `noOverlap` skips a tick while a run is still going, and the
 * lock file in run.ts refuses a run started by any other process.
 */

export interface Daemon {
  /** Resolves when the daemon has stopped: after the current run (if any) has finished or aborted. */
  stopped: Promise<void>;
  /** Stops firing and asks the current run to stop before its next stage. */
  stop(reason: string): void;
  nextRun(): Date | null;
}

export interface DaemonOptions {
  config: Config;
  io: Io;
  /** One scheduled run at the instant it fired; `signal` aborts on stop. */
  runOnce: (firedAt: Date, signal: AbortSignal) => Promise<RunResult>;
  /**
   * Whether the daemon's last tick before its start went without a run (missedTick): it is then
   * run at once, so that a host that was down, or a daemon stopped, at 06:00 still sends that
   * day's report. Without it, nothing is caught up.
   */
  missed?: (tick: Date) => Promise<boolean>;
}

/** How far back a missed tick is still caught up: older reports are superseded by newer ones. */
const CATCH_UP_HOURS = 24;

export function startDaemon(options: DaemonOptions): Daemon {
  const { config, io } = options;
  const { cron: expression, timeZone } = config.schedule;
  // node-cron's own notices (e.g. a tick skipped because a run is still going) go to our log.
  cron.setLogger({
    info: (message) => io.log(`schedule: ${message}`),
    warn: (message) => io.log(`schedule: ${message}`),
    error: (message) => io.log(`schedule: ${String(message)}`),
    debug: () => {},
  });
  const controller = new AbortController();
  // Runs go one after another: a tick that comes while the catch-up still runs waits for it
  // (node-cron's noOverlap sees only its own ticks), and stopping waits for the last.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): Promise<void> => (queue = queue.then(job));
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => (finish = resolve));
  const runNow = async (firedAt: Date): Promise<void> => {
    if (controller.signal.aborted) return;
    try {
      const result = await options.runOnce(firedAt, controller.signal);
      io.log(`schedule: run ended ${result.record.outcome} (exit ${result.exitCode})`);
    } catch (error) {
      io.log(`schedule: run crashed: ${(error as Error).message}`);
    }
  };
  const task = cron.schedule(expression, (context) => {
    io.log(`schedule: run fired at ${context.date.toISOString()}`);
    return enqueue(() => runNow(context.date));
  }, { timezone: timeZone, noOverlap: true, name: 'rechamadas' });
  const next = task.getNextRun();
  io.log(`schedule: "${expression}" in ${timeZone}, next run at ${next ? `${formatDateTime(next, timeZone)} (${timeZone})` : 'never'}`);
  const tick = previousTick(task, expression, io.now());
  const { missed } = options;
  if (tick && missed) {
    void enqueue(async () => {
      try {
        if (!(await missed(tick))) return;
      } catch (error) {
        io.log(`schedule: could not tell whether the last run happened: ${(error as Error).message}`);
        return;
      }
      io.log(`schedule: the run due at ${formatDateTime(tick, timeZone)} (${timeZone}) did not happen; running it now`);
      await runNow(tick);
    });
  }
  return {
    stopped,
    nextRun: () => task.getNextRun(),
    stop(reason) {
      io.log(`schedule: stopping (${reason}); the current stage finishes first`);
      controller.abort();
      void task.stop();
      void Promise.resolve(task.destroy()).then(() => queue).then(finish);
    },
  };
}

/** The task's latest tick in the CATCH_UP_HOURS before `now`, walking back a minute at a time. */
function previousTick(task: ScheduledTask, expression: string, now: Date): Date | undefined {
  const seconds = [...cron.parse(expression).second].sort((a, b) => b - a);
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let back = 0; back <= CATCH_UP_HOURS * 60; back += 1) {
    for (const second of seconds) {
      const candidate = new Date(minute - back * 60_000 + second * 1000);
      if (candidate <= now && task.match(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Stops the daemon on SIGTERM or SIGINT; returns the handler's remover. */
export function stopOnSignals(daemon: Daemon, target: NodeJS.EventEmitter = process): () => void {
  const handler = (signal: string) => daemon.stop(signal);
  target.once('SIGTERM', handler);
  target.once('SIGINT', handler);
  return () => {
    target.off('SIGTERM', handler);
    target.off('SIGINT', handler);
  };
}

interface Paths { warehouse: string; site: string }

function pathsOf(values: Record<string, unknown>, config: Config): Paths {
  return { warehouse: (values.warehouse as string | undefined) ?? config.warehouse, site: (values.site as string | undefined) ?? config.schedule.site };
}

/** A scheduled run as the daemon does it, firing at `now`. */
export function scheduledRun(config: Config, paths: Paths, io: Io, now: Date, extra: Partial<RunRequest> = {}): Promise<RunResult> {
  return runPipeline({ config, kind: 'scheduled', ...scheduledDates(now, config), ...paths, io, ...extra });
}

const common = { config: { type: 'string' }, warehouse: { type: 'string' }, site: { type: 'string' } } as const;

/** What ops read in `--help` of the three run commands (docs/operations.md says more). */
const RUN_HELP = `Defaults come from the configuration: warehouse, schedule.site, schedule.cron (06:00), schedule.lookBackDays (3).
Exit codes: 0 ok · 1 unexpected failure · 2 usage · 3 invalid configuration · 10 another run holds the lock ·
11 some source days not loaded (the rest is published) · 12 load failed (warehouse and site as before) ·
13 site not built (the previous one stays) · 14 report not written or sent (the site is published) · 15 stopped by SIGTERM/SIGINT.
More: docs/operations.md`;

export const scheduleCommand: Command = {
  summary: 'run the pipeline every day on the configured schedule (a long-running daemon)',
  usage: 'rechamadas schedule [--config PATH] [--warehouse PATH] [--site DIR]',
  help: RUN_HELP,
  options: common,
  async run({ values }, io) {
    const config = await runnableConfig(values.config as string | undefined);
    const paths = pathsOf(values, config);
    const daemon = startDaemon({
      config, io,
      runOnce: (firedAt, signal) => scheduledRun(config, paths, io, firedAt, { signal, env: process.env as Env }),
      missed: (tick) => missedTick(paths.warehouse, tick, scheduledDates(tick, config).emailDate),
    });
    stopOnSignals(daemon);
    await daemon.stopped;
    return EXIT.ok;
  },
};

export const runCommand: Command = {
  summary: 'one scheduled run now: yesterday (or --date) plus the look-back days, site and report',
  usage: 'rechamadas run [--date YYYY-MM-DD] [--config PATH] [--warehouse PATH] [--site DIR]',
  help: RUN_HELP,
  options: { ...common, date: { type: 'string' } },
  async run({ values }, io) {
    const config = await runnableConfig(values.config as string | undefined);
    const date = values.date as string | undefined;
    if (date !== undefined && !isIsoDate(date)) throw new UsageError(`--date must be a date as YYYY-MM-DD, got "${date}"`);
    const { dates, emailDate } = date
      ? { dates: Array.from({ length: config.schedule.lookBackDays + 1 }, (_, i) => addDays(date, i - config.schedule.lookBackDays)), emailDate: date }
      : scheduledDates(io.now(), config);
    return withSignals(async (signal) => (await runPipeline({ config, kind: 'run', dates, emailDate, ...pathsOf(values, config), io, signal })).exitCode);
  },
};

export const rebuildCommand: Command = {
  summary: 'rebuild a range of days: re-extract (or --from-raw replay), reports and site, without email',
  usage: 'rechamadas rebuild --from YYYY-MM-DD --to YYYY-MM-DD [--from-raw] [--config PATH] [--warehouse PATH] [--site DIR]',
  help: RUN_HELP,
  options: { ...common, from: { type: 'string' }, to: { type: 'string' }, 'from-raw': { type: 'boolean' } },
  async run({ values }, io) {
    if (!values.from || !values.to) throw new UsageError('give --from YYYY-MM-DD --to YYYY-MM-DD');
    const dates = datesFromArgs(values);
    const config = await runnableConfig(values.config as string | undefined);
    return withSignals(async (signal) => (await runPipeline({ config, kind: 'rebuild', dates, fromRaw: Boolean(values['from-raw']), ...pathsOf(values, config), io, signal })).exitCode);
  },
};

/** The configuration, refused (exit 3) before any lock or backup when a run could not extract anything. */
async function runnableConfig(path: string | undefined): Promise<Config> {
  const config = await loadConfig(path);
  apiSourcesOf(config);
  return config;
}

/** SIGTERM/SIGINT during a one-off run: finish the current stage, then stop. */
async function withSignals<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGTERM', abort);
    process.off('SIGINT', abort);
  }
}
