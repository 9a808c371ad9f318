import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * One pipeline run at a time per warehouse, across processes: `rechamadas.lock` beside the
 * warehouse, holding the holder's pid and start time. It appears with its content in one step (a
 * hard link to a file written first), so another run never reads it empty and mistakes a run
 * still taking the lock for a crashed one. A lock whose pid is no longer alive was left by a
 * crash and is taken over.
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
  const written = `${path}.${pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(written, JSON.stringify({ pid, started: now.toISOString() }));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(written, path);
        return { release: () => rm(path, { force: true }), recovered };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      if (holder && isAlive(holder.pid)) throw new LockHeldError(holder);
      // Dead holder (or a lock unreadable since a crash): take it over.
      recovered = holder?.pid ?? -1;
      await rm(path, { force: true });
    }
    // Someone else took the freed lock between our rm and our link.
    throw new LockHeldError((await readHolder(path)) ?? { pid: -1, started: 'unknown' });
  } finally {
    await rm(written, { force: true });
  }
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
