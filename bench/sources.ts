// Asterisk queue_log import at scale: `npx tsx bench/sources.ts [LINES]` (default 15,000,000 ≈ one
// year of a 100-seat center), or benchSources() from bench/run.ts. See docs/benchmarks.md.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseConfig } from '../pipeline/config.ts';
import { readFileSources } from '../pipeline/files.ts';
import { importLegs } from '../pipeline/load.ts';
import { memoryIo } from '../pipeline/io.ts';

const YEAR_SECONDS = 365 * 86_400;
const START = 1_735_700_400; // 2025-01-01 00:00 in São Paulo

/**
 * Writes `lines` queue_log lines with DuckDB (4 lines a call: ENTERQUEUE, RINGNOANSWER, then
 * CONNECT + COMPLETEAGENT, or a second RINGNOANSWER + ABANDON for one call in ten), spread
 * evenly over a year, from 500,000 customers and 100 agents.
 */
export async function writeQueueLog(path: string, lines: number): Promise<void> {
  const calls = Math.floor(lines / 4);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  try {
    await connection.run(`
      COPY (
        WITH calls AS (
          SELECT i, ${START} + (i * ${YEAR_SECONDS} // ${calls}) AS t, i % 10 = 0 AS abandoned,
            '119' || lpad(CAST(hash(i % 500000) % 100000000 AS VARCHAR), 8, '0') AS number,
            'PJSIP/' || CAST(1001 + hash(i) % 100 AS VARCHAR) AS agent, 30 + hash(i * 7) % 600 AS talk,
            CAST(${START} + (i * ${YEAR_SECONDS} // ${calls}) AS VARCHAR) || '.' || CAST(i AS VARCHAR) AS callid
          FROM range(${calls}) r(i)
        )
        SELECT line FROM (
          SELECT t AS ts, i, 0 AS seq, t || '|' || callid || '|suporte|NONE|ENTERQUEUE||' || number || '|1' AS line FROM calls
          UNION ALL SELECT t + 2, i, 1, (t + 2) || '|' || callid || '|suporte|PJSIP/1999|RINGNOANSWER|15000' FROM calls
          UNION ALL SELECT t + 20, i, 2, CASE WHEN abandoned THEN (t + 20) || '|' || callid || '|suporte|PJSIP/1998|RINGNOANSWER|15000'
            ELSE (t + 20) || '|' || callid || '|suporte|' || agent || '|CONNECT|20|' || callid || '1|18' END FROM calls
          UNION ALL SELECT t + 20 + talk, i, 3, CASE WHEN abandoned THEN (t + 40) || '|' || callid || '|suporte|NONE|ABANDON|1|1|40'
            ELSE (t + 20 + talk) || '|' || callid || '|suporte|' || agent || '|COMPLETEAGENT|20|' || talk || '|1' END FROM calls
        ) ORDER BY ts, i, seq
      ) TO '${path}' (HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function benchSources(print: (line: string) => void, lines = 15_000_000): Promise<void> {
  const out = resolve('bench/out/sources');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const log = join(out, 'queue_log');
  const generating = performance.now();
  await writeQueueLog(log, lines);
  print(`sources: generated ${lines} queue_log lines in ${((performance.now() - generating) / 1000).toFixed(1)} s, ${((await stat(log)).size / 2 ** 20).toFixed(0)} MB`);
  const config = parseConfig({ warehouse: join(out, 'bench.duckdb'), sources: [{ type: 'asterisk-queue-log', name: 'pbx', files: [log] }] });
  const io = memoryIo(new Date());
  const started = performance.now();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  // The two halves separately: reading + mapping (Node scans the bytes, DuckDB writes the legs'
  // Parquet), then the import and recompute.
  const read = await readFileSources({ config, io, stateDir: join(out, 'state') }).catch((error: unknown) => {
    clearInterval(sampler);
    throw error;
  });
  try {
    const mapped = performance.now();
    const imported = await importLegs({ warehouse: config.warehouse, config, files: read.files, rejections: read.rejections, io });
    await read.commit();
    const done = performance.now();
    print(`sources: queue_log → legs, contacts in ${((done - started) / 1000).toFixed(1)} s (read + map ${((mapped - started) / 1000).toFixed(1)} s, import ${((done - mapped) / 1000).toFixed(1)} s), peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
    print(`sources: ${JSON.stringify({ ...read.counts[0], loaded: imported.loaded, rejected: imported.rejected })}`);
    for (const line of io.lines) print(`sources:   ${line}`);
  } finally {
    clearInterval(sampler);
    await read.cleanup();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchSources((line) => process.stdout.write(`${line}\n`), process.argv[2] ? Number(process.argv[2]) : undefined);
}
