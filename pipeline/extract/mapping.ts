import type { DurationFormat, Mapping, TimestampFormat } from './config.ts';
import { fromLocal, isValidCalendarDay, toLocalIso } from './time.ts';

/**
 * The mapping engine: one operator record (any JSON, or a spreadsheet row as an object) →
 * canonical leg fields of SPEC §1, or the reason in plain words why it cannot be read.
 * Pure and independent of HTTP, so file sources reuse it.
 */

export type CanonicalFields = Record<string, string | number>;
export type MapResult = { leg: CanonicalFields; error?: undefined } | { leg?: undefined; error: string };

export interface MapContext {
  operator: string;
  /** Center time zone: local timestamps are read in it and all timestamps are written in it. */
  timeZone: string;
}

const TEXT_FIELDS = ['call_id', 'protocol', 'customer_number', 'agent_id', 'agent_name', 'supervisor', 'team', 'queue', 'reason'] as const;
const DURATION_FIELDS = ['talk_seconds', 'hold_seconds', 'wrap_seconds'] as const;
const TIMESTAMP_FIELDS = ['started_at', 'updated_at'] as const;
const ENUM_FIELDS = { direction: ['inbound', 'outbound'], status: ['answered', 'abandoned'] } as const;
const REQUIRED = new Set<string>(['call_id', 'direction', 'status', 'started_at']);

export function mapRecord(record: unknown, mapping: Mapping, context: MapContext): MapResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { error: 'record is not a JSON object' };
  const leg: CanonicalFields = { operator: context.operator };
  const problems: string[] = [];
  const read = (field: string, path: string, convert: (value: unknown) => string | number): void => {
    const value = getPath(record, path);
    if (isAbsent(value)) {
      if (REQUIRED.has(field)) problems.push(`${field} is missing (${path})`);
      return;
    }
    try {
      leg[field] = convert(value);
    } catch (error) {
      problems.push(`${field} ${(error as Error).message} (${path}: ${JSON.stringify(value)})`);
    }
  };

  for (const field of TEXT_FIELDS) {
    const spec = mapping[field];
    if (spec) read(field, spec.path, toText);
  }
  for (const field of TIMESTAMP_FIELDS) {
    const spec = mapping[field];
    if (spec) read(field, spec.path, (value) => toLocalIso(parseTimestamp(value, spec.format, context.timeZone), context.timeZone));
  }
  for (const field of DURATION_FIELDS) {
    const spec = mapping[field];
    if (spec) read(field, spec.path, (value) => parseDuration(value, spec.format));
  }
  for (const [field, allowed] of Object.entries(ENUM_FIELDS)) {
    const spec = mapping[field as keyof typeof ENUM_FIELDS];
    read(field, spec.path, (value) => mapEnum(toText(value).trim(), spec.values, allowed));
  }

  if (problems.length) return { error: problems.join('; ') };
  return { leg };
}

/** `a.b.0.c` into nested objects and arrays; undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of splitPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const splitPaths = new Map<string, string[]>();

/** Paths come from a handful of mappings but are read for every record: split each once. */
function splitPath(path: string): string[] {
  let keys = splitPaths.get(path);
  if (!keys) splitPaths.set(path, (keys = path.split('.')));
  return keys;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Values are kept as sent (the loader validates them); numbers become their decimal text. */
function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error('is not a text or a number');
}

function mapEnum(raw: string, values: Record<string, string> | undefined, allowed: readonly string[]): string {
  const mapped = values?.[raw];
  if (mapped !== undefined) return mapped;
  // Platforms that already speak the canonical words need no value map.
  if (allowed.includes(raw)) return raw;
  throw new Error(`value is not in the value map${values ? ` (known: ${Object.keys(values).join(', ')})` : ''}`);
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const BR_DATETIME = /^(\d{2})\/(\d{2})\/(\d{4})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** An instant from a timestamp in the declared format; local readings are in the center zone. */
export function parseTimestamp(value: unknown, format: TimestampFormat, timeZone: string): Date {
  if (format === 'epoch_ms' || format === 'epoch_s') {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isFinite(number) || number <= 0) throw new Error(`is not an epoch in ${format === 'epoch_ms' ? 'milliseconds' : 'seconds'}`);
    return new Date(format === 'epoch_ms' ? number : number * 1000);
  }
  if (typeof value !== 'string') throw new Error(`is not a ${format === 'iso' ? 'ISO-8601' : 'dd/MM/yyyy HH:mm:ss'} text`);
  const text = value.trim();
  if (format === 'iso') {
    const match = ISO_TIMESTAMP.exec(text);
    if (!match) throw new Error('is not an ISO-8601 timestamp');
    const [, year, month, day, hour, minute, second = '0', , zone] = match;
    const local = checkedLocal(+year!, +month!, +day!, +hour!, +minute!, +second);
    if (!zone) return fromLocal(local, timeZone);
    const instant = new Date(text.replace(' ', 'T'));
    if (Number.isNaN(instant.getTime())) throw new Error('is not an ISO-8601 timestamp');
    return instant;
  }
  const match = BR_DATETIME.exec(text);
  if (!match) throw new Error('is not a dd/MM/yyyy HH:mm:ss timestamp');
  const [, day, month, year, hour, minute, second = '0'] = match;
  return fromLocal(checkedLocal(+year!, +month!, +day!, +hour!, +minute!, +second), timeZone);
}

function checkedLocal(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  if (!isValidCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) throw new Error('is not a valid date and time');
  return { year, month, day, hour, minute, second };
}

const HMS = /^(\d+):([0-5]\d):([0-5]\d)$/;

/** Whole seconds ≥ 0 from a count of seconds or `HH:MM:SS`. */
export function parseDuration(value: unknown, format: DurationFormat): number {
  if (format === 'hms') {
    const match = typeof value === 'string' ? HMS.exec(value.trim()) : null;
    if (!match) throw new Error('is not a HH:MM:SS duration');
    return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  }
  // pt-BR spreadsheets write `120,0` for 120.
  const text = typeof value === 'string' ? value.trim().replace(/^(\d+),(\d+)$/, '$1.$2') : '';
  const number = typeof value === 'number' ? value : text !== '' ? Number(text) : NaN;
  if (!Number.isInteger(number) || number < 0) throw new Error('is not a whole number of seconds ≥ 0');
  return number;
}
