import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { EXIT, UsageError, type Command } from './command.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { mapRecord } from './extract/mapping.ts';
import type { Io } from './io.ts';
import { rebuildSiteAfterLoad, SITE_AFTER_LOAD_USAGE, siteAfterLoadOptions } from './site-after-load.ts';
import { importLegs, LOCATION_FIELD, SOURCE_FIELD, type FileInput, type Rejection } from './load.ts';
import { cdrLeg, type LegFields } from './sources/cdr.ts';
import { isFileSource, type CdrSource, type FileSource, type QueueLogSource, type SpreadsheetSource } from './sources/config.ts';
import { parseQueueLogLine, parseQueueLogRow, SegmentAssembler, type QueueEvent } from './sources/queue-log.ts';
import { segmentWriter, writeQueueLogLegs } from './sources/queue-log-legs.ts';
import { scanQueueLog } from './sources/queue-log-scan.ts';
import { loadRoster } from './sources/roster.ts';
import { readSheetRows } from './sources/spreadsheet.ts';
import { lineWriter } from './sources/line-writer.ts';
import { hashOf, readState, writeState, type FileProgress, type SourceState } from './sources/state.ts';
import { identify, readNewBytes, splitLines, withRotations, type LineFile } from './sources/tail.ts';

/**
 * File sources (Asterisk queue_log and CDR, spreadsheet exports): each is read from where the
 * last run stopped, mapped to canonical legs written as JSONL for the loader, and its progress
 * is saved only once the load has committed, so a failed load is simply read again.
 */

export interface SourceCounts {
  source: string;
  files: number;
  lines: number;
  legs: number;
  rejected: number;
  /** queue_log calls still in progress, kept for the next read. */
  waiting: number;
  /** Configured paths where no file was found. */
  missing: string[];
}

export interface FileSourcesRead {
  /** Files of canonical legs (Parquet for queue_log, JSONL otherwise), for `importLegs({ files })`; deleted by `cleanup()`. */
  files: FileInput[];
  rejections: Rejection[];
  counts: SourceCounts[];
  /** Saves every source's progress: call it after the import committed. */
  commit(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ReadFileSourcesRequest {
  config: Config;
  io: Io;
  /** Where `<source>.json` progress files live; `state/` beside the warehouse by default. */
  stateDir?: string;
  /** Source names; every file source when absent. */
  sources?: string[];
}

export function stateDirOf(warehouse: string): string {
  return join(dirname(warehouse), 'state');
}

export async function readFileSources(request: ReadFileSourcesRequest): Promise<FileSourcesRead> {
  const { config, io } = request;
  const stateDir = request.stateDir ?? stateDirOf(config.warehouse);
  const sources = selectFileSources(config, request.sources);
  const work = await mkdtemp(join(tmpdir(), 'rechamadas-sources-'));
  const files: FileInput[] = [];
  const rejections: Rejection[] = [];
  const counts: SourceCounts[] = [];
  const states: Array<{ name: string; state: SourceState }> = [];
  try {
    for (const source of sources) {
      const previous = await readState(stateDir, source.name);
      const result = await readSource(source, previous, work, config);
      files.push({ path: result.path, source: source.name });
      rejections.push(...result.rejections);
      states.push({ name: source.name, state: result.state });
      const count: SourceCounts = { source: source.name, ...result.counts, rejected: result.rejections.length };
      counts.push(count);
      io.log(`import-sources ${source.name}: ${count.files} file(s), ${count.lines} new line(s), ${count.legs} legs, ${count.rejected} rejected, ${count.waiting} call(s) waiting for their end`
        + (count.missing.length ? `; no file at ${count.missing.join(', ')}` : ''));
    }
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  return {
    files,
    rejections,
    counts,
    commit: async () => {
      for (const { name, state } of states) await writeState(stateDir, name, state);
    },
    cleanup: () => rm(work, { recursive: true, force: true }),
  };
}

function selectFileSources(config: Config, names: string[] | undefined): FileSource[] {
  const fileSources = config.sources.filter(isFileSource);
  if (!fileSources.length) throw new ConfigError('no file sources in the configuration: add one of type "asterisk-queue-log", "asterisk-cdr" or "spreadsheet" (see docs/sources.md)');
  if (!names?.length) return fileSources;
  const unknown = names.filter((name) => !fileSources.some((source) => source.name === name));
  if (unknown.length) throw new UsageError(`unknown file source ${unknown.join(', ')}; configured: ${fileSources.map((source) => source.name).join(', ')}`);
  return fileSources.filter((source) => names.includes(source.name));
}

/** A canonical leg mapped in code, and where it came from. */
interface MappedLeg {
  location: string;
  fields: LegFields;
}

interface LegSink {
  write: (leg: MappedLeg) => void;
  /** Resolves once the file has taken what was written: reading waits for it, so memory stays flat. */
  drained: () => Promise<void>;
}

/** JSONL of canonical legs; the loader reads the two extra columns as each record's source and location (load.ts). */
function legWriter(path: string, source: string) {
  const lines = lineWriter(path);
  return {
    ...lines,
    write: (leg: MappedLeg) => {
      // The leg is ours and written once: tag it in place rather than copy it.
      const record: Record<string, string | number> = leg.fields;
      record[SOURCE_FIELD] = source;
      record[LOCATION_FIELD] = leg.location;
      lines.write(`${JSON.stringify(record)}\n`);
    },
  };
}

interface SourceResult {
  state: SourceState;
  rejections: Rejection[];
  counts: { files: number; lines: number; waiting: number; missing: string[] };
}

/** A source read: its legs in a file for the loader, and how many. */
type SourceRead = SourceResult & { path: string; counts: { legs: number } };

async function readSource(source: FileSource, previous: SourceState, work: string, config: Config): Promise<SourceRead> {
  if (source.type === 'asterisk-queue-log') return readQueueLog(source, previous, work, config);
  const path = join(work, `${source.name}.jsonl`);
  const writer = legWriter(path, source.name);
  try {
    const result = source.type === 'spreadsheet' ? await readSpreadsheets(source, previous, writer, config) : await readCdr(source, previous, writer, config);
    await writer.close();
    return { ...result, path, counts: { ...result.counts, legs: writer.count() } };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** Every configured file with its rotations, each identity once (a log may sit as `.1` and `.1.gz` for a moment). */
async function lineFiles(paths: string[]): Promise<{ files: LineFile[]; missing: string[] }> {
  const seen = new Set<string>();
  const files: LineFile[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const candidates = await withRotations(path);
    if (!candidates.length) missing.push(path);
    for (const candidate of candidates) {
      const file = await identify(candidate);
      if (!file || seen.has(file.identity)) continue;
      seen.add(file.identity);
      files.push(file);
    }
  }
  return { files, missing };
}

/** Reads each file's new lines; only files seen now stay in the state, so it never grows with old rotations. */
async function readLineFiles(
  paths: string[],
  previous: SourceState,
  /** Takes a block of complete lines, returns how many it held. */
  onBlock: (file: LineFile, block: Buffer, firstLineNumber: number) => number,
  drained: () => Promise<void>,
): Promise<{ files: Record<string, FileProgress>; count: number; lines: number; missing: string[] }> {
  const files: Record<string, FileProgress> = {};
  let lines = 0;
  const { files: found, missing } = await lineFiles(paths);
  for (const file of found) {
    files[file.identity] = await readNewBytes(file, previous.files[file.identity], async (block, first) => {
      const count = onBlock(file, block, first);
      lines += count;
      await drained();
      return count;
    });
  }
  return { files, count: found.length, lines, missing };
}

async function readQueueLog(source: QueueLogSource, previous: SourceState, work: string, config: Config): Promise<SourceRead> {
  const pbxTimeZone = source.timeZone ?? config.timezone;
  const roster = await loadRoster(source.roster);
  const segments = segmentWriter(join(work, `${source.name}.segments`));
  // Segments and rejections carry an index into the names of the files they came from.
  const names: string[] = [];
  const fileIndex = (name: string) => {
    const index = names.indexOf(name);
    return index >= 0 ? index : names.push(name) - 1;
  };
  const agents = new Set<string>();
  const rejections: Rejection[] = [];
  const reject = (file: number, line: number, rawPayload: string, reason: string) =>
    rejections.push({ source: source.name, location: `${names[file]!} line ${line}`, rawPayload, reason });
  const assembler = new SegmentAssembler((segment) => {
    if (segment.agent !== undefined) agents.add(segment.agent);
    segments.write(segment);
  }, (rejection) => reject(rejection.file, rejection.line, rejection.raw, rejection.reason));
  // Calls that were in progress at the end of the last read come first.
  for (const event of previous.pending) assembler.push(event, fileIndex(event.file));
  const read = await readLineFiles(source.files, previous, (file, block, first) => {
    const name = basename(file.path);
    const index = fileIndex(name);
    const malformed = (line: number, raw: string, reason: string) => reject(index, line, raw, reason);
    if (source.format === 'file') return scanQueueLog(block, first, { assembler, file: index, name, malformed });
    // A table dump's first line is its header; it is the file's identity line, so always at hand.
    const header = parseCsvLine(file.firstLine).map((column) => column.trim().toLowerCase());
    const lines = splitLines(block);
    csvLines(first === 1 ? lines.slice(1) : lines, first === 1 ? 2 : first, (columns, line, raw) => {
      const parsed = parseQueueLogRow(Object.fromEntries(header.map((column, at) => [column, columns[at] ?? ''])), name, line, raw, pbxTimeZone);
      if ('error' in parsed) malformed(line, raw, parsed.error);
      else assembler.push(parsed, index);
    }, malformed);
    return lines.length;
  }, segments.drained).catch((error: unknown) => {
    segments.abort();
    throw new Error(`source ${source.name}: ${(error as Error).message}`);
  });
  // Lines read on their bytes become events only now, the few that wait for the next read.
  const pending = assembler.finish().map((held) => held.event ?? (parseQueueLogLine(held.raw, names[held.file]!, held.line) as QueueEvent));
  await segments.close();
  const path = join(work, `${source.name}.parquet`);
  await writeQueueLogLegs({
    segments: segments.path, out: path, files: names, agents: new Map([...agents].map((agent) => [agent, roster(agent)])),
    operator: source.operator ?? source.name, source: source.name, timeZone: config.timezone,
    memoryLimit: config.memoryLimit, scratch: work,
  });
  return {
    path,
    state: { version: 1, files: read.files, pending },
    rejections,
    counts: { files: read.count, lines: read.lines, waiting: new Set(pending.map((event) => event.callid)).size, missing: read.missing, legs: segments.count() },
  };
}

/** CSV lines one by one, so a line with broken quoting is quarantined alone; callbacks get the line number. */
function csvLines(
  lines: string[],
  first: number,
  onRow: (columns: string[], line: number, raw: string) => void,
  onError: (line: number, raw: string, reason: string) => void,
): void {
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    let columns: string[];
    try {
      columns = parseCsvLine(raw);
    } catch (error) {
      onError(first + index, raw, `malformed CSV line: ${(error as Error).message}`);
      return;
    }
    onRow(columns, first + index, raw);
  });
}

function parseCsvLine(line: string): string[] {
  return (parse(line, { relax_column_count: true }) as string[][])[0] ?? [];
}

async function readCdr(source: CdrSource, previous: SourceState, sink: LegSink, config: Config): Promise<SourceResult> {
  const context = {
    operator: source.operator ?? source.name,
    pbxTimeZone: source.timeZone ?? config.timezone,
    timeZone: config.timezone,
    roster: await loadRoster(source.roster),
    outboundContexts: source.outboundContexts,
  };
  const rejections: Rejection[] = [];
  const read = await readLineFiles(source.files, previous, (file, block, first) => {
    const name = basename(file.path);
    const reject = (line: number, raw: string, reason: string) => rejections.push({ source: source.name, location: `${name} line ${line}`, rawPayload: raw, reason });
    const lines = splitLines(block);
    csvLines(lines, first, (columns, line, raw) => {
      const result = cdrLeg(columns, context);
      if (result.fields) sink.write({ location: `${name} line ${line}`, fields: result.fields });
      else reject(line, raw, result.error);
    }, reject);
    return lines.length;
  }, sink.drained);
  return { state: { version: 1, files: read.files, pending: [] }, rejections, counts: { files: read.count, lines: read.lines, waiting: 0, missing: read.missing } };
}

/**
 * Spreadsheets are rewritten whole by the tools that export them, so a file is known by its
 * content: an unchanged file is skipped, a changed one read again (its known legs then count as
 * duplicates and change nothing).
 */
async function readSpreadsheets(source: SpreadsheetSource, previous: SourceState, sink: LegSink, config: Config): Promise<SourceResult> {
  const context = { operator: source.operator ?? source.name, timeZone: source.timeZone ?? config.timezone };
  const rejections: Rejection[] = [];
  const files: Record<string, FileProgress> = {};
  const missing: string[] = [];
  let lines = 0;
  for (const path of source.files) {
    const bytes = await readFile(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`source ${source.name}: cannot read ${path}: ${(error as Error).message}`);
    });
    if (!bytes) {
      missing.push(path);
      continue;
    }
    const contentHash = hashOf(bytes);
    files[contentHash] = { offset: bytes.length, lines: 0, path, contentHash };
    if (previous.files[contentHash]) continue;
    const rows = await readSheetRows(path, bytes, source);
    lines += rows.length;
    files[contentHash]!.lines = rows.length;
    for (const row of rows) {
      const location = `${basename(path)} line ${row.line}`;
      const values: Record<string, string | number> = { ...source.constants, ...row.values };
      const result = mapRecord(values, source.mapping, context);
      if (result.leg) sink.write({ location, fields: result.leg as LegFields });
      else rejections.push({ source: source.name, location, rawPayload: JSON.stringify(row.values), reason: result.error });
    }
  }
  return { state: { version: 1, files, pending: [] }, rejections, counts: { files: source.files.length - missing.length, lines, waiting: 0, missing } };
}

/** Reads every file source and loads what is new; progress is saved only after the load committed. */
export async function importSources(request: ReadFileSourcesRequest & { warehouse?: string }) {
  const warehouse = request.warehouse ?? request.config.warehouse;
  const read = await readFileSources({ ...request, stateDir: request.stateDir ?? stateDirOf(warehouse) });
  try {
    if (read.counts.every((count) => count.files === 0)) {
      // No file at any configured path: nothing to load, as `import` of unreadable files.
      request.io.log('import-sources: no file found; the warehouse is unchanged');
      return { imported: { read: 0, loaded: 0, duplicates: 0, rejected: 0, unreadable: [] }, counts: read.counts };
    }
    const imported = await importLegs({ warehouse, config: request.config, files: read.files, rejections: read.rejections, io: request.io });
    await read.commit();
    return { imported, counts: read.counts };
  } finally {
    await read.cleanup();
  }
}

export const importSourcesCommand: Command = {
  summary: 'read the file sources of the config (Asterisk queue_log / CDR, spreadsheets), only what is new',
  usage: `rechamadas import-sources [--source NAME]... [--config PATH] [--warehouse PATH] ${SITE_AFTER_LOAD_USAGE}`,
  options: { config: { type: 'string' }, warehouse: { type: 'string' }, source: { type: 'string', multiple: true }, ...siteAfterLoadOptions },
  async run({ values }, io) {
    const config = await loadConfig(values.config as string | undefined);
    const warehouse = (values.warehouse as string | undefined) ?? config.warehouse;
    const { imported, counts } = await importSources({ config, io, warehouse, sources: values.source as string[] | undefined });
    process.stdout.write(`read ${imported.read} / loaded ${imported.loaded} / duplicates ${imported.duplicates} / rejected ${imported.rejected}\n`);
    if (counts.every((count) => count.files === 0)) return EXIT.nothingRead;
    await rebuildSiteAfterLoad(values, warehouse, config, io);
    return EXIT.ok;
  },
};
