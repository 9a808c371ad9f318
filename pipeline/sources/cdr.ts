import { fromLocal, toLocalIso } from '../extract/time.ts';
import type { Roster } from './roster.ts';

/**
 * Asterisk CDR `Master.csv` (cdr_csv, no header) → canonical legs, for calls that never go
 * through a queue. Documented column order: accountcode, src, dst, dcontext, clid, channel,
 * dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags,
 * then, when logged, uniqueid, userfield, linkedid, peeraccount, sequence.
 */

/** Canonical leg fields (SPEC §1) as mapped from a line or row. */
export type LegFields = Record<string, string | number>;

const COLUMN = { src: 1, dst: 2, dcontext: 3, channel: 5, dstchannel: 6, start: 9, billsec: 13, disposition: 14, uniqueid: 16, linkedid: 18 } as const;
const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export interface CdrContext {
  operator: string;
  /** The PBX writes local times in it. */
  pbxTimeZone: string;
  /** started_at is written in the center's zone. */
  timeZone: string;
  roster: Roster;
  outboundContexts: string[];
}

export function cdrLeg(columns: string[], context: CdrContext): { fields: LegFields; error?: undefined } | { error: string; fields?: undefined } {
  if (columns.length < 16) return { error: `malformed CDR line: ${columns.length} columns, expected at least 16 (accountcode … amaflags)` };
  const at = (index: number) => columns[index]?.trim() ?? '';
  const match = LOCAL_DATETIME.exec(at(COLUMN.start));
  if (!match) return { error: `malformed CDR line: start ${JSON.stringify(at(COLUMN.start))} is not YYYY-MM-DD HH:MM:SS` };
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const started = fromLocal({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! }, context.pbxTimeZone);
  const outbound = context.outboundContexts.includes(at(COLUMN.dcontext));
  const answered = at(COLUMN.disposition).toUpperCase() === 'ANSWERED';
  // Without uniqueid logging, the calling channel and its start identify the call.
  const callId = at(COLUMN.uniqueid) || `${at(COLUMN.channel)}@${at(COLUMN.start)}`;
  const fields: LegFields = {
    operator: context.operator,
    call_id: callId,
    protocol: at(COLUMN.linkedid) || callId,
    direction: outbound ? 'outbound' : 'inbound',
    status: answered ? 'answered' : 'abandoned',
    started_at: toLocalIso(started, context.timeZone),
  };
  const customer = at(outbound ? COLUMN.dst : COLUMN.src);
  if (customer) fields.customer_number = customer;
  const billsec = at(COLUMN.billsec);
  if (billsec) fields.talk_seconds = /^\d+$/.test(billsec) ? Number(billsec) : billsec;
  const agentChannel = at(outbound ? COLUMN.channel : COLUMN.dstchannel);
  if (answered && agentChannel) Object.assign(fields, context.roster(agentChannel));
  return { fields };
}
