import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { exportTable } from '../pipeline/export.ts';
import { memoryIo } from '../pipeline/io.ts';
import { recordsBefore, scanLines } from '../pipeline/input-files.ts';
import { importLegs, LOCATION_FIELD, SOURCE_FIELD } from '../pipeline/load.ts';
import { FIXED_NOW, config, importInto, leg, query, scratchDir, writeCsv, writeJsonl, type Leg } from './helpers.ts';

const run = promisify(execFile);

/** Contacts and legs without load metadata, for comparing warehouses built in different ways. */
async function snapshot(warehouse: string) {
  const contacts = await query(warehouse, 'SELECT * FROM contacts ORDER BY contact_key');
  const legs = await query(warehouse, 'SELECT * EXCLUDE (source, location, batch_id, file_index, row_number) FROM legs ORDER BY operator, call_id');
  return { contacts, legs };
}

function day(date: string, count: number, offset = 0): Leg[] {
  return Array.from({ length: count }, (_, i) => leg({
    call_id: `${date}-${i}`,
    protocol: i % 5 === 0 ? `${date}-p` : '',
    started_at: `${date}T${String(8 + (i % 10)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00-03:00`,
    customer_number: `(11) 9${String(1000 + ((i + offset) % 6)).padStart(4, '0')}-4321`,
    agent_id: `a${i % 3}`,
    reason: ['Sem sinal', 'Fatura', 'Cancelamento'][i % 3]!,
    talk_seconds: 20 + i * 13,
  }));
}

describe('duplicates (SPEC §1)', () => {
  it('keeps the record with the greatest updated_at compared as an instant', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const first = await writeCsv(join(dir, '1.csv'), [
      leg({ call_id: 'x', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'earlier text, later instant', updated_at: '2026-11-20T10:00:00-03:00' }),
      leg({ call_id: 'y', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'has updated_at', updated_at: '2026-11-20T10:00:00Z' }),
      leg({ call_id: 'z', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'z first', updated_at: '2026-11-20T10:00:00Z' }),
    ]);
    const second = await writeCsv(join(dir, '2.csv'), [
      leg({ call_id: 'x', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'later text, earlier instant', updated_at: '2026-11-20T12:00:00Z' }),
      leg({ call_id: 'y', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'no updated_at' }),
      // Same instant written differently: a tie, so the one loaded last wins.
      leg({ call_id: 'z', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'z second', updated_at: '2026-11-20T07:00:00-03:00' }),
    ]);
    const summary = await importInto(warehouse, [first, second]);
    expect(summary).toMatchObject({ read: 6, loaded: 6, duplicates: 3, rejected: 0 });
    const names = await query<{ call_id: string; agent_name: string }>(warehouse, 'SELECT call_id, agent_name FROM legs ORDER BY call_id');
    expect(names).toEqual([
      { call_id: 'x', agent_name: 'earlier text, later instant' },
      { call_id: 'y', agent_name: 'has updated_at' },
      { call_id: 'z', agent_name: 'z second' },
    ]);
  });

  it('lets the later line win among exact ties within a file, and a later load win over an earlier one', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = await writeCsv(join(dir, 'a.csv'), [
      leg({ call_id: 'k', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'line 1' }),
      leg({ call_id: 'k', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'line 2' }),
    ]);
    await importInto(warehouse, [file]);
    expect(await query(warehouse, 'SELECT agent_name FROM legs')).toEqual([{ agent_name: 'line 2' }]);
    const later = await writeCsv(join(dir, 'b.csv'), [leg({ call_id: 'k', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'next load' })]);
    const summary = await importInto(warehouse, [later]);
    expect(summary).toMatchObject({ read: 1, loaded: 1, duplicates: 1 });
    expect(await query(warehouse, 'SELECT agent_name FROM legs')).toEqual([{ agent_name: 'next load' }]);
    // An older version arriving later does not overwrite a newer one.
    await importInto(warehouse, [await writeCsv(join(dir, 'c.csv'), [leg({ call_id: 'k', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'versioned', updated_at: '2026-11-21T00:00:00Z' })])]);
    await importInto(warehouse, [await writeCsv(join(dir, 'd.csv'), [leg({ call_id: 'k', started_at: '2026-11-20T10:00:00-03:00', agent_name: 'stale', updated_at: '2026-11-20T00:00:00Z' })])]);
    expect(await query(warehouse, 'SELECT agent_name FROM legs')).toEqual([{ agent_name: 'versioned' }]);
  });

  it('numbers the records of a file read in parallel in the file\'s order', async () => {
    // A file of several CSV read batches (≈ 85 MB), read by both threads: each record's row
    // number must still be its place in the file, for the quarantine's locations and for exact ties.
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = join(dir, 'big.csv');
    const rows = 160_000;
    const generator = await DuckDBInstance.create(':memory:');
    const connection = await generator.connect();
    await connection.run(`
      COPY (
        SELECT
          'vivo' AS operator,
          CASE WHEN i IN (10, 150000) THEN 'tie' ELSE 'c' || i END AS call_id,
          NULL AS protocol,
          CASE WHEN i % 40000 = 7 THEN 'inbond' ELSE 'inbound' END AS direction,
          'answered' AS status, '2026-11-20T10:00:00Z' AS started_at,
          '(11) 98765-4321' AS customer_number, 'a1' AS agent_id, 'record ' || (i + 1) AS agent_name,
          NULL AS supervisor, NULL AS team, NULL AS queue, repeat('motivo ', 60) AS reason,
          60 AS talk_seconds, 0 AS hold_seconds, 0 AS wrap_seconds, NULL AS updated_at
        FROM range(${rows}) AS t(i)
      ) TO '${file}' (HEADER)`);
    connection.closeSync();
    generator.closeSync();

    const summary = await importInto(warehouse, [file]);
    expect(summary).toMatchObject({ read: rows, loaded: rows - 4, duplicates: 1, rejected: 4 });
    const [numbering] = await query<{ legs: bigint; numbered: bigint }>(warehouse, `
      SELECT count(*) AS legs, count(*) FILTER (WHERE agent_name = 'record ' || row_number AND location = 'row ' || row_number) AS numbered
      FROM legs`);
    expect(numbering).toEqual({ legs: BigInt(rows - 5), numbered: BigInt(rows - 5) });
    expect(await query(warehouse, `SELECT agent_name FROM legs WHERE call_id = 'tie'`)).toEqual([{ agent_name: 'record 150001' }]);
    const rejected = await query<{ location: string; raw_payload: string }>(warehouse, 'SELECT location, raw_payload FROM rejected_legs ORDER BY length(location), location');
    expect(rejected.map((row) => row.location)).toEqual(['row 8', 'row 40008', 'row 80008', 'row 120008']);
    expect(rejected.map((row) => JSON.parse(row.raw_payload).agent_name)).toEqual(['record 8', 'record 40008', 'record 80008', 'record 120008']);
  });
});

describe('loading is repeatable', () => {
  it('gives the same warehouse when the same files are imported twice, in another order, or one day at a time', async () => {
    const dir = await scratchDir();
    const days = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'];
    const files = await Promise.all(days.map((date, i) => writeCsv(join(dir, `${date}.csv`), day(date, 40, i))));
    // A correction of an earlier day arriving with a later day's file.
    files.push(await writeCsv(join(dir, 'late.csv'), [leg({ call_id: '2026-11-18-3', started_at: '2026-11-18T08:21:00-03:00', agent_id: 'fixed', updated_at: '2026-11-22T00:00:00Z' })]));

    const allAtOnce = join(dir, 'all.duckdb');
    await importInto(allAtOnce, files);
    const reference = await snapshot(allAtOnce);
    expect(reference.contacts.length).toBeGreaterThan(100);
    expect(reference.contacts.some((c) => c.is_callback)).toBe(true);

    await importInto(allAtOnce, files);
    expect(await snapshot(allAtOnce)).toEqual(reference);

    const reversed = join(dir, 'reversed.duckdb');
    await importInto(reversed, [...files].reverse());
    expect(await snapshot(reversed)).toEqual(reference);

    const daily = join(dir, 'daily.duckdb');
    for (const file of files) await importInto(daily, [file]);
    expect(await snapshot(daily)).toEqual(reference);

    // A load too big for memory builds contacts one chunk of customers at a time.
    const chunked = join(dir, 'chunked.duckdb');
    const io = memoryIo(FIXED_NOW);
    await importLegs({ warehouse: chunked, config: config(), files: files.map((path) => ({ path })), io, legsPerChunk: 30 });
    expect(io.lines.find((line) => line.startsWith('transform:'))).toMatch(/\(6 chunks of customers\)$/);
    expect(await snapshot(chunked)).toEqual(reference);
  });

  it('reads the same legs from CSV, JSONL and Parquet', async () => {
    const dir = await scratchDir();
    const legs = day('2026-11-20', 30);
    const csv = join(dir, 'csv.duckdb');
    await importInto(csv, [await writeCsv(join(dir, 'legs.csv'), legs)]);
    const jsonl = join(dir, 'jsonl.duckdb');
    await importInto(jsonl, [await writeJsonl(join(dir, 'legs.jsonl'), legs)]);
    const parquetFile = join(dir, 'legs.parquet');
    await exportLegsAsParquet(csv, parquetFile);
    const parquet = join(dir, 'parquet.duckdb');
    await importInto(parquet, [parquetFile]);
    const reference = await snapshot(csv);
    expect(await snapshot(jsonl)).toEqual(reference);
    expect(await snapshot(parquet)).toEqual(reference);
  });

  it('reads Parquet text stored as bytes and whole numbers stored as floats as their text', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'spark.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    // What older Spark/Hive (bytes for text) and pandas (floats for a number column with gaps) write.
    await connection.run(`COPY (SELECT 'vivo' AS operator, 'p1' AS call_id, 'inbound' AS direction, 'answered' AS status,
      '2026-11-20T10:00:00Z' AS started_at, 'a1' AS agent_id, encode('João') AS agent_name, encode('Cobrança') AS reason,
      CAST(11987654321 AS DOUBLE) AS customer_number, CAST(120 AS DOUBLE) AS talk_seconds, CAST(2.5 AS DOUBLE) AS hold_seconds) TO '${file}' (FORMAT parquet)`);
    connection.closeSync();
    const warehouse = join(dir, 'w.duckdb');
    expect(await importInto(warehouse, [file])).toMatchObject({ read: 1, loaded: 0, rejected: 1 });
    expect(await query(warehouse, 'SELECT reason FROM rejected_legs')).toEqual([{ reason: 'hold_seconds "2.5" must be a whole number of seconds, 0 or more' }]);
    expect(JSON.parse((await query<{ raw_payload: string }>(warehouse, 'SELECT raw_payload FROM rejected_legs'))[0]!.raw_payload))
      .toMatchObject({ agent_name: 'João', reason: 'Cobrança', customer_number: '11987654321', talk_seconds: '120' });
  });

  it('marks every load in warehouse_meta, even one that changes no count under a fixed clock (the KPI tables go stale)', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const metaOf = async () => query<{ key: string; value: string }>(warehouse, `SELECT key, value FROM warehouse_meta WHERE key IN ('batch_id', 'recomputed_at') ORDER BY key`);
    await importInto(warehouse, [await writeCsv(join(dir, 'a.csv'), [leg({ call_id: '1', started_at: '2026-11-20T10:00:00Z', reason: 'Fatura' })])]);
    const first = await metaOf();
    await importInto(warehouse, [await writeCsv(join(dir, 'b.csv'), [leg({ call_id: '1', started_at: '2026-11-20T10:00:00Z', reason: 'Boleto', updated_at: '2026-11-21T10:00:00Z' })])]);
    expect(first).toEqual([{ key: 'batch_id', value: '1' }, { key: 'recomputed_at', value: FIXED_NOW.toISOString() }]);
    expect(await metaOf()).toEqual([{ key: 'batch_id', value: '2' }, { key: 'recomputed_at', value: FIXED_NOW.toISOString() }]);
  });

  it('writes legs and contacts in their declared shape, load after load: NOT NULL where the contract has a value, per-row keys uncompressed', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const legs = Array.from({ length: 3 }, (_, i) => leg({ call_id: `c${i}`, started_at: `2026-11-2${i}T10:00:00Z` }));
    for (const name of ['a.csv', 'b.csv']) await importInto(warehouse, [await writeCsv(join(dir, name), legs)]);
    const shape = await query<{ table_name: string; column_name: string; is_nullable: boolean }>(warehouse,
      `SELECT table_name, column_name, is_nullable FROM duckdb_columns() WHERE table_name IN ('legs', 'contacts') AND column_name IN ('call_id', 'protocol', 'contact_key', 'is_callback')`);
    expect(shape.sort((a, b) => `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`))).toEqual([
      { table_name: 'contacts', column_name: 'contact_key', is_nullable: false },
      { table_name: 'contacts', column_name: 'is_callback', is_nullable: true },
      { table_name: 'contacts', column_name: 'protocol', is_nullable: true },
      { table_name: 'legs', column_name: 'call_id', is_nullable: false },
      { table_name: 'legs', column_name: 'protocol', is_nullable: true },
    ]);
    const compression = await query<{ segments: string }>(warehouse, `
      SELECT string_agg(DISTINCT table_name || '.' || column_name || ' ' || compression, ', ' ORDER BY table_name || '.' || column_name || ' ' || compression) AS segments
      FROM (
        SELECT 'legs' AS table_name, * FROM pragma_storage_info('legs') UNION ALL BY NAME SELECT 'contacts' AS table_name, * FROM pragma_storage_info('contacts')
      )
      WHERE column_name IN ('call_id', 'customer_key', 'contact_key', 'location') AND segment_type = 'VARCHAR'`);
    expect(compression[0]!.segments).toBe(
      'contacts.contact_key Uncompressed, contacts.customer_key Uncompressed, legs.call_id Uncompressed, legs.customer_key Uncompressed, legs.location ZSTD',
    );
  });

  it('keeps the quarantine idempotent too', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = await writeCsv(join(dir, 'bad.csv'), [leg({ call_id: '1', started_at: 'yesterday' })]);
    await importInto(warehouse, [file]);
    await importInto(warehouse, [file]);
    expect(await query(warehouse, 'SELECT location FROM rejected_legs')).toEqual([{ location: 'row 1' }]);
  });
});

async function exportLegsAsParquet(warehouse: string, out: string) {
  const { openWarehouse } = await import('../pipeline/warehouse.ts');
  const w = await openWarehouse(warehouse, config(), { readOnly: true });
  try {
    await w.run(`COPY (SELECT operator, call_id, protocol, direction, status, started_at, customer_number, agent_id, agent_name,
      supervisor, team, queue, reason, talk_seconds, hold_seconds, wrap_seconds, updated_at FROM legs) TO '${out}' (FORMAT parquet)`);
  } finally {
    w.close();
  }
}

describe('timestamps (SPEC §1)', () => {
  it('accepts the ISO-8601 forms and reads offset-less ones in the center time zone', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const forms: Array<[string, string]> = [
      ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
      ['2026-11-20t10:00:00z', '2026-11-20T10:00:00.000Z'],
      ['2026-11-20T10:00Z', '2026-11-20T10:00:00.000Z'],
      ['2026-11-20T10:00', '2026-11-20T13:00:00.000Z'],
      ['2026-11-20 10:00:00', '2026-11-20T13:00:00.000Z'],
      ['2026-11-20T10:00:00.250-03:00', '2026-11-20T13:00:00.250Z'],
      ['2026-11-20T10:00:00,5-0300', '2026-11-20T13:00:00.500Z'],
      ['2026-11-20T10:00:00+05:30', '2026-11-20T04:30:00.000Z'],
      ['2026-11-20T10:00:00-03', '2026-11-20T13:00:00.000Z'],
    ];
    await importInto(warehouse, [await writeCsv(join(dir, 'forms.csv'), forms.map(([text], i) => leg({ call_id: `t${i}`, started_at: text })))]);
    const rows = await query<{ call_id: string; started_at: Date }>(warehouse, 'SELECT call_id, started_at FROM legs ORDER BY CAST(call_id[2:] AS INTEGER)');
    expect(rows.map((row) => row.started_at.toISOString())).toEqual(forms.map(([, instant]) => instant));
  });

  it('reads a zone-less wall time that a daylight-saving fall-back repeats as its earlier instant, as Python and Java do', async () => {
    const cases: Array<[string, string, Array<[string, string]>]> = [
      // São Paulo's last fall-back: 2018-02-18 00:00 (-02:00) became 2018-02-17 23:00 (-03:00).
      ['America/Sao_Paulo', 'sp', [
        ['2018-02-17T22:59:59', '2018-02-18T00:59:59.000Z'],
        ['2018-02-17T23:00:00', '2018-02-18T01:00:00.000Z'],
        ['2018-02-17T23:30:00', '2018-02-18T01:30:00.000Z'],
        ['2018-02-17 23:59:59', '2018-02-18T01:59:59.000Z'],
        ['2018-02-18T00:00:00', '2018-02-18T03:00:00.000Z'],
        ['2018-02-17T23:30:00-03:00', '2018-02-18T02:30:00.000Z'],
        // The spring-forward gap: the offset before it, as Python's fold = 0.
        ['2018-11-04T00:30:00', '2018-11-04T03:30:00.000Z'],
        ['2026-11-20T10:00:00', '2026-11-20T13:00:00.000Z'],
      ]],
      // New York, 2024-11-03: 02:00 EDT (-04:00) became 01:00 EST (-05:00).
      ['America/New_York', 'ny', [
        ['2024-11-03T01:30:00', '2024-11-03T05:30:00.000Z'],
        ['2024-11-03T01:30', '2024-11-03T05:30:00.000Z'],
        ['2024-11-03T01:30:00-05:00', '2024-11-03T06:30:00.000Z'],
        ['2024-11-03T02:30:00', '2024-11-03T07:30:00.000Z'],
      ]],
    ];
    for (const [timezone, prefix, forms] of cases) {
      const dir = await scratchDir();
      const warehouse = join(dir, 'w.duckdb');
      const cfg = config({ timezone });
      const file = await writeCsv(join(dir, 'dst.csv'), forms.map(([text], i) => leg({ call_id: `${prefix}${i}`, started_at: text, updated_at: text })));
      await importInto(warehouse, [file], cfg);
      const rows = await query<{ started_at: Date; updated_at: Date }>(warehouse, `SELECT started_at, updated_at FROM legs ORDER BY CAST(call_id[3:] AS INTEGER)`, cfg);
      expect(rows.map((row) => row.started_at.toISOString()), timezone).toEqual(forms.map(([, instant]) => instant));
      expect(rows.map((row) => row.updated_at.toISOString()), timezone).toEqual(forms.map(([, instant]) => instant));
    }
  });

  it('takes hours and offsets under 24 hours, as ISO-8601 and most date libraries do', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const starts = ['2026-11-20T10:00:00+23:59', '2026-11-20T10:00:00-24:00', '2026-11-20T10:00:00-99:00', '2026-11-20T10:00:00+05:60',
      '2026-11-20T24:00:00', '2026-11-20T24:00', '2026-11-20 24:00:00-03:00'];
    await importInto(warehouse, [await writeCsv(join(dir, 'offsets.csv'), starts.map((started_at, i) => leg({ call_id: `o${i}`, started_at })))]);
    expect(await query(warehouse, 'SELECT call_id FROM legs')).toEqual([{ call_id: 'o0' }]);
    expect((await query<{ reason: string }>(warehouse, 'SELECT reason FROM rejected_legs ORDER BY location')).map((row) => row.reason))
      .toEqual(starts.slice(1).map((start) => `started_at "${start}" is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)`));
  });
});

describe('bad input', () => {
  it('quarantines each bad record with a reason naming field, value and rule, and loads the good ones', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const good = { started_at: '2026-11-20T10:00:00-03:00' };
    const file = await writeCsv(join(dir, 'mixed.csv'), [
      leg({ call_id: 'ok1', ...good }),
      leg({ call_id: 'no-operator', operator: '', ...good }),
      leg({ call_id: 'bad-operator', operator: 'Vivo SP', ...good }),
      leg({ call_id: '', ...good }),
      leg({ call_id: 'x'.repeat(129), ...good }),
      leg({ call_id: 'bad-direction', direction: 'inbond', ...good }),
      leg({ call_id: 'bad-status', status: 'ANSWERED', ...good }),
      leg({ call_id: 'no-start', started_at: '' }),
      leg({ call_id: 'bad-start', started_at: '20/11/2026 10:00' }),
      leg({ call_id: 'bad-date', started_at: '2026-02-30T10:00:00Z' }),
      leg({ call_id: 'bad-updated', ...good, updated_at: 'ontem' }),
      leg({ call_id: 'negative', ...good, talk_seconds: -5 }),
      leg({ call_id: 'fraction', ...good, hold_seconds: '2.5' }),
      leg({ call_id: 'text', ...good, wrap_seconds: 'abc' }),
      leg({ call_id: 'no-agent', ...good, agent_id: '' }),
      leg({ call_id: 'abandoned-no-agent', ...good, status: 'abandoned', agent_id: '' }),
      leg({ call_id: 'ok2', ...good, talk_seconds: '', hold_seconds: '7.0' }),
      leg({ call_id: 'several', direction: 'inbond', started_at: '2026-11-20T10:00:00-03:00', wrap_seconds: '-1' }),
      leg({ call_id: 'ok3', ...good, talk_seconds: '000042', hold_seconds: ' 12 ', wrap_seconds: '5' }),
    ]);
    const summary = await importInto(warehouse, [file]);
    expect(summary).toMatchObject({ read: 19, loaded: 4, rejected: 15 });
    const loaded = await query<{ call_id: string; talk_seconds: bigint; hold_seconds: bigint; wrap_seconds: bigint }>(warehouse, 'SELECT call_id, talk_seconds, hold_seconds, wrap_seconds FROM legs ORDER BY call_id');
    expect(loaded.map((r) => r.call_id)).toEqual(['abandoned-no-agent', 'ok1', 'ok2', 'ok3']);
    expect(loaded.find((r) => r.call_id === 'ok2')).toMatchObject({ talk_seconds: 0n, hold_seconds: 7n });
    expect(loaded.find((r) => r.call_id === 'ok3')).toMatchObject({ talk_seconds: 42n, hold_seconds: 12n, wrap_seconds: 5n });

    const rejected = await query<{ source: string; location: string; reason: string; raw_payload: string; loaded_at: Date }>(
      warehouse, 'SELECT source, location, reason, raw_payload, loaded_at FROM rejected_legs ORDER BY CAST(split_part(location, \' \', 2) AS INTEGER)');
    expect(rejected.map((r) => r.location)).toEqual(['row 2', 'row 3', 'row 4', 'row 5', 'row 6', 'row 7', 'row 8', 'row 9', 'row 10', 'row 11', 'row 12', 'row 13', 'row 14', 'row 15', 'row 18']);
    expect(rejected.every((r) => r.source === file)).toBe(true);
    expect(rejected.every((r) => r.loaded_at.toISOString() === FIXED_NOW.toISOString())).toBe(true);
    expect(rejected.map((r) => r.reason)).toEqual([
      'operator is missing',
      'operator "Vivo SP" must be 1 to 64 characters among a-z, 0-9, _ and -',
      'call_id is missing',
      `call_id "${'x'.repeat(57)}..." is longer than 128 characters`,
      'direction "inbond" must be inbound or outbound',
      'status "ANSWERED" must be answered or abandoned',
      'started_at is missing',
      'started_at "20/11/2026 10:00" is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)',
      'started_at "2026-02-30T10:00:00Z" is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)',
      'updated_at "ontem" is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)',
      'talk_seconds "-5" must be a whole number of seconds, 0 or more',
      'hold_seconds "2.5" must be a whole number of seconds, 0 or more',
      'wrap_seconds "abc" must be a whole number of seconds, 0 or more',
      'agent_id is required when status is answered',
      'direction "inbond" must be inbound or outbound; wrap_seconds "-1" must be a whole number of seconds, 0 or more',
    ]);
    expect(JSON.parse(rejected[7]!.raw_payload)).toMatchObject({ call_id: 'bad-start', started_at: '20/11/2026 10:00' });
  });

  it('takes only white space (Unicode\'s, as JavaScript and Python trim it) for missing: a value with any other character is kept as given', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = await writeCsv(join(dir, 'blanks.csv'), [
      leg({ call_id: 'kept', started_at: '2026-11-20T10:00:00Z', protocol: ' v', agent_id: ' f ', agent_name: '\u00a0Ana', reason: '\u00a0\u1680x' }),
      leg({ call_id: 'whitespace-agent', started_at: '2026-11-20T10:00:00Z', agent_id: ' \t\v\f\r\n' }),
      leg({ call_id: 'unicode-space-agent', started_at: '2026-11-20T10:00:00Z', agent_id: '\u00a0\u2003\u3000\u0085\ufeff' }),
      leg({ call_id: 'whitespace-protocol', started_at: '2026-11-20T10:00:00Z', protocol: '\v ', agent_id: 'a1' }),
      leg({ call_id: 'unicode-space-fields', started_at: '2026-11-20T10:00:00Z', protocol: '\u2028', agent_id: 'a1', agent_name: '\u202f', reason: ' \u00a0', talk_seconds: '\u00a012\u3000' }),
    ]);
    expect(await importInto(warehouse, [file])).toMatchObject({ loaded: 3, rejected: 2 });
    const legs = await query(warehouse, 'SELECT call_id, protocol, agent_id, agent_name, reason, talk_seconds FROM legs ORDER BY call_id');
    expect(legs).toEqual([
      { call_id: 'kept', protocol: ' v', agent_id: ' f ', agent_name: '\u00a0Ana', reason: '\u00a0\u1680x', talk_seconds: 120n },
      { call_id: 'unicode-space-fields', protocol: null, agent_id: 'a1', agent_name: null, reason: null, talk_seconds: 12n },
      { call_id: 'whitespace-protocol', protocol: null, agent_id: 'a1', agent_name: 'Ana', reason: 'Sem sinal', talk_seconds: 120n },
    ]);
    const rejected = await query<{ reason: string }>(warehouse, 'SELECT reason FROM rejected_legs');
    expect(rejected.map((row) => row.reason)).toEqual(['agent_id is required when status is answered', 'agent_id is required when status is answered']);
  });

  it('quarantines lines the readers cannot parse, with their line numbers', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const csv = join(dir, 'broken.csv');
    const header = 'operator,call_id,direction,status,started_at,customer_number,agent_id';
    await writeFile(csv, [header, 'vivo,1,inbound,answered,2026-11-20T10:00:00Z,11987654321,a1', 'vivo,2,inbound,answered,2026-11-20T10:00:00Z,11987654321,a1,extra', 'vivo,3,inbound,answered,2026-11-20T11:00:00Z,11987654321,a1', ''].join('\n'));
    const jsonl = join(dir, 'broken.jsonl');
    await writeFile(jsonl, ['{"operator":"vivo","call_id":"j1","direction":"inbound","status":"answered","started_at":"2026-11-20T12:00:00Z","agent_id":"a"}', '', '{"operator": "vivo", "call_id": ', '[1, 2]', '{"operator":"vivo","call_id":"j2","direction":"inbound","status":"answered","started_at":"2026-11-20T13:00:00Z","agent_id":"a","talk_seconds":12}'].join('\n'));
    const summary = await importInto(warehouse, [csv, jsonl]);
    expect(summary).toMatchObject({ loaded: 4, rejected: 3 });
    const rejected = await query<{ source: string; location: string; reason: string; raw_payload: string }>(warehouse, 'SELECT source, location, reason, raw_payload FROM rejected_legs ORDER BY source, location');
    expect(rejected).toEqual([
      { source: csv, location: 'line 3', reason: 'malformed CSV line: the line has 8 fields where the header has 7', raw_payload: 'vivo,2,inbound,answered,2026-11-20T10:00:00Z,11987654321,a1,extra' },
      { source: jsonl, location: 'line 3', reason: 'line is not a JSON object', raw_payload: '{"operator": "vivo", "call_id": ' },
      { source: jsonl, location: 'line 4', reason: 'line is not a JSON object', raw_payload: '[1, 2]' },
    ]);
  });

  it('reads past a quote that never closes, numbers records after malformed ones, and names the lines of the file, in any CSV dialect', async () => {
    const header = ['operator', 'call_id', 'direction', 'status', 'started_at', 'agent_id', 'reason'];
    const at = (call: number) => `2026-11-20T1${call}:00:00Z`;
    // Records: 1 and 2 (a reason over two lines) are fine, 3 ends after three fields (read with the
    // others empty, as Python's DictReader reads it: it lacks a status and a start), 4 is fine, 5
    // opens a quote it never closes, 6 and 7 are fine. Lines: 1 header, 2, 3-4, 5, 6, 7, 8, 9.
    const records = [
      ['vivo', 'r1', 'inbound', 'answered', at(1), 'a1', 'Cobrança'],
      ['vivo', 'r2', 'inbound', 'answered', at(2), 'a1', '"Sem sinal\ndesde ontem"'],
      ['vivo', 'r3', 'inbound'],
      ['vivo', 'r4', 'inbound', 'answered', at(4), 'a1', 'Cobrança'],
      ['vivo', 'r5', 'inbound', 'answered', at(5), 'a1', '"Ana, a gerente'],
      ['vivo', 'r6', 'inbound', 'answered', at(6), 'a1', 'Cobrança'],
      ['vivo', 'r7', 'inbound', 'answered', at(7), 'a1', 'Cobrança'],
    ];
    const text = (delimiter: string, newline: string, names: string[]) =>
      [names, ...records].map((fields) => fields.join(delimiter).replaceAll('\n', newline)).join(newline) + newline;
    const dir = await scratchDir();
    const plain = text(',', '\n', header);
    const files = {
      'plain.csv': Buffer.from(plain),
      // A pt-BR spreadsheet: byte-order mark, CRLF, ';', a header in capitals.
      'excel.csv': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text(';', '\r\n', header.map((name) => name.toUpperCase())))]),
      'plain.csv.gz': gzipSync(plain),
      'windows-1252.csv': Buffer.from(plain, 'latin1'),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const file = join(dir, name);
      await writeFile(file, bytes);
      const warehouse = join(dir, `${name}.duckdb`);
      const io = memoryIo(FIXED_NOW);
      expect(await importLegs({ warehouse, config: config(), files: [{ path: file }], io }), name).toMatchObject({ read: 7, loaded: 5, rejected: 2 });
      const dialect = { 'excel.csv': 'utf-8 text with fields separated by ";"', 'windows-1252.csv': 'windows-1252 text with fields separated by ","' }[name];
      expect(io.lines.filter((line) => line.includes('read as such')), name).toEqual(dialect ? [`import: ${file} is ${dialect}, read as such`] : []);
      const legs = await query<{ call_id: string; location: string; reason: string }>(warehouse, 'SELECT call_id, location, reason FROM legs ORDER BY call_id');
      expect(legs, name).toEqual([
        { call_id: 'r1', location: 'row 1', reason: 'Cobrança' },
        { call_id: 'r2', location: 'row 2', reason: name === 'excel.csv' ? 'Sem sinal\r\ndesde ontem' : 'Sem sinal\ndesde ontem' },
        { call_id: 'r4', location: 'row 4', reason: 'Cobrança' },
        { call_id: 'r6', location: 'row 6', reason: 'Cobrança' },
        { call_id: 'r7', location: 'row 7', reason: 'Cobrança' },
      ]);
      const rejected = await query<{ location: string; reason: string; raw_payload: string }>(warehouse, 'SELECT location, reason, raw_payload FROM rejected_legs ORDER BY location');
      const delimiter = name === 'excel.csv' ? ';' : ',';
      expect(rejected, name).toEqual([
        { location: 'line 7', reason: 'malformed CSV line: a quote opened on this line is never closed; the lines after it are read as records of their own', raw_payload: records[4]!.join(delimiter) },
        { location: 'row 3', reason: 'status is missing; started_at is missing', raw_payload: expect.stringContaining('"call_id":"r3","protocol":null,"direction":"inbound","status":null') },
      ]);
    }
  });

  it('reads a line that ends before the last fields as the record with them empty, in its place among the others', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = join(dir, 'short.csv');
    await writeFile(file, [
      'operator,call_id,direction,status,started_at,agent_id,reason,talk_seconds',
      'vivo,r1,inbound,answered,2026-11-20T10:00:00Z,a1,Cobrança,60',
      'vivo,dup,inbound,answered,2026-11-20T11:00:00Z,a1',
      'vivo,r3,inbound,answered,2026-11-20T12:00:00Z,a1,Cobrança,60',
      // The same leg again, later in the file and with no updated_at either: this line wins.
      'vivo,dup,inbound,answered,2026-11-20T11:00:00Z,a2,Fatura,30',
      'vivo,r5,inbound,abandoned,2026-11-20T13:00:00Z',
      // A stray quote inside an unquoted field is text, in a short line as in a full one.
      'vivo,r6,inbound,answered,2026-11-20T14:00:00Z,a1,Tela 5" quebrada',
    ].join('\n') + '\n');
    expect(await importInto(warehouse, [file])).toMatchObject({ read: 6, loaded: 6, duplicates: 1, rejected: 0 });
    expect(await query(warehouse, 'SELECT call_id, location, agent_id, reason, talk_seconds FROM legs ORDER BY location')).toEqual([
      { call_id: 'r1', location: 'row 1', agent_id: 'a1', reason: 'Cobrança', talk_seconds: 60n },
      { call_id: 'r3', location: 'row 3', agent_id: 'a1', reason: 'Cobrança', talk_seconds: 60n },
      { call_id: 'dup', location: 'row 4', agent_id: 'a2', reason: 'Fatura', talk_seconds: 30n },
      { call_id: 'r5', location: 'row 5', agent_id: null, reason: null, talk_seconds: 0n },
      { call_id: 'r6', location: 'row 6', agent_id: 'a1', reason: 'Tela 5" quebrada', talk_seconds: 0n },
    ]);
  });

  it('numbers records and names lines right around empty lines, multi-line fields and doubled quotes', async () => {
    const header = 'operator,call_id,direction,status,started_at,agent_id,reason,talk_seconds';
    const leg = (record: number, rest: string) => `vivo,r${record},inbound,answered,2026-11-20T10:00:00Z,a1,${rest}`;
    // [text, what it is]: a record (its number), a quarantined line, or an empty line.
    const lines: Array<[string, number | 'quarantined' | 'empty']> = [
      ['', 'empty'],
      [leg(1, '"Diz ""olá, ação""",60'), 1],
      ['', 'empty'],
      [leg(2, 'Fatura'), 2], // short
      [leg(3, 'Fatura,60,extra'), 'quarantined'],
      ['', 'empty'],
      ['', 'empty'],
      [leg(4, '"Sem sinal\n\ndesde ontem",60'), 4],
      [leg(5, '"Ligou de novo\nhoje"'), 5], // short, over two lines
      ['', 'empty'],
      [leg(6, '"Diz ""tchau""",60'), 6],
      // DuckDB places this never-closed quote on the line before, which has doubled quotes too.
      [leg(7, '"nunca fechada,60'), 'quarantined'],
      [leg(8, '"Cobrança, ""2ª via""",60'), 8],
      ['', 'empty'],
      [leg(9, 'Fatura'), 9],
      // The `5"` of a later short line closes this quote: the record DuckDB makes of the lines
      // between lacks fields, but takes a whole record's line, so the quote is still run away.
      [leg(10, '"nunca fechada,60'), 'quarantined'],
      [leg(11, 'Fatura,60'), 11],
      [leg(12, 'Tela 5"'), 12],
      // A quote closed before the value ends: the reader goes on from the next line itself.
      [leg(13, '"Ana" gerente,60'), 'quarantined'],
      [leg(14, 'Fatura'), 14],
      [leg(15, '"Sem sinal\n\ndesde ontem",60'), 15],
      ['', 'empty'],
      [leg(16, '"Ligou de novo\nhoje"'), 16],
      [leg(17, 'Fatura,60,extra'), 'quarantined'],
      [leg(18, 'Fatura'), 18],
    ];
    const dir = await scratchDir();
    // After a quote that never closes, the rest of the file is read in parts: parts of a few
    // bytes, grown from one line, end inside the multi-line records and on every kind of line.
    for (const [newline, csvPartBytes] of [['\n', undefined], ['\r\n', undefined], ['\n', 1], ['\r\n', 1], ['\n', 70], ['\r\n', 150]] as const) {
      const name = `mixed-${newline.length}-${csvPartBytes}`;
      const file = join(dir, `${name}.csv`);
      await writeFile(file, [header, ...lines.map(([text]) => text)].join(newline).replaceAll('\n', newline).replaceAll('\r\r', '\r') + newline);
      const warehouse = join(dir, `${name}.duckdb`);
      expect(await importLegs({ warehouse, config: config(), files: [{ path: file }], io: memoryIo(FIXED_NOW), csvPartBytes }), name).toMatchObject({ read: 18, loaded: 13, rejected: 5 });
      const records = lines.flatMap(([, what]) => (typeof what === 'number' ? [{ call_id: `r${what}`, location: `row ${what}` }] : []));
      expect(await query(warehouse, 'SELECT call_id, location FROM legs ORDER BY row_number'), name).toEqual(records);
      let line = 2;
      const quarantined = lines.flatMap(([text, what]) => {
        const at = line;
        line += text.split('\n').length;
        return what === 'quarantined' ? [{ location: `line ${at}`, raw_payload: text }] : [];
      });
      expect(await query(warehouse, 'SELECT location, raw_payload FROM rejected_legs ORDER BY length(location), location'), name).toEqual(quarantined);
      expect(await query(warehouse, `SELECT reason FROM rejected_legs WHERE raw_payload LIKE '%"Ana"%'`)).toEqual([
        { reason: 'malformed CSV line: a value that starts with a quote must end at its closing quote, and a quote inside it must be doubled ("")' },
      ]);
    }
  });

  it('counts the records before a position as DuckDB reads them, whatever line ending each line has', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'endings.csv');
    const text = 'h1,h2\n1,"a\r\n\r\nb"\r\n2,x\n3,y\n\r\n\n4,5" tela\r\n5,z\n';
    await writeFile(file, text);
    const positions = ['2,', '3,', '4,', '5,'].map((record) => text.indexOf(`\n${record}`) + 1);
    expect([...(await recordsBefore(file, text.indexOf('\n1,') + 1, positions, ',')).values()]).toEqual([1, 2, 3, 4]);
    const { places, emptyLines } = await scanLines(file, positions);
    expect([...places.values()]).toEqual([5, 6, 9, 10].map((line, at) => ({ line, start: positions[at] })));
    // Empty lines as bytes go: the one inside the quoted field too, which only a CSV reader tells apart.
    expect(emptyLines).toEqual([text.indexOf('\r\nb'), text.indexOf('\r\n\n4'), text.indexOf('\n4')]);
  });

  it('loads what a cut-short .gz file holds and says in the quarantine that the rest is missing', async () => {
    const dir = await scratchDir();
    const legs = Array.from({ length: 2000 }, (_, n) => leg({ call_id: `c${n}`, started_at: `2026-11-20T10:${String(n % 60).padStart(2, '0')}:00Z` }));
    const whole = await readFile(await writeCsv(join(dir, 'legs.csv'), legs));
    const cut = join(dir, 'legs.csv.gz');
    const compressed = gzipSync(whole);
    await writeFile(cut, compressed.subarray(0, Math.floor(compressed.length * 0.6)));
    const warehouse = join(dir, 'w.duckdb');
    const summary = await importInto(warehouse, [cut]);
    expect(summary.loaded).toBeGreaterThan(100);
    expect(summary.loaded).toBeLessThan(2000);
    const rejected = await query<{ location: string; reason: string }>(warehouse, `SELECT location, reason FROM rejected_legs WHERE location = 'end of file'`);
    expect(rejected).toEqual([{ location: 'end of file', reason: expect.stringMatching(/^the compressed file is cut short \(unexpected end of file\): the records after the last one read are missing/) }]);
  });

  it('reads a .json file holding one array of records, pretty-printed or not', async () => {
    const dir = await scratchDir();
    const legs = [leg({ call_id: 'j1', started_at: '2026-11-20T10:00:00Z' }), leg({ call_id: 'j2', started_at: '2026-11-20T11:00:00Z', direction: 'sideways' })];
    const file = join(dir, 'legs.json');
    await writeFile(file, JSON.stringify(legs, null, 2));
    const warehouse = join(dir, 'w.duckdb');
    expect(await importInto(warehouse, [file])).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect(await query(warehouse, 'SELECT call_id, location FROM legs')).toEqual([{ call_id: 'j1', location: 'row 1' }]);
    expect(await query(warehouse, 'SELECT location, reason FROM rejected_legs')).toEqual([{ location: 'row 2', reason: 'direction "sideways" must be inbound or outbound' }]);
  });

  it('keeps every column of a rejected CSV record in its raw payload, also those that are not fields', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'export.csv');
    await writeFile(file, 'Operator,call_id,direction,status,started_at,agent_id,Nota do supervisor\nvivo,e1,inbound,answered,2026-11-20T10:00:00Z,,ligar de volta\n');
    const warehouse = join(dir, 'w.duckdb');
    expect(await importInto(warehouse, [file])).toMatchObject({ loaded: 0, rejected: 1 });
    const [rejected] = await query<{ raw_payload: string }>(warehouse, 'SELECT raw_payload FROM rejected_legs');
    expect(JSON.parse(rejected!.raw_payload)).toEqual({
      Operator: 'vivo', call_id: 'e1', direction: 'inbound', status: 'answered', started_at: '2026-11-20T10:00:00Z', agent_id: null, 'Nota do supervisor': 'ligar de volta',
    });
  });

  it('reads a JSONL file written in Windows-1252', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'legs.jsonl');
    await writeFile(file, Buffer.from(`${JSON.stringify(leg({ call_id: 'w1', started_at: '2026-11-20T10:00:00Z', agent_name: 'João', reason: 'Cobrança' }))}\n`, 'latin1'));
    const warehouse = join(dir, 'w.duckdb');
    expect(await importInto(warehouse, [file])).toMatchObject({ loaded: 1, rejected: 0 });
    expect(await query(warehouse, 'SELECT agent_name, reason FROM legs')).toEqual([{ agent_name: 'João', reason: 'Cobrança' }]);
  });

  it('leaves a DuckDB file that is not a warehouse as it is', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'vendas.duckdb');
    const db = await DuckDBInstance.create(warehouse);
    const connection = await db.connect();
    await connection.run('CREATE TABLE vendas (id INTEGER)');
    connection.closeSync();
    db.closeSync();
    const file = await writeCsv(join(dir, 'legs.csv'), [leg({ call_id: 'c1', started_at: '2026-11-20T10:00:00Z' })]);
    await expect(importInto(warehouse, [file])).rejects.toThrow(`${warehouse} is a DuckDB database but not a Rechamadas warehouse (its tables: vendas)`);
    expect(await query(warehouse, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`)).toEqual([{ table_name: 'vendas' }]);
  });

  it('refuses a CSV file whose first line names no field, and loads nothing from it', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = join(dir, 'no-header.csv');
    await writeFile(file, 'vivo,r1,inbound,answered,2026-11-20T10:00:00Z,a1\nvivo,r2,inbound,answered,2026-11-20T11:00:00Z,a1\n');
    const summary = await importLegs({ warehouse, config: config(), files: [{ path: file }], io: memoryIo(FIXED_NOW) });
    expect(summary).toMatchObject({ read: 0, loaded: 0, rejected: 0 });
    expect(summary.unreadable).toEqual([{ path: file, reason: expect.stringContaining('the first line names none of the call-leg fields') }]);
  });

  it('keeps the source and location a record carries in its file (CSV, Parquet), e.g. a queue_log line', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const csv = join(dir, 'mapped.csv');
    const header = `operator,call_id,direction,status,started_at,agent_id,${SOURCE_FIELD},${LOCATION_FIELD}`;
    await writeFile(csv, [
      header,
      'vivo,1,inbound,answered,2026-11-20T10:00:00Z,a1,pbx,queue_log line 7',
      'vivo,2,inbound,answered,2026-11-20T10:05:00Z,,pbx,queue_log line 9',
      'vivo,3,inbound,answered,2026-11-20T10:09:00Z,a1,,',
    ].join('\n'));
    const parquet = join(dir, 'mapped.parquet');
    const scratch = await DuckDBInstance.create(':memory:');
    const connection = await scratch.connect();
    await connection.run(`COPY (SELECT 'vivo' AS operator, '4' AS call_id, 'inbound' AS direction, 'abandoned' AS status,
      '2026-11-20T11:00:00Z' AS started_at, 'cdr' AS ${SOURCE_FIELD}, 'Master.csv line 3' AS ${LOCATION_FIELD}) TO '${parquet}' (FORMAT parquet)`);
    connection.closeSync();
    scratch.closeSync();
    expect(await importInto(warehouse, [csv, parquet])).toMatchObject({ loaded: 3, rejected: 1 });
    expect(await query(warehouse, 'SELECT call_id, source, location FROM legs ORDER BY call_id')).toEqual([
      { call_id: '1', source: 'pbx', location: 'queue_log line 7' },
      { call_id: '3', source: csv, location: 'row 3' },
      { call_id: '4', source: 'cdr', location: 'Master.csv line 3' },
    ]);
    expect(await query(warehouse, 'SELECT source, location FROM rejected_legs')).toEqual([{ source: 'pbx', location: 'queue_log line 9' }]);
  });

  it('reports files it cannot read and still loads the others', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const good = await writeCsv(join(dir, 'good.csv'), [leg({ call_id: '1', started_at: '2026-11-20T10:00:00Z' })]);
    const io = memoryIo(FIXED_NOW);
    const summary = await importLegs({ warehouse, config: config(), files: [{ path: join(dir, 'missing.csv') }, { path: join(dir, 'notes.txt') }, { path: good }], io });
    expect(summary.loaded).toBe(1);
    expect(summary.unreadable.map((u) => u.reason)).toEqual(['file not found', expect.stringContaining('unknown file type')]);
    expect(io.lines.some((line) => line.includes('missing.csv') && line.includes('file not found'))).toBe(true);
  });

  it('reads a file that mixes CRLF and LF line endings (a Windows export with rows appended on Linux), and says why when a CR stands inside a value', async () => {
    const dir = await scratchDir();
    const header = 'operator,call_id,direction,status,started_at,agent_id,reason';
    const record = (call: number, reason: string) => `vivo,r${call},inbound,answered,2026-11-20T1${call}:00:00Z,a1,${reason}`;
    const mixed = join(dir, 'mixed.csv.gz');
    await writeFile(mixed, gzipSync(`${header}\r\n${record(1, '"Sem sinal\r\ndesde ontem"')}\r\n${record(2, 'Fatura')}\r\n${record(3, 'Fatura,extra')}\n\n${record(4, 'Fatura')}\n`));
    const torn = join(dir, 'torn.csv');
    await writeFile(torn, `${header}\n${record(5, 'Sem\rsinal')}\n${record(6, 'Fatura')}\r\n`);
    const warehouse = join(dir, 'w.duckdb');
    const io = memoryIo(FIXED_NOW);
    const summary = await importLegs({ warehouse, config: config(), files: [{ path: mixed }, { path: torn }], io });
    expect(summary).toMatchObject({ read: 4, loaded: 3, rejected: 1 });
    expect(summary.unreadable).toEqual([{ path: torn, reason: expect.stringContaining('a carriage return (CR) inside a value that is not quoted') }]);
    expect(io.lines).toContain(`import: ${mixed} mixes CRLF and LF line endings, read with LF`);
    expect(await query(warehouse, 'SELECT call_id, location, reason FROM legs ORDER BY call_id')).toEqual([
      { call_id: 'r1', location: 'row 1', reason: 'Sem sinal\ndesde ontem' },
      { call_id: 'r2', location: 'row 2', reason: 'Fatura' },
      { call_id: 'r4', location: 'row 4', reason: 'Fatura' },
    ]);
    expect(await query(warehouse, 'SELECT source, location, raw_payload FROM rejected_legs')).toEqual([{ source: mixed, location: 'line 5', raw_payload: record(3, 'Fatura,extra') }]);
  });

  it('reads every record after a quote that never closes in a file bigger than the reader\'s buffer', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'big.csv');
    const records = 400_000; // 46 MB: more than one 32 MB read buffer
    const lines = ['operator,call_id,direction,status,started_at,agent_id,reason,talk_seconds'];
    for (let n = 1; n <= records; n += 1) {
      lines.push(`vivo,c${n},inbound,answered,2026-11-20T10:00:00Z,a${n % 97},${n === 100 ? '"Cliente disse que não' : 'Sem sinal desde ontem à noite, cliente pede visita técnica'.replace(',', ';')},${n % 600}`);
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    const warehouse = join(dir, 'big.duckdb');
    // DuckDB gives the line before the quote as the rejected text, and the buffer's end as the
    // quote's place; taking that place for the quote's line lost every record in between (here,
    // all but the first 99).
    expect(await importInto(warehouse, [file])).toMatchObject({ read: records, loaded: records - 1, rejected: 1 });
    expect(await query(warehouse, 'SELECT location, raw_payload FROM rejected_legs')).toEqual([{ location: 'line 101', raw_payload: lines[100] }]);
    expect(await query(warehouse, 'SELECT count(*) AS legs, count(*) FILTER (WHERE location = \'row \' || substr(call_id, 2)) AS numbered FROM legs'))
      .toEqual([{ legs: BigInt(records - 1), numbered: BigInt(records - 1) }]);
  });

  it('quarantines a quote that runs over 10,000 bytes of accented text, where DuckDB cuts the text it rejects inside a character', async () => {
    const dir = await scratchDir();
    const header = 'operator,call_id,direction,status,started_at,agent_id,reason';
    let call = 0;
    const record = (reason: string) => `vivo,c${++call},inbound,answered,2026-11-20T10:00:00Z,a1,${reason}`;
    // The quote of line 3 (or 2) runs to line 104 (103): DuckDB keeps the first 10,000 bytes of
    // that text, and one pad or the other ends them inside a `ç`. After a rejected text with an
    // accent (line 2), DuckDB stores the broken text and its string functions never return on it;
    // without one, it fails the whole read.
    const file = async (name: string, pad: number, accentedReject: boolean) => {
      call = 0;
      const lines = [header, ...(accentedReject ? [record('Não,liga')] : []), record(`"Cliente ${'x'.repeat(pad)}não quer`)];
      for (let i = 0; i < 100; i += 1) lines.push(record(`Reclamação ${'ç'.repeat(40)}`));
      lines.push(record('Sem sinal'), record('"Cliente'), record('Sem sinal'));
      await writeFile(join(dir, name), `${lines.join('\n')}\n`);
      return { path: join(dir, name), lines };
    };
    for (const [pad, accentedReject] of [[6, true], [7, true], [6, false], [7, false]] as const) {
      const { path, lines } = await file(`cut-${pad}-${accentedReject}.csv`, pad, accentedReject);
      const warehouse = join(dir, `cut-${pad}-${accentedReject}.duckdb`);
      const first = accentedReject ? 3 : 2;
      const summary = await importLegs({ warehouse, config: config(), files: [{ path }], io: memoryIo(FIXED_NOW) });
      expect(summary, path).toMatchObject({ read: lines.length - 1, loaded: lines.length - 1 - (accentedReject ? 3 : 2), rejected: accentedReject ? 3 : 2, unreadable: [] });
      expect(await query(warehouse, 'SELECT location, raw_payload FROM rejected_legs ORDER BY length(location), location'), path).toEqual([
        ...(accentedReject ? [{ location: 'line 2', raw_payload: lines[1] }] : []),
        { location: `line ${first}`, raw_payload: lines[first - 1] },
        { location: `line ${first + 102}`, raw_payload: lines[first + 101] },
      ]);
      expect(await query(warehouse, 'SELECT count(*) AS legs, count(*) FILTER (WHERE reason LIKE \'Reclamação ç%\') AS accented FROM legs'), path).toEqual([{ legs: BigInt(lines.length - 1 - (accentedReject ? 3 : 2)), accented: 100n }]);
    }
  });

  it('reads a file whose name holds glob characters as that one file (DuckDB\'s readers would expand them)', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const legsOf = (prefix: string) => [leg({ call_id: `${prefix}-1`, started_at: '2026-11-20T10:00:00Z' })];
    // Each neighbour matches its file's name read as a glob, and must not be read.
    await writeCsv(join(dir, 'calls1.csv'), legsOf('neighbour-csv'));
    await writeJsonl(join(dir, 'callsXjsonl.jsonl'), legsOf('neighbour-jsonl'));
    const parquetSource = await writeCsv(join(dir, 'parquet-source.csv'), legsOf('parquet'));
    const parquetWarehouse = join(dir, 'p.duckdb');
    await importInto(parquetWarehouse, [parquetSource]);
    await exportLegsAsParquet(parquetWarehouse, join(dir, 'px.parquet'));
    await exportLegsAsParquet(parquetWarehouse, join(dir, 'p?.parquet'));
    const files = [
      await writeCsv(join(dir, 'calls[1].csv'), legsOf('csv')),
      await writeJsonl(join(dir, 'calls*jsonl.jsonl'), legsOf('jsonl')),
      join(dir, 'p?.parquet'),
    ];
    // A name with a backslash as well cannot be read by DuckDB at all: it is reported, the others load.
    const unreadable = await writeCsv(join(dir, 'back\\slash[2].csv'), legsOf('unreadable'));
    const summary = await importLegs({ warehouse, config: config(), files: [...files, unreadable].map((path) => ({ path })), io: memoryIo(FIXED_NOW) });
    expect(summary).toMatchObject({ read: 3, loaded: 3, duplicates: 0 });
    expect(summary.unreadable).toEqual([{ path: unreadable, reason: expect.stringContaining('holds both a backslash and * ? or [; rename it') }]);
    expect(await query(warehouse, 'SELECT call_id, source FROM legs ORDER BY call_id')).toEqual([
      { call_id: 'csv-1', source: files[0] },
      { call_id: 'jsonl-1', source: files[1] },
      { call_id: 'parquet-1', source: files[2] },
    ]);
  });

  it('leaves the warehouse as it was when a load fails midway', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    await importInto(warehouse, [await writeCsv(join(dir, 'a.csv'), day('2026-11-20', 10))]);
    const before = await snapshot(warehouse);
    const next = await writeCsv(join(dir, 'b.csv'), day('2026-11-21', 10));
    // The log fails once contacts have been rebuilt, inside the load's transaction.
    const io = { now: () => FIXED_NOW, log: (line: string) => { if (line.startsWith('transform:')) throw new Error('disk full'); } };
    await expect(importLegs({ warehouse, config: config(), files: [{ path: next }], io })).rejects.toThrow('disk full');
    expect(await snapshot(warehouse)).toEqual(before);
    expect(await query(warehouse, 'SELECT count(*) AS batches FROM load_batches')).toEqual([{ batches: 1n }]);
  });
});

describe('hostile strings', () => {
  it('round-trip unchanged through import and export', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const hostile = ['Quote "double" and \'single\'', 'comma, separated', 'line\nbreak and\r\nCRLF', '<script>alert(1)</script>', 'emoji 📞🙂 e acentuação', '=HYPERLINK("http://x")', '  padded  ', 'tab\there', '\\back\\slash'];
    const legs = hostile.map((text, i) => leg({ call_id: `h${i}`, protocol: text, agent_name: text, reason: text, team: text, started_at: `2026-11-20T1${i}:00:00Z`, customer_number: `(11) 9876${i}-1234` }));
    const file = await writeCsv(join(dir, 'hostile.csv'), legs);
    const summary = await importInto(warehouse, [file]);
    expect(summary).toMatchObject({ loaded: hostile.length, rejected: 0 });

    const csvOut = join(dir, 'contacts.csv');
    const parquetOut = join(dir, 'contacts.parquet');
    await exportTable({ warehouse, config: config(), table: 'contacts', out: csvOut, io: memoryIo(FIXED_NOW) });
    await exportTable({ warehouse, config: config(), table: 'contacts', out: parquetOut, io: memoryIo(FIXED_NOW) });
    for (const out of [csvOut, parquetOut]) {
      const reader = out.endsWith('.csv') ? `read_csv('${out}', all_varchar = true, header = true, quote = '"', escape = '"', delim = ',')` : `read_parquet('${out}')`;
      const rows = await query<{ contact_key: string; agent_name: string; reason: string; team: string; protocol: string }>(warehouse, `SELECT contact_key, agent_name, reason, team, protocol FROM ${reader} ORDER BY started_at`);
      expect(rows.map((r) => r.agent_name), out).toEqual(hostile);
      expect(rows.map((r) => r.reason), out).toEqual(hostile);
      expect(rows.map((r) => r.protocol), out).toEqual(hostile);
      expect(rows.map((r) => r.contact_key), out).toEqual(hostile.map((t) => `vivo:${t}`));
    }
  });
});

describe('command line', () => {
  it('imports, prints one summary line, exports contacts and agents', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const file = await writeCsv(join(dir, 'legs.csv'), [...day('2026-11-20', 12), leg({ call_id: 'bad', started_at: 'x' })]);
    const cli = [resolve('bin/rechamadas.js')];
    const site = join(dir, 'site');
    // Run from elsewhere, as cron does: the site's render workers still find the project's packages.
    const imported = await run('node', [...cli, 'import', file, '--warehouse', warehouse, '--site', site], { cwd: dir });
    expect(imported.stdout).toBe('read 13 / loaded 12 / duplicates 0 / rejected 1\n');
    expect(imported.stderr).toMatch(/^transform: contacts \d+/m);
    // Every import ends with the site rebuilt.
    expect(await readFile(join(site, 'index.html'), 'utf8')).toContain('<html');

    const agentsOut = join(dir, 'agents.csv');
    await run('node', [...cli, 'export', 'agents', '--warehouse', warehouse, '--out', agentsOut, '--from', '2026-11-20', '--to', '2026-11-20']);
    const lines = (await readFile(agentsOut, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('agent_id,agent_name,supervisor,team,contacts,callbacks,same_day,within_3_days,over_3_days,callback_rate,fcr,fcr_yes,fcr_no,pending,aht_seconds');
    expect(lines).toHaveLength(4);
    const badDate = await run('node', [...cli, 'export', 'agents', '--warehouse', warehouse, '--out', agentsOut, '--from', '2026-02-30']).catch((error) => error);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--from must be a date as YYYY-MM-DD, got "2026-02-30"');

    // A file that cannot be read is named in the summary; the others load.
    const partly = await run('node', [...cli, 'import', file, join(dir, 'absent.csv'), '--warehouse', warehouse, '--skip-site']);
    expect(partly.stdout).toBe(`read 13 / loaded 12 / duplicates 12 / rejected 1 / unreadable 1: ${join(dir, 'absent.csv')}\n`);

    const nothing = await run('node', [...cli, 'import', join(dir, 'absent.csv'), '--warehouse', warehouse, '--skip-site']).catch((error) => error);
    expect(nothing.code).toBe(4);
    expect(nothing.stderr).toContain('absent.csv: file not found');
    expect(await query(warehouse, 'SELECT count(*) AS loads FROM load_batches')).toEqual([{ loads: 2n }]);

    // Without files, import reads the file sources of the configuration: here there are none.
    const noSources = await run('node', [...cli, 'import', '--warehouse', warehouse, '--skip-site']).catch((error) => error);
    expect(noSources.code).toBe(3);
    expect(noSources.stderr).toContain('no file sources in the configuration');

    // With a configuration file and no --site, the site goes where the daemon publishes it:
    // schedule.site, here its default, read from the file's folder like the warehouse.
    const configDir = join(dir, 'conf');
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(configDir);
    await mkdir(elsewhere);
    await writeFile(join(configDir, 'rechamadas.json'), JSON.stringify({ warehouse: 'w2.duckdb' }));
    await run('node', [...cli, 'import', file, '--config', join(configDir, 'rechamadas.json')], { cwd: elsewhere });
    expect(await readFile(join(configDir, 'site', 'index.html'), 'utf8')).toContain('<html');
    expect(await readdir(elsewhere)).toEqual([]);

    const unknown = await run('node', [...cli, 'improt', file]).catch((error) => error);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command "improt"\nusage: rechamadas <command>/);
    expect((await run('node', [...cli, '--help'])).stderr).toMatch(/^usage: rechamadas <command>/);
  });
});
