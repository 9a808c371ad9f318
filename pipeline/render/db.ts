import { createHash } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { modelSql, presentTables, profiled, setMeta, statementLabel } from '../warehouse.ts';

/**
 * KPI models in dependency order: the fact models first, then the roll-up of every dimension.
 * Each is `warehouse/<name>.sql` and builds the table of the same name.
 */
export const KPI_MODELS = [
  'kpi_reason_labels',
  'kpi_callback_facts',
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

/** With RECHAMADAS_PROFILE=1, site queries are timed like the load's (pipeline/warehouse.ts). */
const label = (sql: string) => `site ${statementLabel(sql)}`;

export async function openSiteDb(path: string, timeZone: string): Promise<SiteDb> {
  const instance = await DuckDBInstance.create(path);
  const connection: DuckDBConnection = await instance.connect();
  const db: SiteDb = {
    // JSON rows: numbers as JS numbers (queries cast sums to DOUBLE), dates as `YYYY-MM-DD`.
    rows: <T>(sql: string, params?: DuckDBValue[]) =>
      profiled(label(sql), async () => (await connection.runAndReadAll(sql, params)).getRowObjectsJson() as T[]),
    run: async (sql, params) => {
      await profiled(label(sql), () => connection.run(sql, params));
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
  await db.run(`SET TimeZone = '${timeZone.replaceAll("'", "''")}'`);
  return db;
}

const STAMP_KEY = 'kpi_stamp';

/** The data the KPI tables would be built from now, and the models that build them. */
async function currentStamp(db: SiteDb): Promise<string> {
  const [data] = await db.rows<{ stamp: string }>(await modelSql('kpi_stamp'));
  const hash = createHash('sha256');
  for (const name of ['macros', ...KPI_MODELS]) hash.update(await modelSql(name));
  return hash.update(data!.stamp).digest('hex');
}

/** Rebuilds every KPI table and records what it was built from (the stamp runKpiModels checks). */
export async function refreshKpiTables(db: SiteDb): Promise<void> {
  // The models call the warehouse's macros (reason_identity), current as of this code.
  await db.run(await modelSql('macros'));
  for (const name of KPI_MODELS) await db.run(await modelSql(name));
  await setMeta(db, { [STAMP_KEY]: await currentStamp(db) });
}

/**
 * Runs the KPI models only when a table is missing or was built from other data or other models
 * (seconds on a big warehouse, and the tables only change when the data does). True if it ran them.
 */
export async function runKpiModels(db: SiteDb): Promise<boolean> {
  const tables = await presentTables(db, KPI_MODELS);
  const [stored] = await db.rows<{ value: string }>(`SELECT value FROM warehouse_meta WHERE key = '${STAMP_KEY}'`);
  if (tables.size === KPI_MODELS.length && stored?.value === (await currentStamp(db))) return false;
  await refreshKpiTables(db);
  return true;
}
