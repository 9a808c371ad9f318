/**
 * Differential test for SPEC §5 per group, as the dashboard computes it: the legs of
 * test/generate-legs.ts go through the real import, the warehouse is opened the way
 * `rechamadas build-site` opens it (pipeline/render.ts `loadSiteData`: `openSiteDb`, `runKpiModels`,
 * `registerPeriods`), and the real period queries (`groupKpis` for every dimension with the
 * previous periods, `returningCustomers`, `reasonCauses`) are compared, every count of every
 * (period, part, dimension, scope, group) row and the rates derived from them, with the independent
 * reference in test/reference-groups.ts. Periods: the site's own (`buildPeriods` from the
 * watermark's local date: last day, 7 and 30 days, month to date, 12 complete months, each with its
 * previous period), the whole range of the data, Brazil's 2018 DST change and a single day with
 * callbacks charged to earlier days.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../pipeline/config.ts';
import { openSiteDb, runKpiModels, type SiteDb } from '../pipeline/render/db.ts';
import { addDays, buildPeriods, localDate as siteLocalDate, type Period } from '../pipeline/render/periods.ts';
import { MEASURES, groupKpis, reasonCauses, registerPeriods, returningCustomers, warehouseMeta, type Dimension } from '../pipeline/render/queries.ts';
import { config } from './helpers.ts';
import { loadedForBlock, loadGenerated } from './generated-warehouse.ts';
import type { Leg, RefContact } from './reference.ts';
import { legLocalDate } from './reference-kpis.ts';
import {
  DIMENSIONS, GROUP_COUNTS, GROUP_RATIOS, referenceGroupKpis, referenceReasonCauses, referenceReturning,
  type DatePeriod, type GroupKpiRow,
} from './reference-groups.ts';

const TOLERANCE = 1e-9;

interface Case {
  name: string;
  seed: number;
  overrides: Record<string, unknown>;
}

const BASE_CASES: Case[] = [
  { name: "attribution 'origin', America/Sao_Paulo", seed: 1, overrides: { attribution: 'origin' } },
  { name: "attribution 'previous', Australia/Lord_Howe, 3-day window", seed: 4, overrides: { attribution: 'previous', timezone: 'Australia/Lord_Howe', callbackWindowDays: 3 } },
];
/** GROUP_SEEDS=n runs every case with n more seeds (exploration; the default run stays fast). */
const extraSeeds = Number(process.env.GROUP_SEEDS ?? 0);
const CASES = BASE_CASES.flatMap((testCase) => [
  testCase,
  ...Array.from({ length: extraSeeds }, (_, n) => ({ ...testCase, name: `${testCase.name} (seed ${100 + n})`, seed: 100 + n })),
]);

interface Loaded {
  dir: string;
  cfg: Config;
  legs: Leg[];
  contacts: RefContact[];
  periods: Period[];
  sql: {
    groups: Map<string, Record<string, number>>;
    returning: Map<string, { customers: number; returning: number }>;
    causes: Map<string, number>;
  };
}


const key = (...parts: string[]) => JSON.stringify(parts);

/** A single day with the most callbacks charged to contacts of earlier days (ties: earliest). */
function chargedAcrossDays(contacts: RefContact[]): string {
  const dateOf = new Map(contacts.map((c) => [c.contact_key, c.local_date]));
  const counts = new Map<string, number>();
  for (const c of contacts) {
    if (c.is_callback && dateOf.get(c.attributed_contact_key!)! < c.local_date) counts.set(c.local_date, (counts.get(c.local_date) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

/** The periods compared: the site's, then whole range, DST and a single day (with their previous periods). */
function periodsOf(lastDay: string, contacts: RefContact[], legs: Leg[], timeZone: string): Period[] {
  const dates = [...contacts.map((c) => c.local_date), ...legs.map((leg) => legLocalDate(leg, timeZone))].sort();
  const [first, last] = [dates[0]!, dates.at(-1)!];
  const single = chargedAcrossDays(contacts);
  const custom = (id: string, from: string, to: string, previous: DatePeriod): Period => ({ id, label: id, from, to, previous });
  return [
    ...buildPeriods(lastDay, { rollingPeriods: ['ultimo-dia', '7-dias', '30-dias', 'mes-atual'], completeMonths: 12 }),
    custom('whole', first, last, { from: addDays(first, -30), to: addDays(first, -1) }),
    custom('dst-2018', '2018-11-03', '2018-11-04', { from: '2018-11-01', to: '2018-11-02' }),
    custom('single', single, single, { from: addDays(single, -1), to: addDays(single, -1) }),
  ];
}

async function querySite(db: SiteDb) {
  const groups = new Map<string, Record<string, number>>();
  for (const dimension of DIMENSIONS) {
    for (const row of await groupKpis(db, dimension as Dimension, true)) {
      const k = key(row.period_id, row.part, dimension, row.scope, row.group_key);
      expect(groups.has(k), `one row per ${k}`).toBe(false);
      groups.set(k, Object.fromEntries(MEASURES.map((m) => [m, row[m]])));
    }
  }
  const returning = new Map<string, { customers: number; returning: number }>();
  for (const row of await returningCustomers(db)) returning.set(key(row.period_id, row.part, row.scope), { customers: row.customers, returning: row.returning });
  const causes = new Map<string, number>();
  for (const row of await reasonCauses(db)) causes.set(key(row.period_id, row.scope, row.reason_category, row.reason, row.cause), row.callbacks);
  return { groups, returning, causes };
}

async function load(testCase: Case): Promise<Loaded> {
  const cfg = config(testCase.overrides);
  const { dir, warehouse, legs, contacts } = await loadGenerated(testCase.seed, cfg);
  // As pipeline/render.ts loadSiteData does it.
  const db = await openSiteDb(warehouse, cfg.timezone);
  try {
    await runKpiModels(db);
    const meta = await warehouseMeta(db);
    const lastDay = siteLocalDate(new Date(meta.watermark!), cfg.timezone);
    const periods = periodsOf(lastDay, contacts, legs, cfg.timezone);
    await registerPeriods(db, periods);
    const sql = await querySite(db);
    return { dir, cfg, legs, contacts, periods, sql };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------

type Difference = { row: string; column: string; sql: number | null | string; reference: number | null | string };

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
/** The rates the site derives from the counts (pipeline/render/views.ts), for the rows the SQL returned. */
function sqlRatios(m: Record<string, number>): Record<(typeof GROUP_RATIOS)[number], number | null> {
  return {
    callback_rate: ratio(m.callbacks!, m.contacts!),
    fcr: ratio(m.resolved_yes!, m.resolved_yes! + m.resolved_no!),
    aht_seconds: ratio(m.handle_seconds!, m.answered_legs!),
  };
}

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= TOLERANCE);

const referenceRows = new WeakMap<Loaded, GroupKpiRow[]>();

/** The reference rows of every dimension, period and part, keyed like the SQL rows (computed once per case). */
function expectedRows(loaded: Loaded): Map<string, GroupKpiRow> {
  let rows = referenceRows.get(loaded);
  if (!rows) {
    rows = [];
    for (const period of loaded.periods) {
      for (const [part, range] of [['current', period], ['previous', period.previous]] as const) {
        for (const row of referenceGroupKpis(loaded.legs, loaded.contacts, { timeZone: loaded.cfg.timezone, reasonRules: loaded.cfg.reasonRules }, range)) {
          rows.push(Object.assign(row, { key: key(period.id, part, row.dimension, row.scope, row.group_key) }));
        }
      }
    }
    referenceRows.set(loaded, rows);
  }
  return new Map(rows.map((row) => [(row as GroupKpiRow & { key: string }).key, row]));
}

/**
 * Pairs each expected row with the SQL row of the same key: a row missing on either side is one
 * difference, and compareRow lists those among a pair's columns.
 */
function pairRows<S, W>(sqlRows: Map<string, S>, expected: Iterable<[string, W]>, compareRow: (k: string, sql: S, want: W) => Difference[]): Difference[] {
  const found: Difference[] = [];
  const unmatched = new Map(sqlRows);
  for (const [k, want] of expected) {
    const sql = unmatched.get(k);
    unmatched.delete(k);
    if (sql === undefined) found.push({ row: k, column: '(row)', sql: '(no such row)', reference: 'row' });
    else found.push(...compareRow(k, sql, want));
  }
  for (const k of unmatched.keys()) found.push({ row: k, column: '(row)', sql: 'row', reference: '(no such row)' });
  return found;
}

function compareGroups(loaded: Loaded, dimension: string): Difference[] {
  const expected = [...expectedRows(loaded)].filter(([, row]) => row.dimension === dimension);
  const got = new Map([...loaded.sql.groups].filter(([k]) => JSON.parse(k)[2] === dimension));
  return pairRows(got, expected, (k, sql, want) => {
    const found: Difference[] = [];
    for (const column of GROUP_COUNTS) if (sql[column] !== want[column]) found.push({ row: k, column, sql: sql[column]!, reference: want[column] });
    const rates = sqlRatios(sql);
    for (const column of GROUP_RATIOS) if (!close(rates[column], want[column])) found.push({ row: k, column, sql: rates[column], reference: want[column] });
    return found;
  });
}

function compareReturning(loaded: Loaded): Difference[] {
  const expected = loaded.periods.flatMap((period) => ([['current', period], ['previous', period.previous]] as const)
    .flatMap(([part, range]) => referenceReturning(loaded.contacts, range).map((want) => [key(period.id, part, want.scope), want] as [string, typeof want])));
  return pairRows(new Map(loaded.sql.returning), expected, (k, sql, want) => {
    const found: Difference[] = [];
    if (sql.customers !== want.customers) found.push({ row: k, column: 'customers', sql: sql.customers, reference: want.customers });
    if (sql.returning !== want.returning) found.push({ row: k, column: 'returning', sql: sql.returning, reference: want.returning });
    const rate = ratio(sql.returning, sql.customers);
    if (!close(rate, want.returning_customer_rate)) found.push({ row: k, column: 'returning_customer_rate', sql: rate, reference: want.returning_customer_rate });
    return found;
  });
}

function compareCauses(loaded: Loaded): Difference[] {
  const expected = loaded.periods.flatMap((period) => referenceReasonCauses(loaded.legs, loaded.contacts, loaded.cfg.reasonRules, period)
    .map((want) => [key(period.id, want.scope, want.reason_category, want.reason, want.cause), want] as [string, typeof want]));
  return pairRows(new Map(loaded.sql.causes), expected, (k, sql, want) =>
    (sql === want.callbacks ? [] : [{ row: k, column: 'callbacks', sql, reference: want.callbacks }]));
}

/** The data must reach the rules a wrong query (or reference) would get wrong. */
function coverage(loaded: Loaded) {
  const byKey = new Map(loaded.contacts.map((c) => [c.contact_key, c]));
  const callbacks = loaded.contacts.filter((c) => c.is_callback);
  const attributed = (c: RefContact) => byKey.get(c.attributed_contact_key!)!;
  const contactDate = new Map(loaded.contacts.map((c) => [c.contact_key, c.local_date]));
  return {
    chargedToOtherOperator: callbacks.filter((c) => attributed(c).operator !== c.operator).length,
    chargedToOtherQueue: callbacks.filter((c) => attributed(c).queue !== c.queue).length,
    chargedToOtherTeam: callbacks.filter((c) => attributed(c).team !== c.team).length,
    chargedToOtherReason: callbacks.filter((c) => attributed(c).reason !== c.reason).length,
    abandoned: loaded.contacts.filter((c) => c.direction === 'inbound' && !c.answered).length,
    unidentified: loaded.contacts.filter((c) => c.direction === 'inbound' && c.answered && c.customer_key === null).length,
    pending: loaded.contacts.filter((c) => c.resolved === 'pending').length,
    legsDatedElsewhere: loaded.legs.filter((leg) => leg.status === 'answered'
      && legLocalDate(leg, loaded.cfg.timezone) !== contactDate.get(`${leg.operator}:${leg.protocol ?? leg.call_id}`)).length,
    legUfDiffersFromContact: loaded.legs.filter((leg) => leg.status === 'answered'
      && leg.customer_key !== byKey.get(`${leg.operator}:${leg.protocol ?? leg.call_id}`)!.customer_key).length,
  };
}

describe('site group KPIs against the independent reference (SPEC §5)', () => {
  for (const testCase of CASES) {
    describe(testCase.name, () => {
      const loaded = loadedForBlock(() => load(testCase));

      it('the data reaches the rules that matter', () => {
        const reached = coverage(loaded());
        expect(Object.entries(reached).filter(([, n]) => n === 0).map(([name]) => name), JSON.stringify(reached)).toEqual([]);
        // The rolling and chosen periods have rows in both parts (the previous of 'whole' lies before
        // the data); the data starts in March 2026, so the earliest complete months are empty.
        const parts = new Set([...loaded().sql.groups.keys()].map((k) => JSON.parse(k).slice(0, 2).join(' ')));
        const months = loaded().periods.filter((p) => /^\d{4}-\d{2}$/.test(p.id));
        const missing = loaded().periods.filter((p) => !months.includes(p))
          .flatMap((p) => [`${p.id} current`, ...(p.id === 'whole' ? [] : [`${p.id} previous`])]).filter((p) => !parts.has(p));
        expect(missing, 'periods × parts without rows').toEqual([]);
        expect(months.filter((p) => parts.has(`${p.id} current`) && parts.has(`${p.id} previous`)).length, 'months with rows in both parts').toBeGreaterThanOrEqual(6);
      });

      for (const dimension of DIMENSIONS) {
        it(`groupKpis('${dimension}')`, () => {
          const found = compareGroups(loaded(), dimension);
          expect(found.slice(0, 20), `${found.length} differences (sql vs reference), ${dimension}`).toEqual([]);
        });
      }

      it('returningCustomers', () => {
        const found = compareReturning(loaded());
        expect(found.slice(0, 20), `${found.length} differences (sql vs reference)`).toEqual([]);
      });

      it('reasonCauses', () => {
        const found = compareCauses(loaded());
        expect(found.slice(0, 20), `${found.length} differences (sql vs reference)`).toEqual([]);
      });
    });
  }
});
