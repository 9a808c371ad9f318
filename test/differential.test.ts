/**
 * Differential test: a few thousand generated legs, full of edge cases, go through the real import
 * (CSV → DuckDB → warehouse/*.sql) and every SPEC §6 column of every contact is compared with the
 * independent reference in test/reference.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../pipeline/io.ts';
import { importLegs } from '../pipeline/load.ts';
import { refConfigOf } from './generated-warehouse.ts';
import { FIXED_NOW, config, importInto, query, scratchDir, writeCsv, type Leg } from './helpers.ts';
import { EXCLUDED, generateLegs } from './generate-legs.ts';
import {
  CONTACT_COLUMNS, LEG_COLUMNS, isoInstant, referenceContacts, referenceLegs, type RawLeg, type RefConfig, type RefContact,
} from './reference.ts';

// ---------------------------------------------------------------------------------------------
// Comparing

type Row = Record<string, unknown>;

function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && 'toString' in value) return String(value);
  return value;
}

function actualRow(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const column of columns) out[column] = normalize(row[column]);
  out.started_at = isoInstant(Number(row.started_us));
  // ddd is compared as text: the SPEC does not fix its type.
  if (typeof out.ddd === 'number') out.ddd = String(out.ddd);
  return out;
}

interface Difference {
  key: string;
  columns: Record<string, { sql: unknown; reference: unknown }>;
}

/** Row by row, column by column: what differs, keyed by `keyOf` (contact_key, or operator/call_id). */
function differences(actual: Row[], expected: Row[], columns: readonly string[], keyOf: (row: Row) => string): Difference[] {
  const byKey = new Map(actual.map((row) => [keyOf(row), row]));
  const found: Difference[] = [];
  for (const want of expected) {
    const key = keyOf(want);
    const got = byKey.get(key);
    byKey.delete(key);
    const differing: Difference['columns'] = {};
    for (const column of columns) {
      const sql = got ? got[column] : '(no such row)';
      if (sql !== want[column]) differing[column] = { sql, reference: want[column] };
    }
    if (Object.keys(differing).length) found.push({ key, columns: differing });
  }
  for (const [key] of byKey) found.push({ key, columns: { '(row)': { sql: key, reference: '(no such row)' } } });
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const contactKeyOf = (row: Row) => row.contact_key as string;
const legKeyOf = (row: Row) => `${row.operator as string}/${row.call_id as string}`;

async function contactsIn(warehouse: string, cfg: ReturnType<typeof config>): Promise<Row[]> {
  const rows = await query<Row>(warehouse, `
    SELECT * REPLACE (CAST(local_date AS VARCHAR) AS local_date), epoch_us(started_at) AS started_us
    FROM contacts`, cfg);
  return rows.map((row) => actualRow(row, CONTACT_COLUMNS));
}

async function legsIn(warehouse: string, cfg: ReturnType<typeof config>): Promise<Row[]> {
  const rows = await query<Row>(warehouse, `SELECT ${LEG_COLUMNS.join(', ')}, epoch_us(started_at) AS started_us FROM legs`, cfg);
  return rows.map((row) => actualRow(row, LEG_COLUMNS));
}


/** How many contacts differ in each set of columns, with a few examples of each. */
function summarize(found: Difference[], of: number) {
  const byColumns: Record<string, number> = {};
  const examples: Difference[] = [];
  for (const difference of found) {
    const columns = Object.keys(difference.columns).join(',');
    byColumns[columns] = (byColumns[columns] ?? 0) + 1;
    if (byColumns[columns]! <= 3 && examples.length < 24) examples.push(difference);
  }
  return { differing: found.length, of, byColumns, examples };
}

// ---------------------------------------------------------------------------------------------

interface Case extends Omit<LoadOptions, 'split'> {
  name: string;
  seed: number;
  overrides: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'default config', seed: 1, overrides: {} },
  { name: "attribution 'previous', contacts built in small chunks", seed: 2, legsPerChunk: 97, overrides: { attribution: 'previous' } },
  { name: 'callbackWindowDays 1, shortCallSeconds 45', seed: 3, overrides: { callbackWindowDays: 1, shortCallSeconds: 45 } },
  {
    // Lord Howe Island moves its clocks by 30 minutes, in the middle of a UTC hour.
    name: 'excluded numbers, a half-hour DST zone, a 3-day window, incremental loads, contacts built in chunks',
    seed: 4, legsPerChunk: 300, incremental: true,
    overrides: { excludedNumbers: EXCLUDED, timezone: 'Australia/Lord_Howe', callbackWindowDays: 3 },
  },
];

/** DIFFERENTIAL_SEEDS=n runs every case with n more seeds (exploration; the default run stays fast). */
const extraSeeds = Number(process.env.DIFFERENTIAL_SEEDS ?? 0);
const ALL_CASES = CASES.flatMap((testCase) => [
  testCase,
  ...Array.from({ length: extraSeeds }, (_, n) => ({ ...testCase, name: `${testCase.name} (seed ${100 + n})`, seed: 100 + n })),
]);

interface LoadOptions {
  /** The legs go to two CSV files, split here; the second file is loaded later. */
  split?: number;
  /** Builds contacts in chunks of about this many legs. */
  legsPerChunk?: number;
  /** One import per file, then the first file imported again (its records are then the latest loaded). */
  incremental?: boolean;
}

/** Loads the legs and compares the warehouse's `legs` and `contacts` with the reference. */
async function compareWithReference(legs: Leg[], cfg: ReturnType<typeof config>, options: LoadOptions = {}): Promise<RefContact[]> {
  const refConfig = refConfigOf(cfg);
  const split = options.split ?? legs.length;
  const dir = await scratchDir();
  const warehouse = join(dir, 'w.duckdb');
  const parts = [legs.slice(0, split), legs.slice(split)].filter((part) => part.length > 0);
  const files = await Promise.all(parts.map((part, index) => writeCsv(join(dir, `legs-${index + 1}.csv`), part)));
  const loads = options.incremental ? [[0], [1], [0]].filter(([index]) => index! < files.length) : [files.map((_, index) => index)];
  const loaded: Leg[] = [];
  for (const load of loads) {
    const paths = load.map((index) => files[index]!);
    const summary = options.legsPerChunk
      ? await importLegs({ warehouse, config: cfg, files: paths.map((path) => ({ path })), io: memoryIo(FIXED_NOW), legsPerChunk: options.legsPerChunk })
      : await importInto(warehouse, paths, cfg);
    const records = load.flatMap((index) => parts[index]!);
    expect(summary, 'every generated record is valid').toMatchObject({ read: records.length, loaded: records.length, rejected: 0 });
    loaded.push(...records);
  }

  // The legs first (duplicates, customer keys): a difference there explains the contacts'.
  const expectedLegs = referenceLegs(loaded as RawLeg[], refConfig);
  const legDifferences = differences(await legsIn(warehouse, cfg), expectedLegs, LEG_COLUMNS, legKeyOf);
  expect(summarize(legDifferences, expectedLegs.length), 'legs differing from the reference (sql vs reference, by operator/call_id)')
    .toEqual({ differing: 0, of: expectedLegs.length, byColumns: {}, examples: [] });

  const expected = referenceContacts(loaded as RawLeg[], refConfig);
  const found = differences(await contactsIn(warehouse, cfg), expected as unknown as Row[], CONTACT_COLUMNS, contactKeyOf);
  expect(summarize(found, expected.length), 'contacts differing from the reference (sql vs reference, by contact_key)')
    .toEqual({ differing: 0, of: expected.length, byColumns: {}, examples: [] });
  return expected;
}

describe('contacts against the independent reference (SPEC §1–4, §6)', () => {
  for (const testCase of ALL_CASES) {
    it(testCase.name, async () => {
      const cfg = config(testCase.overrides);
      const { legs, split } = generateLegs(testCase.seed, cfg.timezone, cfg.callbackWindowDays);
      const expected = await compareWithReference(legs, cfg, { split, legsPerChunk: testCase.legsPerChunk, incremental: testCase.incremental });
      if (testCase.seed < 100) assertCoverage(expected, refConfigOf(cfg));
    });
  }
});

describe('blank values (docs/decisions.md "Blank is missing")', () => {
  it('stores whitespace-only names, team, queue and reason as absent (NULL)', async () => {
    const base: Leg = { operator: 'vivo', direction: 'inbound', status: 'answered', customer_number: '(11) 98765-4321', agent_id: 'a1', talk_seconds: 60 };
    await compareWithReference([
      { ...base, call_id: '1', started_at: '2026-11-02T09:00:00-03:00', agent_name: '  ', supervisor: '\t', team: ' ', queue: '  ', reason: '   ' },
      { ...base, call_id: '2', started_at: '2026-11-02T10:00:00-03:00', agent_name: 'Ana', reason: 'Sem sinal' },
    ], config());
  });
});

/** The generated data must actually reach the edge cases it was written for. */
function assertCoverage(contacts: RefContact[], cfg: RefConfig): void {
  const W = cfg.callbackWindowDays * 86_400;
  const count = (predicate: (c: RefContact) => boolean) => contacts.filter(predicate).length;
  const seen = {
    gapExactlyW: count((c) => c.gap_seconds === W && c.is_callback === true),
    gapWPlus1: count((c) => c.gap_seconds === W + 1 && c.is_callback === false),
    gapWMinus1: count((c) => c.gap_seconds === W - 1 && c.is_callback === true),
    gapSubSecondOverW: count((c) => c.gap_seconds !== null && c.gap_seconds > W && c.gap_seconds < W + 1),
    tie: count((c) => c.gap_seconds === 0),
    sameDay: count((c) => c.bucket === 'same_day'),
    within3: count((c) => c.bucket === 'within_3_days'),
    over3: count((c) => c.bucket === 'over_3_days'),
    short: count((c) => c.cause === 'short'),
    transferred: count((c) => c.cause === 'transferred'),
    unknown: count((c) => c.cause === 'unknown'),
    sameReason: count((c) => c.cause === 'same_reason'),
    differentReason: count((c) => c.cause === 'different_reason'),
    resolvedNo: count((c) => c.resolved === 'no'),
    resolvedYes: count((c) => c.resolved === 'yes'),
    pending: count((c) => c.resolved === 'pending'),
    international: count((c) => c.region === 'Internacional' && c.eligible),
    unidentified: count((c) => c.direction === 'inbound' && c.answered && c.customer_key === null),
    abandoned: count((c) => !c.answered),
    outbound: count((c) => c.direction === 'outbound'),
    multiLeg: count((c) => c.legs > 2),
    longEpisode: count((c) => c.is_callback === true && c.origin_contact_key !== c.prev_contact_key),
  };
  const missing = Object.entries(seen).filter(([, n]) => n === 0).map(([name]) => name);
  expect(missing, `generator never produced: ${missing.join(', ')}`).toEqual([]);
}
