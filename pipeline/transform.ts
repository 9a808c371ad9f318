import type { Config } from './config.ts';
import type { Io } from './io.ts';
import type { Warehouse } from './warehouse.ts';

/**
 * Builds the next contacts (SPEC §3–4) from the next legs, beside the current tables; the load
 * swaps both in together.
 */
export async function buildContacts(warehouse: Warehouse, io: Io): Promise<void> {
  await warehouse.runModel('contacts');
  const [counts] = await warehouse.rows<{ contacts: bigint; eligible: bigint; callbacks: bigint }>(
    `SELECT count(*) AS contacts, count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE is_callback) AS callbacks FROM contacts_next`,
  );
  io.log(`transform: contacts ${counts!.contacts}, eligible ${counts!.eligible}, callbacks ${counts!.callbacks}`);
}

/** The metadata the site shows (watermark, rules in force), written in the load's transaction. */
export async function recordDerivation(warehouse: Warehouse, config: Config, io: Io): Promise<void> {
  await warehouse.run(`DELETE FROM warehouse_meta WHERE key IN ('watermark', 'timezone', 'callback_window_days', 'attribution', 'short_call_seconds', 'recomputed_at')`);
  await warehouse.run(
    `INSERT INTO warehouse_meta
     SELECT 'watermark', strftime(max(started_at) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') FROM legs
     UNION ALL SELECT 'timezone', $1
     UNION ALL SELECT 'callback_window_days', $2
     UNION ALL SELECT 'attribution', $3
     UNION ALL SELECT 'short_call_seconds', $4
     UNION ALL SELECT 'recomputed_at', $5`,
    [config.timezone, String(config.callbackWindowDays), config.attribution, String(config.shortCallSeconds), io.now().toISOString()],
  );
}
