import { readdir, readFile, rm } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../pipeline/command.ts';
import type { DemoApi } from '../pipeline/demo/server.ts';
import { memoryIo } from '../pipeline/io.ts';
import { runPipeline } from '../pipeline/run.ts';
import { recentRuns } from '../pipeline/run-log.ts';
import { scheduledRun, startDaemon, stopOnSignals } from '../pipeline/schedule.ts';
import { query } from './helpers.ts';
import { envOf, flakyProxy, runConfig, smallDemoApi, suiteDir } from './run-fixture.ts';

const DAY1 = new Date('2026-11-27T09:00:00Z'); // covers the 25th and 26th
const DAY2 = new Date('2026-11-28T09:00:00Z'); // covers the 26th and 27th
const noWait = async () => {};

const contactsSql = `SELECT CAST(local_date AS VARCHAR) AS d, contact_key, is_callback, CAST(attributed_agent_id AS VARCHAR) AS agent, CAST(origin_contact_key AS VARCHAR) AS origin
  FROM contacts ORDER BY local_date, contact_key`;
const perDaySql = `SELECT CAST(local_date AS VARCHAR) AS d, CAST(count(*) AS INTEGER) AS contacts, CAST(count(*) FILTER (WHERE is_callback) AS INTEGER) AS callbacks
  FROM contacts GROUP BY 1 ORDER BY 1`;

describe('runs over time: late records, rebuilds, SIGTERM', () => {
  let api: DemoApi;
  let proxy: Awaited<ReturnType<typeof flakyProxy>>;
  let dir: string;
  let scheduled: ReturnType<typeof runConfig>;
  const exits: number[] = [];
  let before: { d: string; contacts: number; callbacks: number }[];
  let reportBefore: string;

  beforeAll(async () => {
    api = await smallDemoApi();
    proxy = await flakyProxy(api.url);
    dir = await suiteDir();
    scheduled = runConfig(proxy.url, join(dir, 'scheduled'));
    const paths = { warehouse: scheduled.warehouse, site: scheduled.schedule.site };
    // Day 1: one operator's platform is down for the 26th; its records arrive a day late.
    proxy.failWhen((url) => url.startsWith('/telbr/') && url.includes('data_inicio=26/11/2026'));
    exits.push((await scheduledRun(scheduled, paths, memoryIo(DAY1), DAY1, { env: envOf(api), sleep: noWait, workers: 0 })).exitCode);
    before = await query(scheduled.warehouse, perDaySql);
    reportBefore = await readFile(join(paths.site, 'reports', '2026-11-26', 'index.html'), 'utf8');
    proxy.failWhen(null);
    exits.push((await scheduledRun(scheduled, paths, memoryIo(DAY2), DAY2, { env: envOf(api), sleep: noWait, workers: 0 })).exitCode);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells ops that a source day failed, and still publishes everything else', async () => {
    expect(exits).toEqual([EXIT.extractFailed, EXIT.ok]);
    const [second, first] = await recentRuns(scheduled.warehouse);
    expect(first!.warnings).toEqual([expect.stringMatching(/^extraction failed for telefonia_br 2026-11-26: /)]);
    // The Execuções page says it in Portuguese, with the day as the site writes dates.
    const runsPage = await readFile(join(scheduled.schedule.site, 'execucoes.html'), 'utf8');
    expect(runsPage).toContain('extração de telefonia_br para 26/11/2026 falhou: ');
    expect(runsPage).toContain('falhou: 1 aviso(s)');
    expect(runsPage).not.toContain('extraction failed');
    expect(first!.outcome).toBe('failed');
    expect(second!.outcome).toBe('ok');
    // The day's report, and the email made of it, say first that its figures lack that operator.
    // No favicon request to fail: the report page says it has none, as the site's pages do.
    expect(reportBefore).toContain('<link rel="icon" href="data:,">');
    expect(reportBefore).toContain('Atenção: dados incompletos. Não foram carregados os dados de telefonia_br deste dia; os números abaixo não os incluem');
  });

  it('a late record for a past day changes that day after the next run (look-back)', async () => {
    const after = await query<{ d: string; contacts: number; callbacks: number }>(scheduled.warehouse, perDaySql);
    const day = (rows: typeof after, d: string) => rows.find((row) => row.d === d)!;
    expect(day(after, '2026-11-26').contacts).toBeGreaterThan(day(before, '2026-11-26').contacts);
    expect(day(after, '2026-11-26').callbacks).toBeGreaterThan(day(before, '2026-11-26').callbacks);
    expect(day(after, '2026-11-25')).toEqual(day(before, '2026-11-25'));
    // The day's report (same permalink) now says so, and the older report is still published.
    const reportAfter = await readFile(join(scheduled.schedule.site, 'reports', '2026-11-26', 'index.html'), 'utf8');
    expect(reportAfter).not.toEqual(reportBefore);
    expect(reportAfter).not.toContain('dados incompletos');
    expect(await readdir(join(scheduled.schedule.site, 'reports'))).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  });

  it('a rebuild of the range gives the same warehouse and site as the scheduled runs', async () => {
    const rebuilt = runConfig(api.url, join(dir, 'rebuilt'));
    const result = await runPipeline({
      config: rebuilt, kind: 'rebuild', dates: ['2026-11-25', '2026-11-26', '2026-11-27'],
      warehouse: rebuilt.warehouse, site: rebuilt.schedule.site, io: memoryIo(DAY2), env: envOf(api), workers: 0,
    });
    expect(result.exitCode).toBe(EXIT.ok);
    expect(await query(rebuilt.warehouse, contactsSql)).toEqual(await query(scheduled.warehouse, contactsSql));
    for (const page of ['index.html', 'p/7-dias/todas/equipes.html', 'reports/2026-11-25/index.html', 'reports/2026-11-26/index.html', 'reports/2026-11-27/email.txt']) {
      expect(await readFile(join(rebuilt.schedule.site, page), 'utf8'), page).toEqual(await readFile(join(scheduled.schedule.site, page), 'utf8'));
    }
    // A rebuild sends nothing.
    expect(Object.keys(result.record.stages)).toEqual(['backup', 'extract', 'reports', 'site']);
  }, 60_000);

  it('SIGTERM mid-run stops the daemon between stages and leaves the previous site and warehouse intact', async () => {
    const paths = { warehouse: scheduled.warehouse, site: scheduled.schedule.site };
    const siteBefore = await readFile(join(paths.site, 'index.html'), 'utf8');
    const reportsBefore = await readFile(join(paths.site, 'reports', '2026-11-27', 'index.html'), 'utf8');
    const signals = new EventEmitter();
    const io = memoryIo(DAY2);
    // SIGTERM arrives while the extraction is under way: the log line of a source is the cue.
    const log = io.log;
    io.log = (line) => {
      log(line);
      if (line.startsWith('extract vox:')) signals.emit('SIGTERM', 'SIGTERM');
    };
    const everySecond = { ...scheduled, schedule: { ...scheduled.schedule, cron: '* * * * * *' } };
    const daemon = startDaemon({ config: everySecond, io, runOnce: (firedAt, signal) => scheduledRun(everySecond, paths, io, DAY2, { env: envOf(api), signal, workers: 0 }) });
    stopOnSignals(daemon, signals);
    await daemon.stopped;

    const [last] = await recentRuns(paths.warehouse);
    expect(last).toMatchObject({ outcome: 'aborted', exitCode: EXIT.aborted, error: 'stopped before reports' });
    expect(Object.keys(last!.stages)).toEqual(['backup', 'extract']);
    expect(await readFile(join(paths.site, 'index.html'), 'utf8')).toEqual(siteBefore);
    expect(await readFile(join(paths.site, 'reports', '2026-11-27', 'index.html'), 'utf8')).toEqual(reportsBefore);
    expect((await readdir(join(paths.site, '..'))).filter((name) => name.includes('.building-') || name.includes('.old-'))).toEqual([]);
    // The warehouse is whole: it opens and holds every contact it held.
    expect((await query(paths.warehouse, contactsSql)).length).toBeGreaterThan(0);
    expect(io.lines.filter((line) => line.startsWith('schedule: run fired'))).toHaveLength(1);
  }, 30_000);

  it('a rebuild from landed pages over a day that never landed fails and says so in that day\'s report', async () => {
    const paths = { warehouse: scheduled.warehouse, site: scheduled.schedule.site };
    const result = await runPipeline({
      config: scheduled, kind: 'rebuild', fromRaw: true, dates: ['2026-11-24', '2026-11-25'], ...paths, io: memoryIo(DAY2), env: envOf(api), workers: 0,
    });
    expect(result.exitCode).toBe(EXIT.extractFailed);
    expect(result.record.warnings).toContain('nothing landed for telefonia_br 2026-11-24');
    const report = await readFile(join(paths.site, 'reports', '2026-11-24', 'index.html'), 'utf8');
    expect(report).toMatch(/Atenção: dados incompletos\. Não foram carregados os dados de [a-z_, ]*telefonia_br[a-z_, ]* deste dia/);
    expect(await readFile(join(paths.site, 'reports', '2026-11-25', 'index.html'), 'utf8')).not.toContain('dados incompletos');
  }, 60_000);
});
