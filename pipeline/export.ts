import { rename, rm } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import fs from 'fs-extra';
import { EXIT, UsageError, type Command } from './command.ts';
import { loadConfig, type Config } from './config.ts';
import { isIsoDate } from './extract/time.ts';
import type { Io } from './io.ts';
import { openWarehouse, sqlString } from './warehouse.ts';

export type ExportTable = 'contacts' | 'agents';

export interface ExportRequest {
  warehouse: string;
  config: Config;
  table: ExportTable;
  out: string;
  /** Local dates, inclusive; the whole warehouse when absent. */
  from?: string;
  to?: string;
  io: Io;
}

/** Writes a warehouse table to CSV or Parquet, atomically (temp file, then rename). */
export async function exportTable(request: ExportRequest): Promise<number> {
  const format = extname(request.out).toLowerCase();
  if (format !== '.csv' && format !== '.parquet') throw new UsageError(`--out must end in .csv or .parquet, got ${request.out}`);
  for (const [option, date] of [['--from', request.from], ['--to', request.to]] as const) {
    if (date !== undefined && !isIsoDate(date)) throw new UsageError(`${option} must be a date as YYYY-MM-DD, got "${date}"`);
  }
  if (request.from && request.to && request.from > request.to) throw new UsageError(`--from ${request.from} is after --to ${request.to}`);
  if (!(await fs.pathExists(request.warehouse))) throw new UsageError(`warehouse ${request.warehouse} does not exist; run rechamadas import first`);
  const warehouse = await openWarehouse(request.warehouse, request.config, { readOnly: true });
  const temporary = `${request.out}.${process.pid}.tmp`;
  try {
    let query = 'SELECT * FROM contacts ORDER BY started_at, contact_key';
    if (request.table === 'agents') {
      await warehouse.run(`SET VARIABLE period_from = ${request.from ? `DATE ${sqlString(request.from)}` : `(SELECT coalesce(min(local_date), DATE '1970-01-01') FROM legs)`}`);
      await warehouse.run(`SET VARIABLE period_to = ${request.to ? `DATE ${sqlString(request.to)}` : `(SELECT coalesce(max(local_date), DATE '1970-01-01') FROM legs)`}`);
      await warehouse.runModel('agent_kpis');
      query = 'SELECT * FROM agent_kpis ORDER BY agent_id';
    }
    await fs.ensureDir(dirname(request.out));
    const options = format === '.csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet';
    await warehouse.run(`COPY (${query}) TO ${sqlString(temporary)} (${options})`);
    await rename(temporary, request.out);
    const [{ rows }] = (await warehouse.rows<{ rows: bigint }>(`SELECT count(*) AS rows FROM (${query})`)) as [{ rows: bigint }];
    request.io.log(`export: ${request.table} ${rows} rows to ${request.out}`);
    return Number(rows);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    warehouse.close();
  }
}

export const exportCommand: Command = {
  summary: 'write the contacts table or per-agent KPIs to CSV or Parquet',
  usage: 'rechamadas export contacts|agents --out FILE [--warehouse PATH] [--config PATH] [--from YYYY-MM-DD --to YYYY-MM-DD]',
  options: { warehouse: { type: 'string' }, config: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [table] = positionals;
    if (table !== 'contacts' && table !== 'agents') throw new UsageError('export what? contacts or agents');
    if (typeof values.out !== 'string') throw new UsageError('--out FILE is required');
    const config = await loadConfig(values.config as string | undefined);
    await exportTable({
      warehouse: (values.warehouse as string | undefined) ?? config.warehouse,
      config,
      table,
      out: values.out,
      from: values.from as string | undefined,
      to: values.to as string | undefined,
      io,
    });
    return EXIT.ok;
  },
};
