import { fromLocal } from '../extract/time.ts';

/**
 * Asterisk queue_log → queue segments. One segment (ENTERQUEUE up to the event that ends it) is
 * one leg (queue-log-legs.ts makes it canonical); a TRANSFER keeps the callid, so every segment
 * of a call shares `protocol = callid` and forms one contact. Pure: events in, segments and
 * rejections out, and the lines of calls still in progress handed back to wait for the next read.
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

/** `timestamp|callid|queuename|agent|event|data1|…|data5`, as Asterisk's queue_log file has it. */
export function parseQueueLogLine(raw: string, file: string, line: number): QueueEvent | { error: string } {
  const parts = raw.split('|');
  if (parts.length < 5) return { error: malformedFields(parts.length) };
  const [stamp, callid, queue, agent, event] = parts as [string, string, string, string, string];
  const time = Math.round(Number(stamp) * 1000);
  if (!/^\d+(\.\d+)?$/.test(stamp) || !isPlausibleTime(time)) return { error: malformedStamp(stamp) };
  return { time, callid, queue, agent, event, data: parts.slice(5), file, line, raw };
}

/**
 * Epoch milliseconds a PBX can have written: after 1970, before 2100. Two lines run together by a
 * crash mid-write make a timestamp of 18 digits; it must be quarantined like any bad line, not
 * overflow the load.
 */
export function isPlausibleTime(millis: number): boolean {
  return millis > 0 && millis < LATEST_TIME;
}

const LATEST_TIME = Date.UTC(2100, 0, 1);

export function malformedFields(count: number): string {
  return `malformed queue_log line: ${count} fields, expected timestamp|callid|queuename|agent|event|data…`;
}

export function malformedStamp(stamp: string): string {
  return `malformed queue_log line: timestamp ${JSON.stringify(stamp)} is not epoch seconds between 1970 and 2100`;
}

/** A row of the realtime `queue_log` table (CSV dump): `time` is epoch seconds or a local `YYYY-MM-DD HH:MM:SS`. */
export function parseQueueLogRow(row: Record<string, string>, file: string, line: number, raw: string, pbxTimeZone: string): QueueEvent | { error: string } {
  const time = parseTableTime(row.time ?? '', pbxTimeZone);
  if (time === undefined) return { error: `malformed queue_log row: time ${JSON.stringify(row.time ?? '')} is neither epoch seconds nor YYYY-MM-DD HH:MM:SS between 1970 and 2100` };
  if (!row.event) return { error: 'malformed queue_log row: no event' };
  // Older schemas keep data1..data5 joined with pipes in one `data` column.
  const data = 'data1' in row ? [row.data1, row.data2, row.data3, row.data4, row.data5].map((value) => value ?? '') : (row.data ?? '').split('|');
  return { time, callid: row.callid ?? '', queue: row.queuename ?? '', agent: row.agent ?? '', event: row.event, data, file, line, raw };
}

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

function parseTableTime(text: string, timeZone: string): number | undefined {
  const trimmed = text.trim();
  let time: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) time = Math.round(Number(trimmed) * 1000);
  const match = LOCAL_DATETIME.exec(trimmed);
  if (match) {
    const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
    time = fromLocal({ year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! }, timeZone).getTime();
  }
  return time !== undefined && isPlausibleTime(time) ? time : undefined;
}

export type EventKind = 'enter' | 'connect' | 'answered' | 'abandoned' | 'ignored';

const ABANDON_EVENTS = ['ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY'];
/** Talk time is data2 of COMPLETE*, data4 of the transfer events (index into `data`). */
export const TALK_DATA = new Map([['COMPLETEAGENT', 1], ['COMPLETECALLER', 1], ['TRANSFER', 3], ['BLINDTRANSFER', 3], ['ATTENDEDTRANSFER', 3]]);
/** Agent sessions, ringing and bookkeeping: they describe no leg of a caller. */
const IGNORED_EVENTS = [
  'RINGNOANSWER', 'RINGCANCELED', 'AGENTCALLED', 'AGENTDUMP', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
  'AGENTCALLBACKLOGOFF', 'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL', 'PAUSECUSTOM',
  'QUEUESTART', 'CONFIGRELOAD', 'DID', 'INFO', 'SYSCOMPAT',
];

/** Every event name with a meaning; any other is unknown (quarantined). */
export const EVENT_KINDS: ReadonlyMap<string, EventKind> = new Map<string, EventKind>([
  ['ENTERQUEUE', 'enter'],
  ['CONNECT', 'connect'],
  ...[...TALK_DATA.keys()].map((name) => [name, 'answered'] as [string, EventKind]),
  ...ABANDON_EVENTS.map((name) => [name, 'abandoned'] as [string, EventKind]),
  ...IGNORED_EVENTS.map((name) => [name, 'ignored'] as [string, EventKind]),
]);

/** A queue segment that ended: one leg. `file` is an index into the read's file names. */
export interface Segment {
  file: number;
  line: number;
  /** ENTERQUEUE time, epoch milliseconds. */
  time: number;
  callid: string;
  queue: string;
  /** ENTERQUEUE data2 (caller id), trimmed; absent when blank. */
  customer: string | undefined;
  /** The last CONNECT's agent interface; answered segments only. */
  agent: string | undefined;
  status: 'answered' | 'abandoned';
  /** Trimmed talk time as written; absent when blank. */
  talk: string | undefined;
}

/** A line kept while its segment is open, to quarantine it or hand it on as pending; `event` when already parsed. */
export interface HeldLine {
  file: number;
  line: number;
  raw: string;
  event?: QueueEvent;
}

export interface QueueRejection {
  file: number;
  line: number;
  raw: string;
  reason: string;
}

interface OpenSegment {
  time: number;
  queue: string;
  customer: string | undefined;
  agent: string | undefined;
  held: HeldLine[];
}

/**
 * Takes events in file order, per call (callid): `enter`, `connect`, `end`; `finish()` returns
 * the lines of segments that have not ended yet, to be fed again, first, on the next read.
 */
export class SegmentAssembler {
  private readonly open = new Map<string, OpenSegment>();

  constructor(private readonly emit: (segment: Segment) => void, private readonly reject: (rejection: QueueRejection) => void) {}

  enter(callid: string, time: number, queue: string, customer: string | undefined, held: HeldLine): void {
    const stale = this.open.get(callid);
    if (stale) {
      const first = stale.held[0]!;
      this.reject({ file: first.file, line: first.line, raw: stale.held.map((line) => line.raw).join('\n'), reason: 'queue segment never ended before the call entered a queue again' });
    }
    this.open.set(callid, { time, queue, customer, agent: undefined, held: [held] });
  }

  /** False when the call has no open segment (the caller quarantines the line with `orphan`). */
  connect(callid: string, agent: string, held: HeldLine): boolean {
    const segment = this.open.get(callid);
    if (!segment) return false;
    segment.agent = agent;
    segment.held.push(held);
    return true;
  }

  /** Ends the call's open segment; false when it has none. */
  end(callid: string, status: 'answered' | 'abandoned', talk: string | undefined): boolean {
    const segment = this.open.get(callid);
    if (!segment) return false;
    this.open.delete(callid);
    const { file, line } = segment.held[0]!;
    const answered = status === 'answered';
    this.emit({ file, line, time: segment.time, callid, queue: segment.queue, customer: segment.customer, agent: answered ? segment.agent : undefined, status, talk: answered ? talk : undefined });
    return true;
  }

  orphan(name: string, callid: string, file: number, line: number, raw: string): void {
    this.reject({ file, line, raw, reason: `${name} for call ${callid} without its ENTERQUEUE` });
  }

  unknown(name: string, file: number, line: number, raw: string): void {
    this.reject({ file, line, raw, reason: `unknown queue_log event ${JSON.stringify(name)}` });
  }

  /** A parsed event (pending lines, table dumps, lines off the byte fast path). */
  push(event: QueueEvent, file: number): void {
    const { event: name, callid, line, raw } = event;
    const kind = EVENT_KINDS.get(name);
    if (kind === 'ignored') return;
    if (kind === undefined) return this.unknown(name, file, line, raw);
    if (kind === 'enter') return this.enter(callid, event.time, event.queue, event.data[1]?.trim() || undefined, { file, line, raw, event });
    const known = kind === 'connect'
      ? this.connect(callid, event.agent, { file, line, raw, event })
      : this.end(callid, kind, kind === 'answered' ? event.data[TALK_DATA.get(name)!]?.trim() || undefined : undefined);
    if (!known) this.orphan(name, callid, file, line, raw);
  }

  /** Lines of calls still waiting in a queue or talking, in the order they were read. */
  finish(): HeldLine[] {
    return [...this.open.values()].flatMap((segment) => segment.held);
  }
}
