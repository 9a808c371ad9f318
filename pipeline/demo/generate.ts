import { addDays, fromLocal, parseIsoDate, toLocalIso, weekday } from '../extract/time.ts';
import { agentsFor, CUSTOMER_POPULATION, customerAt, numberAsReceived, REASONS, withheldNumber, type Agent, type Customer, type Reason } from './population.ts';
import { createRandom, type Random } from './random.ts';

/**
 * Synthetic but realistic call legs for one local day of the demo center (SPEC §1 fields).
 * Day D = the first calls made on D plus the callbacks, made on D, of calls from the days
 * before; each day's first calls come from their own seeded stream, so generating D never
 * depends on which other days were generated.
 */

export interface DemoLeg {
  operator: DemoOperator;
  call_id: string;
  protocol?: string;
  direction: 'inbound' | 'outbound';
  status: 'answered' | 'abandoned';
  /** ISO-8601 with the center's offset. */
  started_at: string;
  customer_number?: string;
  agent_id?: string;
  agent_name?: string;
  supervisor?: string;
  team?: string;
  queue?: string;
  reason?: string;
  talk_seconds: number;
  hold_seconds: number;
  wrap_seconds: number;
  updated_at: string;
}

export const DEMO_OPERATORS = ['vox', 'telefonia_br'] as const;
export type DemoOperator = (typeof DEMO_OPERATORS)[number];

export interface GenerateOptions {
  /** Contacts per day, callbacks included (roughly). Default: 2,000–5,000 depending on the weekday. */
  callsPerDay?: number;
}

/** Callbacks land at most this many days after the first call of their episode. */
const MAX_EPISODE_DAYS = 11;
const OPEN_HOUR = 8;
const CLOSE_HOUR = 22;
/** Arrivals per hour from 08:00 to 21:00: a morning and an afternoon peak. */
const HOURLY_PROFILE = [6, 10, 12, 11, 8, 9, 11, 10, 9, 7, 5, 3, 2, 1];
const HOURS = HOURLY_PROFILE.map((_, index) => index);
const WEEKDAY_VOLUME = [2300, 4300, 4000, 3800, 3700, 3400, 2700];

export function generateDay(date: string, seed: number, timeZone: string, options: GenerateOptions = {}): DemoLeg[] {
  const context = contextFor(seed, timeZone, options);
  const legs: DemoLeg[] = [];
  for (let back = MAX_EPISODE_DAYS; back >= 0; back--) {
    for (const call of plannedCalls(addDays(date, -back), context)) {
      if (call.date === date) legs.push(...buildLegs(call, context));
    }
  }
  // Same offset all day long in practice, so text order is time order; plain comparison is fast.
  return legs.sort((a, b) => (a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : a.call_id < b.call_id ? -1 : 1));
}

interface Context {
  seed: number;
  timeZone: string;
  callsPerDay?: number;
  agents: Agent[];
  agentsByQueue: Map<string, Agent[]>;
  /** Recent days' plans: generating consecutive days reuses the overlapping episodes. */
  plans: Map<string, PlannedCall[]>;
}

const contexts = new Map<string, Context>();

function contextFor(seed: number, timeZone: string, options: GenerateOptions): Context {
  const key = `${seed}|${timeZone}|${options.callsPerDay ?? ''}`;
  let context = contexts.get(key);
  if (!context) {
    const agents = agentsFor(seed);
    const agentsByQueue = new Map<string, Agent[]>();
    for (const agent of agents) {
      for (const queue of agent.team.queues) agentsByQueue.set(queue, [...(agentsByQueue.get(queue) ?? []), agent]);
    }
    context = { seed, timeZone, callsPerDay: options.callsPerDay, agents, agentsByQueue, plans: new Map() };
    contexts.set(key, context);
  }
  return context;
}

/**
 * A contact to be made on `date`, with every random choice already drawn; its legs are built
 * only when that day is asked for. Plain data, no closures: there are 100k+ of them in memory.
 */
interface PlannedCall {
  date: string;
  plan: ContactPlan;
  operator: DemoOperator;
  /** One agent per leg; the last one handles the contact. */
  handlers: Agent[];
  legSeeds: number[];
  short: boolean;
  withheld: boolean;
  variant: string;
  hasReason: boolean;
  hasProtocol: boolean;
}

function plannedCalls(origin: string, context: Context): PlannedCall[] {
  let plans = context.plans.get(origin);
  if (!plans) {
    plans = planEpisodes(origin, context);
    context.plans.set(origin, plans);
    if (context.plans.size > 2 * (MAX_EPISODE_DAYS + 1)) context.plans.delete(context.plans.keys().next().value!);
  }
  return plans;
}

/** Every call whose episode starts on `origin`: the first calls of that day and their callbacks. */
function planEpisodes(origin: string, context: Context): PlannedCall[] {
  const random = createRandom(context.seed, 'day', origin);
  const volume = context.callsPerDay ?? Math.round(WEEKDAY_VOLUME[weekday(origin)]! * (0.92 + random.next() * 0.16));
  // About one contact in six is a callback of an earlier one; they come on top of the first calls.
  const firstCalls = Math.round(volume / 1.2);
  const calls: PlannedCall[] = [];
  const stamp = origin.replaceAll('-', '');
  for (let index = 0; index < firstCalls; index++) {
    const callRandom = createRandom(context.seed, 'call', origin, index);
    const customer = customerAt(context.seed, callRandom.int(0, CUSTOMER_POPULATION - 1));
    const id = `${stamp}${String(index).padStart(5, '0')}`;
    const first = planContact(callRandom, context, {
      id,
      date: origin,
      secondOfDay: secondOfDay(callRandom),
      customer,
      reason: callRandom.weighted(REASONS, (reason) => reason.weight),
      kind: callRandom.chance(0.05) ? 'outbound' : callRandom.chance(0.08) ? 'abandoned' : 'answered',
    });
    calls.push(first.call);
    let previous = first;
    for (let attempt = 1; previous.callbackChance > 0 && callRandom.chance(previous.callbackChance); attempt++) {
      const when = callbackTime(callRandom, previous.date, previous.secondOfDay, origin);
      if (!when) break;
      previous = planContact(callRandom, context, {
        id: `${id}r${attempt}`,
        date: when.date,
        secondOfDay: when.secondOfDay,
        customer,
        // Most come back for the same problem, typed however the next agent types it.
        reason: callRandom.chance(0.72) ? previous.reason : callRandom.weighted(REASONS, (reason) => reason.weight),
        kind: callRandom.chance(0.06) ? 'abandoned' : 'answered',
      });
      calls.push(previous.call);
    }
  }
  return calls;
}

interface ContactPlan {
  id: string;
  date: string;
  secondOfDay: number;
  customer: Customer;
  reason: Reason;
  kind: 'answered' | 'abandoned' | 'outbound';
}

interface PlannedContact {
  call: PlannedCall;
  date: string;
  secondOfDay: number;
  reason: Reason;
  /** Chance this contact is followed by a callback (0 when it cannot be). */
  callbackChance: number;
}

function planContact(random: Random, context: Context, plan: ContactPlan): PlannedContact {
  const operator: DemoOperator = random.chance(0.55) ? 'vox' : 'telefonia_br';
  const agents = context.agentsByQueue.get(plan.reason.queue)!;
  const handlers = [random.pick(agents)];
  const transferred = plan.kind === 'answered' && random.chance(0.07);
  if (transferred) {
    handlers.unshift(random.pick(context.agents));
    if (random.chance(0.25)) handlers.splice(1, 0, random.pick(context.agents));
  }
  const short = plan.kind === 'answered' && random.chance(0.04);
  const withheld = random.chance(0.03);
  const legSeeds = handlers.map(() => random.int(0, 2 ** 31));
  const variant = random.pick(plan.reason.variants);
  const hasReason = random.chance(0.97);
  const hasProtocol = plan.kind !== 'abandoned' || random.chance(0.5);

  const handler = handlers[handlers.length - 1]!;
  const base = plan.reason.callbackRate * handler.callbackPropensity * (short ? 2.2 : 1) * (transferred ? 1.4 : 1);
  return {
    call: { date: plan.date, plan, operator, handlers, legSeeds, short, withheld, variant, hasReason, hasProtocol },
    date: plan.date,
    secondOfDay: plan.secondOfDay,
    reason: plan.reason,
    callbackChance: plan.kind === 'answered' && plan.customer.kind !== 'international' ? Math.min(0.7, base) : 0,
  };
}

function buildLegs(call: PlannedCall, context: Context): DemoLeg[] {
  const { plan, operator, handlers } = call;
  // Drawn afresh on every call: a planned day may be asked for again and must come out the same.
  const numberRandom = createRandom(context.seed, 'number', plan.id);
  const number = call.withheld ? withheldNumber(numberRandom) : numberAsReceived(plan.customer, numberRandom);
  const { year, month, day } = parseIsoDate(plan.date);
  let start = fromLocal({ year, month, day, hour: 0, minute: 0, second: 0 }, context.timeZone).getTime() + plan.secondOfDay * 1000;
  const legs: DemoLeg[] = [];
  for (let legIndex = 0; legIndex < handlers.length; legIndex++) {
    const agent = handlers[legIndex]!;
    const legRandom = createRandom(context.seed, 'leg', plan.id, call.legSeeds[legIndex]!);
    const last = legIndex === handlers.length - 1;
    const answered = plan.kind === 'answered' || (plan.kind === 'outbound' && legRandom.chance(0.7));
    const talk = !answered ? 0 : call.short && last ? legRandom.int(8, 28) : last ? talkSeconds(legRandom, plan.reason, agent) : legRandom.int(40, 160);
    const hold = answered && legRandom.chance(0.35) ? legRandom.int(10, 180) : 0;
    const wrap = answered ? legRandom.int(10, 90) : 0;
    const startedAt = new Date(start);
    start += (talk + hold + legRandom.int(5, 40)) * 1000;
    const leg: DemoLeg = {
      operator,
      call_id: `${operator === 'vox' ? 'VX' : 'TB'}-${plan.id}-${legIndex + 1}`,
      direction: plan.kind === 'outbound' ? 'outbound' : 'inbound',
      status: answered ? 'answered' : 'abandoned',
      started_at: toLocalIso(startedAt, context.timeZone),
      talk_seconds: talk,
      hold_seconds: hold,
      wrap_seconds: wrap,
      updated_at: toLocalIso(new Date(startedAt.getTime() + (talk + hold + wrap + legRandom.int(1, 20)) * 1000), context.timeZone),
      queue: plan.reason.queue,
    };
    // Protocols are digits; a callback's id carries `r<n>`, written as `0<n>` to stay unique.
    if (call.hasProtocol) leg.protocol = plan.id.replace('r', '0');
    if (number && !(plan.kind === 'outbound' && call.withheld)) leg.customer_number = number;
    if (answered) {
      Object.assign(leg, { agent_id: agent.id, agent_name: agent.name, supervisor: agent.team.supervisor, team: agent.team.name });
      if (call.hasReason) leg.reason = call.variant;
    }
    legs.push(leg);
  }
  return legs;
}

function talkSeconds(random: Random, reason: Reason, agent: Agent): number {
  const seconds = Math.exp(random.normal(Math.log(reason.meanTalkSeconds * agent.pace), 0.45));
  return Math.max(31, Math.round(seconds));
}

function secondOfDay(random: Random): number {
  const hour = OPEN_HOUR + random.weighted(HOURS, (index) => HOURLY_PROFILE[index]!);
  return hour * 3600 + random.int(0, 3599);
}

/** When the customer calls back: within hours, within days, or after the usual window. */
function callbackTime(random: Random, date: string, second: number, origin: string): { date: string; secondOfDay: number } | undefined {
  const roll = random.next();
  let next: { date: string; secondOfDay: number };
  if (roll < 0.4) {
    const later = second + random.int(1200, 6 * 3600);
    next = later < (CLOSE_HOUR - 1) * 3600 ? { date, secondOfDay: later } : { date: addDays(date, 1), secondOfDay: secondOfDay(random) };
  } else {
    const days = roll < 0.75 ? random.int(1, 3) : roll < 0.95 ? random.int(4, 7) : random.int(8, 10);
    next = { date: addDays(date, days), secondOfDay: secondOfDay(random) };
  }
  return next.date <= addDays(origin, MAX_EPISODE_DAYS) ? next : undefined;
}
