import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../pipeline/config.ts';
import { config, importInto, leg, query, scratchDir, writeCsv } from './helpers.ts';

describe('configuration', () => {
  it('works with no file at all', async () => {
    const cfg = await loadConfig(undefined);
    expect(cfg).toMatchObject({ timezone: 'America/Sao_Paulo', callbackWindowDays: 7, attribution: 'origin', shortCallSeconds: 30, excludedNumbers: [] });
    expect(cfg.reasonRules.length).toBeGreaterThan(3);
  });

  it('names every invalid field in one readable message', () => {
    const attempt = () => parseConfig({ timezone: 'Mars/Olympus', callbackWindowDays: 91, attribution: 'last', shortCallSeconds: -1, colour: 'blue' }, 'rechamadas.json');
    expect(attempt).toThrow(ConfigError);
    const message = (() => { try { attempt(); return ''; } catch (error) { return (error as Error).message; } })();
    expect(message).toContain('Invalid configuration in rechamadas.json');
    for (const field of ['timezone', 'callbackWindowDays', 'attribution', 'shortCallSeconds', 'colour']) {
      expect(message, field).toContain(field);
    }
  });

  it('refuses, for every command, a schedule that is not a cron expression and a memory too small to load', () => {
    const attempt = () => parseConfig({ memoryLimit: '1MB', schedule: { cron: 'todo dia 6h' } }, 'rechamadas.json');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/schedule\.cron: is not a cron expression/);
    expect(attempt).toThrow(/memoryLimit: must be at least 256MB/);
    expect(parseConfig({ memoryLimit: '512MB', schedule: { cron: '30 5 * * 1-5' } })).toMatchObject({ memoryLimit: '512MB', schedule: { cron: '30 5 * * 1-5' } });
  });

  it('says which file is unreadable or not JSON', async () => {
    const dir = await scratchDir();
    await expect(loadConfig(join(dir, 'absent.json'))).rejects.toThrow(/Cannot read configuration file .*absent\.json/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "timezone": ');
    await expect(loadConfig(broken)).rejects.toThrow(/broken\.json is not valid JSON/);
  });

  it('reads the paths a file names from the file\'s folder, whatever the working directory', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'etc', 'rechamadas.json');
    await mkdir(join(dir, 'etc'));
    await writeFile(file, JSON.stringify({
      warehouse: '../dados/rechamadas.duckdb',
      schedule: { site: 'site' },
      sources: [
        { type: 'asterisk-queue-log', name: 'pbx', files: ['logs/queue_log', '/var/log/asterisk/queue_log'], roster: 'roster.csv' },
        { type: 'asterisk-cdr', name: 'cdr', files: ['Master.csv'] },
      ],
    }));
    const cfg = await loadConfig(file);
    expect(cfg.warehouse).toBe(join(dir, 'dados', 'rechamadas.duckdb'));
    expect(cfg.schedule.site).toBe(join(dir, 'etc', 'site'));
    expect(cfg.sources[0]).toMatchObject({ files: [join(dir, 'etc', 'logs', 'queue_log'), '/var/log/asterisk/queue_log'], roster: join(dir, 'etc', 'roster.csv') });
    expect(cfg.sources[1]).toMatchObject({ files: [join(dir, 'etc', 'Master.csv')] });
    expect(cfg.sources[1]).not.toHaveProperty('roster');
    // So do the defaults: the warehouse and the site stay together wherever the command starts.
    await writeFile(file, JSON.stringify({ callbackWindowDays: 3 }));
    expect(await loadConfig(file)).toMatchObject({ warehouse: join(dir, 'etc', 'warehouse', 'rechamadas.duckdb'), schedule: { site: join(dir, 'etc', 'site') } });
    // A file holding null is the defaults, as no file is.
    await writeFile(file, 'null');
    expect((await loadConfig(file)).callbackWindowDays).toBe(7);
  });

  it('reads a file saved by Windows Notepad, byte-order mark first', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'notepad.json');
    await writeFile(file, '\uFEFF{ "callbackWindowDays": 3 }');
    expect((await loadConfig(file)).callbackWindowDays).toBe(3);
  });
});

describe('reason categories', () => {
  it('match keywords as words ignoring case and accents, first rule first, Outros otherwise', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const reasons = ['2ª VIA de boleto', 'Fatura contestada', 'Cancelamento do plano', 'SEM SINAL', 'Elogio', 'Contato comercial', ''];
    const cfg = config({ reasonRules: [
      { category: 'Financeiro', keywords: ['2a via', 'fatura'] },
      { category: 'Cancelamento', keywords: ['cancelamento'] },
      { category: 'Técnico', keywords: ['sem sinal', 'plano'] },
      { category: 'Comercial', keywords: ['conta'] },
    ] });
    await importInto(warehouse, [await writeCsv(join(dir, 'legs.csv'), reasons.map((reason, i) => leg({ call_id: `r${i}`, reason, started_at: `2026-11-20T1${i}:00:00Z` })))], cfg);
    const rows = await query<{ call_id: string; reason_category: string | null }>(warehouse, 'SELECT call_id, reason_category FROM legs ORDER BY call_id', cfg);
    expect(rows.map((row) => row.reason_category)).toEqual(['Financeiro', 'Financeiro', 'Cancelamento', 'Técnico', 'Outros', 'Outros', null]);
    const contacts = await query<{ reason_category: string }>(warehouse, "SELECT reason_category FROM contacts WHERE contact_key = 'vivo:r0'", cfg);
    expect(contacts).toEqual([{ reason_category: 'Financeiro' }]);
  });

  it('are re-derived for stored legs when the rules change', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const first = await writeCsv(join(dir, 'a.csv'), [leg({ call_id: '1', reason: 'Elogio', started_at: '2026-11-20T10:00:00Z' })]);
    await importInto(warehouse, [first]);
    expect(await query(warehouse, 'SELECT reason_category FROM contacts')).toEqual([{ reason_category: 'Outros' }]);
    const cfg = config({ reasonRules: [{ category: 'Elogios', keywords: ['elogio'] }], excludedNumbers: ['(11) 98765-4321'] });
    await importInto(warehouse, [await writeCsv(join(dir, 'b.csv'), [])], cfg);
    expect(await query(warehouse, 'SELECT reason_category, customer_key, eligible FROM contacts', cfg)).toEqual([{ reason_category: 'Elogios', customer_key: null, eligible: false }]);
  });
});

describe('time zone', () => {
  it('re-dates stored legs and contacts when it changes', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const localDates = `SELECT (SELECT CAST(local_date AS VARCHAR) FROM legs) AS leg, (SELECT CAST(local_date AS VARCHAR) FROM contacts) AS contact`;
    await importInto(warehouse, [await writeCsv(join(dir, 'a.csv'), [leg({ call_id: '1', started_at: '2026-11-20T02:00:00Z' })])]);
    expect(await query(warehouse, localDates)).toEqual([{ leg: '2026-11-19', contact: '2026-11-19' }]);
    const utc = config({ timezone: 'UTC' });
    await importInto(warehouse, [await writeCsv(join(dir, 'b.csv'), [])], utc);
    expect(await query(warehouse, localDates, utc)).toEqual([{ leg: '2026-11-20', contact: '2026-11-20' }]);
  });

  it('dates each leg by the offset in force at its start, also within the hour the offset changes', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    // Tehran moved from +03:30 to +04:30 at 2019-03-21T20:30:00Z, local midnight, mid-hour in UTC.
    const tehran = config({ timezone: 'Asia/Tehran' });
    const starts = ['2019-03-21T20:10:00Z', '2019-03-21T20:25:00Z', '2019-03-21T20:50:00Z', '2019-03-22T19:20:00Z', '2019-03-22T19:40:00Z'];
    await importInto(warehouse, [await writeCsv(join(dir, 'a.csv'), starts.map((started_at, i) => leg({ call_id: `c${i}`, started_at })))], tehran);
    const dates = await query<{ call_id: string; local_date: string }>(warehouse, 'SELECT call_id, CAST(local_date AS VARCHAR) AS local_date FROM legs ORDER BY call_id', tehran);
    expect(dates.map((row) => row.local_date)).toEqual(['2019-03-21', '2019-03-21', '2019-03-22', '2019-03-22', '2019-03-23']);
  });
});
