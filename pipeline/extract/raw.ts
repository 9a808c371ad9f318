import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

/**
 * Raw landing: each API page as received, gzip-compressed, in
 * `<raw>/<source>/<YYYY-MM-DD>/page-00001.json.gz`, so a day can be reloaded without the API.
 * A day is landed in a hidden staging folder and swapped in whole: readers see the previous
 * complete landing or the new complete one, never a mix.
 */

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface RawPage {
  source: string;
  date: string;
  page: number;
  /** Request URL, without credentials. */
  url: string;
  fetched_at: string;
  body: unknown;
}

export function rawDayDir(rawRoot: string, source: string, date: string): string {
  return join(rawRoot, source, date);
}

export function pageFileName(page: number): string {
  return `page-${String(page).padStart(5, '0')}.json.gz`;
}

export interface DayLanding {
  /** Final path of the page once the day is committed. */
  write(page: RawPage): Promise<string>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** `scrub` removes secrets from the serialized page before it touches the disk. */
export async function startLanding(rawRoot: string, source: string, date: string, scrub: (text: string) => string): Promise<DayLanding> {
  const finalDir = rawDayDir(rawRoot, source, date);
  const staging = join(rawRoot, source, `.${date}.partial-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  return {
    async write(page) {
      const name = pageFileName(page.page);
      // Fastest gzip level: JSON pages still shrink ~8×, and the CPU goes to the extraction.
      const compressed = await gzipAsync(Buffer.from(scrub(JSON.stringify(page)), 'utf8'), { level: 1 });
      const temp = join(staging, `${name}.tmp`);
      await writeFile(temp, compressed);
      await rename(temp, join(staging, name));
      return join(finalDir, name);
    },
    async commit() {
      const previous = join(rawRoot, source, `.${date}.previous-${randomBytes(4).toString('hex')}`);
      const replaced = await rename(finalDir, previous).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      await rename(staging, finalDir);
      if (replaced) await rm(previous, { recursive: true, force: true });
    },
    async abort() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}

/** The landed pages of a day in page order, with their paths; empty when nothing was landed. */
export async function readLandedDay(rawRoot: string, source: string, date: string): Promise<Array<{ path: string; page: RawPage }>> {
  const dir = rawDayDir(rawRoot, source, date);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^page-\d+\.json\.gz$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      const page = JSON.parse((await gunzipAsync(await readFile(path))).toString('utf8')) as RawPage;
      return { path, page };
    }),
  );
}
