import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { hashOf, type FileProgress } from './state.ts';

/**
 * Line files read from where the last run stopped: plain or gzipped, rotated or growing. Only
 * complete lines (ending in a newline) are read; a line still being written waits.
 */

/** The configured path and its rotated siblings, oldest first: `x-20261125`, `x.2.gz`, `x.1`, `x`. */
export async function withRotations(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const rotated = names
    .filter((name) => name === base || ((name.startsWith(`${base}.`) || name.startsWith(`${base}-`)) && !name.endsWith('.tmp')))
    .map((name) => ({ name, rank: rotationRank(name.slice(base.length)) }))
    .filter((entry) => entry.rank !== undefined)
    .sort((a, b) => a.rank! - b.rank!);
  return rotated.map((entry) => join(dir, entry.name));
}

/** Smaller is older; undefined for files that are not rotations (e.g. `queue_log.csv`). */
function rotationRank(suffix: string): number | undefined {
  if (suffix === '') return Number.MAX_SAFE_INTEGER;
  const numbered = /^\.(\d+)(\.gz)?$/.exec(suffix);
  if (numbered) return -Number(numbered[1]);
  const dated = /^-(\d{8,10})(\.gz)?$/.exec(suffix);
  if (dated) return Number(dated[1]);
  return undefined;
}

export interface LineFile {
  path: string;
  /** Hash of the first line: the file's identity across renames. */
  identity: string;
  /** The first line itself: a table dump's header. */
  firstLine: string;
  size: number;
}

/** The identity of a file, or undefined while it has no complete first line. */
export async function identify(path: string): Promise<LineFile | undefined> {
  const { size } = await stat(path);
  let first: Buffer | undefined;
  let seen = Buffer.alloc(0);
  for await (const chunk of openText(path)) {
    seen = Buffer.concat([seen, chunk as Buffer]);
    const end = seen.indexOf(0x0a);
    if (end >= 0) {
      first = seen.subarray(0, end);
      break;
    }
    if (seen.length > 1 << 20) break;
  }
  return first ? { path, identity: hashOf(first), firstLine: first.toString('utf8').replace(/\r$/, ''), size } : undefined;
}

function openText(path: string, start = 0): NodeJS.ReadableStream {
  if (!path.endsWith('.gz')) return createReadStream(path, { start, highWaterMark: 1 << 20 });
  return createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }));
}

/**
 * Calls (and awaits) `onBytes` with blocks of new complete lines, each block ending with its
 * newline, and the number of the block's first line; `onBytes` returns how many lines the block
 * holds (a byte scanner counts them anyway). Returns the progress to store once the data read
 * has been loaded.
 */
export async function readNewBytes(
  file: LineFile,
  previous: FileProgress | undefined,
  onBytes: (block: Buffer, firstLineNumber: number) => number | Promise<number>,
): Promise<FileProgress> {
  // A file shorter than what was read of it was truncated and rewritten: read it anew.
  const resume = previous && (file.path.endsWith('.gz') || previous.offset <= file.size) ? previous : undefined;
  let offset = resume?.offset ?? 0;
  let lines = resume?.lines ?? 0;
  // Gzip cannot seek: the decompressed bytes before the offset are skipped.
  let skip = file.path.endsWith('.gz') ? offset : 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const raw of openText(file.path, file.path.endsWith('.gz') ? 0 : offset)) {
    let chunk = raw as Buffer;
    if (skip > 0) {
      const dropped = Math.min(skip, chunk.length);
      chunk = chunk.subarray(dropped);
      skip -= dropped;
      if (!chunk.length) continue;
    }
    if (carry.length) {
      const first = chunk.indexOf(0x0a);
      if (first < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      // Only the line cut between two chunks is copied to be whole; the rest is read in place.
      const joined = Buffer.concat([carry, chunk.subarray(0, first + 1)]);
      lines += await onBytes(joined, lines + 1);
      offset += joined.length;
      chunk = chunk.subarray(first + 1);
      carry = Buffer.alloc(0);
    }
    const last = chunk.lastIndexOf(0x0a);
    if (last >= 0) {
      // Awaited, so a slow consumer holds the reading back instead of buffering.
      lines += await onBytes(chunk.subarray(0, last + 1), lines + 1);
      offset += last + 1;
    }
    carry = Buffer.from(chunk.subarray(last + 1));
  }
  return { offset, lines, path: file.path };
}

/** The lines of a block that ends with a newline. */
export function splitLines(block: Buffer): string[] {
  return block.toString('utf8', 0, block.length - 1).split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}
