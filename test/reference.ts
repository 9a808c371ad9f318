/**
 * An independent reference implementation of SPEC §1 (duplicates), §2 (customer key), §3 (contacts)
 * and §4 (callbacks), written from SPEC.md and docs/decisions.md only, for the differential test.
 * Pure functions from rows to rows; slow and simple on purpose. It never looks at warehouse/*.sql.
 *
 * Instants are held as integer microseconds since the epoch (TIMESTAMPTZ precision).
 */

export interface RefConfig {
  timezone: string;
  callbackWindowDays: number;
  attribution: 'origin' | 'previous';
  shortCallSeconds: number;
  excludedNumbers: readonly string[];
}

/** A canonical leg record as read from a file: every field a string (or absent). */
export type RawLeg = Partial<Record<
  'operator' | 'call_id' | 'protocol' | 'direction' | 'status' | 'started_at' | 'customer_number' | 'agent_id' |
  'agent_name' | 'supervisor' | 'team' | 'queue' | 'reason' | 'talk_seconds' | 'hold_seconds' | 'wrap_seconds' | 'updated_at',
  string | number | null
>>;

/** The SPEC §6 columns of `contacts`, as plain JSON-like values. */
export interface RefContact {
  contact_key: string;
  operator: string;
  customer_key: string | null;
  ddd: string | null;
  uf: string | null;
  region: string | null;
  started_at: string; // ISO instant, UTC
  local_date: string; // YYYY-MM-DD
  direction: string;
  answered: boolean;
  eligible: boolean;
  agent_id: string | null;
  agent_name: string | null;
  supervisor: string | null;
  team: string | null;
  queue: string | null;
  reason: string | null;
  legs: number;
  talk_seconds: number;
  handle_seconds: number;
  is_callback: boolean | null;
  prev_contact_key: string | null;
  origin_contact_key: string | null;
  attributed_contact_key: string | null;
  attributed_agent_id: string | null;
  gap_seconds: number | null;
  bucket: string | null;
  cause: string | null;
  resolved: string | null;
}

export const CONTACT_COLUMNS = [
  'contact_key', 'operator', 'customer_key', 'ddd', 'uf', 'region', 'started_at', 'local_date', 'direction', 'answered',
  'eligible', 'agent_id', 'agent_name', 'supervisor', 'team', 'queue', 'reason', 'legs', 'talk_seconds', 'handle_seconds',
  'is_callback', 'prev_contact_key', 'origin_contact_key', 'attributed_contact_key', 'attributed_agent_id', 'gap_seconds',
  'bucket', 'cause', 'resolved',
] as const satisfies readonly (keyof RefContact)[];

// ---------------------------------------------------------------------------------------------
// Values (docs/decisions.md "Input")

/** White space: JavaScript's \s (Unicode White_Space and U+FEFF) and NEL, U+0085. */
export const WHITE_SPACE = '[\\s\\u0085]';

function trimWhiteSpace(text: string): string {
  return text.replace(new RegExp(`^${WHITE_SPACE}+|${WHITE_SPACE}+$`, 'gu'), '');
}

/** Blank is missing: empty or only white space. Other values are kept as received. */
export function value(raw: string | number | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  return new RegExp(`^${WHITE_SPACE}*$`, 'u').test(text) ? null : text;
}

function seconds(raw: string | number | null | undefined): number {
  const text = value(raw);
  return text === null ? 0 : Number(text);
}

/** Text order as DuckDB compares VARCHAR: byte-wise on UTF-8. */
export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Time

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Wall-clock fields of an instant (ms) in a time zone. */
export function wallClock(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's UTC offset in ms at an instant (ms). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * The instant (ms) of a wall-clock time (given as if it were UTC, in ms) in a time zone, as
 * Python's zoneinfo reads it (fold = 0): a wall time a fall-back repeats is its earlier instant,
 * one a spring-forward skips is read with the offset before the change.
 */
export function zonedToUtc(wallAsUtcMs: number, timeZone: string): number {
  const before = offsetAt(wallAsUtcMs - 86_400_000, timeZone);
  const after = offsetAt(wallAsUtcMs + 86_400_000, timeZone);
  const instants = [before, after].map((offset) => wallAsUtcMs - offset).filter((instant) => offsetAt(instant, timeZone) === wallAsUtcMs - instant);
  return instants.length ? Math.min(...instants) : wallAsUtcMs - before;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$/;

/** Parses an accepted timestamp (docs/decisions.md) to epoch microseconds; no zone → the center's zone. */
export function parseTimestamp(text: string, timeZone: string): number {
  const match = TIMESTAMP.exec(text);
  if (!match) throw new Error(`reference: not a timestamp: ${text}`);
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = match;
  const micros = Number((fraction + '000000').slice(0, 6));
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let ms: number;
  if (zone === undefined) ms = zonedToUtc(wall, timeZone);
  else if (zone === 'Z') ms = wall;
  else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms = wall - sign * offsetMinutes * 60_000;
  }
  return ms * 1000 + micros;
}

export function isoInstant(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  const extra = us - ms * 1000;
  return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

export function localDate(us: number, timeZone: string): string {
  const w = wallClock(Math.floor(us / 1000), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!) / 86_400_000;
}

// ---------------------------------------------------------------------------------------------
// SPEC §2: area codes and customer key

type Region = 'Norte' | 'Nordeste' | 'Centro-Oeste' | 'Sudeste' | 'Sul';

/** Brazil's 67 DDDs with their state, written from the Anatel numbering plan. */
const DDD_STATES: Record<string, readonly string[]> = {
  AC: ['68'], AL: ['82'], AM: ['92', '97'], AP: ['96'], BA: ['71', '73', '74', '75', '77'], CE: ['85', '88'],
  DF: ['61'], ES: ['27', '28'], GO: ['62', '64'], MA: ['98', '99'], MG: ['31', '32', '33', '34', '35', '37', '38'],
  MS: ['67'], MT: ['65', '66'], PA: ['91', '93', '94'], PB: ['83'], PE: ['81', '87'], PI: ['86', '89'],
  PR: ['41', '42', '43', '44', '45', '46'], RJ: ['21', '22', '24'], RN: ['84'], RO: ['69'], RR: ['95'],
  RS: ['51', '53', '54', '55'], SC: ['47', '48', '49'], SE: ['79'],
  SP: ['11', '12', '13', '14', '15', '16', '17', '18', '19'], TO: ['63'],
};

const STATE_REGIONS: Record<string, Region> = {
  AC: 'Norte', AM: 'Norte', AP: 'Norte', PA: 'Norte', RO: 'Norte', RR: 'Norte', TO: 'Norte',
  AL: 'Nordeste', BA: 'Nordeste', CE: 'Nordeste', MA: 'Nordeste', PB: 'Nordeste', PE: 'Nordeste', PI: 'Nordeste', RN: 'Nordeste', SE: 'Nordeste',
  DF: 'Centro-Oeste', GO: 'Centro-Oeste', MS: 'Centro-Oeste', MT: 'Centro-Oeste',
  ES: 'Sudeste', MG: 'Sudeste', RJ: 'Sudeste', SP: 'Sudeste',
  PR: 'Sul', RS: 'Sul', SC: 'Sul',
};

const AREA_CODES: ReadonlyMap<string, { uf: string; region: Region }> = new Map(
  Object.entries(DDD_STATES).flatMap(([uf, ddds]) => ddds.map((ddd) => [ddd, { uf, region: STATE_REGIONS[uf]! }] as const)),
);

const WITHHELD = ['anonymous', 'anonimo', 'anônimo', 'restrito', 'privado', 'private', 'unknown', 'desconhecido'];

/** SPEC §2 steps 1–6, without the excluded-numbers list. */
function rawCustomerKey(number: string | null): string | null {
  if (number === null) return null;
  const trimmed = trimWhiteSpace(number);
  const lowered = trimmed.toLowerCase();
  if (lowered === '' || WITHHELD.some((marker) => lowered.includes(marker))) return null;
  let digits = number.replace(/[^0-9]/g, '');
  if (trimmed.startsWith('+') && !digits.startsWith('55')) {
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  }
  if (digits.startsWith('55') && (digits.length === 12 || digits.length === 13)) digits = digits.slice(2);
  else if (digits.startsWith('0')) {
    if (digits.length === 11 || digits.length === 12) digits = digits.slice(1);
    else if (digits.length === 13 || digits.length === 14) digits = digits.slice(3);
  }
  let key: string;
  if (digits.length === 10) {
    const first = digits[2]!;
    if ('6789'.includes(first)) key = `${digits.slice(0, 2)}9${digits.slice(2)}`;
    else if ('2345'.includes(first)) key = digits;
    else return null;
  } else if (digits.length === 11) {
    if (digits[2] !== '9') return null;
    key = digits;
  } else return null;
  if (!AREA_CODES.has(key.slice(0, 2))) return null;
  const subscriber = key.slice(2);
  if (/^(\d)\1*$/.test(subscriber)) return null;
  return key;
}

function customerKey(number: string | null, excluded: ReadonlySet<string> = new Set()): string | null {
  const key = rawCustomerKey(number);
  return key !== null && excluded.has(key) ? null : key;
}

export function keyPlace(key: string | null): { ddd: string | null; uf: string | null; region: string | null } {
  if (key === null) return { ddd: null, uf: null, region: null };
  if (key.startsWith('+')) return { ddd: null, uf: null, region: 'Internacional' };
  const ddd = key.slice(0, 2);
  const area = AREA_CODES.get(ddd)!;
  return { ddd, uf: area.uf, region: area.region };
}

// ---------------------------------------------------------------------------------------------
// SPEC §1: duplicates

export interface Leg {
  operator: string;
  call_id: string;
  protocol: string | null;
  direction: string;
  status: string;
  started: number; // µs
  customer_key: string | null;
  agent_id: string | null;
  agent_name: string | null;
  supervisor: string | null;
  team: string | null;
  queue: string | null;
  reason: string | null;
  talk: number;
  hold: number;
  wrap: number;
}

/** Keeps one record per (operator, call_id): greatest updated_at, none is oldest, ties → loaded last. */
export function dedupe(records: readonly RawLeg[], cfg: RefConfig): Leg[] {
  const excluded = new Set(cfg.excludedNumbers.map((n) => rawCustomerKey(n)).filter((k): k is string => k !== null));
  const winners = new Map<string, { updated: number | null; record: RawLeg }>();
  for (const record of records) {
    const id = JSON.stringify([value(record.operator), value(record.call_id)]);
    const updatedText = value(record.updated_at);
    const updated = updatedText === null ? null : parseTimestamp(updatedText, cfg.timezone);
    const current = winners.get(id);
    // Records come in load order, so an equal (or both missing) updated_at lets the later one win.
    const wins = !current || (updated === null ? current.updated === null : current.updated === null || updated >= current.updated);
    if (wins) winners.set(id, { updated, record });
  }
  return [...winners.values()].map(({ record }) => ({
    operator: value(record.operator)!,
    call_id: value(record.call_id)!,
    protocol: value(record.protocol),
    direction: value(record.direction)!,
    status: value(record.status)!,
    started: parseTimestamp(value(record.started_at)!, cfg.timezone),
    customer_key: customerKey(value(record.customer_number), excluded),
    agent_id: value(record.agent_id),
    agent_name: value(record.agent_name),
    supervisor: value(record.supervisor),
    team: value(record.team),
    queue: value(record.queue),
    reason: value(record.reason),
    talk: seconds(record.talk_seconds),
    hold: seconds(record.hold_seconds),
    wrap: seconds(record.wrap_seconds),
  }));
}

// ---------------------------------------------------------------------------------------------
// SPEC §3: contacts

interface Contact extends RefContact {
  startedUs: number;
}

const byStartThenCallId = (a: Leg, b: Leg) => a.started - b.started || compareText(a.call_id, b.call_id);

function buildContacts(legs: readonly Leg[], cfg: RefConfig): Contact[] {
  const groups = new Map<string, Leg[]>();
  for (const leg of legs) {
    const key = `${leg.operator}:${leg.protocol ?? leg.call_id}`;
    groups.set(key, [...(groups.get(key) ?? []), leg]);
  }
  return [...groups.entries()].map(([contact_key, group]) => {
    const ordered = [...group].sort(byStartThenCallId);
    const earliest = ordered[0]!;
    const answeredLegs = ordered.filter((leg) => leg.status === 'answered');
    const handling = answeredLegs.at(-1) ?? null;
    const customer_key = ordered.find((leg) => leg.customer_key !== null)?.customer_key ?? null;
    const answered = answeredLegs.length > 0;
    const talk = answeredLegs.reduce((sum, leg) => sum + leg.talk, 0);
    const handle = answeredLegs.reduce((sum, leg) => sum + leg.talk + leg.hold + leg.wrap, 0);
    return {
      contact_key,
      operator: earliest.operator,
      customer_key,
      ...keyPlace(customer_key),
      startedUs: earliest.started,
      started_at: isoInstant(earliest.started),
      local_date: localDate(earliest.started, cfg.timezone),
      direction: earliest.direction,
      answered,
      eligible: earliest.direction === 'inbound' && answered && customer_key !== null,
      agent_id: handling?.agent_id ?? null,
      agent_name: handling?.agent_name ?? null,
      supervisor: handling?.supervisor ?? null,
      team: handling?.team ?? null,
      queue: handling?.queue ?? null,
      reason: handling?.reason ?? null,
      legs: group.length,
      talk_seconds: talk,
      handle_seconds: handle,
      is_callback: null,
      prev_contact_key: null,
      origin_contact_key: null,
      attributed_contact_key: null,
      attributed_agent_id: null,
      gap_seconds: null,
      bucket: null,
      cause: null,
      resolved: null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// SPEC §4: callbacks

/** Lower case, no accents (Unicode marks; ª → a, º → o), no whitespace at all. */
export function reasonForComparison(reason: string): string {
  return reason.toLowerCase().replace(/ª/g, 'a').replace(/º/g, 'o').normalize('NFD').replace(/\p{M}/gu, '').replace(new RegExp(WHITE_SPACE, 'gu'), '');
}

function bucketOf(days: number): string {
  if (days === 0) return 'same_day';
  if (days <= 3) return 'within_3_days';
  return 'over_3_days';
}

function causeOf(callback: Contact, attributed: Contact, cfg: RefConfig): string {
  if (attributed.talk_seconds < cfg.shortCallSeconds) return 'short';
  if (attributed.legs > 1) return 'transferred';
  if (attributed.reason === null || callback.reason === null) return 'unknown';
  return reasonForComparison(attributed.reason) === reasonForComparison(callback.reason) ? 'same_reason' : 'different_reason';
}

function detectCallbacks(contacts: Contact[], watermark: number, cfg: RefConfig): void {
  const windowUs = cfg.callbackWindowDays * 86_400 * 1_000_000;
  const byCustomer = new Map<string, Contact[]>();
  for (const contact of contacts) {
    if (!contact.eligible) continue;
    byCustomer.set(contact.customer_key!, [...(byCustomer.get(contact.customer_key!) ?? []), contact]);
  }
  for (const sequence of byCustomer.values()) {
    sequence.sort((a, b) => a.startedUs - b.startedUs || compareText(a.contact_key, b.contact_key));
    sequence.forEach((contact, index) => {
      const prev = index > 0 ? sequence[index - 1]! : null;
      const next = sequence[index + 1] ?? null;
      const gapUs = prev ? contact.startedUs - prev.startedUs : null;
      contact.is_callback = gapUs !== null && gapUs <= windowUs;
      contact.prev_contact_key = prev?.contact_key ?? null;
      contact.gap_seconds = gapUs === null ? null : gapUs / 1_000_000;
      // The sequence is walked in order, so prev already knows its episode's origin.
      contact.origin_contact_key = contact.is_callback ? prev!.origin_contact_key : contact.contact_key;
      if (contact.is_callback) {
        const attributed = cfg.attribution === 'origin' ? sequence.find((c) => c.contact_key === contact.origin_contact_key)! : prev!;
        contact.attributed_contact_key = attributed.contact_key;
        contact.attributed_agent_id = attributed.agent_id;
        contact.bucket = bucketOf(dayNumber(contact.local_date) - dayNumber(attributed.local_date));
        contact.cause = causeOf(contact, attributed, cfg);
      }
      if (next && next.startedUs - contact.startedUs <= windowUs) contact.resolved = 'no';
      else if (contact.startedUs + windowUs > watermark) contact.resolved = 'pending';
      else contact.resolved = 'yes';
    });
  }
}

// ---------------------------------------------------------------------------------------------

/** The `contacts` table the SPEC asks for, from records in load order; sorted by contact_key. */
export function referenceContacts(records: readonly RawLeg[], cfg: RefConfig): RefContact[] {
  const legs = dedupe(records, cfg);
  const watermark = Math.max(...legs.map((leg) => leg.started));
  const contacts = buildContacts(legs, cfg);
  detectCallbacks(contacts, watermark, cfg);
  return contacts
    .map(({ startedUs: _, ...row }) => row)
    .sort((a, b) => compareText(a.contact_key, b.contact_key));
}

export const LEG_COLUMNS = [
  'operator', 'call_id', 'protocol', 'direction', 'status', 'started_at', 'customer_key', 'ddd', 'uf', 'region',
  'agent_id', 'reason', 'talk_seconds', 'hold_seconds', 'wrap_seconds',
] as const;
type RefLeg = Record<(typeof LEG_COLUMNS)[number], string | number | null>;

/** The `legs` table (SPEC §1, §2, §6): one row per (operator, call_id) after dedupe, with its key and place. */
export function referenceLegs(records: readonly RawLeg[], cfg: RefConfig): RefLeg[] {
  return dedupe(records, cfg).map((leg) => ({
    operator: leg.operator,
    call_id: leg.call_id,
    protocol: leg.protocol,
    direction: leg.direction,
    status: leg.status,
    started_at: isoInstant(leg.started),
    customer_key: leg.customer_key,
    ...keyPlace(leg.customer_key),
    agent_id: leg.agent_id,
    reason: leg.reason,
    talk_seconds: leg.talk,
    hold_seconds: leg.hold,
    wrap_seconds: leg.wrap,
  }));
}
