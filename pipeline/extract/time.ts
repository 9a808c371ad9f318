/**
 * Local-time arithmetic for the center's IANA time zone, built on Intl so offsets (and any
 * future DST rule) come from the platform's tz database, never from a hard-coded offset.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of an instant in a time zone. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * Offset of the zone from UTC at that instant, in minutes (São Paulo today: -180).
 * Zones change offset only on quarter-hour instants, so one Intl lookup per quarter hour is
 * exact; the cache keeps bulk conversions (100k+ timestamps) fast.
 */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const bucket = Math.floor(instant.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const part of partsFormatter(timeZone).formatToParts(new Date(bucket))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    offset = Math.round((asUtc - bucket) / 60_000);
    if (zone.size > 200_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/**
 * The instant a wall-clock time denotes in the zone, read as the import reads a zone-less
 * timestamp (docs/decisions.md): a wall time a DST fall-back repeats is its earlier instant, one a
 * spring-forward skips is read with the offset before the change (Python's fold = 0).
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const offsetAt = (ms: number) => offsetMinutes(new Date(ms), timeZone) * 60_000;
  const before = offsetAt(asUtc - 86_400_000);
  const instants = [before, offsetAt(asUtc + 86_400_000)].map((offset) => asUtc - offset).filter((instant) => offsetAt(instant) === asUtc - instant);
  return new Date(instants.length ? Math.min(...instants) : asUtc - before);
}

/** `[start, end)` of a local calendar day (`YYYY-MM-DD`) as instants. */
export function localDayBounds(date: string, timeZone: string): { start: Date; end: Date } {
  const day = parseIsoDate(date);
  const next = parseIsoDate(addDays(date, 1));
  return {
    start: fromLocal({ ...day, hour: 0, minute: 0, second: 0 }, timeZone),
    end: fromLocal({ ...next, hour: 0, minute: 0, second: 0 }, timeZone),
  };
}

/** `2026-11-26T10:04:05-03:00`: the instant written in local time with its offset. */
export function toLocalIso(instant: Date, timeZone: string): string {
  const local = toLocal(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${formatLocal(local)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `YYYY-MM-DDTHH:mm:ss` of a wall-clock time. */
export function formatLocal(local: LocalDateTime): string {
  return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

/** `dd/MM/yyyy HH:mm:ss`, the way Brazilian platforms print local times. */
export function formatBrDateTime(local: LocalDateTime): string {
  return `${pad(local.day)}/${pad(local.month)}/${local.year} ${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

export function localDateOf(instant: Date, timeZone: string): string {
  const local = toLocal(instant, timeZone);
  return `${local.year}-${pad(local.month)}-${pad(local.day)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  return isValidCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function parseIsoDate(text: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(text);
  if (!match || !isIsoDate(text)) throw new RangeError(`not a date (YYYY-MM-DD): ${text}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Calendar arithmetic on `YYYY-MM-DD`, independent of any time zone. */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseIsoDate(date);
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return shifted.toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included. */
export function dateRange(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const { year, month, day } = parseIsoDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

export function isValidCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
