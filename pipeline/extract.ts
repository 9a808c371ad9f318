import { dirname, join } from 'node:path';
import { EXIT, UsageError, type Command } from './command.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createAuth, type Env, type SourceAuth } from './extract/auth.ts';
import type { SourceConfig } from './extract/config.ts';
import { isApiSource } from './sources/config.ts';
import { createHttpClient, redactUrl, type HttpClient } from './extract/http.ts';
import { walkPages } from './extract/paginate.ts';
import { readLandedDay, startLanding, type RawPage } from './extract/raw.ts';
import { recordsFromPage } from './extract/records.ts';
import { addDays, dateRange, isIsoDate, localDayBounds } from './extract/time.ts';
import type { Io } from './io.ts';
import { rebuildSiteAfterLoad, SITE_AFTER_LOAD_USAGE, siteAfterLoadOptions } from './site-after-load.ts';
import { importLegs, type ImportSummary, type RecordInput, type Rejection } from './load.ts';

/**
 * Extraction from operator REST APIs: for each source and local day, every page is fetched,
 * landed raw (gzip, atomically) and mapped to canonical legs; then everything is loaded in one
 * import, which recomputes contacts and callbacks. `loadRaw` replays landed days without the API.
 */

export interface ExtractRequest {
  config: Config;
  /** Local dates (YYYY-MM-DD) in the center's time zone. */
  dates: string[];
  /** Source names; all configured sources when absent. */
  sources?: string[];
  io: Io;
  /** Where secrets are read by name; process.env by default. */
  env?: Env;
  /** Waits between retries; tests shorten or record them. */
  sleep?: (ms: number) => Promise<void>;
  /** Overrides config.warehouse; raw pages land in `raw/` beside it. */
  warehouse?: string;
}

export interface DayFailure {
  source: string;
  date: string;
  error: string;
}

export interface ExtractSummary {
  pages: number;
  records: number;
  /** Records the field mapping could not read (stored in rejected_legs). */
  unmapped: number;
  failures: DayFailure[];
  /** Absent when nothing was fetched. */
  imported?: ImportSummary;
}

interface Batch {
  pages: number;
  records: RecordInput[];
  rejections: Rejection[];
}

export async function extract(request: ExtractRequest): Promise<ExtractSummary> {
  const { config, io } = request;
  const warehouse = request.warehouse ?? config.warehouse;
  const rawRoot = rawRootOf(warehouse);
  const env = request.env ?? process.env;
  const dates = [...request.dates].sort();
  const failures: DayFailure[] = [];

  // Credentials are checked for every source before the first request goes out.
  const prepared = apiSourcesOf(config, request.sources).map((source) => {
    const http = createHttpClient(source.http, { sleep: request.sleep });
    return { source, http, auth: createAuth(source.name, source.auth, source.baseUrl, env, http) };
  });

  const perSource = await Promise.all(
    prepared.map(async ({ source, http, auth }) => {
      // A few days at a time, each with all its pages, rather than every day's first page at
      // once: the platform (and its caches) sees one day's listing paged through together.
      const days = await inPool(dates, source.http.concurrency, (date) =>
        extractDay(source, date, { http, auth, rawRoot, config, io }).catch((error: unknown) => {
          const failure = { source: source.name, date, error: auth.redact((error as Error).message) };
          failures.push(failure);
          io.log(`extract ${source.name} ${date}: FAILED, nothing loaded for this day: ${failure.error}`);
          return undefined;
        }),
      );
      const batch = mergeBatches(days.filter((day): day is Batch => day !== undefined));
      const failed = days.length - days.filter(Boolean).length;
      io.log(
        `extract ${source.name}: ${dates.length} day(s), ${batch.pages} pages, ${batch.records.length + batch.rejections.length} records ` +
          `(${batch.rejections.length} unmapped), ${http.counters.requests} requests, ${http.counters.retries} retries, ` +
          `${http.counters.refreshes} credential refreshes, ${failed} failed day(s)`,
      );
      return batch;
    }),
  );

  const batch = mergeBatches(perSource);
  const summary: ExtractSummary = { pages: batch.pages, records: batch.records.length, unmapped: batch.rejections.length, failures };
  if (batch.pages > 0) summary.imported = await importLegs({ warehouse, config, records: batch.records, rejections: batch.rejections, io });
  return summary;
}

interface DayContext {
  http: HttpClient;
  auth: SourceAuth;
  rawRoot: string;
  config: Config;
  io: Io;
}

/** One source, one local day: fetch and land every page, then map them in page order. */
async function extractDay(source: SourceConfig, date: string, context: DayContext): Promise<Batch> {
  const { start, end } = localDayBounds(date, context.config.timezone);
  const landing = await startLanding(context.rawRoot, source.name, date, context.auth.redact);
  const landed: Array<{ path: string; page: RawPage }> = [];
  try {
    await walkPages({
      source,
      http: context.http,
      auth: context.auth,
      timeZone: context.config.timezone,
      start,
      end,
      onPage: async (fetched) => {
        const page: RawPage = { source: source.name, date, page: fetched.number, url: redactUrl(fetched.url), fetched_at: context.io.now().toISOString(), body: fetched.body };
        landed.push({ path: await landing.write(page), page });
      },
    });
    await landing.commit();
  } catch (error) {
    await landing.abort();
    throw error;
  }
  landed.sort((a, b) => a.page.page - b.page.page);
  return mergeBatches(landed.map(({ path, page }) => ({ pages: 1, ...recordsFromPage(page, path, source, context.config.timezone) })));
}

export interface LoadRawRequest {
  config: Config;
  dates: string[];
  sources?: string[];
  io: Io;
  warehouse?: string;
}

export interface LoadRawSummary {
  pages: number;
  records: number;
  unmapped: number;
  /** Source days with no landed pages. */
  missing: Array<{ source: string; date: string }>;
  imported?: ImportSummary;
}

/** Reloads landed days from their raw pages, exactly as the extraction that fetched them. */
export async function loadRaw(request: LoadRawRequest): Promise<LoadRawSummary> {
  const { config, io } = request;
  const warehouse = request.warehouse ?? config.warehouse;
  const rawRoot = rawRootOf(warehouse);
  const missing: LoadRawSummary['missing'] = [];
  const batches: Batch[] = [];
  for (const source of apiSourcesOf(config, request.sources)) {
    for (const date of [...request.dates].sort()) {
      const landed = await readLandedDay(rawRoot, source.name, date);
      if (!landed.length) missing.push({ source: source.name, date });
      for (const { path, page } of landed) batches.push({ pages: 1, ...recordsFromPage(page, path, source, config.timezone) });
    }
  }
  const batch = mergeBatches(batches);
  io.log(`load-raw: ${batch.pages} pages, ${batch.records.length + batch.rejections.length} records (${batch.rejections.length} unmapped), ${missing.length} source day(s) with nothing landed`);
  const summary: LoadRawSummary = { pages: batch.pages, records: batch.records.length, unmapped: batch.rejections.length, missing };
  if (batch.pages > 0) summary.imported = await importLegs({ warehouse, config, records: batch.records, rejections: batch.rejections, io });
  return summary;
}

export function rawRootOf(warehouse: string): string {
  return join(dirname(warehouse), 'raw');
}

/** The configuration's API sources (all, or those named); a configuration without any is an error. */
export function apiSourcesOf(config: Config, names?: string[]): SourceConfig[] {
  // File sources (docs/sources.md) are read by import-sources, not fetched.
  const apiSources: SourceConfig[] = config.sources.filter(isApiSource);
  if (!apiSources.length) throw new ConfigError('no API sources in the configuration: add a "sources" list (see docs/extraction.md)');
  const seen = new Set<string>();
  for (const source of apiSources) {
    if (seen.has(source.name)) throw new ConfigError(`two sources are named "${source.name}"; source names must be unique`);
    seen.add(source.name);
  }
  if (!names?.length) return apiSources;
  const unknown = names.filter((name) => !seen.has(name));
  if (unknown.length) throw new UsageError(`unknown source ${unknown.join(', ')}; configured: ${[...seen].join(', ')}`);
  return apiSources.filter((source) => names.includes(source.name));
}

/** Runs `task` over the items, `size` at a time; results keep the items' order. */
async function inPool<T, R>(items: T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await task(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

function mergeBatches(batches: Batch[]): Batch {
  return {
    pages: batches.reduce((sum, batch) => sum + batch.pages, 0),
    records: batches.flatMap((batch) => batch.records),
    rejections: batches.flatMap((batch) => batch.rejections),
  };
}

const MAX_DAYS = 366;

/** `--date D` or `--from D1 --to D2` (both included). */
export function datesFromArgs(values: Record<string, unknown>): string[] {
  const { date, from, to } = values as { date?: string; from?: string; to?: string };
  if (date && (from || to)) throw new UsageError('give either --date or --from/--to, not both');
  if (date) return [checkedDate(date, '--date')];
  if (!from || !to) throw new UsageError('give --date YYYY-MM-DD, or --from YYYY-MM-DD --to YYYY-MM-DD');
  const dates = dateRange(checkedDate(from, '--from'), checkedDate(to, '--to'));
  if (!dates.length) throw new UsageError('--from is after --to');
  if (dates.length > MAX_DAYS) throw new UsageError(`at most ${MAX_DAYS} days per run`);
  return dates;
}

/** The `count` complete local days before today, oldest first. */
export function lastDays(today: string, count: number): string[] {
  return dateRange(addDays(today, -count), addDays(today, -1));
}

function checkedDate(text: string, option: string): string {
  if (!isIsoDate(text)) throw new UsageError(`${option} must be a date as YYYY-MM-DD, got "${text}"`);
  return text;
}

const dayOptions = {
  config: { type: 'string' },
  warehouse: { type: 'string' },
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  source: { type: 'string', multiple: true },
  ...siteAfterLoadOptions,
} as const;

export const extractCommand: Command = {
  summary: 'pull local days from the operator APIs in the config, land them raw and load them',
  usage: `rechamadas extract (--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD) [--source NAME]... [--config PATH] [--warehouse PATH] ${SITE_AFTER_LOAD_USAGE}`,
  options: dayOptions,
  async run({ values }, io) {
    const dates = datesFromArgs(values);
    const config = await loadConfig(values.config as string | undefined);
    const warehouse = (values.warehouse as string | undefined) ?? config.warehouse;
    const summary = await extract({ config, dates, sources: values.source as string[] | undefined, io, warehouse });
    process.stdout.write(`${describe(summary.pages, summary.records, summary.unmapped, summary.imported)}; ${summary.failures.length} failed source day(s)\n`);
    if (summary.imported) await rebuildSiteAfterLoad(values, warehouse, config, io);
    return summary.failures.length ? EXIT.failed : EXIT.ok;
  },
};

export const loadRawCommand: Command = {
  summary: 'reload landed raw API pages of some days into the warehouse, without calling the APIs',
  usage: `rechamadas load-raw (--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD) [--source NAME]... [--config PATH] [--warehouse PATH] ${SITE_AFTER_LOAD_USAGE}`,
  options: dayOptions,
  async run({ values }, io) {
    const dates = datesFromArgs(values);
    const config = await loadConfig(values.config as string | undefined);
    const warehouse = (values.warehouse as string | undefined) ?? config.warehouse;
    const summary = await loadRaw({ config, dates, sources: values.source as string[] | undefined, io, warehouse });
    process.stdout.write(`${describe(summary.pages, summary.records, summary.unmapped, summary.imported)}; ${summary.missing.length} source day(s) with nothing landed\n`);
    if (!summary.pages) return EXIT.nothingRead;
    await rebuildSiteAfterLoad(values, warehouse, config, io);
    return EXIT.ok;
  },
};

function describe(pages: number, records: number, unmapped: number, imported: ImportSummary | undefined): string {
  const load = imported ? `loaded ${imported.loaded} / duplicates ${imported.duplicates} / rejected ${imported.rejected}` : 'nothing loaded';
  return `${pages} pages, ${records + unmapped} records (${unmapped} unmapped); ${load}`;
}
