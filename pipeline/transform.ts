import { memoryLimitBytes, type Config } from './config.ts';
import type { Io } from './io.ts';
import { setMeta, type Warehouse } from './warehouse.ts';

/**
 * Bytes of the memory limit per leg of a chunk of customers: a chunk's contacts, their callbacks
 * and the join of both then stay in memory (measured on 10M legs with the default 2.5 GB: 3
 * chunks were fastest, 4 took 0.7–1.1 s more, 2 and 6 more still; docs/benchmarks.md).
 */
const MEMORY_PER_CHUNKED_LEG = 700;

/**
 * Builds the next contacts (SPEC §3–4) from the next legs, beside the current tables; the load
 * swaps both in together. Callbacks never cross customers, so a load too big for memory is built
 * one chunk of customers at a time.
 */
export async function buildContacts(warehouse: Warehouse, config: Config, io: Io, legsPerChunk = memoryLimitBytes(config) / MEMORY_PER_CHUNKED_LEG): Promise<void> {
  await warehouse.runModel('contacts_table');
  await warehouse.runModel('multi_leg_contacts');
  const [{ legs }] = await warehouse.rows<{ legs: bigint }>('SELECT count(*) AS legs FROM legs_next') as [{ legs: bigint }];
  const chunks = Math.max(1, Math.ceil(Number(legs) / legsPerChunk));
  await warehouse.run(`SET VARIABLE contact_chunks = CAST(${chunks} AS UBIGINT)`);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    await warehouse.run(`SET VARIABLE contact_chunk = CAST(${chunk} AS UBIGINT)`);
    await warehouse.runModel('contacts');
  }
  await warehouse.run('DROP VIEW contact_legs; DROP TABLE multi_leg_contacts');
  const [counts] = await warehouse.rows<{ contacts: bigint; eligible: bigint; callbacks: bigint }>(
    `SELECT count(*) AS contacts, count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE is_callback) AS callbacks FROM contacts_next`,
  );
  io.log(`transform: contacts ${counts!.contacts}, eligible ${counts!.eligible}, callbacks ${counts!.callbacks}`
    + (chunks > 1 ? ` (${chunks} chunks of customers)` : ''));
}

/**
 * The metadata the site shows (watermark, rules in force) and the load that wrote them, written
 * in the load's transaction. The KPI tables' stamp reads all of it, so every load makes them stale.
 */
export async function recordDerivation(warehouse: Warehouse, config: Config, io: Io, batchId: bigint): Promise<void> {
  const [{ watermark }] = await warehouse.rows<{ watermark: string | null }>(
    `SELECT strftime(max(started_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS watermark FROM legs`,
  ) as [{ watermark: string | null }];
  await setMeta(warehouse, {
    watermark,
    timezone: config.timezone,
    callback_window_days: String(config.callbackWindowDays),
    attribution: config.attribution,
    short_call_seconds: String(config.shortCallSeconds),
    recomputed_at: io.now().toISOString(),
    batch_id: String(batchId),
  });
}
