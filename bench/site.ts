// build-site benchmark: 1,000 agents × 90 days (~3M contacts), target ≤ 30 s and index ≤ 300 KB.
// The warehouse is generated straight in SQL following the contacts/legs contract (SPEC §3–4), so
// this measures rendering only; it is cached in bench/out/site-bench/ between runs. Two builds: the
// first after a load, which must rebuild the KPI tables (their stamp no longer matches the data),
// then a rebuild on the same data, which finds them fresh.
import { stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'fs-extra';
import { parseConfig } from '../pipeline/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { buildSite } from '../pipeline/render.ts';
import { openWarehouse, timed } from '../pipeline/warehouse.ts';

const AGENTS = 1000;
const DAYS = 90;
const CONTACTS = 3_000_000;
const CUSTOMERS = 600_000;
const WATERMARK = '2026-11-27T12:00:00Z';
/** Part of the cached warehouse's name: bump it when generateWarehouse or the tables' declared shape changes, so a cached one is rebuilt. */
const GENERATION = 3;

export async function benchSite(print: (line: string) => void): Promise<void> {
  const dir = resolve('bench/out/site-bench');
  const warehouse = join(dir, `site-${AGENTS}x${DAYS}-g${GENERATION}.duckdb`);
  if (!(await fs.pathExists(warehouse))) {
    await fs.ensureDir(dir);
    const generating = performance.now();
    await generateWarehouse(warehouse);
    print(`site: generated ${CONTACTS} contacts (${AGENTS} agents × ${DAYS} days) in ${((performance.now() - generating) / 1000).toFixed(1)} s`);
  }
  // As after a load: the data the KPI tables were stamped with has changed.
  const instance = await DuckDBInstance.create(warehouse);
  const connection = await instance.connect();
  await connection.run(`DELETE FROM warehouse_meta WHERE key = 'kpi_stamp'`);
  connection.closeSync();
  instance.closeSync();
  const out = join(dir, 'site');
  const io = memoryIo(new Date('2026-11-27T13:00:00Z'));
  for (const build of ['first build after a load (KPI tables rebuilt)', 'rebuild on the same data (KPI tables fresh)']) {
    const { result: counts, seconds, cpuSeconds } = await timed(() => buildSite({ warehouse, out, config: parseConfig({}), io, secret: 'bench-secret' }));
    const index = (await stat(join(out, 'index.html'))).size;
    const agentTable = (await stat(join(out, 'p', '30-dias', 'todas', 'atendentes.html'))).size;
    print(`site: build-site, ${build}: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (target ≤ 30 s) for ${counts.pages} pages / ${counts.files} files; index.html ${(index / 1024).toFixed(0)} KB (target ≤ 300 KB); atendentes.html ${(agentTable / 1024).toFixed(0)} KB`);
  }
  for (const line of io.lines) print(`site: ${line}`);
}

/** Written like a load writes: the warehouse's storage format, and legs and contacts in their declared shape. */
async function generateWarehouse(path: string): Promise<void> {
  const warehouse = await openWarehouse(path, parseConfig({}));
  const db = warehouse.connection;
  await warehouse.runModel('contacts_table');
  await db.run(`
CREATE TABLE bench_contacts AS
SELECT
  i,
  'op' || CAST(hash(i, 1) % 3 AS VARCHAR) AS operator,
  'P' || CAST(i AS VARCHAR) AS protocol,
  CAST(hash(i, 2) % ${AGENTS} AS INTEGER) AS agent_n,
  CASE WHEN hash(i, 3) % 100 < 3 THEN NULL ELSE '119' || lpad(CAST(hash(i, 4) % ${CUSTOMERS} AS VARCHAR), 8, '0') END AS customer_key,
  TIMESTAMPTZ '${WATERMARK}' - to_seconds(CAST(hash(i, 5) % (${DAYS} * 86400) AS BIGINT)) AS started_at,
  CASE WHEN hash(i, 6) % 100 < 95 THEN 'inbound' ELSE 'outbound' END AS direction,
  hash(i, 7) % 100 >= 6 AS answered,
  CAST(hash(i, 8) % 12 AS INTEGER) AS reason_n,
  CAST(1 + CAST(hash(i, 9) % 100 < 12 AS INTEGER) AS BIGINT) AS legs,
  CAST(hash(i, 10) % 900 AS BIGINT) AS talk_seconds,
  CAST(hash(i, 11) % 120 AS BIGINT) AS hold_wrap
FROM range(${CONTACTS}) AS t(i)`);
  await db.run(`
INSERT INTO contacts_next BY NAME
WITH described AS (
  SELECT b.*, b.operator || ':' || b.protocol AS contact_key,
    CAST(timezone('America/Sao_Paulo', b.started_at) AS DATE) AS local_date,
    'ag' || lpad(CAST(agent_n AS VARCHAR), 4, '0') AS agent_id,
    'Atendente ' || CAST(agent_n AS VARCHAR) AS agent_name,
    'Equipe ' || CAST(agent_n // 10 AS VARCHAR) AS team,
    'Supervisor ' || CAST(agent_n // 50 AS VARCHAR) AS supervisor,
    'Fila ' || CAST(agent_n % 8 AS VARCHAR) AS queue,
    'Motivo ' || CAST(reason_n AS VARCHAR) AS reason,
    'Categoria ' || CAST(reason_n // 3 AS VARCHAR) AS reason_category,
    direction = 'inbound' AND answered AND customer_key IS NOT NULL AS eligible
  FROM bench_contacts AS b
),
sequenced AS (
  SELECT contact_key, customer_key, started_at,
    lag(contact_key) OVER w AS prev_contact_key,
    epoch(started_at) - epoch(lag(started_at) OVER w) AS gap_seconds,
    epoch(lead(started_at) OVER w) - epoch(started_at) AS next_gap
  FROM described WHERE eligible
  WINDOW w AS (PARTITION BY customer_key ORDER BY started_at, contact_key)
),
episodes AS (
  SELECT *, COALESCE(gap_seconds <= 7 * 86400, FALSE) AS is_callback,
    SUM(CASE WHEN COALESCE(gap_seconds <= 7 * 86400, FALSE) THEN 0 ELSE 1 END) OVER (PARTITION BY customer_key ORDER BY started_at, contact_key ROWS UNBOUNDED PRECEDING) AS episode
  FROM sequenced
),
origins AS (
  SELECT *, first_value(contact_key) OVER (PARTITION BY customer_key, episode ORDER BY started_at, contact_key) AS origin_contact_key FROM episodes
)
SELECT d.contact_key, d.operator, d.protocol, d.customer_key,
  CASE WHEN d.customer_key IS NULL THEN NULL ELSE '11' END AS ddd,
  CASE WHEN d.customer_key IS NULL THEN NULL ELSE 'SP' END AS uf,
  CASE WHEN d.customer_key IS NULL THEN NULL ELSE 'Sudeste' END AS region,
  d.started_at, d.local_date, d.direction, d.answered, d.eligible,
  CASE WHEN d.answered THEN d.agent_id END AS agent_id, CASE WHEN d.answered THEN d.agent_name END AS agent_name,
  d.supervisor, d.team, d.queue, d.reason, d.reason_category, d.legs, d.talk_seconds, d.talk_seconds + d.hold_wrap AS handle_seconds,
  o.is_callback, o.prev_contact_key, o.origin_contact_key,
  CASE WHEN o.is_callback THEN o.origin_contact_key END AS attributed_contact_key,
  CASE WHEN o.is_callback THEN a.agent_id END AS attributed_agent_id,
  o.gap_seconds,
  CASE WHEN NOT o.is_callback THEN NULL WHEN d.local_date = a.local_date THEN 'same_day' WHEN d.local_date - a.local_date <= 3 THEN 'within_3_days' ELSE 'over_3_days' END AS bucket,
  CASE WHEN NOT o.is_callback THEN NULL WHEN a.talk_seconds < 30 THEN 'short' WHEN a.legs > 1 THEN 'transferred'
       WHEN a.reason = d.reason THEN 'same_reason' ELSE 'different_reason' END AS cause,
  CASE WHEN NOT d.eligible THEN NULL WHEN o.next_gap <= 7 * 86400 THEN 'no'
       WHEN d.started_at + INTERVAL 7 DAY > TIMESTAMPTZ '${WATERMARK}' THEN 'pending' ELSE 'yes' END AS resolved
FROM described AS d
LEFT JOIN origins AS o USING (contact_key)
LEFT JOIN described AS a ON a.contact_key = o.origin_contact_key`);
  await db.run(`ALTER TABLE contacts_next RENAME TO contacts`);
  await db.run(`
INSERT INTO legs BY NAME
SELECT operator, contact_key || '-1' AS call_id, protocol, direction, CASE WHEN answered THEN 'answered' ELSE 'abandoned' END AS status,
  started_at, local_date, customer_key AS customer_number, agent_id, agent_name, supervisor, team, queue, reason, reason_category,
  talk_seconds, CAST(handle_seconds - talk_seconds AS BIGINT) // 2 AS hold_seconds, CAST(handle_seconds - talk_seconds AS BIGINT) - (handle_seconds - talk_seconds) // 2 AS wrap_seconds,
  CAST(NULL AS TIMESTAMPTZ) AS updated_at, customer_key, ddd, uf, region, 'bench' AS source, 'generated' AS location,
  1 AS batch_id, 0 AS file_index, row_number() OVER () AS row_number
FROM contacts`);
  await db.run(`DROP TABLE bench_contacts`);
  await db.run(`INSERT INTO warehouse_meta VALUES ('watermark', '${WATERMARK}'), ('timezone', 'America/Sao_Paulo'), ('callback_window_days', '7')`);
  warehouse.close();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await benchSite((line) => process.stdout.write(`${line}\n`));
}
