/**
 * The seeded generator of edge-case legs shared by the differential tests (test/differential.test.ts
 * for SPEC §1–4, test/differential-kpis.test.ts for SPEC §5). Moved here unchanged from
 * differential.test.ts so that both can import it without one test file importing the other's tests.
 */
import type { Leg } from './helpers.ts';
import { isoInstant, offsetAt, value, wallClock, zonedToUtc } from './reference.ts';

// ---------------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Timestamps in the accepted spellings (docs/decisions.md "Timestamps")

const MS = 1;
const SECOND = 1000 * MS;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Writes an instant (ms) with a random accepted spelling. Without a zone (read in the center's
 * zone) only where its wall-clock time reads back as this instant: next to a DST change, also an
 * instant that a fall-back repeats only if it is the earlier of the two (docs/decisions.md).
 */
function spell(ms: number, random: Random, timeZone: string): string {
  const whole = ms - (ms % SECOND);
  const near = offsetAt(ms - 3 * HOUR, timeZone) !== offsetAt(ms, timeZone) || offsetAt(ms + 3 * HOUR, timeZone) !== offsetAt(ms, timeZone);
  const naive = !near || zonedToUtc(whole + offsetAt(whole, timeZone), timeZone) === whole;
  const style = random.int(naive ? 9 : 7);
  let offsetMinutes: number;
  let zone: string;
  if (style >= 7) {
    // No zone: wall-clock time in the center's time zone.
    const w = wallClock(ms, timeZone);
    const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) + (ms % SECOND);
    return body(wallMs, random, style === 8 ? ' ' : 'T');
  }
  switch (style) {
    case 0: offsetMinutes = 0; zone = 'Z'; break;
    case 1: offsetMinutes = -180; zone = '-03:00'; break;
    case 2: offsetMinutes = -180; zone = random.pick(['-0300', '-03']); break;
    case 3: offsetMinutes = -120; zone = '-02:00'; break;
    case 4: offsetMinutes = 330; zone = random.pick(['+05:30', '+0530']); break;
    case 5: offsetMinutes = 0; zone = random.pick(['+00:00', '+00', '-00:00']); break;
    default: offsetMinutes = 840; zone = '+14:00'; break;
  }
  return body(ms + offsetMinutes * 60_000, random, random.chance(0.8) ? 'T' : ' ') + zone;
}

/** YYYY-MM-DD?HH:MM[:SS[.fff]] of a wall-clock time given as if UTC (ms). */
function body(wallMs: number, random: Random, separator: string): string {
  const d = new Date(wallMs);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const millis = d.getUTCMilliseconds();
  if (d.getUTCSeconds() === 0 && millis === 0 && random.chance(0.3)) return `${date}${separator}${hm}`;
  let time = `${hm}:${pad(d.getUTCSeconds())}`;
  if (millis !== 0 || random.chance(0.1)) {
    const digits = pad(millis, 3);
    const fraction = random.pick([digits.replace(/0+$/, '') || '0', digits, `${digits}000`, `${digits}000000`]);
    time += `${random.pick(['.', '.', ','])}${fraction}`;
  }
  return `${date}${separator}${time}`;
}

/** Instants (ms) in [from, to) where the zone's offset changes, to the second. */
export function offsetChanges(timeZone: string, from: number, to: number): number[] {
  const changes: number[] = [];
  for (let hour = from; hour < to; hour += HOUR) {
    if (offsetAt(hour, timeZone) === offsetAt(hour + HOUR, timeZone)) continue;
    let [low, high] = [hour, hour + HOUR]; // offset(low) is the old one, offset(high) the new one
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / 2 / SECOND) * SECOND;
      if (offsetAt(middle, timeZone) === offsetAt(low, timeZone)) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  return changes;
}

/** The next local midnight (ms) after an instant, in a time zone. */
function nextLocalMidnight(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return zonedToUtc(Date.UTC(w.year, w.month - 1, w.day + 1), timeZone);
}

// ---------------------------------------------------------------------------------------------
// Customers: one identity, many spellings of the same number

const VALID_DDDS = ['11', '19', '21', '27', '31', '41', '47', '51', '55', '61', '62', '68', '71', '79', '85', '91', '92', '96', '98', '99'];

function mobileSpellings(ddd: string, sub8: string): string[] {
  const [a, b] = [sub8.slice(0, 4), sub8.slice(4)];
  const spellings = [
    `+55 (${ddd}) 9${a}-${b}`, `0${ddd}9${sub8}`, `0 15 ${ddd} 9${a} ${b}`, `0xx21${ddd}9${a}-${b}`, `55${ddd}9${sub8}`,
    `${ddd}9${sub8}`, `(${ddd}) 9${a}-${b}`, ` (${ddd})  9${a}-${b} `, `+55${ddd}9${sub8}`,
  ];
  // An old 8-digit mobile (subscriber 6–9) is the same customer once it gets its ninth digit.
  if ('6789'.includes(sub8[0]!)) {
    spellings.push(`(${ddd}) ${a}-${b}`, `+55${ddd}${sub8}`, `0${ddd}${sub8}`, `0 31 ${ddd} ${sub8}`, `${ddd}${sub8}`);
  }
  return spellings;
}

function landlineSpellings(ddd: string, sub8: string): string[] {
  const [a, b] = [sub8.slice(0, 4), sub8.slice(4)];
  return [`(${ddd}) ${a}-${b}`, `0${ddd}${sub8}`, `+55 ${ddd} ${a} ${b}`, `0 41 ${ddd} ${sub8}`, `55${ddd}${sub8}`, `${ddd} ${a}-${b}`];
}

const INTERNATIONAL = [
  ['+1 415 555 2671', '+14155552671', '+1 (415) 555-2671'],
  ['+44 20 7946 0958', '+442079460958'],
  ['+351 912 345 678', '+351912345678'],
];

/** Numbers that are odd on purpose: no key, or a key you would not guess at first sight. */
const ODD_NUMBERS = [
  'anonymous', 'Restrito', 'ANÔNIMO', 'anonimo', 'Número privado', 'PRIVATE', 'Unknown caller', 'desconhecido', '', '   ',
  '0800 123 4567', '(20) 98765-4321', '(23) 3456-7890', '(11) 99999-9999', '(21) 3333-3333', '(11) 1234-5678',
  '(11) 88765-4321', '987654321', '+1 234 567', '+1 234 5678', '+123456789012345', '+1234567890123456',
  '+55 11 98765-432', '(11) 8888-8888', '011 8888 8888', '55 (55) 98765-4321', '55 9876-5432', '0055 11 98765 4321',
  '(11) 3003-1234', '011 3003 1234', '+55 0 11 98765-4321', '119876543210', '+55 (11) 3456-789',
  // Unicode white space: blank, and before a '+'.
  '\u00a0', '\u3000\u2003', '\u00a0+1 415 555 2671',
];

/** Excluded numbers used by one of the cases; the generator spells them in several ways. */
export const EXCLUDED = ['(11) 3003-1234', '+1 415 555 2671', '(47) 9988-7766'];

// ---------------------------------------------------------------------------------------------
// Reasons, agents, durations

const REASONS = [
  'Sem sinal', 'SEM SINAL', 'sem  sinal', ' Sem sinal ', 'Sem\tsinal', 'SemSinal', 'Sem\u00a0sinal', '\u3000sem sinal',
  'Lentidão na internet', 'LENTIDAO NA INTERNET', 'lentidão  na Internet', 'Lentidão\u2003na\u202finternet',
  '2ª via de boleto', '2a via de boleto', '2A VIA DE BOLETO', '2º via de boleto',
  'Cobrança', 'COBRANCA', 'cobrança indevida', 'Cancelamento', 'cancelamento ', 'Informação', 'informacao',
];
/** Blank is missing (docs/decisions.md): whitespace-only values must come out as NULL. */
const NO_REASON = [null, '', '   ', '\t', '\u00a0', '\ufeff', '\u2028'];
const AGENTS = [
  { agent_id: 'a1', agent_name: 'Ana', supervisor: 'Sônia', team: 'Equipe 1' },
  { agent_id: 'a2', agent_name: 'Bia', supervisor: 'Sônia', team: 'Equipe 1' },
  { agent_id: 'a3', agent_name: 'Caio', supervisor: 'Rui', team: 'Equipe 2' },
  { agent_id: 'a4', agent_name: 'Dênis', supervisor: 'Rui', team: 'Equipe 2' },
  { agent_id: 'b10', agent_name: 'Élida', supervisor: '', team: 'Noite' },
  { agent_id: 'b9', agent_name: '', supervisor: 'Rui', team: '' },
  { agent_id: 'b8', agent_name: '  ', supervisor: '\t', team: ' ' },
  { agent_id: 'b7', agent_name: '\u00a0', supervisor: '\u3000', team: '\u0085' },
];
const QUEUES = ['suporte', 'financeiro', 'retencao', '', '  ', '\u00a0'];
const TALK = [0, 5, 29, 30, 31, 44, 45, 46, 59, 60, 120, 300, 900];
const OPERATORS = ['vivo', 'vivo', 'claro', 'tim', 'oi', 'oi_fibra', 'oi-2'];

// ---------------------------------------------------------------------------------------------
// The generator

export interface Generated {
  legs: Leg[];
  /** Where the load is split into a second file (later file = loaded later). */
  split: number;
}

export function generateLegs(seed: number, timeZone: string, windowDays: number): Generated {
  const random = new Random(seed);
  const legs: Leg[] = [];
  const callCounters = new Map<string, number>();
  let protocolCounter = 0;
  const protocolsByOperator = new Map<string, string[]>();
  /** The instant each generated leg starts at (ms), and the latest of all. */
  const startOf = new Map<Leg, number>();
  let latest = 0;
  const started = (leg: Leg, ms: number): Leg => {
    leg.started_at = spell(ms, random, timeZone);
    startOf.set(leg, ms);
    latest = Math.max(latest, ms);
    return leg;
  };

  const newCallId = (operator: string): string => {
    const n = (callCounters.get(operator) ?? 0) + 1;
    callCounters.set(operator, n);
    // Numeric ids of several lengths, so text order ('10' < '9') differs from numeric order; upper
    // and lower case and non-ASCII letters, so the order is byte order, not a collation.
    return random.pick([String(n), String(n), `c-${n}`, `${n}x`, `C${n}`, `ç${n}`, `É${n}`]);
  };
  const newProtocol = (operator: string): string => {
    protocolCounter += 1;
    const protocol = random.pick([`P${protocolCounter}`, `2026${protocolCounter}`, String(protocolCounter), `p${protocolCounter}`, `Ñ${protocolCounter}`]);
    protocolsByOperator.set(operator, [...(protocolsByOperator.get(operator) ?? []), protocol]);
    return protocol;
  };

  function baseFields(): Leg {
    const agent = random.pick(AGENTS);
    return {
      ...agent,
      queue: random.pick(QUEUES),
      reason: random.chance(0.12) ? random.pick(NO_REASON) : random.pick(REASONS),
      talk_seconds: random.chance(0.05) ? `${random.pick(TALK)}.0` : random.pick(TALK),
      hold_seconds: random.chance(0.3) ? '' : random.pick([0, 0, 10, 45]),
      wrap_seconds: random.chance(0.3) ? '' : random.pick([0, 15, 30]),
    };
  }

  /** One contact: 1–4 legs starting at `startMs`; returns nothing, pushes to legs. */
  function contact(startMs: number, numbers: readonly string[]): void {
    const operator = random.pick(OPERATORS);
    const direction = random.chance(0.88) ? 'inbound' : 'outbound';
    const number = () => (random.chance(0.04) ? random.pick(ODD_NUMBERS) : random.pick(numbers));
    const shape = random.float();
    const make = (overrides: Leg): Leg => {
      const status = (overrides.status as string | undefined) ?? (random.chance(0.88) ? 'answered' : 'abandoned');
      const leg: Leg = { operator, direction, status, customer_number: number(), ...baseFields(), ...overrides };
      if (status === 'abandoned' && random.chance(0.6)) leg.agent_id = random.pick(['', null, '\u00a0']);
      if (status === 'abandoned' && random.chance(0.5)) leg.talk_seconds = random.pick([0, 12, 300]);
      return leg;
    };
    const push = (leg: Leg, ms: number) => legs.push(started(leg, ms));

    if (shape < 0.45) {
      // A single leg without protocol.
      push(make({ call_id: newCallId(operator) }), startMs);
    } else if (shape < 0.62) {
      push(make({ call_id: newCallId(operator), protocol: newProtocol(operator) }), startMs);
    } else if (shape < 0.95) {
      // A transfer: several legs sharing the protocol, with ties on started_at.
      const protocol = newProtocol(operator);
      const count = 2 + random.int(3);
      const offsets = [0, ...Array.from({ length: count - 1 }, () => random.pick([0, 0, 30 * SECOND, 60.5 * SECOND, 300 * SECOND]))];
      const tieIds = random.chance(0.3);
      offsets.forEach((offset, index) => {
        const overrides: Leg = { call_id: tieIds ? `${newCallId(operator)}-${random.pick(['9', '10', '100'])}` : newCallId(operator), protocol };
        // Later legs may come in another direction, without a number, or from an anonymous line first.
        if (index > 0 && random.chance(0.2)) overrides.direction = direction === 'inbound' ? 'outbound' : 'inbound';
        if (random.chance(0.15)) overrides.customer_number = random.pick(['anonymous', '', 'Restrito']);
        // A leg from another customer's line: the contact takes the earliest leg's key that exists.
        else if (index > 0 && random.chance(0.1)) overrides.customer_number = random.pick(random.pick(identitiesSoFar()));
        if (index > 0 && random.chance(0.15)) overrides.protocol = random.pick([protocol, ` ${protocol}`, protocol]);
        push(make(overrides), startMs + offset);
      });
    } else {
      // contact_key collision: a leg without protocol whose call_id is another leg's protocol.
      const shared = newProtocol(operator);
      push(make({ call_id: shared }), startMs);
      push(make({ call_id: newCallId(operator), protocol: shared }), startMs + random.pick([0, 45 * SECOND]));
    }
  }

  const identities: string[][] = [];
  const identitiesSoFar = () => (identities.length ? identities : [INTERNATIONAL[0]!]);
  const WINDOWS = [windowDays * DAY, windowDays * DAY, 7 * DAY, 1 * DAY];
  /** The next contact start after `ms`: gaps around the windows, ties, local midnights, whole days. */
  function nextStart(ms: number): number {
    const r = random.float();
    const window = random.pick(WINDOWS);
    if (r < 0.1) return ms; // same started_at: ordered by contact_key as text
    if (r < 0.3) return ms + window + random.pick([-SECOND, 0, 0, SECOND, -500, 500, -1, 1]);
    if (r < 0.42) return nextLocalMidnight(ms, timeZone) + random.pick([-SECOND, -500, 0, 0, SECOND, 59 * SECOND]);
    if (r < 0.55) return ms + random.pick([1, 2, 3, 4]) * DAY + random.pick([-SECOND, 0, SECOND]);
    if (r < 0.75) return ms + random.pick([1 * SECOND, 60 * SECOND, 10 * 60 * SECOND, HOUR, 5 * HOUR]);
    if (r < 0.95) return ms + Math.round(random.float() * 10 * DAY / SECOND) * SECOND;
    return ms + Math.round((15 + random.float() * 30) * DAY / SECOND) * SECOND;
  }

  // Identified customers, each with many contacts in many spellings.
  for (let i = 0; i < 28; i += 1) {
    const ddd = VALID_DDDS[i % VALID_DDDS.length]!;
    const sub8 = `${random.pick(['6', '7', '8', '9', '1', '4'])}${String(1_000_000 + random.int(8_999_999)).slice(0, 7)}`;
    identities.push(i % 5 === 4 ? landlineSpellings(ddd, `${2 + (i % 4)}${sub8.slice(1)}`) : mobileSpellings(ddd, sub8));
  }
  identities.push(...INTERNATIONAL);
  identities.push(mobileSpellings('47', '99887766').concat(['(47) 9988-7766']));
  identities.push(['(11) 3003-1234', '011 3003 1234', '+55 11 3003-1234']);

  const firstStart = Date.parse('2026-03-02T12:00:00Z');
  for (const numbers of identities) {
    let ms = firstStart + random.int(40) * DAY + random.int(DAY / SECOND) * SECOND;
    const contacts = 20 + random.int(40);
    for (let c = 0; c < contacts; c += 1) {
      contact(ms, numbers);
      ms = nextStart(ms);
    }
  }
  // A long episode: each contact a little less than a window after the one before.
  let chainMs = firstStart + 10 * DAY + 23 * HOUR;
  for (let c = 0; c < 8; c += 1) {
    contact(chainMs, mobileSpellings('85', '87654321'));
    chainMs += windowDays * DAY - random.int(3600) * SECOND;
  }
  // Odd numbers, a contact or two each.
  for (let i = 0; i < 120; i += 1) {
    const ms = firstStart + random.int(200 * 24) * HOUR + random.pick([0, 1, 500]) * SECOND;
    contact(ms, [random.pick(ODD_NUMBERS)]);
  }
  // Brazil's last DST (2018-11-04 → 2019-02-17): local midnights and exact windows across the changes.
  const dst = [
    '2018-10-28T03:00:00Z', '2018-11-01T12:00:00Z', '2018-11-03T02:59:59Z', '2018-11-03T03:00:00Z', '2018-11-04T02:59:59.500Z',
    '2018-11-04T03:00:00Z', '2018-11-05T01:59:59Z', '2018-11-05T02:00:00Z', '2018-11-08T12:00:00Z', '2018-11-11T03:00:00Z',
    '2019-02-10T02:00:00Z', '2019-02-16T02:00:00Z', '2019-02-17T01:59:59Z', '2019-02-17T02:00:00Z', '2019-02-17T02:59:59Z',
    '2019-02-17T03:00:00Z', '2019-02-20T02:59:59Z', '2019-02-20T03:00:00Z', '2019-02-24T02:00:00Z',
  ].map(Date.parse);
  for (const numbers of [mobileSpellings('11', '76543210'), landlineSpellings('21', '23456789')]) {
    for (const ms of dst) {
      contact(ms, numbers);
      if (random.chance(0.3)) contact(ms, numbers);
    }
  }
  // The center's own offset changes (if any) in the generated years: just before, at and after each one.
  for (const change of offsetChanges(timeZone, Date.parse('2018-10-01T00:00:00Z'), Date.parse('2019-03-01T00:00:00Z'))
    .concat(offsetChanges(timeZone, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')))) {
    for (const delta of [-DAY, -30 * 60 * SECOND, -SECOND, 0, SECOND, 20 * 60 * SECOND, DAY - SECOND]) {
      contact(change + delta, mobileSpellings('31', '98761234'));
    }
  }

  // Duplicates of (operator, call_id): other versions with updated_at earlier, later, equal in another spelling, or missing.
  const updatedBase = Date.parse('2026-11-01T10:00:00Z');
  const originals = legs.length;
  for (let i = 0; i < originals; i += 1) {
    if (!random.chance(0.12)) continue;
    const original = legs[i]!;
    const versions = 1 + random.int(3);
    const stamp = () => {
      if (random.chance(0.25)) return random.pick(['', null, '\u00a0']);
      // One microsecond apart, or the same instant spelled with nine digits.
      if (random.chance(0.1)) return random.pick(['2026-11-01T10:00:00.000001Z', '2026-11-01T07:00:00.000000000-03:00', '2026-11-01 10:00:00.000001+00']);
      return spell(updatedBase + random.pick([0, 0, 1, SECOND, HOUR]), random, timeZone);
    };
    original.updated_at = stamp();
    for (let v = 0; v < versions; v += 1) {
      const copy: Leg = { ...original, updated_at: stamp() };
      const ms = startOf.get(original)!;
      started(copy, ms);
      if (random.chance(0.4)) started(copy, ms + random.pick([-DAY, -HOUR, SECOND, 7 * DAY, 3 * DAY]));
      if (random.chance(0.3)) copy.customer_number = random.pick([...ODD_NUMBERS.slice(0, 3), '(11) 91234-5678', '+55 (21) 98888-7777']);
      if (random.chance(0.3)) {
        copy.status = copy.status === 'answered' ? 'abandoned' : 'answered';
        if (copy.status === 'answered' && value(copy.agent_id) === null) copy.agent_id = 'late-agent';
      }
      if (random.chance(0.3)) copy.reason = random.pick([...REASONS, null]);
      if (random.chance(0.25)) {
        const op = copy.operator as string;
        copy.protocol = random.pick([null, '', ...(protocolsByOperator.get(op) ?? ['fresh'])]);
      }
      if (random.chance(0.2)) copy.direction = copy.direction === 'inbound' ? 'outbound' : 'inbound';
      if (random.chance(0.2)) copy.talk_seconds = random.pick(TALK);
      legs.push(copy);
    }
  }
  random.shuffle(legs);

  // Watermark: the latest leg is an outbound call; contacts whose window closes exactly at it, or a second either side.
  const watermark = latest + 3 * HOUR + 250;
  const designed: Leg[] = [];
  for (const [i, window] of [...new Set(WINDOWS)].entries()) {
    for (const [j, delta] of [-SECOND, 0, SECOND, -1].entries()) {
      designed.push({
        operator: 'vivo', call_id: `edge-${i}-${j}`, direction: 'inbound', status: 'answered', agent_id: 'a1', reason: 'Sem sinal',
        customer_number: `(11) 9${4000 + i * 10 + j}-00${i}${j}`, talk_seconds: 100, started_at: isoInstant((watermark - window + delta) * 1000),
      });
    }
  }
  designed.push({ operator: 'tim', call_id: 'watermark', direction: 'outbound', status: 'abandoned', started_at: spell(watermark, random, timeZone) });
  // A stale version that starts after the watermark loses to a newer version: the watermark comes from the winner.
  designed.push({
    operator: 'claro', call_id: 'stale', direction: 'inbound', status: 'answered', agent_id: 'a2', customer_number: '(11) 95555-0001',
    started_at: isoInstant((watermark - 3 * DAY) * 1000), updated_at: '2026-11-02T00:00:00-03:00',
  });
  designed.push({
    operator: 'claro', call_id: 'stale', direction: 'inbound', status: 'answered', agent_id: 'a2', customer_number: '(11) 95555-0001',
    started_at: isoInstant((watermark + 5 * DAY) * 1000), updated_at: '2026-11-02T02:59:59Z',
  });
  legs.push(...designed);
  return { legs, split: Math.floor(legs.length * 0.7) };
}
