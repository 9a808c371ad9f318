import type { SiteDb } from './db.ts';
import type { Period } from './periods.ts';

/** Additive KPI inputs `kpi_group_daily` carries for every group (SPEC §5). */
export const MEASURES = [
  'contacts', 'callbacks', 'cb_same_day', 'cb_within_3_days', 'cb_over_3_days',
  'cb_short', 'cb_transferred', 'cb_unknown', 'cb_same_reason', 'cb_different_reason',
  'resolved_yes', 'resolved_no', 'resolved_pending', 'abandoned', 'unidentified',
  'answered_legs', 'handle_seconds',
] as const;
export type Measures = Record<(typeof MEASURES)[number], number>;

/** The slices `kpi_group_daily` rolls up (its `dimension` column). */
export const DIMENSIONS = ['center', 'operator', 'agent', 'team', 'supervisor', 'queue', 'reason', 'reason_category', 'ddd', 'uf', 'region'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** `scope` is an operator, or `*` for all operators together. */
export interface GroupRow extends Measures {
  period_id: string;
  part: 'current' | 'previous';
  scope: string;
  group_key: string;
  group_label: string;
  team: string | null;
  supervisor: string | null;
  region: string | null;
  uf: string | null;
  reason_category: string | null;
}

const EXTRA_COLUMNS: Partial<Record<Dimension, string[]>> = {
  agent: ['team', 'supervisor'],
  team: ['supervisor'],
  reason: ['reason_category'],
  ddd: ['uf'],
  uf: ['region'],
};

const sums = MEASURES.map((name) => `CAST(SUM(k.${name}) AS DOUBLE) AS ${name}`).join(',\n  ');
const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The periods (and their comparison periods) as a temp table every period query joins. */
export async function registerPeriods(db: SiteDb, periods: Period[]): Promise<void> {
  const values = periods.flatMap((period) => [
    `(${quote(period.id)}, 'current', DATE ${quote(period.from)}, DATE ${quote(period.to)})`,
    `(${quote(period.id)}, 'previous', DATE ${quote(period.previous.from)}, DATE ${quote(period.previous.to)})`,
  ]);
  await db.run(`CREATE OR REPLACE TEMP TABLE site_periods (period_id VARCHAR, part VARCHAR, date_from DATE, date_to DATE)`);
  await db.run(`INSERT INTO site_periods VALUES ${values.join(',\n')}`);
  // One row per period day: period queries equi-join on local_date (a hash join) instead of a range join.
  await db.run(`CREATE OR REPLACE TEMP TABLE site_period_days AS
    SELECT period_id, part, date_from, CAST(day AS DATE) AS local_date
    FROM site_periods, generate_series(CAST(date_from AS TIMESTAMP), CAST(date_to AS TIMESTAMP), INTERVAL 1 DAY) AS days(day)`);
}

/** Period totals per group, per operator and for all operators together (GROUPING SETS). */
export async function groupKpis(db: SiteDb, dimension: Dimension, withPrevious: boolean): Promise<GroupRow[]> {
  const extras = (EXTRA_COLUMNS[dimension] ?? []).map((column) => `arg_max(k.${column}, k.local_date) AS ${column}`);
  const label = dimension === 'agent' ? 'arg_max(k.group_label, k.local_date)' : 'k.group_key';
  return db.rows<GroupRow>(`
SELECT p.period_id, p.part,
  CASE WHEN GROUPING(k.operator) = 1 THEN '*' ELSE k.operator END AS scope,
  k.group_key, ${label} AS group_label${extras.map((extra) => `, ${extra}`).join('')},
  ${sums}
FROM kpi_group_daily AS k
JOIN site_period_days AS p USING (local_date)
WHERE k.dimension = $1${withPrevious ? '' : " AND p.part = 'current'"}
GROUP BY GROUPING SETS ((p.period_id, p.part, k.operator, k.group_key), (p.period_id, p.part, k.group_key))
ORDER BY ALL`, [dimension]);
}

export interface DailyRow extends Measures {
  local_date: string;
  scope: string;
  group_key: string;
}

/** Daily totals from `since` on, per group and scope: trends and provisional days. */
export async function dailyKpis(db: SiteDb, dimension: 'center' | 'agent', since: string, allOperatorsOnly: boolean): Promise<DailyRow[]> {
  const sets = allOperatorsOnly ? '((k.local_date, k.group_key))' : '((k.local_date, k.operator, k.group_key), (k.local_date, k.group_key))';
  return db.rows<DailyRow>(`
SELECT CAST(k.local_date AS VARCHAR) AS local_date,
  ${allOperatorsOnly ? "'*'" : "CASE WHEN GROUPING(k.operator) = 1 THEN '*' ELSE k.operator END"} AS scope,
  k.group_key,
  ${sums}
FROM kpi_group_daily AS k
WHERE k.dimension = $1 AND k.local_date >= CAST($2 AS DATE)
GROUP BY GROUPING SETS ${sets}
ORDER BY ALL`, [dimension, since]);
}

export interface ReturningRow { period_id: string; part: string; scope: string; customers: number; returning: number }

/**
 * Distinct customers, and those with a callback, per period: a distinct count cannot be summed
 * from days. Each customer is counted on their first row in the period (kpi_customer_daily).
 */
export async function returningCustomers(db: SiteDb): Promise<ReturningRow[]> {
  const first = (flag: string, earlier: string) => `count(*) FILTER (WHERE k.${flag} AND coalesce(k.${earlier} < p.date_from, TRUE))`;
  return db.rows<ReturningRow>(`
SELECT p.period_id, p.part,
  CASE WHEN GROUPING(k.operator) = 1 THEN '*' ELSE k.operator END AS scope,
  CAST(CASE WHEN GROUPING(k.operator) = 1 THEN ${first('had_contact', 'earlier_contact_date')} ELSE ${first('had_contact', 'earlier_contact_date_operator')} END AS DOUBLE) AS customers,
  CAST(CASE WHEN GROUPING(k.operator) = 1 THEN ${first('had_callback', 'earlier_callback_date')} ELSE ${first('had_callback', 'earlier_callback_date_operator')} END AS DOUBLE) AS returning
FROM kpi_customer_daily AS k
JOIN site_period_days AS p USING (local_date)
GROUP BY GROUPING SETS ((p.period_id, p.part, k.operator), (p.period_id, p.part))
ORDER BY ALL`);
}

export interface CauseRow { period_id: string; scope: string; reason_category: string; reason: string; cause: string; callbacks: number }

/** Callbacks by attributed reason and cause per period and scope (Motivos page, cause mix). */
export async function reasonCauses(db: SiteDb): Promise<CauseRow[]> {
  return db.rows<CauseRow>(`
SELECT p.period_id,
  CASE WHEN GROUPING(k.operator) = 1 THEN '*' ELSE k.operator END AS scope,
  k.reason_category, k.reason, k.cause,
  CAST(SUM(k.callbacks) AS DOUBLE) AS callbacks
FROM kpi_reason_cause_daily AS k
JOIN site_period_days AS p ON p.local_date = k.local_date AND p.part = 'current'
GROUP BY GROUPING SETS ((p.period_id, k.operator, k.reason_category, k.reason, k.cause), (p.period_id, k.reason_category, k.reason, k.cause))
ORDER BY ALL`);
}

/** A callback as listed on the site, with the attributed contact it is charged to. */
export interface CallbackRow {
  list: string;
  contact_key: string;
  protocol: string | null;
  operator: string;
  local_date: string;
  started_local: string;
  customer_key: string | null;
  agent_name: string | null;
  agent_id: string | null;
  reason: string | null;
  bucket: string;
  cause: string;
  gap_seconds: number | null;
  origin_contact_key: string;
  attributed_protocol: string | null;
  attributed_operator: string;
  attributed_agent_id: string | null;
  attributed_agent_name: string | null;
  attributed_date: string;
  attributed_team: string | null;
}

export interface EpisodeMember {
  origin_contact_key: string;
  contact_key: string;
  protocol: string | null;
  operator: string;
  started_local: string;
  agent_id: string | null;
  agent_name: string | null;
  reason: string | null;
  gap_seconds: number | null;
  is_callback: boolean;
}

/**
 * The callbacks the site lists: the most recent per agent (from `since`) and the most recent per
 * period and scope (Rechamadas pages), with every contact of their episodes for the timelines.
 * `list` is `agent:<agent_id>` or `<period_id>|<scope>`.
 */
export async function listedCallbacks(
  db: SiteDb,
  options: { since: string; to: string; perAgent: number; perPeriod: number; timeZone: string },
): Promise<{ callbacks: CallbackRow[]; episodes: EpisodeMember[] }> {
  // max_by(..., n) keeps the n most recent per list without sorting every callback of every period.
  await db.run(`
CREATE OR REPLACE TEMP TABLE site_listed AS
WITH charged AS (
  SELECT contact_key, local_date, started_at, agent_id AS attributed_agent_id, operator FROM kpi_callback_facts
),
lists AS (
  SELECT 'agent:' || attributed_agent_id AS list, max_by(struct_pack(contact_key, started_at), struct_pack(started_at, contact_key), $3) AS picked
  FROM charged
  WHERE attributed_agent_id IS NOT NULL AND local_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
  GROUP BY attributed_agent_id
  UNION ALL
  SELECT p.period_id || '|' || CASE WHEN GROUPING(c.operator) = 1 THEN '*' ELSE c.operator END,
    max_by(struct_pack(c.contact_key, c.started_at), struct_pack(c.started_at, c.contact_key), $4)
  FROM charged AS c
  JOIN site_period_days AS p ON p.local_date = c.local_date AND p.part = 'current'
  GROUP BY GROUPING SETS ((p.period_id, c.operator), (p.period_id))
)
SELECT list, picked.contact_key, picked.started_at FROM (SELECT list, unnest(picked) AS picked FROM lists)`,
  [options.since, options.to, options.perAgent, options.perPeriod]);
  // The listed callbacks' own rows, found in one pass over contacts: the list and the episodes read them.
  await db.run(`
CREATE OR REPLACE TEMP TABLE site_listed_contacts AS
SELECT l.list, l.started_at AS listed_at, cb.contact_key, cb.protocol, cb.operator, cb.local_date, cb.started_at,
  cb.customer_key, cb.agent_name, cb.agent_id, cb.reason, cb.bucket, cb.cause, cb.gap_seconds,
  cb.origin_contact_key, cb.attributed_contact_key
FROM site_listed AS l
JOIN contacts AS cb ON cb.contact_key = l.contact_key`);
  const localTime = (column: string) => `strftime(timezone(CAST($1 AS VARCHAR), ${column}), '%Y-%m-%d %H:%M')`;
  const callbacks = await db.rows<CallbackRow>(`
SELECT cb.list, cb.contact_key, cb.protocol, cb.operator, CAST(cb.local_date AS VARCHAR) AS local_date,
  ${localTime('cb.started_at')} AS started_local, cb.customer_key, cb.agent_name, cb.agent_id, cb.reason,
  cb.bucket, cb.cause, cb.gap_seconds, cb.origin_contact_key,
  a.protocol AS attributed_protocol, a.operator AS attributed_operator, a.agent_id AS attributed_agent_id, a.agent_name AS attributed_agent_name,
  CAST(a.local_date AS VARCHAR) AS attributed_date, a.team AS attributed_team
FROM site_listed_contacts AS cb
JOIN contacts AS a ON a.contact_key = cb.attributed_contact_key
ORDER BY cb.list, cb.listed_at DESC, cb.contact_key DESC`, [options.timeZone]);
  const episodes = await db.rows<EpisodeMember>(`
SELECT m.origin_contact_key, m.contact_key, m.protocol, m.operator, ${localTime('m.started_at')} AS started_local,
  m.agent_id, m.agent_name, m.reason, m.gap_seconds, m.is_callback
FROM contacts AS m
WHERE m.eligible AND m.origin_contact_key IN (SELECT origin_contact_key FROM site_listed_contacts)
ORDER BY m.origin_contact_key, m.started_at, m.contact_key`, [options.timeZone]);
  return { callbacks, episodes };
}

export interface WarehouseMeta { watermark: string | null; timezone: string | null; callback_window_days: string | null }

export async function warehouseMeta(db: SiteDb): Promise<WarehouseMeta> {
  const rows = await db.rows<{ key: string; value: string }>(`SELECT key, value FROM warehouse_meta`);
  const meta = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  return { watermark: meta.watermark ?? null, timezone: meta.timezone ?? null, callback_window_days: meta.callback_window_days ?? null };
}

export async function operatorsOf(db: SiteDb): Promise<string[]> {
  const rows = await db.rows<{ operator: string }>(`SELECT DISTINCT operator FROM contacts ORDER BY operator`);
  return rows.map((row) => row.operator);
}
