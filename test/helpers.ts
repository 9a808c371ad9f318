import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterEach } from 'vitest';
import { parseConfig, type Config } from '../pipeline/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { LEG_FIELDS, importLegs, type ImportSummary } from '../pipeline/load.ts';
import { openWarehouse } from '../pipeline/warehouse.ts';

export const FIXED_NOW = new Date('2026-11-27T09:00:00Z');

export type Leg = Partial<Record<(typeof LEG_FIELDS)[number], string | number | null>>;

/** An answered inbound leg from a known mobile customer; tests override what they exercise. */
export function leg(overrides: Leg): Leg {
  return {
    operator: 'vivo',
    direction: 'inbound',
    status: 'answered',
    customer_number: '(11) 98765-4321',
    agent_id: 'a1',
    agent_name: 'Ana',
    supervisor: 'Sônia',
    team: 'Equipe 1',
    queue: 'suporte',
    reason: 'Sem sinal',
    talk_seconds: 120,
    hold_seconds: 0,
    wrap_seconds: 0,
    ...overrides,
  };
}

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rechamadas-test-'));
  scratchDirs.push(dir);
  return dir;
}

export async function writeCsv(path: string, legs: Leg[]): Promise<string> {
  await writeFile(path, stringify(legs.map((l) => LEG_FIELDS.map((f) => l[f] ?? '')), { header: true, columns: [...LEG_FIELDS] }));
  return path;
}

export async function writeJsonl(path: string, legs: Leg[]): Promise<string> {
  await writeFile(path, legs.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

export function config(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(overrides);
}

export async function importInto(warehouse: string, paths: string[], cfg: Config = config()): Promise<ImportSummary> {
  return importLegs({ warehouse, config: cfg, files: paths.map((path) => ({ path })), io: memoryIo(FIXED_NOW) });
}

export async function query<T = Record<string, unknown>>(warehousePath: string, sql: string, cfg: Config = config()): Promise<T[]> {
  const warehouse = await openWarehouse(warehousePath, cfg, { readOnly: true });
  try {
    return await warehouse.rows<T>(sql);
  } finally {
    warehouse.close();
  }
}

export interface ContactRow {
  contact_key: string;
  customer_key: string | null;
  local_date: string;
  eligible: boolean;
  agent_id: string | null;
  legs: number;
  is_callback: boolean | null;
  prev_contact_key: string | null;
  origin_contact_key: string | null;
  attributed_contact_key: string | null;
  attributed_agent_id: string | null;
  gap_seconds: number | null;
  bucket: string | null;
  cause: string | null;
  resolved: string | null;
  [column: string]: unknown;
}

/** Imports the legs as one CSV file and returns the contacts, keyed by contact_key. */
export async function contactsOf(legs: Leg[], cfg: Config = config()): Promise<Map<string, ContactRow>> {
  const dir = await scratchDir();
  const warehouse = join(dir, 'w.duckdb');
  await importInto(warehouse, [await writeCsv(join(dir, 'legs.csv'), legs)], cfg);
  const rows = await query<ContactRow>(warehouse, `
    SELECT * REPLACE (CAST(local_date AS VARCHAR) AS local_date, CAST(legs AS INTEGER) AS legs)
    FROM contacts ORDER BY contact_key`, cfg);
  return new Map(rows.map((row) => [row.contact_key, row]));
}
