import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'warehouse');

/**
 * KPI models in dependency order: the fact models first, then the roll-up of every dimension.
 * Each is `warehouse/<name>.sql` and builds the table of the same name.
 */
export const KPI_MODELS = [
  'kpi_callback_facts',
  'kpi_contact_daily',
  'kpi_aht_daily',
  'kpi_customer_daily',
  'kpi_cause_daily',
  'kpi_reason_cause_daily',
  'kpi_group_daily',
] as const;

export interface SiteDb {
  rows<T>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  close(): void;
}

export async function openSiteDb(path: string, timeZone: string): Promise<SiteDb> {
  const instance = await DuckDBInstance.create(path);
  const connection: DuckDBConnection = await instance.connect();
  const db: SiteDb = {
    // JSON rows: numbers as JS numbers (queries cast sums to DOUBLE), dates as `YYYY-MM-DD`.
    rows: async <T>(sql: string, params?: DuckDBValue[]) => (await connection.runAndReadAll(sql, params)).getRowObjectsJson() as T[],
    run: async (sql, params) => {
      await connection.run(sql, params);
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
  await db.run(`SET TimeZone = '${timeZone.replaceAll("'", "''")}'`);
  return db;
}

export async function runKpiModels(db: SiteDb): Promise<void> {
  for (const name of KPI_MODELS) {
    await db.run(await readFile(resolve(MODELS_DIR, `${name}.sql`), 'utf8'));
  }
}
