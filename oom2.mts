import { openWarehouse } from './pipeline/warehouse.ts';
import { parseConfig } from './pipeline/config.ts';
import { readFileSync, copyFileSync } from 'node:fs';
copyFileSync('/tmp/c1m.duckdb', '/tmp/c1m-test.duckdb');
const w = await openWarehouse('/tmp/c1m-test.duckdb', parseConfig({ memoryLimit: process.argv[2] }));
await w.run('SET preserve_insertion_order = false');
if (!process.env.NOTX) await w.run('BEGIN');
const sql = readFileSync(process.argv[3] ?? 'warehouse/contacts.sql', 'utf8').replace(/^--.*$/gm, '');
for (const statement of sql.split(';').map((s) => s.trim()).filter(Boolean)) {
  const t = performance.now();
  try { await w.run(statement); } catch (e) { console.log('FAIL', statement.slice(0, 60).replace(/\s+/g, ' '), (e as Error).message.slice(0, 120)); process.exit(1); }
  console.log(((performance.now() - t) / 1000).toFixed(2), statement.slice(0, 60).replace(/\s+/g, ' '));
}
if (!process.env.NOTX) await w.run('COMMIT');
