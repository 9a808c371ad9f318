/**
 * An independent reference for SPEC §5 per agent: the rows of `rechamadas export agents` for a
 * period of local dates, computed from the reference legs (`dedupe`) and contacts
 * (`referenceContacts`) of test/reference.ts. Pure functions; slow and simple on purpose.
 *
 * The counting rules come from SPEC.md §5 (and §3–4 for the words it uses) alone:
 * - contacts   = eligible contacts with local_date in P whose (handling) agent is the agent;
 * - callbacks  = callbacks (is_callback) with local_date in P whose ATTRIBUTED contact's agent is the
 *                agent (attributed_agent_id), the attributed contact itself may lie before P;
 *                same_day / within_3_days / over_3_days split those callbacks by bucket;
 * - callback_rate = callbacks / contacts, null without contacts;
 * - fcr        = yes / (yes + no) over the agent's contacts in P, null when yes + no = 0; pending is
 *                reported beside it and is never in the denominator;
 * - aht_seconds = mean of talk + hold + wrap over answered LEGS whose agent is the agent and whose
 *                own local date is in P (docs/decisions.md "AHT counts answered legs by the leg's own
 *                local date"), null when there are none.
 *
 * Presentational choices:
 * - agent_name, supervisor, team: docs/decisions.md "KPIs": those of the agent's latest answered leg
 *   up to the end of the period. "Latest" is the greatest (started_at, call_id, operator): the
 *   handling leg's tie rule, then the operator, as the decisions say.
 * - Which agents get a row: docs/decisions.md is silent, so this follows warehouse/agent_kpis.sql
 *   (read for this choice and the one above only): every non-null agent_id that has an eligible
 *   contact in P, a callback in P attributed to it, or an answered leg in P; nobody else.
 *   A name with no answered leg up to the period's end (possible: a contact dated in P whose
 *   handling leg starts after local midnight past P's end) is null, as the decision reads literally.
 * - The whole warehouse (no --from/--to) is every local date present: no filter at all.
 */
import { compareText, localDate, type Leg, type RefContact } from './reference.ts';

export interface Period {
  /** Local dates YYYY-MM-DD, inclusive. Absent: unbounded on that side. */
  from?: string;
  to?: string;
}

export interface AgentKpiRow {
  agent_id: string;
  agent_name: string | null;
  supervisor: string | null;
  team: string | null;
  contacts: number;
  callbacks: number;
  same_day: number;
  within_3_days: number;
  over_3_days: number;
  callback_rate: number | null;
  fcr: number | null;
  fcr_yes: number;
  fcr_no: number;
  pending: number;
  aht_seconds: number | null;
}

/** The export's columns, in the order. */
export const AGENT_KPI_COLUMNS = [
  'agent_id', 'agent_name', 'supervisor', 'team', 'contacts', 'callbacks', 'same_day', 'within_3_days', 'over_3_days',
  'callback_rate', 'fcr', 'fcr_yes', 'fcr_no', 'pending', 'aht_seconds',
] as const satisfies readonly (keyof AgentKpiRow)[];

const legDates = new WeakMap<Leg, { timeZone: string; date: string }>();

/** A leg's own local date (SPEC §3's local_date, for one leg); remembered per leg, as Intl is slow. */
export function legLocalDate(leg: Leg, timeZone: string): string {
  const known = legDates.get(leg);
  if (known && known.timeZone === timeZone) return known.date;
  const date = localDate(leg.started, timeZone);
  legDates.set(leg, { timeZone, date });
  return date;
}

/** YYYY-MM-DD strings compare as dates. */
export function inPeriod(date: string, period: Period): boolean {
  return (period.from === undefined || date >= period.from) && (period.to === undefined || date <= period.to);
}

function emptyRow(agent_id: string): AgentKpiRow {
  return {
    agent_id, agent_name: null, supervisor: null, team: null, contacts: 0, callbacks: 0, same_day: 0, within_3_days: 0,
    over_3_days: 0, callback_rate: null, fcr: null, fcr_yes: 0, fcr_no: 0, pending: 0, aht_seconds: null,
  };
}

/**
 * SPEC §5 per agent over a period. `legs` are the deduplicated reference legs (test/reference.ts
 * `dedupe`), `contacts` the reference contacts of the same records and configuration.
 */
export function referenceAgentKpis(legs: readonly Leg[], contacts: readonly RefContact[], timeZone: string, period: Period = {}): AgentKpiRow[] {
  const rows = new Map<string, AgentKpiRow>();
  const row = (agent: string) => {
    let found = rows.get(agent);
    if (!found) rows.set(agent, (found = emptyRow(agent)));
    return found;
  };

  for (const contact of contacts) {
    if (!inPeriod(contact.local_date, period)) continue;
    // contacts, fcr: eligible contacts handled by the agent.
    if (contact.eligible && contact.agent_id !== null) {
      const r = row(contact.agent_id);
      r.contacts += 1;
      if (contact.resolved === 'yes') r.fcr_yes += 1;
      else if (contact.resolved === 'no') r.fcr_no += 1;
      else if (contact.resolved === 'pending') r.pending += 1;
      else throw new Error(`reference: eligible contact ${contact.contact_key} without resolved`);
    }
    // callbacks: charged to the attributed contact's agent, by the callback's own date.
    if (contact.is_callback === true && contact.attributed_agent_id !== null) {
      const r = row(contact.attributed_agent_id);
      r.callbacks += 1;
      if (contact.bucket === 'same_day') r.same_day += 1;
      else if (contact.bucket === 'within_3_days') r.within_3_days += 1;
      else if (contact.bucket === 'over_3_days') r.over_3_days += 1;
      else throw new Error(`reference: callback ${contact.contact_key} without bucket`);
    }
  }

  // AHT: answered legs by their own local date.
  const handle = new Map<string, { sum: number; count: number }>();
  for (const leg of legs) {
    if (leg.status !== 'answered' || leg.agent_id === null) continue;
    if (!inPeriod(legLocalDate(leg, timeZone), period)) continue;
    const totals = handle.get(leg.agent_id) ?? { sum: 0, count: 0 };
    totals.sum += leg.talk + leg.hold + leg.wrap;
    totals.count += 1;
    handle.set(leg.agent_id, totals);
    row(leg.agent_id);
  }

  // Name, supervisor, team: the latest answered leg up to the period's end.
  const latest = new Map<string, Leg>();
  for (const leg of legs) {
    if (leg.status !== 'answered' || leg.agent_id === null || !rows.has(leg.agent_id)) continue;
    if (period.to !== undefined && legLocalDate(leg, timeZone) > period.to) continue;
    const best = latest.get(leg.agent_id);
    if (!best || (leg.started - best.started || compareText(leg.call_id, best.call_id) || compareText(leg.operator, best.operator)) > 0) {
      latest.set(leg.agent_id, leg);
    }
  }
  for (const [agent, chosen] of latest) {
    Object.assign(row(agent), { agent_name: chosen.agent_name, supervisor: chosen.supervisor, team: chosen.team });
  }

  for (const r of rows.values()) {
    r.callback_rate = r.contacts === 0 ? null : r.callbacks / r.contacts;
    r.fcr = r.fcr_yes + r.fcr_no === 0 ? null : r.fcr_yes / (r.fcr_yes + r.fcr_no);
    const totals = handle.get(r.agent_id);
    r.aht_seconds = totals ? totals.sum / totals.count : null;
  }
  return [...rows.values()].sort((a, b) => compareText(a.agent_id, b.agent_id));
}
