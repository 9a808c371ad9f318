import type { Config } from './config.ts';
import type { Io } from './io.ts';
import type { Warehouse } from './warehouse.ts';

/**
 * Rebuilds everything derived from legs: contacts with callback attribution, and the metadata
 * the site shows (watermark, window). Runs inside the caller's transaction.
 */
export async function recompute(warehouse: Warehouse, config: Config, io: Io): Promise<void> {
  await warehouse.runModel('contacts');
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
  const [counts] = await warehouse.rows<{ contacts: bigint; eligible: bigint; callbacks: bigint }>(
    `SELECT count(*) AS contacts, count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE is_callback) AS callbacks FROM contacts`,
  );
  io.log(`transform: contacts ${counts!.contacts}, eligible ${counts!.eligible}, callbacks ${counts!.callbacks}`);
}
