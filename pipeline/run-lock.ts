import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * One pipeline run at a time per warehouse, across processes: `rechamadas.lock` beside the
 * warehouse, created exclusively (`wx`) with the holder's pid and start time. A lock whose pid is
 * no longer alive was left by a crash and is taken over.
 */

export class LockHeldError extends Error {
  constructor(readonly holder: { pid: number; started: string }) {
    super(`another run is in progress (pid ${holder.pid}, started ${holder.started})`);
  }
}

export function lockPathOf(warehouse: string): string {
  return join(dirname(warehouse), 'rechamadas.lock');
}

export async function acquireLock(warehouse: string, now: Date, pid = process.pid): Promise<{ release: () => Promise<void>; recovered?: number }> {
  const path = lockPathOf(warehouse);
  let recovered: number | undefined;
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid, started: now.toISOString() }));
      await handle.close();
      return { release: () => rm(path, { force: true }), recovered };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder && isAlive(holder.pid)) throw new LockHeldError(holder);
    // Dead holder (or a lock torn by a crash before its content was written): take it over.
    recovered = holder?.pid ?? -1;
    await rm(path, { force: true });
  }
  // Someone else took the freed lock between our rm and our open.
  throw new LockHeldError((await readHolder(path)) ?? { pid: -1, started: 'unknown' });
}

async function readHolder(path: string): Promise<{ pid: number; started: string } | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; started?: unknown };
    return typeof holder.pid === 'number' ? { pid: holder.pid, started: String(holder.started) } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
