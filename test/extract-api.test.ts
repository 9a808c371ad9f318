import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../pipeline/cli.ts';
import { EXIT } from '../pipeline/command.ts';
import { parseConfig, type Config } from '../pipeline/config.ts';
import { demoSources } from '../pipeline/demo/dialects.ts';
import { generateDay } from '../pipeline/demo/generate.ts';
import { demoEnv, FAULT_KINDS, startDemoApi, type DemoApi, type DemoApiOptions } from '../pipeline/demo/server.ts';
import { extract, loadRaw, rawRootOf, type ExtractSummary } from '../pipeline/extract.ts';
import type { SourceConfigInput } from '../pipeline/extract/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { FIXED_NOW, query, scratchDir } from './helpers.ts';

/** Real HTTP on 127.0.0.1 against the demo API, real DuckDB files; only retry waits are shortened. */

const SEED = 42;
const TZ = 'America/Sao_Paulo';
const DATES = ['2026-11-24', '2026-11-25'];
const CALLS_PER_DAY = 300;
const PAGE_SIZE = 40;
const CREDENTIALS = { voxClientId: 'client-7f3a', voxClientSecret: 'vox-secret-Zq81xT', telbrApiKey: 'telbr-key-P0o9Ll' };

const apis: DemoApi[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

async function api(options: Partial<DemoApiOptions> = {}): Promise<DemoApi> {
  const started = await startDemoApi({ seed: SEED, timeZone: TZ, callsPerDay: CALLS_PER_DAY, credentials: CREDENTIALS, ...options });
  apis.push(started);
  return started;
}

/** The demo sources with small pages (many of them) and retry waits of a few ms. */
function configFor(demo: DemoApi, warehouse: string, change: (source: SourceConfigInput) => SourceConfigInput = (source) => source): Config {
  const sources = demoSources(demo.url).map((source) =>
    change({
      ...source,
      pagination: { ...source.pagination, pageSize: PAGE_SIZE } as SourceConfigInput['pagination'],
      http: { requestsPerSecond: 1000, concurrency: 4, timeoutMs: 2000, backoffMs: 1, maxBackoffMs: 4 },
    }),
  );
  return parseConfig({ warehouse, sources });
}

/** Records every retry wait but sleeps at most 2 ms of it. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), new Promise((resolve) => setTimeout(resolve, Math.min(ms, 2)))) };
}

async function run(demo: DemoApi, warehouse: string, options: { config?: Config; sleep?: (ms: number) => Promise<void> } = {}) {
  const io = memoryIo(FIXED_NOW);
  const summary = await extract({ config: options.config ?? configFor(demo, warehouse), dates: DATES, io, env: demoEnv(CREDENTIALS), sleep: options.sleep ?? recordingSleep().sleep });
  return { summary, io };
}

const LEG_COLUMNS = `operator, call_id, protocol, direction, status, epoch_ms(started_at) AS started_at, customer_number, agent_id,
  agent_name, supervisor, team, queue, reason, talk_seconds::INTEGER AS talk_seconds, hold_seconds::INTEGER AS hold_seconds,
  wrap_seconds::INTEGER AS wrap_seconds, epoch_ms(updated_at) AS updated_at`;

/** What must not depend on how the data arrived: the legs (without load metadata) and the contacts. */
async function warehouseContent(path: string) {
  return {
    legs: await query(path, `SELECT * EXCLUDE (source, location, batch_id, file_index, row_number) FROM legs ORDER BY operator, call_id`),
    contacts: await query(path, 'SELECT * FROM contacts ORDER BY contact_key'),
  };
}

function expectedLegs() {
  return DATES.flatMap((date) => generateDay(date, SEED, TZ, { callsPerDay: CALLS_PER_DAY }))
    .map((leg) => ({
      operator: leg.operator,
      call_id: leg.call_id,
      protocol: leg.protocol ?? null,
      direction: leg.direction,
      status: leg.status,
      started_at: new Date(leg.started_at).getTime(),
      customer_number: leg.customer_number ?? null,
      agent_id: leg.agent_id ?? null,
      agent_name: leg.agent_name ?? null,
      supervisor: leg.supervisor ?? null,
      team: leg.team ?? null,
      queue: leg.queue ?? null,
      reason: leg.reason ?? null,
      talk_seconds: leg.talk_seconds,
      hold_seconds: leg.hold_seconds,
      wrap_seconds: leg.wrap_seconds,
      updated_at: new Date(leg.updated_at).getTime(),
    }))
    .sort((a, b) => a.operator.localeCompare(b.operator) || (a.call_id < b.call_id ? -1 : 1));
}

async function rawFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function noFailures(summary: ExtractSummary): void {
  expect(summary.failures).toEqual([]);
}

describe('extraction from the demo operator API', () => {
  it('loads every page of both dialects, field for field, and lands each page raw', async () => {
    const demo = await api();
    const warehouse = join(await scratchDir(), 'w.duckdb');
    const { summary, io } = await run(demo, warehouse);
    noFailures(summary);

    const legs = await query(warehouse, `SELECT ${LEG_COLUMNS} FROM legs ORDER BY operator, call_id`);
    expect(legs.map((leg) => ({ ...leg, started_at: Number(leg.started_at), updated_at: Number(leg.updated_at) }))).toEqual(expectedLegs());
    // Each dialect needs several pages per day at this page size; all of them were served and landed.
    expect(summary.pages).toBe(demo.stats.pages);
    expect(summary.pages).toBeGreaterThan(4 * DATES.length);
    const files = await rawFiles(rawRootOf(warehouse));
    expect(files).toHaveLength(summary.pages);
    expect(files.every((file) => /\/(vox|telefonia_br)\/2026-11-2[45]\/page-\d{5}\.json\.gz$/.test(file))).toBe(true);
    // The clean API also lists older versions of some records: dedupe keeps the final ones (checked above).
    expect(summary.imported!.duplicates).toBeGreaterThan(0);
    expect(io.lines.some((line) => /^extract vox: 2 day\(s\), \d+ pages, \d+ records \(0 unmapped\)/.test(line))).toBe(true);
  });

  it('refreshes a token the API stops accepting before its announced expiry', async () => {
    const demo = await api({ tokenMaxUses: 3 });
    const warehouse = join(await scratchDir(), 'w.duckdb');
    const { summary } = await run(demo, warehouse);
    noFailures(summary);
    expect(demo.stats.unauthorized).toBeGreaterThan(0);
    expect(demo.stats.tokensIssued).toBeGreaterThan(1);
    const [count] = await query<{ n: bigint }>(warehouse, `SELECT count(*) AS n FROM legs WHERE operator = 'vox'`);
    expect(Number(count!.n)).toBe(expectedLegs().filter((leg) => leg.operator === 'vox').length);
  });

  it('survives every kind of fault and builds the same warehouse as without them; secrets stay out of logs and raw files', async () => {
    const cleanWarehouse = join(await scratchDir(), 'w.duckdb');
    noFailures((await run(await api(), cleanWarehouse)).summary);

    const faulty = await api({ faults: true, slowMs: 400, retryAfterSeconds: 1, tokenMaxUses: 5 });
    const faultyWarehouse = join(await scratchDir(), 'w.duckdb');
    const config = configFor(faulty, faultyWarehouse, (source) => ({ ...source, http: { ...source.http, timeoutMs: 150, retries: 6 } }));
    const { sleep, delays } = recordingSleep();
    const { summary, io } = await run(faulty, faultyWarehouse, { config, sleep });
    noFailures(summary);

    for (const kind of FAULT_KINDS) expect(faulty.stats.faults[kind], kind).toBeGreaterThan(0);
    // Retry-After: 1 was honoured (the wait was at least 1 s, shortened here only by the test's sleep).
    expect(delays.filter((ms) => ms >= 1000).length).toBeGreaterThanOrEqual(faulty.stats.faults.http_429);
    expect(await warehouseContent(faultyWarehouse)).toEqual(await warehouseContent(cleanWarehouse));

    // Malformed records are quarantined with the page they came in, and the raw file holds them there.
    const rejected = await query<{ source: string; location: string; raw_payload: string; reason: string }>(faultyWarehouse, 'SELECT * FROM rejected_legs ORDER BY location');
    expect(rejected.length).toBe(summary.unmapped);
    expect(rejected.length).toBeGreaterThan(0);
    for (const row of rejected) {
      const [, page, index, path] = /^page (\d+) record (\d+) \((.+)\)$/.exec(row.location)!;
      expect(path).toContain(`/${row.source}/`);
      const landed = JSON.parse(gunzipSync(await readFile(path!)).toString('utf8'));
      expect(landed.page).toBe(Number(page));
      const items = row.source === 'vox' ? landed.body.data : landed.body.registros;
      expect(JSON.stringify(items[Number(index) - 1])).toBe(row.raw_payload);
      expect(row.raw_payload).toMatch(/-X"/);
      expect(row.reason.length).toBeGreaterThan(10);
    }

    const secrets = [CREDENTIALS.voxClientSecret, CREDENTIALS.telbrApiKey, ...faulty.issuedTokens];
    expect(faulty.issuedTokens.length).toBeGreaterThan(1);
    const rawText = await Promise.all((await rawFiles(rawRootOf(faultyWarehouse))).map(async (file) => gunzipSync(await readFile(file)).toString('utf8')));
    for (const secret of secrets) {
      expect(io.lines.join('\n')).not.toContain(secret);
      expect(rawText.some((text) => text.includes(secret))).toBe(false);
    }
  });

  it('rebuilds the same warehouse from the raw pages alone (load-raw)', async () => {
    const demo = await api({ faults: true, slowMs: 400, retryAfterSeconds: 0 });
    const dir = await scratchDir();
    const extracted = join(dir, 'extracted.duckdb');
    const config = configFor(demo, extracted, (source) => ({ ...source, http: { ...source.http, timeoutMs: 150, retries: 6 } }));
    noFailures((await run(demo, extracted, { config })).summary);
    await demo.close();

    const reloaded = join(dir, 'reloaded.duckdb');
    const summary = await loadRaw({ config, dates: DATES, io: memoryIo(FIXED_NOW), warehouse: reloaded });
    expect(summary.missing).toEqual([]);
    expect(await warehouseContent(reloaded)).toEqual(await warehouseContent(extracted));
    const rejections = 'SELECT source, location, raw_payload, reason FROM rejected_legs ORDER BY location';
    expect(await query(reloaded, rejections)).toEqual(await query(extracted, rejections));
  });

  it('follows a cursor as well as a next link', async () => {
    const demo = await api();
    const warehouse = join(await scratchDir(), 'w.duckdb');
    const config = configFor(demo, warehouse, (source) =>
      source.name === 'telefonia_br'
        ? { ...source, pagination: { style: 'cursor', cursorParam: 'cursor', cursorPath: 'paginacao.cursor', sizeParam: 'limite', pageSize: PAGE_SIZE, itemsPath: 'registros' } }
        : source,
    );
    noFailures((await run(demo, warehouse, { config })).summary);
    const [count] = await query<{ n: bigint }>(warehouse, `SELECT count(*) AS n FROM legs WHERE operator = 'telefonia_br'`);
    expect(Number(count!.n)).toBe(expectedLegs().filter((leg) => leg.operator === 'telefonia_br').length);
  });

  it('stops a day at the page guard, loads nothing of it and lands nothing of it', async () => {
    const demo = await api();
    const warehouse = join(await scratchDir(), 'w.duckdb');
    const config = configFor(demo, warehouse, (source) => ({ ...source, http: { ...source.http, maxPages: 2 } }));
    const { summary, io } = await run(demo, warehouse, { config });
    expect(summary.failures).toHaveLength(2 * DATES.length);
    expect(summary.failures.find((failure) => failure.source === 'vox')!.error).toMatch(/more than http\.maxPages \(2\)/);
    expect(summary.failures.find((failure) => failure.source === 'telefonia_br')!.error).toMatch(/more than 2 pages/);
    expect(summary.imported).toBeUndefined();
    expect(await rawFiles(rawRootOf(warehouse))).toEqual([]);
    expect(io.lines.filter((line) => line.includes('FAILED'))).toHaveLength(2 * DATES.length);
  });

  it('runs as commands: extract and load-raw read the config file and the environment, and say what is wrong', async () => {
    const demo = await api();
    const dir = await scratchDir();
    const config = configFor(demo, join(dir, 'w.duckdb'));
    const configPath = join(dir, 'rechamadas.json');
    await writeFile(configPath, JSON.stringify({ warehouse: config.warehouse, sources: config.sources }));
    const io = memoryIo(FIXED_NOW);

    expect(await main(['extract', '--date', '2026-11-24', '--config', configPath], io)).toBe(EXIT.config);
    expect(io.lines.at(-1)).toBe('source vox: environment variable VOX_CLIENT_ID is not set');

    const saved = { ...process.env };
    Object.assign(process.env, demoEnv(CREDENTIALS));
    try {
      expect(await main(['extract', '--date', '24/11/2026', '--config', configPath], io)).toBe(EXIT.usage);
      expect(await main(['extract', '--date', '2026-11-24', '--source', 'nope', '--config', configPath], io)).toBe(EXIT.usage);
      expect(await main(['extract', '--from', '2026-11-24', '--to', '2026-11-25', '--source', 'telefonia_br', '--config', configPath, '--skip-site'], io)).toBe(EXIT.ok);
    } finally {
      process.env = saved;
    }
    const reloaded = join(dir, 'reloaded.duckdb');
    expect(await main(['load-raw', '--from', '2026-11-24', '--to', '2026-11-25', '--config', configPath, '--warehouse', reloaded, '--skip-site'], io)).toBe(EXIT.ok);
    const count = `SELECT count(*) AS n FROM legs`;
    expect(await query(reloaded, count)).toEqual(await query(config.warehouse, count));
    // Only telefonia_br was extracted: the two vox days have nothing landed, and say so.
    expect(io.lines.find((line) => line.startsWith('load-raw: '))).toMatch(/^load-raw: \d+ pages, \d+ records \(0 unmapped\), 2 source day\(s\) with nothing landed$/);
    expect(await main(['load-raw', '--date', '2026-11-01', '--config', configPath, '--warehouse', reloaded], io)).toBe(EXIT.nothingRead);
  });
});
