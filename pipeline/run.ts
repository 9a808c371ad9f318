import { randomBytes } from 'node:crypto';
import { EXIT } from './command.ts';
import type { Config } from './config.ts';
import { backupWarehouse } from './backup.ts';
import type { Env } from './extract/auth.ts';
import { addDays, localDateOf } from './extract/time.ts';
import type { Io } from './io.ts';
import { acquireLock, LockHeldError } from './run-lock.ts';
import { appendRun, type RunRecord } from './run-log.ts';

/**
 * One pipeline run: lock, back up the warehouse, extract (or replay landed pages), write the
 * daily reports, build and publish the site, send the report, and log the run. Every stage either
 * completes or leaves what it touches as it was (the import is one transaction, the site and each
 * report folder are swapped in whole), so a failed or stopped run needs no manual restore.
 */

export interface RunRequest {
  config: Config;
  kind: RunRecord['kind'];
  /** Local days to extract (or replay) and whose reports are rewritten. */
  dates: string[];
  /** The day whose report is emailed; none for rebuilds. */
  emailDate?: string;
  /** Replay landed raw pages instead of calling the APIs. */
  fromRaw?: boolean;
  warehouse: string;
  site: string;
  io: Io;
  env?: Env;
  /** Aborted by SIGTERM: the run stops before its next stage. */
  signal?: AbortSignal;
  /** Waits between HTTP retries; tests shorten them. */
  sleep?: (ms: number) => Promise<void>;
  /** Render threads for the site (0: in-process). */
  workers?: number;
}

export interface RunResult { record: RunRecord; exitCode: number }

class Aborted extends Error {}
class StageError extends Error {
  constructor(readonly stage: string, readonly exitCode: number, cause: unknown) {
    super(`${stage}: ${(cause as Error).message ?? cause}`);
  }
}

/** The days a scheduled run covers: yesterday and `lookBackDays` before it, in the center's zone. */
export function scheduledDates(now: Date, config: Config): { dates: string[]; emailDate: string } {
  const yesterday = addDays(localDateOf(now, config.timezone), -1);
  const dates = Array.from({ length: config.schedule.lookBackDays + 1 }, (_, index) => addDays(yesterday, index - config.schedule.lookBackDays));
  return { dates, emailDate: yesterday };
}

/** Records an extraction could not map are loaded into the quarantine with the rest: the import counts them among its rejections. */
function rejectedOf(summary: { unmapped: number; imported?: { rejected: number } }): number {
  return summary.imported?.rejected ?? summary.unmapped;
}

export async function runPipeline(request: RunRequest): Promise<RunResult> {
  const { config, io, warehouse } = request;
  const started = io.now();
  const record: RunRecord = {
    id: `${started.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`,
    kind: request.kind, dates: [...request.dates].sort(), started: started.toISOString(), ended: '',
    stages: {}, extracted: 0, loaded: 0, rejected: 0, warnings: [], outcome: 'ok', exitCode: EXIT.ok,
    ...(request.emailDate ? { emailDate: request.emailDate } : {}),
  };
  const finish = async (outcome: RunRecord['outcome'], exitCode: number, error?: string): Promise<RunResult> => {
    Object.assign(record, { outcome, exitCode, ended: io.now().toISOString() }, error ? { error } : {});
    await appendRun(warehouse, record);
    io.log(`run ${record.id}: ${outcome}${error ? ` (${error})` : ''}, exit ${exitCode}`);
    return { record, exitCode };
  };

  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(warehouse, started);
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    return finish('refused', EXIT.lockHeld, error.message);
  }
  if (lock.recovered !== undefined) record.warnings.push(`recovered a stale lock left by pid ${lock.recovered}`);
  io.log(`run ${record.id}: ${record.kind} of ${record.dates[0] ?? '-'}${record.dates.length > 1 ? ` to ${record.dates.at(-1)}` : ''} started, lock taken`
    + (lock.recovered !== undefined ? ` (from the dead pid ${lock.recovered})` : ''));

  const stage = async <T>(name: string, exitCode: number, body: () => Promise<T>): Promise<T> => {
    if (request.signal?.aborted) throw new Aborted(`stopped before ${name}`);
    const begin = performance.now();
    let outcome = 'failed';
    try {
      const result = await body();
      outcome = 'done';
      return result;
    } catch (error) {
      throw error instanceof Aborted ? error : new StageError(name, exitCode, error);
    } finally {
      record.stages[name] = Math.round(performance.now() - begin);
      // One line per stage, also for those that log nothing of their own (backup, reports).
      io.log(`run ${record.id}: ${name} ${outcome} in ${record.stages[name]} ms`);
    }
  };

  try {
    await stage('backup', EXIT.failed, () => backupWarehouse(warehouse, started, config.schedule.backups));
    let extractFailed = false;
    // Source days that did not load, said in the reports of those days: numbers without them are partial.
    const notLoaded: Array<{ source: string; date: string }> = [];
    await stage(request.fromRaw ? 'load-raw' : 'extract', EXIT.loadFailed, async () => {
      const { extract, loadRaw } = await import('./extract.ts');
      if (request.fromRaw) {
        const summary = await loadRaw({ config, dates: record.dates, io, warehouse });
        record.extracted = summary.records + summary.unmapped;
        record.loaded = summary.imported?.loaded ?? 0;
        record.rejected = rejectedOf(summary);
        for (const day of summary.missing) record.warnings.push(`nothing landed for ${day.source} ${day.date}`);
        notLoaded.push(...summary.missing);
        // A day of a source with nothing to reload is as missing as one whose extraction failed.
        extractFailed = summary.missing.length > 0;
        return;
      }
      const summary = await extract({ config, dates: record.dates, io, warehouse, env: request.env, sleep: request.sleep });
      record.extracted = summary.records + summary.unmapped;
      record.loaded = summary.imported?.loaded ?? 0;
      record.rejected = rejectedOf(summary);
      for (const failure of summary.failures) record.warnings.push(`extraction failed for ${failure.source} ${failure.date}: ${failure.error}`);
      notLoaded.push(...summary.failures);
      extractFailed = summary.failures.length > 0;
    });
    const { writeDayReport, deliverReport } = await import('./report.ts');
    const written = new Map<string, Awaited<ReturnType<typeof writeDayReport>>>();
    // Reports come first, so that the site copies them in; when they cannot be written, the
    // loaded data is still published, and the run fails afterwards.
    const reportsFailed = await stage('reports', EXIT.reportFailed, async () => {
      for (const date of record.dates) written.set(date, await writeDayReport(warehouse, date, config, io.now(), notLoaded));
    }).then(() => undefined, (error: unknown) => {
      if (error instanceof StageError) return error;
      throw error;
    });
    await stage('site', EXIT.siteFailed, async () => {
      const { buildSite } = await import('./render.ts');
      await buildSite({ warehouse, out: request.site, config, io, workers: request.workers, currentRun: record });
    });
    if (reportsFailed) throw reportsFailed;
    const emailDate = request.emailDate;
    if (emailDate) {
      await stage('email', EXIT.reportFailed, async () => {
        const report = written.get(emailDate) ?? (await writeDayReport(warehouse, emailDate, config, io.now(), notLoaded));
        await deliverReport(report, config, warehouse, io, request.env);
      });
    }
    return extractFailed ? await finish('failed', EXIT.extractFailed, `${record.warnings.length} warning(s)`) : await finish('ok', EXIT.ok);
  } catch (error) {
    if (error instanceof Aborted) return finish('aborted', EXIT.aborted, error.message);
    if (error instanceof StageError) return finish('failed', error.exitCode, error.message);
    return finish('failed', EXIT.failed, (error as Error).message);
  } finally {
    await lock.release();
  }
}
