import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { QueueEvent } from './queue-log.ts';

/**
 * How far each file of a source has been read, kept in `state/<source>.json` beside the
 * warehouse. Files are known by the hash of their first line, not their name, so a log rotated
 * from `queue_log` to `queue_log.1` (and later gzipped) is recognised and read on from where
 * the last run stopped; a new `queue_log` is a new file.
 */

export interface FileProgress {
  /** Bytes of complete lines read (of the decompressed text for `.gz`). */
  offset: number;
  /** Lines read, so locations keep counting from the file's start. */
  lines: number;
  /** Last path it was seen at, for people reading the state file. */
  path: string;
  /** Whole-file sources (spreadsheets): the content hash of the version read. */
  contentHash?: string;
}

export interface SourceState {
  version: 1;
  files: Record<string, FileProgress>;
  /** queue_log events of calls not finished at the end of the last read. */
  pending: QueueEvent[];
}

export function emptyState(): SourceState {
  return { version: 1, files: {}, pending: [] };
}

export function statePath(stateDir: string, source: string): string {
  return join(stateDir, `${source}.json`);
}

export async function readState(stateDir: string, source: string): Promise<SourceState> {
  let text: string;
  try {
    text = await readFile(statePath(stateDir, source), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  const state = JSON.parse(text) as SourceState;
  if (state.version !== 1) throw new Error(`state file ${statePath(stateDir, source)} has unknown version ${String(state.version)}`);
  return state;
}

/** Temp file + rename: a crash leaves the old state or the new one, never half of one. */
export async function writeState(stateDir: string, source: string, state: SourceState): Promise<void> {
  const path = statePath(stateDir, source);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, path);
}

export function hashOf(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}
