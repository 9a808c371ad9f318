import { describe, expect, it } from 'vitest';
import { generateDay, type DemoLeg } from '../pipeline/demo/generate.ts';
import { agentsFor, customerAt, REASONS } from '../pipeline/demo/population.ts';
import { addDays } from '../pipeline/extract/time.ts';

const TZ = 'America/Sao_Paulo';
const DAY = '2026-11-25'; // a Wednesday

const contactsOf = (legs: DemoLeg[]) => new Set(legs.map((leg) => `${leg.operator}:${leg.protocol ?? leg.call_id}`));
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

describe('demo data generator', () => {
  const legs = generateDay(DAY, 7, TZ);

  it('gives the same day for the same seed, whatever was generated before, and another day for another seed', () => {
    const again = generateDay(DAY, 7, TZ);
    for (let back = 1; back <= 12; back++) generateDay(addDays(DAY, back), 7, TZ);
    expect(generateDay(DAY, 7, TZ)).toEqual(legs);
    expect(again).toEqual(legs);
    expect(generateDay(DAY, 8, TZ)).not.toEqual(legs);
  });

  it('makes a realistic weekday: volume, agents, teams, abandoned and outbound shares, all within the day', () => {
    const contacts = contactsOf(legs).size;
    expect(contacts).toBeGreaterThanOrEqual(2000);
    expect(contacts).toBeLessThanOrEqual(5000);
    expect(new Set(legs.map((leg) => leg.agent_id).filter(Boolean)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(legs.map((leg) => leg.team).filter(Boolean)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(legs.map((leg) => leg.supervisor).filter(Boolean)).size).toBeGreaterThanOrEqual(6);
    const inbound = legs.filter((leg) => leg.direction === 'inbound');
    const abandoned = inbound.filter((leg) => leg.status === 'abandoned').length / inbound.length;
    expect(abandoned).toBeGreaterThan(0.05);
    expect(abandoned).toBeLessThan(0.11);
    const outbound = legs.filter((leg) => leg.direction === 'outbound').length / legs.length;
    expect(outbound).toBeGreaterThan(0.03);
    expect(outbound).toBeLessThan(0.07);
    expect(legs.every((leg) => leg.started_at.startsWith(DAY) && leg.started_at.endsWith('-03:00'))).toBe(true);
    expect(legs.filter((leg) => leg.status === 'answered').every((leg) => leg.agent_id && leg.agent_name && leg.team)).toBe(true);
  });

  it('spells reasons inconsistently, as agents do', () => {
    const spellings = new Map<string, Set<string>>();
    for (const reason of legs.map((leg) => leg.reason).filter((reason): reason is string => !!reason)) {
      spellings.set(fold(reason.replace('ª', 'a')), (spellings.get(fold(reason.replace('ª', 'a'))) ?? new Set()).add(reason));
    }
    expect(spellings.size).toBeGreaterThanOrEqual(12);
    expect([...spellings.values()].filter((set) => set.size > 1).length).toBeGreaterThanOrEqual(10);
    expect(REASONS.length).toBeGreaterThanOrEqual(12);
  });

  it('receives numbers in every format of SPEC §2, mostly from SP, RJ and MG, some withheld or foreign', () => {
    const numbers = legs.map((leg) => leg.customer_number ?? '');
    const formats: Record<string, RegExp> = {
      '+55 (11) 98765-4321': /^\+55 \(\d{2}\) 9\d{4}-\d{4}$/,
      '011987654321': /^0\d{2}9\d{8}$/,
      '01511987654321': /^0\d{4}9\d{8}$/,
      '(11) 8765-4321 old mobile': /^\(\d{2}\) [6-9]\d{3}-\d{4}$/,
      '11 3456-7890 landline': /^\d{2} [2-5]\d{3}-\d{4}$/,
      '5511987654321': /^55\d{2}9\d{8}$/,
      withheld: /^(anonymous|anônimo|restrito|privado|unknown)$/i,
      international: /^\+(?!55)\d/,
    };
    for (const [name, pattern] of Object.entries(formats)) expect(numbers.some((number) => pattern.test(number)), name).toBe(true);
    // Area codes from the formats that show them unambiguously.
    const ddds = numbers.map((number) => /^(?:\+55 )?\(?(\d{2})\)? /.exec(number)?.[1]).filter((ddd): ddd is string => !!ddd);
    const counts = new Map<string, number>();
    for (const ddd of ddds) counts.set(ddd, (counts.get(ddd) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([ddd]) => ddd);
    expect(ranked.slice(0, 2)).toEqual(['11', '21']);
    expect(ddds.filter((ddd) => ddd.startsWith('1')).length / ddds.length).toBeGreaterThan(0.2);
    expect(counts.size).toBeGreaterThan(50);
  });

  it('draws customers by area-code population', () => {
    const counts = new Map<number, number>();
    for (let index = 0; index < 20_000; index++) {
      const customer = customerAt(7, index);
      if (customer.kind !== 'international') counts.set(customer.ddd, (counts.get(customer.ddd) ?? 0) + 1);
    }
    expect([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([ddd]) => ddd)).toEqual([11, 21, 31]);
    expect(counts.size).toBe(67);
  });

  it('has transfers whose legs share a protocol and follow each other', () => {
    const byProtocol = new Map<string, DemoLeg[]>();
    for (const leg of legs) if (leg.protocol) byProtocol.set(`${leg.operator}:${leg.protocol}`, [...(byProtocol.get(`${leg.operator}:${leg.protocol}`) ?? []), leg]);
    const transfers = [...byProtocol.values()].filter((group) => group.length > 1);
    expect(transfers.length).toBeGreaterThan(100);
    expect(transfers.every((group) => group.length <= 3)).toBe(true);
    expect(transfers.some((group) => group.length === 3)).toBe(true);
    for (const group of transfers) {
      const starts = group.map((leg) => Date.parse(leg.started_at));
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual((group[0]!.talk_seconds + group[0]!.hold_seconds) * 1000);
    }
  });

  it('gives agents different callback propensities, so rankings mean something', () => {
    const propensities = agentsFor(7).map((agent) => agent.callbackPropensity);
    expect(propensities.length).toBeGreaterThanOrEqual(40);
    expect(Math.max(...propensities) / Math.min(...propensities)).toBeGreaterThan(2.5);
  });

  it('sizes a day on request', () => {
    const size = contactsOf(generateDay(DAY, 7, TZ, { callsPerDay: 5000 })).size;
    expect(size).toBeGreaterThan(4500);
    expect(size).toBeLessThan(5500);
  });
});
