import type { Config } from './config.ts';
import type { Io } from './io.ts';
import { setMeta, type Warehouse } from './warehouse.ts';

/**
 * Builds the next contacts (SPEC §3–4) from the next legs, beside the current tables; the load
 * swaps both in together.
 */
export async function buildContacts(warehouse: Warehouse, io: Io): Promise<void> {
  await warehouse.runModel('contacts_table');
  await warehouse.runModel('contacts');
  const [counts] = await warehouse.rows<{ contacts: bigint; eligible: bigint; callbacks: bigint }>(
    `SELECT count(*) AS contacts, count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE is_callback) AS callbacks FROM contacts_next`,
  );
  io.log(`transform: contacts ${counts!.contacts}, eligible ${counts!.eligible}, callbacks ${counts!.callbacks}`);
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
