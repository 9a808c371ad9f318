import { fromLocal, toLocalIso } from '../extract/time.ts';
import type { Rejection } from '../load.ts';
import type { Roster } from './roster.ts';

/**
 * Asterisk queue_log → canonical legs (SPEC §1). One queue segment (ENTERQUEUE up to the event
 * that ends it) is one leg; a TRANSFER keeps the callid, so every segment of a call shares
 * `protocol = callid` and forms one contact. Pure: lines in, legs and rejections out, and the
 * events of calls still in progress handed back to wait for the next read.
 */

export interface QueueEvent {
  /** Epoch milliseconds. */
  time: number;
  callid: string;
  queue: string;
  agent: string;
  event: string;
  data: string[];
  /** File name and line number: `queue_log.1` line 42; built into a location only when a leg or rejection needs it. */
  file: string;
  line: number;
  raw: string;
}

export function locationOf(event: Pick<QueueEvent, 'file' | 'line'>): string {
  return `${event.file} line ${event.line}`;
}

export type LegFields = Record<string, string | number>;

export interface AssembledLeg {
  location: string;
  fields: LegFields;
}

/** `timestamp|callid|queuename|agent|event|data1|…|data5`, as Asterisk's queue_log file has it. */
export function parseQueueLogLine(raw: string, file: string, line: number): QueueEvent | { error: string } {
  const parts = raw.split('|');
  if (parts.length < 5) return { error: `malformed queue_log line: ${parts.length} fields, expected timestamp|callid|queuename|agent|event|data…` };
  const [stamp, callid, queue, agent, event] = parts as [string, string, string, string, string];
  const seconds = Number(stamp);
  if (!/^\d+(\.\d+)?$/.test(stamp) || seconds <= 0) return { error: `malformed queue_log line: timestamp ${JSON.stringify(stamp)} is not epoch seconds` };
  return { time: Math.round(seconds * 1000), callid, queue, agent, event, data: parts.slice(5), file, line, raw };
}

/** A row of the realtime `queue_log` table (CSV dump): `time` is epoch seconds or a local `YYYY-MM-DD HH:MM:SS`. */
export function parseQueueLogRow(row: Record<string, string>, file: string, line: number, raw: string, pbxTimeZone: string): QueueEvent | { error: string } {
  const time = parseTableTime(row.time ?? '', pbxTimeZone);
  if (time === undefined) return { error: `malformed queue_log row: time ${JSON.stringify(row.time ?? '')} is neither epoch seconds nor YYYY-MM-DD HH:MM:SS` };
  if (!row.event) return { error: 'malformed queue_log row: no event' };
  // Older schemas keep data1..data5 joined with pipes in one `data` column.
  const data = 'data1' in row ? [row.data1, row.data2, row.data3, row.data4, row.data5].map((value) => value ?? '') : (row.data ?? '').split('|');
  return { time, callid: row.callid ?? '', queue: row.queuename ?? '', agent: row.agent ?? '', event: row.event, data, file, line, raw };
}

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

function parseTableTime(text: string, timeZone: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const match = LOCAL_DATETIME.exec(trimmed);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return fromLocal({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! }, timeZone).getTime();
}

const ABANDON_EVENTS = new Set(['ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY']);
/** Talk time is data2 of COMPLETE*, data4 of the transfer events. */
const ANSWER_END_EVENTS = new Map([['COMPLETEAGENT', 1], ['COMPLETECALLER', 1], ['TRANSFER', 3], ['BLINDTRANSFER', 3], ['ATTENDEDTRANSFER', 3]]);
/** Agent sessions, ringing and bookkeeping: they describe no leg of a caller. */
const IGNORED_EVENTS = new Set([
  'RINGNOANSWER', 'RINGCANCELED', 'AGENTCALLED', 'AGENTDUMP', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
  'AGENTCALLBACKLOGOFF', 'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL', 'PAUSECUSTOM',
  'QUEUESTART', 'CONFIGRELOAD', 'DID', 'INFO', 'SYSCOMPAT',
]);

export interface AssembleContext {
  operator: string;
  source: string;
  /** Center time zone: started_at is written in it. */
  timeZone: string;
  roster: Roster;
}

interface OpenSegment {
  events: QueueEvent[];
  connect?: QueueEvent;
}

/**
 * Feeds events in file order; `finish()` returns the events of segments that have not ended
 * yet, to be fed again, first, on the next read.
 */
export class SegmentAssembler {
  readonly rejections: Rejection[] = [];
  private readonly open = new Map<string, OpenSegment>();
  ignored = 0;

  constructor(private readonly context: AssembleContext, private readonly emit: (leg: AssembledLeg) => void) {}

  push(event: QueueEvent): void {
    const { event: name, callid } = event;
    if (name === 'ENTERQUEUE') {
      const stale = this.open.get(callid);
      if (stale) this.reject(stale.events, 'queue segment never ended before the call entered a queue again');
      this.open.set(callid, { events: [event] });
      return;
    }
    if (IGNORED_EVENTS.has(name)) {
      this.ignored++;
      return;
    }
    const known = name === 'CONNECT' || ABANDON_EVENTS.has(name) || ANSWER_END_EVENTS.has(name);
    if (!known) return this.reject([event], `unknown queue_log event ${JSON.stringify(name)}`);
    const segment = this.open.get(callid);
    if (!segment) return this.reject([event], `${name} for call ${callid} without its ENTERQUEUE`);
    segment.events.push(event);
    if (name === 'CONNECT') {
      segment.connect = event;
      return;
    }
    this.open.delete(callid);
    this.emit(this.leg(segment, event));
  }

  /** Events of calls still waiting in a queue or talking. */
  finish(): QueueEvent[] {
    return [...this.open.values()].flatMap((segment) => segment.events);
  }

  private leg(segment: OpenSegment, end: QueueEvent): AssembledLeg {
    const enter = segment.events[0]!;
    const { operator, timeZone, roster } = this.context;
    const fields: LegFields = {
      operator,
      // The enter instant tells apart the segments of one callid (one per queue it went through).
      call_id: `${enter.callid}:${Math.round(enter.time / 1000)}:${enter.queue}`,
      protocol: enter.callid,
      direction: 'inbound',
      status: ABANDON_EVENTS.has(end.event) ? 'abandoned' : 'answered',
      started_at: toLocalIso(new Date(enter.time), timeZone),
      queue: enter.queue,
    };
    const callerId = enter.data[1]?.trim();
    if (callerId) fields.customer_number = callerId;
    const talkIndex = ANSWER_END_EVENTS.get(end.event);
    if (talkIndex !== undefined) {
      // The loader rejects a talk time that is not a whole number, naming the value.
      const talk = end.data[talkIndex]?.trim();
      if (talk) fields.talk_seconds = /^\d+$/.test(talk) ? Number(talk) : talk;
      if (segment.connect) Object.assign(fields, roster(segment.connect.agent));
    }
    return { location: locationOf(enter), fields };
  }

  private reject(events: QueueEvent[], reason: string): void {
    this.rejections.push({ source: this.context.source, location: locationOf(events[0]!), rawPayload: events.map((event) => event.raw).join('\n'), reason });
  }
}
