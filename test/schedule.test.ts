import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { readdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseConfig } from '../pipeline/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { scheduledDates, type RunResult } from '../pipeline/run.ts';
import { appendRun, missedTick, type RunRecord } from '../pipeline/run-log.ts';
import { startDaemon } from '../pipeline/schedule.ts';
import { scratchDir } from './helpers.ts';

const done = (firedAt: Date): RunResult => ({
  exitCode: 0,
  record: { id: firedAt.toISOString(), kind: 'scheduled', dates: [], started: '', ended: '', stages: {}, extracted: 0, loaded: 0, rejected: 0, warnings: [], outcome: 'ok', exitCode: 0 },
});

describe('the schedule daemon (node-cron under a fixed clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires at 06:00 in São Paulo by default, every day, and covers yesterday plus the look-back', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T08:58:30Z') }); // 05:58:30 in São Paulo
    const config = parseConfig({});
    const fired: Date[] = [];
    const daemon = startDaemon({ config, io: memoryIo(new Date()), runOnce: async (firedAt) => (fired.push(firedAt), done(firedAt)) });
    expect(daemon.nextRun()?.toISOString()).toBe('2026-11-26T09:00:00.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(fired.map((date) => date.toISOString())).toEqual(['2026-11-26T09:00:00.000Z', '2026-11-27T09:00:00.000Z']);
    daemon.stop('test');
    await daemon.stopped;
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(fired).toHaveLength(2);
    expect(scheduledDates(fired[1]!, config)).toEqual({ dates: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'], emailDate: '2026-11-26' });
  });

  it('follows the cron expression and time zone of the config', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T00:00:00Z') });
    const config = parseConfig({ schedule: { cron: '30 7 * * 1-5', timeZone: 'America/Manaus' } });
    const fired: Date[] = [];
    const io = memoryIo(new Date());
    const daemon = startDaemon({ config, io, runOnce: async (firedAt) => (fired.push(firedAt), done(firedAt)) });
    // The next run in the center's own time, as ops read the cron.
    expect(io.lines).toContain('schedule: "30 7 * * 1-5" in America/Manaus, next run at 26/11/2026 07:30 (America/Manaus)');
    await vi.advanceTimersByTimeAsync(5 * 24 * 3_600_000); // Thursday to Tuesday
    daemon.stop('test');
    await daemon.stopped;
    // 07:30 in Manaus (UTC−4) on Thursday, Friday and (after the weekend) Monday.
    expect(fired.map((date) => date.toISOString())).toEqual(['2026-11-26T11:30:00.000Z', '2026-11-27T11:30:00.000Z', '2026-11-30T11:30:00.000Z']);
  });

  it('never starts a run while the previous one is still going, and stops only after it ends', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T08:59:59Z') });
    const config = parseConfig({ schedule: { cron: '* * * * *' } });
    let release!: () => void;
    const fired: Date[] = [];
    const io = memoryIo(new Date());
    const daemon = startDaemon({
      config, io,
      runOnce: (firedAt) => new Promise((resolve) => {
        fired.push(firedAt);
        release = () => resolve(done(firedAt));
      }),
    });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(fired).toHaveLength(1);
    expect(io.lines.filter((line) => line.includes('overlap prevention')).length).toBe(4);
    let stopped = false;
    void daemon.stopped.then(() => (stopped = true));
    daemon.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(true);
  });

  it('runs at once the last tick it missed (host down, daemon stopped) when the run log says so, then keeps its schedule', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T17:00:00Z') }); // 14:00 in São Paulo, 8 h after the 06:00 tick
    const config = parseConfig({});
    const fired: Date[] = [];
    const asked: Date[] = [];
    const io = memoryIo(new Date());
    const daemon = startDaemon({
      config, io,
      runOnce: async (firedAt) => (fired.push(firedAt), done(firedAt)),
      missed: async (tick) => (asked.push(tick), true),
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(asked.map((date) => date.toISOString())).toEqual(['2026-11-26T09:00:00.000Z']);
    expect(fired.map((date) => date.toISOString())).toEqual(['2026-11-26T09:00:00.000Z']);
    expect(io.lines).toContain('schedule: the run due at 26/11/2026 06:00 (America/Sao_Paulo) did not happen; running it now');
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    daemon.stop('test');
    await daemon.stopped;
    expect(fired.map((date) => date.toISOString())).toEqual(['2026-11-26T09:00:00.000Z', '2026-11-27T09:00:00.000Z']);
  });

  it('catches nothing up when the last tick ran, or lies more than a day back', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T17:00:00Z') });
    const fired: Date[] = [];
    const asked: Date[] = [];
    const start = (cronExpression: string) => startDaemon({
      config: parseConfig({ schedule: { cron: cronExpression } }), io: memoryIo(new Date()),
      runOnce: async (firedAt) => (fired.push(firedAt), done(firedAt)),
      missed: async (tick) => (asked.push(tick), false),
    });
    const daily = start('0 6 * * *');
    // Mondays only: the last tick (23/11) is three days back.
    const weekly = start('0 6 * * 1');
    await vi.advanceTimersByTimeAsync(1_000);
    for (const daemon of [daily, weekly]) {
      daemon.stop('test');
      await daemon.stopped;
    }
    expect(asked.map((date) => date.toISOString())).toEqual(['2026-11-26T09:00:00.000Z']);
    expect(fired).toEqual([]);
  });

  it('reads from the run log whether a tick went without a run that emails its report', async () => {
    const warehouse = join(await scratchDir(), 'w.duckdb');
    const tick = new Date('2026-11-26T09:00:00Z'); // emails the report of the 25th
    const missed = () => missedTick(warehouse, tick, '2026-11-25');
    const run = (kind: RunRecord['kind'], started: string, outcome: RunRecord['outcome'], emailDate?: string): RunRecord => ({
      ...done(tick).record, id: started, kind, started, ended: started, outcome, ...(emailDate ? { emailDate } : {}),
    });
    expect(await missed()).toBe(false); // a first start: nothing was missed
    await appendRun(warehouse, run('scheduled', '2026-11-25T09:00:00.120Z', 'ok', '2026-11-24'));
    expect(await missed()).toBe(true);
    await appendRun(warehouse, run('scheduled', '2026-11-26T09:00:00.080Z', 'aborted', '2026-11-25'));
    await appendRun(warehouse, run('scheduled', '2026-11-26T09:05:00.000Z', 'refused', '2026-11-25'));
    await appendRun(warehouse, run('rebuild', '2026-11-26T10:00:00.000Z', 'ok'));
    // A run by hand for another day does not send this one's report.
    await appendRun(warehouse, run('run', '2026-11-26T10:30:00.000Z', 'ok', '2026-11-01'));
    expect(await missed()).toBe(true);
    await appendRun(warehouse, run('run', '2026-11-26T11:00:00.000Z', 'failed', '2026-11-25'));
    expect(await missed()).toBe(false);
    // A log written before runs recorded their report's day: a scheduled run after the tick did it.
    const older = join(await scratchDir(), 'w.duckdb');
    await appendRun(older, run('scheduled', '2026-11-26T09:00:00.050Z', 'ok'));
    expect(await missedTick(older, tick, '2026-11-25')).toBe(false);
  });

  it('runs a tick that comes during the catch-up after it, never beside it; stopping waits for the run going', async () => {
    const startAt0558 = () => {
      vi.useFakeTimers({ now: new Date('2026-11-26T08:58:00Z') }); // 05:58: yesterday's 06:00 went without a run
      const started: string[] = [];
      const state = { running: 0, most: 0, stopped: false };
      const daemon = startDaemon({
        config: parseConfig({}), io: memoryIo(new Date()),
        missed: async () => true,
        runOnce: async (firedAt) => {
          started.push(firedAt.toISOString());
          state.most = Math.max(state.most, (state.running += 1));
          await new Promise((resolve) => setTimeout(resolve, 10 * 60_000)); // a 10-minute run
          state.running -= 1;
          return done(firedAt);
        },
      });
      void daemon.stopped.then(() => (state.stopped = true));
      return { daemon, started, state };
    };
    // The 06:00 tick comes while the catch-up of yesterday's runs: it runs next.
    const first = startAt0558();
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(first.started).toEqual(['2026-11-25T09:00:00.000Z', '2026-11-26T09:00:00.000Z']);
    expect(first.state.most).toBe(1);
    first.daemon.stop('test');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.state.stopped).toBe(true);
    vi.useRealTimers();
    // Stopped during the catch-up: the daemon ends with it, and the waiting tick does not start.
    const second = startAt0558();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    second.daemon.stop('SIGTERM');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(second.state.stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(second.state.stopped).toBe(true);
    expect(second.started).toEqual(['2026-11-25T09:00:00.000Z']);
  });

  it('reads its settings from the config, and names secrets only by their environment variable', () => {
    expect(parseConfig({}).schedule).toMatchObject({ cron: '0 6 * * *', timeZone: 'America/Sao_Paulo', lookBackDays: 3, backups: 7 });
    expect(() => parseConfig({ schedule: { timeZone: 'Mars/Base' } })).toThrow(ConfigError);
    expect(() => parseConfig({ schedule: { report: { smtp: { host: 'smtp.x', password: 'segredo' } } } })).toThrow(/Unrecognized key/);
    expect(() => parseConfig({ schedule: { report: { smtp: { host: 'smtp.x', passwordEnv: 'segredo' } } } })).toThrow(/environment variable name/);
  });
});

const run = promisify(execFile);

describe('the run commands refuse a configuration they cannot run', () => {
  it('exits 3 before taking the lock or backing anything up when no API source is configured', async () => {
    const dir = await scratchDir();
    const configFile = join(dir, 'rechamadas.json');
    await writeFile(configFile, JSON.stringify({ warehouse: 'w/rechamadas.duckdb' }));
    for (const args of [['run'], ['rebuild', '--from', '2026-11-01', '--to', '2026-11-02'], ['schedule']]) {
      const failure = await run('node', ['bin/rechamadas.js', ...args, '--config', configFile]).then(() => null, (error: { code: number; stderr: string }) => error);
      expect(failure?.code, args[0]).toBe(3);
      expect(failure?.stderr, args[0]).toContain('no API sources in the configuration');
    }
    expect(await readdir(dir)).toEqual(['rechamadas.json']);
  });
});

describe('help of the run commands', () => {
  it('says what each does, where its defaults come from and what each exit code means', async () => {
    for (const command of ['schedule', 'run', 'rebuild']) {
      const { stderr } = await run('node', ['bin/rechamadas.js', command, '--help']);
      expect(stderr, command).toMatch(new RegExp(`^usage: rechamadas ${command} `));
      expect(stderr, command).toContain('Exit codes: 0 ok');
      expect(stderr, command).toContain('11 some source days not loaded (the rest is published)');
    }
  });
});
