import { isAscii } from 'node:buffer';
import { EVENT_KINDS, isPlausibleTime, malformedFields, malformedStamp, parseQueueLogLine, TALK_DATA, type EventKind, type SegmentAssembler } from './queue-log.ts';
import { splitLines } from './tail.ts';

/**
 * queue_log bytes → assembler calls. A year of a busy center is ~15 M lines, a quarter of them
 * events that make no leg: lines are split on their bytes, and a string is made only of the
 * fields a leg or a quarantined line needs. Blocks that are not plain ASCII, or carry carriage
 * returns, go through the line-by-line parser instead; both give the same events.
 */

interface KnownEvent {
  bytes: Buffer;
  name: string;
  kind: EventKind;
  /** The field holding the talk time (data2 or data4) of an answered end; -1 for others. */
  talkField: number;
}

/** `timestamp|callid|queuename|agent|event|data1|…`: data1 is field 5. */
const FIELD = { stamp: 0, callid: 1, queue: 2, agent: 3, event: 4 } as const;
const FIELDS_BEFORE_DATA = 5;
/** ENTERQUEUE data2. */
const CALLER_ID_FIELD = FIELDS_BEFORE_DATA + 1;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const PIPE = 0x7c;
const DOT = 0x2e;
const ZERO = 0x30;
/** Field boundaries kept per line: up to data5. */
const MAX_PIPES = 10;

/** Known event names by byte length, so a line's event is found by comparing a few bytes. */
const EVENTS_BY_LENGTH: KnownEvent[][] = [];
for (const [name, kind] of EVENT_KINDS) {
  const bytes = Buffer.from(name, 'latin1');
  const talk = TALK_DATA.get(name);
  (EVENTS_BY_LENGTH[bytes.length] ??= []).push({ bytes, name, kind, talkField: talk === undefined ? -1 : FIELDS_BEFORE_DATA + talk });
}

function knownEvent(block: Buffer, start: number, end: number): KnownEvent | undefined {
  const candidates = EVENTS_BY_LENGTH[end - start];
  if (!candidates) return undefined;
  for (const candidate of candidates) {
    const { bytes } = candidate;
    let index = 0;
    while (index < bytes.length && block[start + index] === bytes[index]) index++;
    if (index === bytes.length) return candidate;
  }
  return undefined;
}

/** Epoch milliseconds of a plausible `\d+(\.\d+)?` timestamp, as `Math.round(Number(stamp) * 1000)`; undefined otherwise. */
function stampMillis(block: Buffer, start: number, end: number): number | undefined {
  if (end === start) return undefined;
  let seconds = 0;
  let dot = -1;
  for (let index = start; index < end; index++) {
    const digit = block[index]! - ZERO;
    if (digit >= 0 && digit <= 9) seconds = seconds * 10 + digit;
    else if (block[index] === DOT && dot < 0 && index > start && index < end - 1) dot = index;
    else return undefined;
  }
  // Fractions and very long numbers: the same arithmetic as the line parser.
  const value = dot >= 0 || end - start > 15 ? Number(block.toString('latin1', start, end)) : seconds;
  const millis = Math.round(value * 1000);
  return isPlausibleTime(millis) ? millis : undefined;
}

export interface ScanTarget {
  assembler: SegmentAssembler;
  /** Index of the file in the read's file names, and its name for lines parsed as text. */
  file: number;
  name: string;
  malformed: (line: number, raw: string, reason: string) => void;
}

/** One line of a block: where its fields start and end. Reused from line to line. */
class Fields {
  readonly pipes = new Int32Array(MAX_PIPES);
  count = 0;
  start = 0;
  end = 0;

  constructor(readonly block: Buffer) {}

  /** Finds the line starting at `start`; returns where it ends (its newline). */
  read(start: number): number {
    const { block, pipes } = this;
    let count = 0;
    let end = start;
    for (let byte = block[end]; byte !== NEWLINE; byte = block[++end]) {
      if (byte === PIPE) {
        if (count < MAX_PIPES) pipes[count] = end;
        count++;
      }
    }
    this.start = start;
    this.end = end;
    this.count = count;
    return end;
  }

  /** Field k runs from after pipe k-1 (or the line start) to pipe k (or the line end). */
  from(field: number): number {
    return field === 0 ? this.start : this.pipes[field - 1]! + 1;
  }

  to(field: number): number {
    return field < this.count ? this.pipes[field]! : this.end;
  }

  text(field: number): string {
    return this.block.toString('latin1', this.from(field), this.to(field));
  }

  raw(): string {
    return this.block.toString('latin1', this.start, this.end);
  }

  /** A field as a slice of the line's text (cheaper than decoding it again). */
  slice(raw: string, field: number): string {
    return raw.slice(this.from(field) - this.start, this.to(field) - this.start);
  }
}

/** Feeds a block of complete lines (ending with a newline) whose first line is `firstLine`; returns its line count. */
export function scanQueueLog(block: Buffer, firstLine: number, target: ScanTarget): number {
  if (!isAscii(block) || block.includes(CARRIAGE_RETURN)) return parseLines(block, firstLine, target);
  const fields = new Fields(block);
  let line = firstLine;
  for (let start = 0; start < block.length; line++) {
    start = fields.read(start) + 1;
    scanLine(fields, line, target);
  }
  return line - firstLine;
}

function scanLine(fields: Fields, line: number, { assembler, file, malformed }: ScanTarget): void {
  const { block, count } = fields;
  if (count + 1 < FIELDS_BEFORE_DATA) {
    const raw = fields.raw();
    if (raw.trim() !== '') malformed(line, raw, malformedFields(count + 1));
    return;
  }
  const time = stampMillis(block, fields.start, fields.to(FIELD.stamp));
  if (time === undefined) return malformed(line, fields.raw(), malformedStamp(fields.text(FIELD.stamp)));
  const event = knownEvent(block, fields.from(FIELD.event), fields.to(FIELD.event));
  if (event?.kind === 'ignored') return;
  if (!event) return assembler.unknown(fields.text(FIELD.event), file, line, fields.raw());
  if (event.kind === 'enter' || event.kind === 'connect') {
    // The whole line is kept while its segment is open; the fields are slices of it.
    const raw = fields.raw();
    const callid = fields.slice(raw, FIELD.callid);
    const held = { file, line, raw };
    if (event.kind === 'connect') {
      if (!assembler.connect(callid, fields.slice(raw, FIELD.agent), held)) assembler.orphan(event.name, callid, file, line, raw);
      return;
    }
    const callerId = count >= CALLER_ID_FIELD ? fields.slice(raw, CALLER_ID_FIELD).trim() : '';
    return assembler.enter(callid, time, fields.slice(raw, FIELD.queue), callerId || undefined, held);
  }
  const callid = fields.text(FIELD.callid);
  const talk = event.kind === 'answered' && count >= event.talkField ? fields.text(event.talkField).trim() || undefined : undefined;
  if (!assembler.end(callid, event.kind, talk)) assembler.orphan(event.name, callid, file, line, fields.raw());
}

/** The line-by-line path: any bytes (invalid UTF-8 becomes U+FFFD), `\r\n` line ends. */
function parseLines(block: Buffer, firstLine: number, { assembler, file, name, malformed }: ScanTarget): number {
  const lines = splitLines(block);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const parsed = parseQueueLogLine(raw, name, firstLine + index);
    if ('error' in parsed) malformed(firstLine + index, raw, parsed.error);
    else assembler.push(parsed, file);
  });
  return lines.length;
}
