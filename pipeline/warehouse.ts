import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'fs-extra';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Config } from './config.ts';

const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'warehouse');

/**
 * The storage format of new warehouse files: v1.3.0 brought DICT_FSST string compression, which
 * writes the big tables a third faster than the v1.0.0 default (docs/benchmarks.md). Any DuckDB
 * client from 1.3 on opens the file.
 */
const STORAGE_VERSION = 'v1.3.0';

/** An open warehouse file. Close it to release the file lock. */
export interface Warehouse {
  connection: DuckDBConnection;
  /** Runs one SQL model, `warehouse/<name>.sql`. */
  runModel(name: string): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  close(): void;
}

const modelCache = new Map<string, string>();

/** The SQL of the model `warehouse/<name>.sql`, read once per process. */
export async function modelSql(name: string): Promise<string> {
  let sql = modelCache.get(name);
  if (sql === undefined) {
    sql = await readFile(resolve(MODELS_DIR, `${name}.sql`), 'utf8');
    modelCache.set(name, sql);
  }
  return sql;
}

/**
 * Wall and CPU time of the whole process around `work` (main thread, workers and DuckDB's
 * threads): unlike wall time, CPU time barely moves when other jobs share the machine.
 */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * With RECHAMADAS_PROFILE=1, each statement's duration and CPU time (all threads) go to stderr:
 * where a load spends its time, and how well it keeps the cores busy.
 */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.RECHAMADAS_PROFILE) return work();
  const { result, seconds, cpuSeconds } = await timed(work);
  process.stderr.write(`profile: ${label}: ${seconds.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s\n`);
  return result;
}

/** A statement's profile label: its first 60 characters on one line, past the comments a model opens with. */
export function statementLabel(sql: string): string {
  return sql.replace(/^(\s*--.*\n)*/, '').trim().slice(0, 60).replace(/\s+/g, ' ');
}

/** Sets keys of warehouse_meta (replacing their old values), on the warehouse or the site's connection. */
export async function setMeta(warehouse: Pick<Warehouse, 'run'>, entries: Record<string, string | null>): Promise<void> {
  const json = JSON.stringify(Object.entries(entries).map(([key, value]) => ({ key, value })));
  const rows = `SELECT unnest(from_json($1, '[{"key":"VARCHAR","value":"VARCHAR"}]'), recursive := true)`;
  await warehouse.run(`DELETE FROM warehouse_meta WHERE key IN (SELECT key FROM (${rows}))`, [json]);
  await warehouse.run(`INSERT INTO warehouse_meta SELECT key, value FROM (${rows})`, [json]);
}

/** Which of these tables the warehouse's main schema holds, on the warehouse or the site's connection. */
export async function presentTables(db: Pick<Warehouse, 'rows'>, names: readonly string[]): Promise<Set<string>> {
  const rows = await db.rows<{ table_name: string }>(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN (${names.map(sqlString).join(', ')})`,
  );
  return new Set(rows.map((row) => row.table_name));
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A file path as the argument of DuckDB's file readers (read_csv, read_json, read_parquet), which
 * expand `*`, `?` and `[…]` as globs: `calls[1].csv` would read `calls1.csv` and `a*.csv` every
 * match. Each such character is matched as itself (`[*]`). DuckDB's globbing also takes `\` as an
 * escape, with no way to match it as itself: a name with both is refused, saying so.
 */
export function sqlFilePath(path: string): string {
  if (/[*?[]/.test(path) && path.includes('\\')) {
    throw new Error('DuckDB cannot read a file whose path holds both a backslash and * ? or [; rename it');
  }
  return sqlString(path.replace(/[*?[]/g, (character) => `[${character}]`));
}

/** A DuckDB file that holds other tables and none of a warehouse's is someone else's: left untouched. */
async function refuseForeignDatabase(warehouse: Warehouse, path: string): Promise<void> {
  const tables = (await warehouse.rows<{ table_name: string }>(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name`,
  )).map((row) => row.table_name);
  if (tables.length > 0 && !tables.includes('legs') && !tables.includes('warehouse_meta')) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
    throw new Error(`${path} is a DuckDB database but not a Rechamadas warehouse (its tables: ${shown}); it was left as it is: choose another --warehouse`);
  }
}

/**
 * Opens (creating if needed) the warehouse, with the schema, macros and the session settings
 * every model relies on: the center's time zone and the configured callback rules as variables.
 */
export async function openWarehouse(path: string, config: Config, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
  if (!options.readOnly) await fs.ensureDir(dirname(resolve(path)));
  const instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : { storage_compatibility_version: STORAGE_VERSION });
  const connection = await instance.connect();
  const warehouse: Warehouse = {
    connection,
    async runModel(name) {
      const sql = await modelSql(name);
      if (!process.env.RECHAMADAS_PROFILE) {
        await connection.run(sql);
        return;
      }
      // Profiled, a model's statements run one by one, each timed under its own label. Each
      // prepared statement is destroyed once run: kept until garbage collection, it holds on to
      // its query's memory, and the next contact chunk ran 30 % slower (docs/benchmarks.md).
      const statements = await connection.extractStatements(sql);
      for (let index = 0; index < statements.count; index += 1) {
        const statement = await statements.prepare(index);
        try {
          await profiled(`model ${name} #${index + 1}`, () => statement.run());
        } finally {
          statement.destroySync();
        }
      }
    },
    async rows<T>(sql: string, params?: DuckDBValue[]) {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    },
    async run(sql, params) {
      await profiled(`sql ${statementLabel(sql)}`, () => connection.run(sql, params));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
  try {
    await warehouse.run(`SET memory_limit = ${sqlString(config.memoryLimit)}`);
    // DuckDB's own pool for its 256 KB buffer blocks keeps freed blocks mapped for reuse, instead
    // of handing them back to the system and faulting fresh pages in on the next allocation: a
    // 10M-leg load takes half the page faults (2.3M → 1.0M), 6 s less system CPU and a steadier
    // peak RSS (docs/benchmarks.md). The pool is the open database's and goes when it closes.
    await warehouse.run(`SET block_allocator_memory = ${sqlString(config.memoryLimit)}`);
    await warehouse.run(`SET TimeZone = ${sqlString(config.timezone)}`);
    await warehouse.run(`SET VARIABLE timezone = ${sqlString(config.timezone)}`);
    await warehouse.run(`SET VARIABLE callback_window_seconds = CAST(${config.callbackWindowDays * 86_400} AS BIGINT)`);
    await warehouse.run(`SET VARIABLE attribution = ${sqlString(config.attribution)}`);
    await warehouse.run(`SET VARIABLE short_call_seconds = CAST(${config.shortCallSeconds} AS BIGINT)`);
    if (!options.readOnly) {
      await refuseForeignDatabase(warehouse, path);
      await warehouse.runModel('schema');
      // A new warehouse starts with an empty `legs`, in the shape every load writes.
      if (!(await presentTables(warehouse, ['legs'])).has('legs')) {
        await warehouse.runModel('legs_table');
        await warehouse.run('ALTER TABLE legs_next RENAME TO legs');
      }
      await warehouse.runModel('macros');
      await warehouse.runModel('area_codes');
    }
  } catch (error) {
    warehouse.close();
    throw error;
  }
  return warehouse;
}
