/**
 * Differential test for SPEC §5 per agent: the legs of test/generate-legs.ts go through the real
 * import, `rechamadas export agents` (pipeline/export.ts `exportTable`) writes its CSV, and every
 * column of every row is compared with the independent reference in test/reference-kpis.ts, for the
 * whole warehouse and for sub-ranges, under both attribution policies.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Config } from '../pipeline/config.ts';
import { exportTable } from '../pipeline/export.ts';
import { memoryIo } from '../pipeline/io.ts';
import { FIXED_NOW, config, importInto, scratchDir, writeCsv } from './helpers.ts';
import { offsetChanges } from './generate-legs.ts';
import { loadedForBlock, loadGenerated } from './generated-warehouse.ts';
import { localDate, type Leg, type RefContact } from './reference.ts';
import { AGENT_KPI_COLUMNS, inPeriod, legLocalDate, referenceAgentKpis, type AgentKpiRow, type Period } from './reference-kpis.ts';

const TOLERANCE = 1e-9;
const RATIOS = new Set<string>(['callback_rate', 'fcr', 'aht_seconds']);
const COUNTS = new Set<string>(['contacts', 'callbacks', 'same_day', 'within_3_days', 'over_3_days', 'fcr_yes', 'fcr_no', 'pending']);

type CsvRow = Record<string, string>;
type Value = string | number | null;

/** A CSV cell as a value: empty is NULL (the warehouse stores no blank text, docs/decisions.md). */
function cell(column: string, text: string | undefined): Value {
  if (text === undefined || text === '') return null;
  return COUNTS.has(column) || RATIOS.has(column) ? Number(text) : text;
}

function same(column: string, sql: Value, reference: Value): boolean {
  if (sql === null || reference === null) return sql === reference;
  if (RATIOS.has(column)) return typeof sql === 'number' && typeof reference === 'number' && Math.abs(sql - reference) <= TOLERANCE;
  return sql === reference;
}

interface Difference {
  agent_id: string;
  columns: Record<string, { sql: Value; reference: Value }>;
}

function differences(csvRows: CsvRow[], expected: AgentKpiRow[]): Difference[] {
  const found: Difference[] = [];
  const byAgent = new Map<string, CsvRow>();
  for (const row of csvRows) {
    const agent = row.agent_id ?? '';
    if (byAgent.has(agent)) found.push({ agent_id: agent, columns: { '(row)': { sql: 'duplicate row', reference: 'one row' } } });
    byAgent.set(agent, row);
  }
  for (const want of expected) {
    const got = byAgent.get(want.agent_id);
    byAgent.delete(want.agent_id);
    const columns: Difference['columns'] = {};
    for (const column of AGENT_KPI_COLUMNS) {
      const sql = got ? cell(column, got[column]) : '(no such row)';
      if (!same(column, sql, want[column])) columns[column] = { sql, reference: want[column] };
    }
    if (Object.keys(columns).length) found.push({ agent_id: want.agent_id, columns });
  }
  for (const agent of byAgent.keys()) found.push({ agent_id: agent, columns: { '(row)': { sql: agent, reference: '(no such row)' } } });
  return found;
}

// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  seed: number;
  overrides: Record<string, unknown>;
  /** The DST ranges must reach callbacks charged across the bound and legs dated across it (Brazil's 2018 DST, midnight changes). */
  dstCoverage?: boolean;
}

const CASES: Case[] = [
  { name: "attribution 'origin' (America/Sao_Paulo)", seed: 1, overrides: { attribution: 'origin' }, dstCoverage: true },
  { name: "attribution 'previous' (America/Sao_Paulo)", seed: 1, overrides: { attribution: 'previous' }, dstCoverage: true },
  // Lord Howe Island: +10:30/+11, the offset changes at 02:00 local, mid-UTC-hour.
  { name: "attribution 'previous', Australia/Lord_Howe, 3-day window", seed: 4, overrides: { attribution: 'previous', timezone: 'Australia/Lord_Howe', callbackWindowDays: 3 } },
];

/** KPI_SEEDS=n runs every case with n more seeds (exploration; the default run stays fast). */
const extraSeeds = Number(process.env.KPI_SEEDS ?? 0);
const ALL_CASES = CASES.flatMap((testCase) => [
  testCase,
  ...Array.from({ length: extraSeeds }, (_, n) => ({ ...testCase, name: `${testCase.name} (seed ${100 + n})`, seed: 100 + n })),
]);

const DAY_MS = 86_400_000;

type RangeName = 'whole warehouse' | 'single day' | 'DST edge' | 'DST span' | 'pending day';

interface Loaded {
  dir: string;
  warehouse: string;
  cfg: Config;
  legs: Leg[];
  contacts: RefContact[];
  ranges: Record<RangeName, Period>;
}


async function load(testCase: Case): Promise<Loaded> {
  const cfg = config(testCase.overrides);
  const partial: Omit<Loaded, 'ranges'> = { ...(await loadGenerated(testCase.seed, cfg)), cfg };
  return { ...partial, ranges: chooseRanges(partial) };
}

/**
 * The periods compared, chosen from the data so that they reach the edge cases:
 * - single day: a day with a callback charged to a contact of an earlier day, a row with callbacks but
 *   no contacts, a row with answered legs only, and an answered leg dated on another day than its
 *   contact (most such callbacks; ties: earliest);
 * - DST edge: the day before and the day of the generator's first offset change in 2018
 *   (America/Sao_Paulo: 2018-11-03..04, around the local midnight that does not exist);
 * - DST span: from the day of that change to the day of the next one, both edges as bounds
 *   (America/Sao_Paulo: 2018-11-04..2019-02-16, the day with 23:00–23:59 twice);
 * - pending day: the first day where an agent has contacts but only pending ones (fcr null).
 */
function chooseRanges(loaded: Omit<Loaded, 'ranges'>): Record<RangeName, Period> {
  const tz = loaded.cfg.timezone;
  const days = [...new Set(loaded.contacts.map((c) => c.local_date))].sort();
  const scored = days.map((day) => {
    const period = { from: day, to: day };
    const f = features(loaded, period, referenceAgentKpis(loaded.legs, loaded.contacts, tz, period));
    return { day, f, ok: f.rowsOnlyByLegs > 0 && f.rowsWithoutContacts > f.rowsOnlyByLegs && f.legsAcrossBound > 0 && f.attributedBefore > 0 };
  });
  const single = [...scored].sort((a, b) => Number(b.ok) - Number(a.ok) || b.f.attributedBefore - a.f.attributedBefore || (a.day < b.day ? -1 : 1))[0]!.day;
  // From the contacts, not the reference's fcr, so that a broken reference still compares the same day.
  const resolvedByDayAgent = new Map<string, Set<string | null>>();
  for (const c of loaded.contacts) {
    if (!c.eligible) continue;
    const key = `${c.local_date} ${c.agent_id}`;
    resolvedByDayAgent.set(key, (resolvedByDayAgent.get(key) ?? new Set()).add(c.resolved));
  }
  const pending = [...resolvedByDayAgent].filter(([, resolved]) => resolved.size === 1 && resolved.has('pending'))
    .map(([key]) => key.slice(0, 10)).sort()[0] ?? days.at(-1)!;
  const changes = offsetChanges(tz, Date.parse('2018-10-01T00:00:00Z'), Date.parse('2019-03-01T00:00:00Z'))
    .concat(offsetChanges(tz, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')));
  const dateAt = (ms: number) => localDate(ms * 1000, tz);
  const [first, second] = [changes[0]!, changes[1]!];
  return {
    'whole warehouse': {},
    'single day': { from: single, to: single },
    'DST edge': { from: dateAt(first - DAY_MS), to: dateAt(first) },
    'DST span': { from: dateAt(first), to: dateAt(second) },
    'pending day': { from: pending, to: pending },
  };
}

/** How often the data reaches the rules a broken export (or reference) would get wrong, in a period. */
function features(loaded: Omit<Loaded, 'ranges'>, period: Period, rows: AgentKpiRow[]) {
  const contacts = loaded.contacts.filter((c) => inPeriod(c.local_date, period));
  const dateOf = new Map(loaded.contacts.map((c) => [c.contact_key, c.local_date]));
  const ownAgentCharge = new Map<string, number>();
  for (const c of contacts) if (c.is_callback) ownAgentCharge.set(c.agent_id!, (ownAgentCharge.get(c.agent_id!) ?? 0) + 1);
  return {
    // Charging the callback's own agent instead of the attributed one would change these rows.
    attributionMatters: rows.filter((r) => (ownAgentCharge.get(r.agent_id) ?? 0) !== r.callbacks).length,
    // Counting pending in the fcr denominator would change these rows.
    pendingBesideFcr: rows.filter((r) => r.pending > 0 && r.fcr_yes > 0).length,
    fcrNull: rows.filter((r) => r.contacts > 0 && r.fcr === null).length,
    rowsWithoutContacts: rows.filter((r) => r.contacts === 0).length,
    rowsOnlyByLegs: rows.filter((r) => r.contacts === 0 && r.callbacks === 0).length,
    sameDay: rows.filter((r) => r.same_day > 0).length,
    within3: rows.filter((r) => r.within_3_days > 0).length,
    over3: rows.filter((r) => r.over_3_days > 0).length,
    // Callbacks in P whose attributed contact is dated before P.
    attributedBefore: contacts.filter((c) => c.is_callback && period.from !== undefined && dateOf.get(c.attributed_contact_key!)! < period.from).length,
    // Answered legs whose own local date is on the other side of a bound from their contact's.
    legsAcrossBound: loaded.legs.filter((leg) => {
      if (leg.status !== 'answered') return false;
      const contactDate = dateOf.get(`${leg.operator}:${leg.protocol ?? leg.call_id}`)!;
      return inPeriod(legLocalDate(leg, loaded.cfg.timezone), period) !== inPeriod(contactDate, period);
    }).length,
    fractionalAht: rows.filter((r) => r.aht_seconds !== null && r.aht_seconds % 1 !== 0).length,
  };
}
type Feature = keyof ReturnType<typeof features>;

/** What each period must reach (for the seeds of CASES; extra seeds only explore). */
const REQUIRED: Record<RangeName, Feature[]> = {
  'whole warehouse': ['attributionMatters', 'pendingBesideFcr', 'sameDay', 'within3', 'over3', 'fractionalAht'],
  'single day': ['attributionMatters', 'rowsWithoutContacts', 'rowsOnlyByLegs', 'attributedBefore', 'legsAcrossBound'],
  'DST edge': [],
  'DST span': [],
  'pending day': ['fcrNull'],
};

async function exportAgents(loaded: Loaded, period: Period): Promise<CsvRow[]> {
  const out = join(await scratchDir(), 'agents.csv');
  await exportTable({ warehouse: loaded.warehouse, config: loaded.cfg, table: 'agents', out, ...period, io: memoryIo(FIXED_NOW) });
  const text = await readFile(out, 'utf8');
  const header = text.slice(0, text.indexOf('\n')).trim().split(',');
  expect(header, 'the export columns, in the issue order').toEqual([...AGENT_KPI_COLUMNS]);
  return parse(text, { columns: true, skip_empty_lines: true }) as CsvRow[];
}

const DST_REQUIRED: Feature[] = ['attributionMatters', 'attributedBefore', 'legsAcrossBound'];

async function compare(loaded: Loaded, range: RangeName, testCase: Case): Promise<void> {
  const period = loaded.ranges[range];
  const label = `${range} ${JSON.stringify(period)}, attribution '${loaded.cfg.attribution}', ${loaded.cfg.timezone}`;
  const expected = referenceAgentKpis(loaded.legs, loaded.contacts, loaded.cfg.timezone, period);
  expect(expected.length, `${label}: the period has agents`).toBeGreaterThan(0);
  const found = differences(await exportAgents(loaded, period), expected);
  expect(found, `agents differing from the reference (sql vs reference), ${label}`).toEqual([]);
  if (testCase.seed < 100) {
    const reached = features(loaded, period, expected);
    // With 'previous' and a window of 3 days or less, a callback is 4 calendar days after its attributed contact only
    // across a forward clock change, which the data need not reach.
    const impossible = loaded.cfg.attribution === 'previous' && loaded.cfg.callbackWindowDays <= 3 ? ['over3'] : [];
    const required = testCase.dstCoverage && range.startsWith('DST') ? DST_REQUIRED : REQUIRED[range];
    const missing = required.filter((feature) => reached[feature] === 0 && !impossible.includes(feature));
    expect(missing, `${label}: the data never reaches`).toEqual([]);
  }
}

describe('agents export against the independent reference (SPEC §5)', () => {
  for (const testCase of ALL_CASES) {
    describe(testCase.name, () => {
      const loaded = loadedForBlock(() => load(testCase));
      for (const range of ['whole warehouse', 'single day', 'DST edge', 'DST span', 'pending day'] as const) {
        it(range, async () => {
          await compare(loaded(), range, testCase);
        });
      }
    });
  }
});

describe('agent profile (docs/decisions.md "KPIs")', () => {
  it('breaks a tie on start and call_id by operator', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    const shared = { call_id: 'x1', direction: 'inbound', status: 'answered', started_at: '2026-11-02T09:00:00-03:00', customer_number: '(11) 98765-4321', agent_id: 'a1' };
    await importInto(warehouse, [await writeCsv(join(dir, 'legs.csv'), [
      { ...shared, operator: 'claro', agent_name: 'Ana (claro)', team: 'Equipe C' },
      { ...shared, operator: 'vivo', agent_name: 'Ana (vivo)', team: 'Equipe V' },
    ])]);
    const out = join(dir, 'agents.csv');
    await exportTable({ warehouse, config: config(), table: 'agents', out, io: memoryIo(FIXED_NOW) });
    const [row] = parse(await readFile(out, 'utf8'), { columns: true }) as CsvRow[];
    expect([row!.agent_name, row!.team]).toEqual(['Ana (vivo)', 'Equipe V']);
  });
});
