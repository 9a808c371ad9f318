import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/** Fixed clock for every site test. */
export const FIXED_NOW = new Date('2026-11-27T09:00:00Z');
export const WATERMARK = '2026-11-27T08:30:00Z';

/** Source values a hostile export could carry: markup, spreadsheet formulas, quotes. */
export const HOSTILE = {
  agentName: '<script>alert("agente")</script>',
  team: 'Equipe "Norte" & <b>Cia</b>',
  supervisor: "Sup'ervisora <img src=x onerror=alert(1)>",
  reason: '=HYPERLINK("http://evil.example","clique")',
  queue: '@SUM(1+1)',
  protocol: '<svg onload=alert(2)>',
};

export const CUSTOMERS = [
  { key: '11987654321', raw: '+55 (11) 98765-4321', ddd: '11', uf: 'SP', region: 'Sudeste' },
  { key: '21998765432', raw: '(21) 99876-5432', ddd: '21', uf: 'RJ', region: 'Sudeste' },
  { key: '1134567890', raw: '11 3456-7890', ddd: '11', uf: 'SP', region: 'Sudeste' },
  { key: '+14155552671', raw: '+1 415 555 2671', ddd: null, uf: null, region: 'Internacional' },
  { key: '85988776655', raw: '085988776655', ddd: '85', uf: 'CE', region: 'Nordeste' },
  { key: '51991234567', raw: '51 99123-4567', ddd: '51', uf: 'RS', region: 'Sul' },
  { key: '61981112233', raw: '61981112233', ddd: '61', uf: 'DF', region: 'Centro-Oeste' },
  { key: '91987650000', raw: '91987650000', ddd: '91', uf: 'PA', region: 'Norte' },
  ...Array.from({ length: 60 }, (_, index) => {
    const key = `3199${String(1_000_000 + index * 7919).slice(-7)}`;
    return { key, raw: `(31) ${key.slice(2, 7)}-${key.slice(7)}`, ddd: '31', uf: 'MG', region: 'Sudeste' };
  }),
];

const AGENTS = [
  { id: 'a1', name: HOSTILE.agentName, team: HOSTILE.team, supervisor: HOSTILE.supervisor, operator: 'alfa' },
  { id: 'a2', name: 'Bruno Lima', team: HOSTILE.team, supervisor: HOSTILE.supervisor, operator: 'alfa' },
  { id: 'a3', name: 'Carla Souza', team: 'Equipe Sul', supervisor: 'Marta', operator: 'beta' },
  { id: 'a4', name: 'Diego Alves', team: 'Equipe Sul', supervisor: 'Marta', operator: 'beta' },
];
const REASONS = [
  { reason: 'Segunda via de boleto', category: 'Financeiro' },
  { reason: 'Sem internet', category: 'Suporte técnico' },
  { reason: HOSTILE.reason, category: '-Outros' },
];

/** Deterministic PRNG (mulberry32) so the fixture never changes between runs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Contact {
  contact_key: string; operator: string; protocol: string; customer: (typeof CUSTOMERS)[number] | null;
  started_at: Date; local_date: string; direction: string; answered: boolean; agent: (typeof AGENTS)[number];
  reason: (typeof REASONS)[number]; queue: string; legs: number; talk: number; hold: number; wrap: number;
}

const WINDOW_SECONDS = 7 * 86_400;

/**
 * A small warehouse following the contract of `contacts`, `legs` and `warehouse_meta` (SPEC §3–4),
 * with callbacks computed the SPEC way (origin attribution), 75 days up to the watermark.
 */
export async function createFixtureWarehouse(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rechamadas-site-'));
  const path = join(dir, 'warehouse.duckdb');
  const next = random(42);
  const contacts: Contact[] = [];
  const end = Date.parse(WATERMARK);
  for (let day = 75; day >= 0; day--) {
    for (let slot = 0; slot < 8; slot++) {
      if (next() < 0.35) continue;
      const started = new Date(end - day * 86_400_000 - Math.floor(next() * 10) * 3_600_000 - slot * 60_000);
      const agent = AGENTS[Math.floor(next() * AGENTS.length)]!;
      const roll = next();
      const customer = roll < 0.05 ? null : CUSTOMERS[Math.floor(next() * CUSTOMERS.length)]!;
      const answered = next() > 0.08;
      const n = contacts.length;
      contacts.push({
        contact_key: `${agent.operator}:P${n}`, operator: agent.operator, protocol: n === 3 ? HOSTILE.protocol : `P${n}`,
        customer, started_at: started, local_date: localDate(started), direction: next() < 0.93 ? 'inbound' : 'outbound',
        answered, agent, reason: REASONS[Math.floor(next() * REASONS.length)]!, queue: next() < 0.5 ? 'Geral' : HOSTILE.queue,
        legs: next() < 0.15 ? 2 : 1, talk: Math.floor(next() * 600), hold: Math.floor(next() * 60), wrap: Math.floor(next() * 90),
      });
    }
  }
  contacts.sort((a, b) => a.started_at.getTime() - b.started_at.getTime() || (a.contact_key < b.contact_key ? -1 : 1));
  const eligible = (c: Contact) => c.direction === 'inbound' && c.answered && c.customer !== null;
  const derived = new Map<string, Record<string, unknown>>();
  const byCustomer = new Map<string, Contact[]>();
  for (const c of contacts.filter(eligible)) {
    const list = byCustomer.get(c.customer!.key) ?? [];
    list.push(c);
    byCustomer.set(c.customer!.key, list);
  }
  for (const list of byCustomer.values()) {
    let origin = list[0]!;
    list.forEach((c, index) => {
      const prev = index > 0 ? list[index - 1]! : null;
      const following = list[index + 1];
      const gap = prev ? (c.started_at.getTime() - prev.started_at.getTime()) / 1000 : null;
      const isCallback = gap !== null && gap <= WINDOW_SECONDS;
      if (!isCallback) origin = c;
      const attributed = isCallback ? origin : null;
      const days = attributed ? (Date.parse(c.local_date) - Date.parse(attributed.local_date)) / 86_400_000 : 0;
      const resolved = following && (following.started_at.getTime() - c.started_at.getTime()) / 1000 <= WINDOW_SECONDS
        ? 'no' : c.started_at.getTime() + WINDOW_SECONDS * 1000 > end ? 'pending' : 'yes';
      derived.set(c.contact_key, {
        is_callback: isCallback, prev_contact_key: prev?.contact_key ?? null, origin_contact_key: origin.contact_key,
        attributed_contact_key: attributed?.contact_key ?? null, attributed_agent_id: attributed?.agent.id ?? null,
        gap_seconds: gap,
        bucket: attributed ? (days === 0 ? 'same_day' : days <= 3 ? 'within_3_days' : 'over_3_days') : null,
        cause: attributed ? (attributed.talk < 30 ? 'short' : attributed.legs > 1 ? 'transferred'
          : attributed.reason.reason === c.reason.reason ? 'same_reason' : 'different_reason') : null,
        resolved,
      });
    });
  }
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  await db.run(`CREATE TABLE contacts (contact_key VARCHAR, operator VARCHAR, protocol VARCHAR, customer_key VARCHAR, ddd VARCHAR, uf VARCHAR, region VARCHAR,
    started_at TIMESTAMPTZ, local_date DATE, direction VARCHAR, answered BOOLEAN, eligible BOOLEAN, agent_id VARCHAR, agent_name VARCHAR, supervisor VARCHAR,
    team VARCHAR, queue VARCHAR, reason VARCHAR, reason_category VARCHAR, legs BIGINT, talk_seconds BIGINT, handle_seconds BIGINT, is_callback BOOLEAN,
    prev_contact_key VARCHAR, origin_contact_key VARCHAR, attributed_contact_key VARCHAR, attributed_agent_id VARCHAR, gap_seconds DOUBLE, bucket VARCHAR,
    cause VARCHAR, resolved VARCHAR)`);
  await db.run(`CREATE TABLE legs (operator VARCHAR, call_id VARCHAR, protocol VARCHAR, direction VARCHAR, status VARCHAR, started_at TIMESTAMPTZ,
    local_date DATE, customer_number VARCHAR, agent_id VARCHAR, agent_name VARCHAR, supervisor VARCHAR, team VARCHAR, queue VARCHAR, reason VARCHAR,
    reason_category VARCHAR, talk_seconds BIGINT, hold_seconds BIGINT, wrap_seconds BIGINT, updated_at TIMESTAMPTZ, customer_key VARCHAR, ddd VARCHAR,
    uf VARCHAR, region VARCHAR, source VARCHAR, location VARCHAR)`);
  await db.run(`CREATE TABLE warehouse_meta (key VARCHAR, value VARCHAR)`);
  await db.run(`INSERT INTO warehouse_meta VALUES ('watermark', '${WATERMARK}'), ('timezone', 'America/Sao_Paulo'), ('callback_window_days', '7')`);
  const insertContact = await db.prepare(`INSERT INTO contacts VALUES (${placeholders(31)})`);
  const insertLeg = await db.prepare(`INSERT INTO legs VALUES (${placeholders(25)})`);
  for (const c of contacts) {
    const d = eligible(c) ? derived.get(c.contact_key)! : {};
    const values: unknown[] = [
      c.contact_key, c.operator, c.protocol, c.customer?.key ?? null, c.customer?.ddd ?? null, c.customer?.uf ?? null, c.customer?.region ?? null,
      c.started_at.toISOString(), c.local_date, c.direction, c.answered, eligible(c), c.answered ? c.agent.id : null, c.answered ? c.agent.name : null,
      c.agent.supervisor, c.agent.team, c.queue, c.reason.reason, c.reason.category, c.legs, c.talk, c.talk + c.hold + c.wrap,
      eligible(c) ? d.is_callback : null, d.prev_contact_key ?? null, d.origin_contact_key ?? null, d.attributed_contact_key ?? null,
      d.attributed_agent_id ?? null, d.gap_seconds ?? null, d.bucket ?? null, d.cause ?? null, d.resolved ?? null,
    ];
    insertContact.bind(values as DuckDBValue[]);
    await insertContact.run();
    for (let leg = 0; leg < c.legs; leg++) {
      insertLeg.bind([
        c.operator, `${c.contact_key}-${leg}`, c.protocol, c.direction, c.answered ? 'answered' : 'abandoned', c.started_at.toISOString(), c.local_date,
        c.customer?.raw ?? 'anonymous', c.answered ? c.agent.id : null, c.answered ? c.agent.name : null, c.agent.supervisor, c.agent.team, c.queue,
        c.reason.reason, c.reason.category, Math.floor(c.talk / c.legs), c.hold, c.wrap, null, c.customer?.key ?? null, c.customer?.ddd ?? null,
        c.customer?.uf ?? null, c.customer?.region ?? null, 'fixture', 'fixture.csv',
      ]);
      await insertLeg.run();
    }
  }
  db.closeSync();
  instance.closeSync();
  return path;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, (_, index) => `$${index + 1}`).join(', ');
}

function localDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
