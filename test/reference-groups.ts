/**
 * An independent reference for SPEC §5 per group, as the dashboard shows it: the period totals of
 * `groupKpis` (pipeline/render/queries.ts) for every dimension, `returningCustomers` and
 * `reasonCauses`, computed from the reference legs (test/reference.ts `dedupe`) and contacts
 * (`referenceContacts`). Pure functions; slow and simple on purpose.
 *
 * Counting rules, from SPEC.md §5 (and §3–4 for the words it uses) and docs/decisions.md:
 * - contacts       = eligible contacts with local_date in P, counted in the groups of the contact
 *                    itself (its handling leg's agent, supervisor, team, queue, reason; its
 *                    operator; its customer's DDD, UF and region).
 * - callbacks      = callbacks (is_callback) with local_date in P, counted in the groups of their
 *                    ATTRIBUTED contact. SPEC: "whose attributed contact belongs to G (for reason,
 *                    operator, team, supervisor: the attributed contact's values)". Reading: "belongs
 *                    to G" is the general rule, so it holds for every dimension, queue included (the
 *                    parenthesis spells out the dimensions that are attributes of a contact rather
 *                    than of an agent). For ddd/uf/region the reading does not matter: a callback and
 *                    its attributed contact share the customer_key (SPEC §4), hence DDD, UF and region.
 *                    The attributed contact may lie before P. Split by bucket and by cause.
 * - resolved_*     = resolved yes / no / pending of G's contacts (the eligible ones) in P;
 *                    fcr = yes / (yes + no), null when yes + no = 0, pending beside it.
 * - abandoned      = inbound contacts with no answered leg; unidentified = inbound answered
 *                    contacts without customer_key; both in P, counted in the contact's own groups
 *                    (an abandoned contact has no handling leg, so no agent, team, queue, reason:
 *                    SPEC §3 takes those from the handling leg).
 * - answered_legs, handle_seconds (TMA = handle_seconds / answered_legs): SPEC §5 "talk + hold +
 *                    wrap over answered legs handled by the agent in P"; docs/decisions.md "AHT
 *                    counts answered legs by the leg's own local date". For the other dimensions the
 *                    SPEC is silent; reading: a leg belongs to the groups of its own values (SPEC §1:
 *                    "values at the time of the call"; its own operator; the DDD/UF/region of its own
 *                    customer key, SPEC §6 `legs`), as it does to its own agent.
 * - returning customers (center and per operator only, docs/site.md) = distinct customers with a
 *                    callback in P / distinct customers with an eligible contact in P. Per operator:
 *                    the eligible contact's operator, and the callback's ATTRIBUTED contact's
 *                    operator (SPEC: "for … operator: the attributed contact's values").
 * - reason × cause (Motivos) = callbacks in P by the attributed contact's reason and category.
 * - a reason's group: reasons equal ignoring case, accents and spacing (SPEC §4) are one group,
 *                    named by the spelling most legs of the warehouse use (ties: the first in
 *                    text order), in every reason dimension and in reason × cause.
 *
 * Reason categories (docs/decisions.md "Reason categories"): keywords match whole words of the
 * reason, ignoring case, accents (and ª/º, as for reasons) and spacing; multi-word keywords as
 * phrases; the first rule that matches wins; else `Outros`; no reason, no category. Reading of
 * "spacing": runs of whitespace count as one space and words are separated by whitespace (so
 * `SemSinal` is one word and does not match `sem sinal`).
 *
 * Presentation, read from the SQL (warehouse/kpi_group_daily.sql, queries.ts) and said so here:
 * - a missing value is the group `(não informado)`, except for agents: contacts, callbacks and legs
 *   without an agent are in no agent group; the center is the single group `centro`;
 * - scope: `*` (all operators) and each operator, a fact falling in its own operator's scope (the
 *   callback's: its attributed contact's operator, like the operator dimension);
 * - a (group, scope) row appears when, in P, it has any contact (eligible or not), any callback
 *   charged to it or any answered leg; the returning row when it has an eligible contact or a
 *   charged callback; reason × cause uses `(sem categoria)` and `(sem motivo)` for missing values.
 */
import type { ReasonRule } from '../pipeline/config.ts';
import { WHITE_SPACE, compareText, keyPlace, reasonForComparison, type Leg, type RefContact } from './reference.ts';
import { legLocalDate } from './reference-kpis.ts';

export const DIMENSIONS = ['center', 'operator', 'agent', 'supervisor', 'team', 'queue', 'reason', 'reason_category', 'ddd', 'uf', 'region'] as const;
export type GroupDimension = (typeof DIMENSIONS)[number];

/** The additive counts per group, written from SPEC §5 (the same names as the site's query). */
export const GROUP_COUNTS = [
  'contacts', 'callbacks', 'cb_same_day', 'cb_within_3_days', 'cb_over_3_days',
  'cb_short', 'cb_transferred', 'cb_unknown', 'cb_same_reason', 'cb_different_reason',
  'resolved_yes', 'resolved_no', 'resolved_pending', 'abandoned', 'unidentified',
  'answered_legs', 'handle_seconds',
] as const;
export type GroupCounts = Record<(typeof GROUP_COUNTS)[number], number>;

export const GROUP_RATIOS = ['callback_rate', 'fcr', 'aht_seconds'] as const;
export type GroupRatios = Record<(typeof GROUP_RATIOS)[number], number | null>;

export interface GroupKpiRow extends GroupCounts, GroupRatios {
  dimension: GroupDimension;
  scope: string;
  group_key: string;
}

export interface DatePeriod {
  /** Local dates YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

export const ALL_OPERATORS = '*';
export const NOT_INFORMED = '(não informado)';
const CENTER = 'centro';

const inside = (date: string, period: DatePeriod) => date >= period.from && date <= period.to;

// ---------------------------------------------------------------------------------------------
// Reason categories

/** Lower case, ª → a, º → o, no accents, whitespace runs as one space, padded for whole-word search. */
function words(text: string): string {
  const plain = text.toLowerCase().replace(/ª/g, 'a').replace(/º/g, 'o').normalize('NFD').replace(/\p{M}/gu, '');
  return ` ${plain.split(new RegExp(`${WHITE_SPACE}+`, 'u')).filter(Boolean).join(' ')} `;
}

export function reasonCategory(reason: string | null, rules: readonly ReasonRule[]): string | null {
  if (reason === null) return null;
  const text = words(reason);
  for (const rule of rules) {
    if (rule.keywords.some((keyword) => text.includes(words(keyword)))) return rule.category;
  }
  return 'Outros';
}

// ---------------------------------------------------------------------------------------------
// Groups of a contact or a leg

interface Place {
  operator: string;
  agent_id: string | null;
  supervisor: string | null;
  team: string | null;
  queue: string | null;
  reason: string | null;
  ddd: string | null;
  uf: string | null;
  region: string | null;
}

/** Each reason as written, to the label of its group: the spelling most legs use, ties to the first in text order. */
export function reasonLabels(legs: readonly Leg[]): Map<string, string> {
  const spellings = new Map<string, number>();
  for (const leg of legs) if (leg.reason !== null) spellings.set(leg.reason, (spellings.get(leg.reason) ?? 0) + 1);
  const best = new Map<string, string>();
  for (const [reason, count] of spellings) {
    const identity = reasonForComparison(reason);
    const current = best.get(identity);
    if (current === undefined || count > spellings.get(current)! || (count === spellings.get(current)! && compareText(reason, current) < 0)) best.set(identity, reason);
  }
  return new Map([...spellings.keys()].map((reason) => [reason, best.get(reasonForComparison(reason))!]));
}

function groupOf(place: Place, dimension: GroupDimension, rules: readonly ReasonRule[], labels: ReadonlyMap<string, string>): string | null {
  switch (dimension) {
    case 'center': return CENTER;
    case 'operator': return place.operator;
    case 'agent': return place.agent_id;
    case 'reason': return place.reason === null ? NOT_INFORMED : labels.get(place.reason) ?? place.reason;
    case 'reason_category': return reasonCategory(place.reason, rules) ?? NOT_INFORMED;
    default: return place[dimension] ?? NOT_INFORMED;
  }
}

function emptyRow(dimension: GroupDimension, scope: string, group_key: string): GroupKpiRow {
  const row = { dimension, scope, group_key } as GroupKpiRow;
  for (const count of GROUP_COUNTS) row[count] = 0;
  for (const ratio of GROUP_RATIOS) row[ratio] = null;
  return row;
}

export interface GroupOptions {
  timeZone: string;
  reasonRules: readonly ReasonRule[];
}

/** SPEC §5 per group of every dimension, per scope (`*` and each operator), over a period. */
export function referenceGroupKpis(
  legs: readonly Leg[], contacts: readonly RefContact[], options: GroupOptions, period: DatePeriod,
): GroupKpiRow[] {
  const rows = new Map<string, GroupKpiRow>();
  const labels = reasonLabels(legs);
  /** Adds to the row of every dimension's group of `place`, in scope `*` and in its operator's. */
  const credit = (place: Place, add: (row: GroupKpiRow) => void) => {
    for (const dimension of DIMENSIONS) {
      const group = groupOf(place, dimension, options.reasonRules, labels);
      if (group === null) continue;
      for (const scope of [ALL_OPERATORS, place.operator]) {
        const key = JSON.stringify([dimension, scope, group]);
        let row = rows.get(key);
        if (!row) rows.set(key, (row = emptyRow(dimension, scope, group)));
        add(row);
      }
    }
  };

  const byKey = new Map(contacts.map((c) => [c.contact_key, c]));
  for (const contact of contacts) {
    if (!inside(contact.local_date, period)) continue;
    // Handled side: every contact in its own groups.
    credit(contact, (row) => {
      if (contact.eligible) {
        row.contacts += 1;
        if (contact.resolved === 'yes') row.resolved_yes += 1;
        else if (contact.resolved === 'no') row.resolved_no += 1;
        else if (contact.resolved === 'pending') row.resolved_pending += 1;
        else throw new Error(`reference: eligible contact ${contact.contact_key} without resolved`);
      }
      if (contact.direction === 'inbound' && !contact.answered) row.abandoned += 1;
      if (contact.direction === 'inbound' && contact.answered && contact.customer_key === null) row.unidentified += 1;
    });
    // Charged side: a callback, on its own date, in the attributed contact's groups.
    if (contact.is_callback === true) {
      const attributed = byKey.get(contact.attributed_contact_key!);
      if (!attributed) throw new Error(`reference: callback ${contact.contact_key} without its attributed contact`);
      credit(attributed, (row) => {
        row.callbacks += 1;
        const bucket = `cb_${contact.bucket}` as keyof GroupCounts;
        const cause = `cb_${contact.cause}` as keyof GroupCounts;
        if (!(bucket in row) || !(cause in row)) throw new Error(`reference: callback ${contact.contact_key}: ${contact.bucket}, ${contact.cause}`);
        row[bucket] += 1;
        row[cause] += 1;
      });
    }
  }

  // TMA side: answered legs by their own local date, in their own groups.
  for (const leg of legs) {
    if (leg.status !== 'answered' || !inside(legLocalDate(leg, options.timeZone), period)) continue;
    credit({ ...leg, ...keyPlace(leg.customer_key) }, (row) => {
      row.answered_legs += 1;
      row.handle_seconds += leg.talk + leg.hold + leg.wrap;
    });
  }

  for (const row of rows.values()) {
    row.callback_rate = row.contacts === 0 ? null : row.callbacks / row.contacts;
    row.fcr = row.resolved_yes + row.resolved_no === 0 ? null : row.resolved_yes / (row.resolved_yes + row.resolved_no);
    row.aht_seconds = row.answered_legs === 0 ? null : row.handle_seconds / row.answered_legs;
  }
  return [...rows.values()];
}

// ---------------------------------------------------------------------------------------------

export interface ReturningRefRow {
  scope: string;
  customers: number;
  returning: number;
  returning_customer_rate: number | null;
}

/** returning_customer_rate per scope: distinct customers with a callback in P / with an eligible contact in P. */
export function referenceReturning(contacts: readonly RefContact[], period: DatePeriod): ReturningRefRow[] {
  const customers = new Map<string, Set<string>>();
  const returning = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, scope: string, customer: string) => {
    map.set(scope, (map.get(scope) ?? new Set()).add(customer));
    if (!customers.has(scope)) customers.set(scope, new Set());
  };
  const byKey = new Map(contacts.map((c) => [c.contact_key, c]));
  for (const contact of contacts) {
    if (!contact.eligible || !inside(contact.local_date, period)) continue;
    for (const scope of [ALL_OPERATORS, contact.operator]) add(customers, scope, contact.customer_key!);
    if (contact.is_callback === true) {
      const attributed = byKey.get(contact.attributed_contact_key!)!;
      for (const scope of [ALL_OPERATORS, attributed.operator]) add(returning, scope, contact.customer_key!);
    }
  }
  return [...customers.keys()].map((scope) => {
    const c = customers.get(scope)!.size;
    const r = returning.get(scope)?.size ?? 0;
    return { scope, customers: c, returning: r, returning_customer_rate: c === 0 ? null : r / c };
  });
}

// ---------------------------------------------------------------------------------------------

export interface ReasonCauseRefRow {
  scope: string;
  reason_category: string;
  reason: string;
  cause: string;
  callbacks: number;
}

/** Callbacks in P by the attributed contact's reason category, reason and the callback's cause, per scope. */
export function referenceReasonCauses(
  legs: readonly Leg[], contacts: readonly RefContact[], rules: readonly ReasonRule[], period: DatePeriod,
): ReasonCauseRefRow[] {
  const rows = new Map<string, ReasonCauseRefRow>();
  const labels = reasonLabels(legs);
  const byKey = new Map(contacts.map((c) => [c.contact_key, c]));
  for (const contact of contacts) {
    if (contact.is_callback !== true || !inside(contact.local_date, period)) continue;
    const attributed = byKey.get(contact.attributed_contact_key!)!;
    const reason_category = reasonCategory(attributed.reason, rules) ?? '(sem categoria)';
    const reason = attributed.reason === null ? '(sem motivo)' : labels.get(attributed.reason) ?? attributed.reason;
    for (const scope of [ALL_OPERATORS, attributed.operator]) {
      const key = JSON.stringify([scope, reason_category, reason, contact.cause]);
      const row = rows.get(key) ?? { scope, reason_category, reason, cause: contact.cause!, callbacks: 0 };
      row.callbacks += 1;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}
