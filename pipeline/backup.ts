import { copyFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fs from 'fs-extra';

/**
 * A copy of the warehouse before each run, in `backups/` beside it, the last `keep` kept. Taken
 * under the run lock, while no writer has the file open, so the copy is a consistent database.
 */
export async function backupWarehouse(warehouse: string, now: Date, keep: number): Promise<string | undefined> {
  if (!(await fs.pathExists(warehouse))) return undefined;
  const folder = join(dirname(warehouse), 'backups');
  await fs.ensureDir(folder);
  const name = `${now.toISOString().replace(/[:.]/g, '-')}.duckdb`;
  const target = join(folder, name);
  await copyFile(warehouse, `${target}.tmp`);
  // A WAL left by an unclean stop belongs with the file: DuckDB replays it on open.
  if (await fs.pathExists(`${warehouse}.wal`)) await copyFile(`${warehouse}.wal`, `${target}.wal`);
  await rename(`${target}.tmp`, target);
  const copies = (await readdir(folder)).filter((file) => file.endsWith('.duckdb')).sort();
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
    await rm(join(folder, old), { force: true });
    await rm(join(folder, `${old}.wal`), { force: true });
  }
  return target;
}
