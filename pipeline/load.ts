import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import fs from 'fs-extra';
import { EXIT, type Command } from './command.ts';
import { asUtf8, csvLayout, gzipDamage, lineFrom, linesFields, recordsBefore, scanLines, textAt, withLfEndings, writeAsciiCopy, writePart, type CsvLayout, type LinePlace } from './input-files.ts';
import { loadConfig, type Config } from './config.ts';
import type { Io } from './io.ts';
import { rebuildSiteAfterLoad, SITE_AFTER_LOAD_USAGE, siteAfterLoadOptions } from './site-after-load.ts';
import { buildContacts, recordDerivation } from './transform.ts';
import { openWarehouse, setMeta, sqlFilePath, sqlString, type Warehouse } from './warehouse.ts';

/** The canonical leg fields of SPEC §1, in the order the staging table holds them. */
export const LEG_FIELDS = [
  'operator', 'call_id', 'protocol', 'direction', 'status', 'started_at', 'customer_number',
  'agent_id', 'agent_name', 'supervisor', 'team', 'queue', 'reason',
  'talk_seconds', 'hold_seconds', 'wrap_seconds', 'updated_at',
] as const;

/** A record refused before it reached the warehouse, e.g. by an API field mapping. */
export interface Rejection {
  source: string;
  location: string;
  rawPayload: string;
  reason: string;
}

/** A canonical leg produced in code (e.g. mapped from an API page), validated like a file row. */
export interface RecordInput {
  source: string;
  location: string;
  fields: Record<string, unknown>;
}

export interface FileInput {
  path: string;
  /** Shown in rejected_legs.source; defaults to the path. */
  source?: string;
}

export interface ImportSummary {
  read: number;
  loaded: number;
  duplicates: number;
  rejected: number;
  /** Files that could not be read at all, with the reason. */
  unreadable: Array<{ path: string; reason: string }>;
}

export interface ImportRequest {
  warehouse: string;
  config: Config;
  files?: FileInput[];
  records?: RecordInput[];
  rejections?: Rejection[];
  io: Io;
  /** Legs per chunk of customers when building contacts; by default what the memory limit holds. */
  legsPerChunk?: number;
  /** Bytes of the parts a CSV file is read in after a quote that never closes (CSV_PART_BYTES). */
  csvPartBytes?: number;
}

type FileFormat = 'csv' | 'jsonl' | 'parquet';

function fileFormat(path: string): FileFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  if (name.endsWith('.parquet')) return 'parquet';
  return undefined;
}

const STAGED_RAW_COLUMNS = `source VARCHAR, location VARCHAR, file_index BIGINT, row_number BIGINT,
  raw_payload VARCHAR, parse_error VARCHAR, ${LEG_FIELDS.map((field) => `${field} VARCHAR`).join(', ')}`;

/**
 * Loads canonical call legs into the warehouse and recomputes contacts and callbacks. The new
 * versions of both are built beside the current ones and swapped in by one transaction, so a
 * failure leaves the warehouse as it was. Bad records are quarantined in rejected_legs; they
 * never stop the good ones.
 */
export async function importLegs(request: ImportRequest): Promise<ImportSummary> {
  const { config, io } = request;
  const files = request.files ?? [];
  const scratch = await mkdtemp(join(tmpdir(), 'rechamadas-import-'));
  const warehouse = await openWarehouse(request.warehouse, config);
  const summary: ImportSummary = { read: 0, loaded: 0, duplicates: 0, rejected: 0, unreadable: [] };
  try {
    const [{ batch_id: batchId }] = await warehouse.rows<{ batch_id: bigint }>(
      'SELECT CAST(coalesce(max(batch_id), 0) + 1 AS BIGINT) AS batch_id FROM load_batches',
    ) as [{ batch_id: bigint }];
    await warehouse.run(`SET VARIABLE batch_id = ${batchId}`);
    await warehouse.run(`SET VARIABLE loaded_at = ${sqlString(io.now().toISOString())}::TIMESTAMPTZ`);
    // An empty staged_raw gives checked_legs, and so staged_legs, their columns.
    await warehouse.run(`CREATE OR REPLACE TEMP TABLE staged_raw (${STAGED_RAW_COLUMNS})`);
    await warehouse.runModel('staged_legs');
    await warehouse.run('CREATE OR REPLACE TEMP TABLE staged_legs AS SELECT * FROM checked_legs');
    await warehouse.run('DROP TABLE staged_raw');
    await warehouse.run('CREATE OR REPLACE TEMP TABLE staged_files (file_index BIGINT, first_rowid BIGINT, source VARCHAR)');
    await warehouse.run('CREATE OR REPLACE TEMP TABLE staged_rejects (source VARCHAR, location VARCHAR, raw_payload VARCHAR, reason VARCHAR)');

    const inputs: Array<FileInput & { format: FileFormat | undefined }> = files.map((file) => ({ ...file, format: fileFormat(file.path) }));
    if (request.records?.length) {
      const path = join(scratch, 'records.jsonl');
      await writeFile(path, request.records.map((record) => JSON.stringify({ ...record.fields, [SOURCE_FIELD]: record.source, [LOCATION_FIELD]: record.location })).join('\n'));
      inputs.push({ path, source: 'records', format: 'jsonl' });
    }
    // Staging fills temp tables only: a file that fails to read is reported and skipped
    // without aborting the load.
    for (const [fileIndex, input] of inputs.entries()) {
      try {
        if (!input.format) throw new Error('unknown file type (expected .csv, .jsonl, .ndjson, .json or .parquet, optionally .gz)');
        if (!(await fs.pathExists(input.path))) throw new Error('file not found');
        await stageFile(warehouse, input.format, input.path, input.source ?? input.path, fileIndex, scratch, io, request.csvPartBytes);
      } catch (error) {
        const reason = firstLine((error as Error).message);
        summary.unreadable.push({ path: input.path, reason });
        io.log(`import: cannot read ${input.path}: ${reason}`);
      }
    }
    await stageRejections(warehouse, request.rejections ?? []);
    if (inputs.length > 0 && summary.unreadable.length === inputs.length && !request.rejections?.length) {
      // Nothing could be read at all (a mistyped path, say): no load to record, nothing to rebuild.
      io.log('import: nothing could be read; the warehouse is unchanged');
      return summary;
    }

    // From here on no step depends on row order; not keeping it lets big steps use less memory.
    await warehouse.run('SET preserve_insertion_order = false');
    await warehouse.runModel('staged_records');
    await warehouse.runModel('incoming_legs');
    const [counts] = await warehouse.rows<{ read: bigint; valid: bigint; incoming: bigint; known: bigint }>(`
      SELECT
        (SELECT count(*) FROM staged_legs) + (SELECT count(*) FROM staged_rejects) AS read,
        (SELECT count(*) FROM staged_legs WHERE reject_reason IS NULL) AS valid,
        (SELECT count(*) FROM incoming_legs) AS incoming,
        (SELECT count(*) FROM incoming_legs n SEMI JOIN legs l ON l.operator = n.operator AND l.call_id = n.call_id) AS known`);
    const { read, valid, incoming, known } = counts!;
    summary.read = Number(read);
    summary.loaded = Number(valid);
    summary.duplicates = Number(valid - (incoming - known));
    summary.rejected = Number(read - valid);

    // The next legs and contacts are built beside the current ones, outside any transaction
    // (DuckDB keeps a transaction's new temp data in memory; outside, it can spill to disk),
    // then swapped in with the quarantine and the batch record in one short transaction.
    const fingerprint = await prepareDerivedColumns(warehouse, config);
    // The models join big tables to small lookups written on the right; DuckDB's estimate of the
    // staged views is low, and swapping sides built hash tables of every wide leg (2.9 → 1.5 s
    // for legs_next, 1M legs).
    await warehouse.run("SET disabled_optimizers = 'build_side_probe_side'");
    await warehouse.runModel('legs_table');
    await warehouse.runModel('legs');
    await warnOfFutureLegs(warehouse, io);
    await releaseStaging(warehouse);
    await buildContacts(warehouse, config, io, request.legsPerChunk);
    await warehouse.run('RESET disabled_optimizers');
    await warehouse.run('BEGIN TRANSACTION');
    await warehouse.runModel('warehouse_swap');
    await recordDerivation(warehouse, config, io, batchId);
    await quarantine(warehouse);
    await setMeta(warehouse, { derivation_fingerprint: fingerprint });
    await warehouse.run(
      `INSERT INTO load_batches SELECT getvariable('batch_id'), getvariable('loaded_at'), from_json($1, '["VARCHAR"]'), $2, $3, $4, $5`,
      [JSON.stringify(inputs.map((input) => input.source ?? input.path)), summary.read, summary.loaded, summary.duplicates, summary.rejected],
    );
    await warehouse.run('COMMIT');
  } catch (error) {
    await warehouse.run('ROLLBACK').catch(() => undefined);
    await warehouse.run('DROP TABLE IF EXISTS legs_next; DROP TABLE IF EXISTS contacts_next').catch(() => undefined);
    throw error;
  } finally {
    warehouse.close();
    await rm(scratch, { recursive: true, force: true });
  }
  io.log(`import: read ${summary.read}, loaded ${summary.loaded}, duplicates ${summary.duplicates}, rejected ${summary.rejected}`
    + (summary.unreadable.length ? `, unreadable files ${summary.unreadable.length}` : ''));
  return summary;
}

/**
 * Legs of this load that start after its clock are kept (SPEC §1 takes any timestamp) but named:
 * a wrong clock or a typo at the source (`2099`, `9999-12-31`) moves the watermark with them.
 */
async function warnOfFutureLegs(warehouse: Warehouse, io: Io): Promise<void> {
  const [future] = await warehouse.rows<{ legs: bigint; latest: string; place: string }>(`
    SELECT count(*) AS legs, CAST(max(started_at) AS VARCHAR) AS latest, arg_max(source || ', ' || location, started_at) AS place
    FROM legs_next WHERE batch_id = getvariable('batch_id') AND started_at > $1::TIMESTAMPTZ`, [io.now().toISOString()]);
  if (future && future.legs > 0n) {
    io.log(`import: ${future.legs} leg(s) start after now, the latest at ${future.latest} (${future.place}): kept as given; check the source's clock`);
  }
}

/** Optional fields of a canonical record (JSONL, CSV or Parquet) that override its source and location in rejected_legs. */
export const SOURCE_FIELD = '_rechamadas_source';
export const LOCATION_FIELD = '_rechamadas_location';

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/**
 * Checks the file's records into staged_legs (through the staged_raw view the checked_legs model
 * reads), and records too malformed to be read into staged_rejects.
 */
async function stageFile(
  warehouse: Warehouse, format: FileFormat, path: string, source: string, fileIndex: number, scratch: string, io: Io, csvPartBytes = CSV_PART_BYTES,
): Promise<void> {
  const check = async (records: string) => {
    await warehouse.run(`CREATE OR REPLACE TEMP VIEW staged_raw AS ${records}`);
    await warehouse.run('INSERT INTO staged_legs SELECT * FROM checked_legs');
  };
  if (format === 'jsonl') {
    // DuckDB's JSON reader is fast but refuses a whole file for one malformed line; then the
    // file is read line by line so that the bad lines are quarantined and the rest loads.
    const text = await asUtf8(path, join(scratch, `file-${fileIndex}${extname(path.replace(/\.gz$/i, ''))}`));
    if (text.encoding !== 'utf-8') io.log(`import: ${path} is ${text.encoding} text, read as such`);
    await check(jsonRecordsQuery(text.path, fileIndex)).catch(() => check(jsonLinesQuery(text.path, fileIndex)));
  } else if (format === 'parquet') {
    await check(await parquetRecordsQuery(warehouse, path, fileIndex));
  } else {
    // A file fails whole: what it staged before failing goes too.
    const stage = (csv: string) => stageCsv(warehouse, csv, source, fileIndex, scratch, check, io, csvPartBytes)
      .catch(async (error: unknown) => {
        await warehouse.run(`DELETE FROM staged_legs WHERE file_index = ${fileIndex}`);
        throw error;
      });
    await stage(path).catch(async (error: unknown) => {
      if (!MIXED_LINE_ENDINGS.test((error as Error).message)) throw error;
      const lf = join(scratch, `file-${fileIndex}.lf${extname(path.replace(/\.gz$/i, ''))}`);
      await withLfEndings(path, lf);
      io.log(`import: ${path} mixes CRLF and LF line endings, read with LF`);
      await stage(lf).catch((again: unknown) => {
        throw MIXED_LINE_ENDINGS.test((again as Error).message)
          ? new Error('the CSV reader cannot tell where its lines end, even with every line ending made LF: a carriage return (CR) inside a value that is not quoted?')
          : again;
      });
    });
  }
  const damage = /\.gz$/i.test(path) ? await gzipDamage(path) : null;
  if (damage) {
    await warehouse.run(`INSERT INTO staged_rejects VALUES (${sqlString(source)}, 'end of file', NULL, ${sqlString(
      `the compressed file is cut short (${damage}): the records after the last one read are missing; copy the whole file again and re-import it`)})`);
  }
  // Rows keep their order (preserve_insertion_order), so a record's number in its file is its
  // rowid past the file's first one: no window over the whole file, which would hold it in memory.
  // The file's source is kept here once, not on each of its records (10M staged legs spill less).
  await warehouse.run(`INSERT INTO staged_files SELECT ${fileIndex}, min(rowid), ${sqlString(source)} FROM staged_legs WHERE file_index = ${fileIndex}`);
}

/** What DuckDB's CSV reader says of a file whose lines end in CRLF and LF both (or with a lone CR). */
const MIXED_LINE_ENDINGS = /state machine reached an invalid state/i;

/** Columns a canonical CSV or Parquet file may hold: the fields, and a record's own source and location. */
const FILE_FIELDS: readonly string[] = [...LEG_FIELDS, SOURCE_FIELD, LOCATION_FIELD];

interface MalformedRecord {
  /** The record's number in the file, counting every record the reader met. */
  record: number;
  /** Its first line in the file. */
  line: number;
  text: string;
  reason: string;
  /** The line has fewer fields than the header, and no quote problem. */
  short?: boolean;
}

/**
 * A CSV file, read by DuckDB in the layout csvLayout found. Records the reader cannot split into
 * the header's columns are quarantined with their line. A quote that is never closed would take
 * the rest of the file into one field: its line is quarantined and the file is read again from
 * the next line, in parts (CSV_PART_BYTES), so one bad quote costs one record, not the records
 * after it.
 */
async function stageCsv(
  warehouse: Warehouse, path: string, source: string, fileIndex: number, scratch: string, check: (records: string) => Promise<void>, io: Io, firstPartBytes: number,
): Promise<void> {
  const layout = await csvLayout(path, FILE_FIELDS, join(scratch, `file-${fileIndex}.csv`));
  if (layout.encoding !== 'utf-8' || layout.delimiter !== ',') {
    io.log(`import: ${path} is ${layout.encoding} text with fields separated by ${JSON.stringify(layout.delimiter)}, read as such`);
  }
  const malformed: MalformedRecord[] = [];
  // The bytes that positions in the file refer to: decompressed once when parts are read.
  let bytes = layout.path;
  const plainBytes = async () => {
    if (/\.gz$/i.test(bytes)) {
      const plain = join(scratch, `file-${fileIndex}.plain.csv`);
      await writePart(bytes, Buffer.alloc(0), 0, null, plain);
      bytes = plain;
    }
    return bytes;
  };
  // The part of the file being read: from `from`, a line's start, to `end` (null: the end of the
  // file), after a copy of the header (`headerBytes`); its records from `dataStart` on, numbered
  // after `recordsBefore`.
  let part = { path: layout.path, headerBytes: 0, from: { line: 1, start: 0 }, end: null as number | null, dataStart: layout.dataStart, recordsBefore: 0 };
  let partBytes = firstPartBytes;
  const readPart = async (index: number, from: LinePlace, recordsBefore: number) => {
    const source = await plainBytes();
    const { next: end } = await lineFrom(source, from.start + partBytes);
    const path = join(scratch, `file-${fileIndex}.part-${index}.csv`);
    await writePart(source, layout.header, from.start, end, path);
    if (part.path !== layout.path) await rm(part.path);
    part = { path, headerBytes: layout.header.length, from, end, dataStart: from.start, recordsBefore };
  };
  for (let index = 1; ; index += 1) {
    const [{ before }] = await warehouse.rows<{ before: bigint }>('SELECT coalesce(max(rowid), -1) AS before FROM staged_legs') as [{ before: bigint }];
    // DuckDB cuts a rejected record's text at 10,000 bytes; cut inside a character, the text
    // may fail the whole read. Then the rejects are found in a copy without such characters.
    const asciiRejects = await check(csvRecordsQuery(part.path, layout, fileIndex)).then(() => false, async (error: unknown) => {
      if (!/invalid unicode/i.test((error as Error).message)) throw error;
      await warehouse.run('DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_reject_scans');
      const ascii = join(scratch, `file-${fileIndex}.part-${index}.ascii.csv`);
      await writeAsciiCopy(part.path, ascii);
      await warehouse.run(`SELECT count(*) FROM (${csvRecordsQuery(ascii, layout, fileIndex)})`);
      await rm(ascii);
      await check(csvRecordsQuery(part.path, layout, fileIndex, false));
      return true;
    });
    // Counted: the rowids of records deleted below are not given again.
    const added = Number((await warehouse.rows<{ added: bigint }>(`SELECT count(*) AS added FROM staged_legs WHERE rowid > ${before}`))[0]!.added);
    const rejects = await warehouse.rows<{ line: bigint; position: bigint; quote: bigint | null; text: string; runaway: boolean; short: boolean; reason: string }>(`
      SELECT line, min(line_byte_position) AS position, any_value(csv_line) AS text,
        min(byte_position) FILTER (WHERE error_message ILIKE '%unterminated quote%') AS quote,
        -- A record over several lines is a quote run away, unless it only lacks fields (a quoted
        -- field spanning lines, in a line that ends before the last fields, as in a full one) and
        -- none of the lines it took holds as many delimiters as a full record. On one line, the
        -- reader went on from the next one: nothing to read again.
        bool_or(contains(trim(csv_line, chr(10) || chr(13)), chr(10)) AND (
          error_type <> 'MISSING COLUMNS'
          OR list_max(list_transform(string_split(trim(csv_line, chr(10) || chr(13)), chr(10))[2:], taken -> length(taken) - length(replace(taken, ${sqlString(layout.delimiter)}, ''))))
            >= ${layout.names.length - 1})) AS runaway,
        bool_and(error_type = 'MISSING COLUMNS') AS short,
        CASE
          WHEN bool_and(error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'))
            THEN 'the line has ' || min(TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS BIGINT)) || ' fields where the header has ${layout.names.length}'
          WHEN bool_or(error_message ILIKE '%unterminated quote%')
            THEN 'a value that starts with a quote must end at its closing quote, and a quote inside it must be doubled ("")'
          ELSE string_agg(DISTINCT error_message, '; ')
        END AS reason
      FROM (
        -- DuckDB cuts a rejected record's text at 10,000 bytes, even inside a character; the
        -- string functions above never return on such text, so the cut character is dropped.
        SELECT * REPLACE (coalesce(${[1, 2, 3, 4].map((end) => `TRY(decode(encode(csv_line)[:-${end}]))`).join(', ')}) AS csv_line)
        FROM csv_rejects
      )
      GROUP BY line ORDER BY line`);
    await warehouse.run('DROP TABLE csv_rejects; DROP TABLE csv_reject_scans');
    if (!rejects.length && part.end === null) break;
    // DuckDB's positions are 1-based, of the part; a rejected line's text starts with the line
    // endings before it (on a CRLF file, the previous line's LF), which are not the record.
    const inFile = (position: bigint) => Number(position) - 1 - part.headerBytes + part.from.start;
    const texts = rejects.map((reject) => reject.text.replace(/^[\r\n]+/, ''));
    const starts = rejects.map((reject, at) => inFile(reject.position) + reject.text.length - texts[at]!.length);
    // A quote that never closes, which DuckDB places outside the text it rejects, giving the
    // line before as the text and place: after a line holding a quote (`""`, `5"`), with the
    // quote's own place; when the quote runs past its 32 MB read buffer, with the buffer's end
    // as the quote's place, and then the quote's line is the next one (unless the text given is
    // not a whole record, the quote's line itself).
    const quotes = rejects.map((reject) => (reject.quote === null ? undefined : inFile(reject.quote)));
    const misplaced = quotes.map((quote, at) => quote !== undefined && !(starts[at]! <= quote && quote < starts[at]! + Buffer.byteLength(texts[at]!)));
    const runaway = rejects.findIndex((reject, at) => reject.runaway || misplaced[at]);
    const found = runaway < 0 ? rejects.length : runaway + 1;
    let moved = runaway >= 0 && misplaced[runaway] ? quotes[runaway] : undefined;
    if (moved !== undefined && moved - starts[runaway]! > BUFFER_END_DISTANCE) {
      const line = texts[runaway]!.replace(/(\r?\n)+$/, '');
      const { next } = await lineFrom(bytes, starts[runaway]!);
      moved = next !== null && !line.includes('\n') && linesFields([line], layout.delimiter)[0]?.length === layout.names.length ? next : undefined;
    }
    const { places, emptyLines } = await scanLines(bytes, [...starts.slice(0, found), ...(moved === undefined ? [] : [moved]), ...(part.end === null ? [] : [part.end])], part.from);
    const lines = starts.slice(0, found).map((start) => places.get(start)!.line);
    if (moved !== undefined) ({ start: starts[runaway], line: lines[runaway] } = places.get(moved)!);
    // DuckDB counts the empty lines with the records; where the part has some, csv-parse counts.
    const last = starts.slice(0, found).reduce((latest, start) => Math.max(latest, start), 0);
    const counted = emptyLines.some((at) => at >= part.dataStart && at < last)
      ? await recordsBefore(bytes, part.dataStart, starts.slice(0, found), layout.delimiter)
      : undefined;
    const recordOf = (at: number) => part.recordsBefore + 1 + (counted ? counted.get(starts[at]!)! : Number(rejects[at]!.line) - 2);
    // Records before a quote run away that the reader staged; those after it were read inside
    // its field, or are read again below.
    const readBefore = runaway < 0 ? added : recordOf(runaway) - part.recordsBefore - 1 - runaway;
    // A part that ends before the file does may end inside its last record (a quoted field over
    // several lines): when that record is rejected, the part is read again from it, longer.
    const undecided = part.end === null || !rejects.length ? undefined
      : runaway >= 0 ? (found === rejects.length && added <= readBefore ? runaway : undefined)
      : recordOf(rejects.length - 1) - part.recordsBefore === added + rejects.length ? rejects.length - 1 : undefined;
    for (let at = 0; at < (undecided ?? (runaway < 0 ? found : runaway)); at += 1) {
      const text = asciiRejects ? await textAt(await plainBytes(), starts[at]!, texts[at]!.length) : texts[at]!;
      malformed.push({ record: recordOf(at), line: lines[at]!, text: text.replace(/(\r?\n)+$/, ''), reason: rejects[at]!.reason, short: rejects[at]!.short });
    }
    if (runaway >= 0) {
      await warehouse.run(`DELETE FROM staged_legs WHERE rowid IN (SELECT rowid FROM staged_legs WHERE rowid > ${before} ORDER BY rowid OFFSET ${readBefore})`);
    }
    if (undecided !== undefined) {
      partBytes = Math.max(partBytes, 2 * (part.end! - starts[undecided]!));
      await readPart(index + 1, { line: lines[undecided]!, start: starts[undecided]! }, recordOf(undecided) - 1);
    } else if (runaway >= 0) {
      const record = recordOf(runaway);
      const { text, next } = await lineFrom(await plainBytes(), starts[runaway]!);
      malformed.push({ record, line: lines[runaway]!, text, reason: 'a quote opened on this line is never closed; the lines after it are read as records of their own' });
      if (next === null) break;
      partBytes = firstPartBytes;
      await readPart(index + 1, { line: lines[runaway]! + 1, start: next }, record);
    } else if (part.end === null) {
      break;
    } else {
      partBytes *= 2;
      await readPart(index + 1, places.get(part.end)!, part.recordsBefore + added + rejects.length);
    }
  }
  if (!malformed.length) return;
  // Records after a malformed one: their number counts it (`row N` is the file's N-th record).
  await warehouse.run(`
    UPDATE staged_legs SET row_number = numbered.row_number
    FROM (
      SELECT s.load_order, s.good + coalesce(g.skipped, 0) AS row_number
      FROM (SELECT rowid AS load_order, row_number() OVER (ORDER BY rowid) AS good FROM staged_legs WHERE file_index = ${fileIndex}) s
      ASOF LEFT JOIN (
        SELECT record - skipped AS good_before, max(skipped) AS skipped
        FROM (SELECT record, row_number() OVER (ORDER BY record) AS skipped FROM (SELECT unnest(from_json($1, '["BIGINT"]')) AS record))
        GROUP BY good_before
      ) g ON s.good > g.good_before
    ) numbered
    WHERE staged_legs.rowid = numbered.load_order`,
  [JSON.stringify(malformed.map((m) => m.record))]);
  // A line that ends before the header's last fields is the record with those fields empty, as
  // Python's csv.DictReader and pandas read it (checked like any other, numbered where it is).
  const short = malformed.filter((m) => m.short);
  const shortFields = linesFields(short.map((m) => m.text), layout.delimiter);
  const padded = short.flatMap((m, at) => {
    const fields = shortFields[at];
    // An empty field is missing, as DuckDB's reader gives it for the other records.
    return fields ? [{ rn: m.record, ...Object.fromEntries(fields.map((value, index) => [`c${index}`, value === '' ? null : value])) }] : [];
  });
  if (padded.length) {
    // Through a file: an exporter that leaves out empty last fields does so on every line.
    const paddedFile = join(scratch, `file-${fileIndex}.padded.jsonl`);
    await writeFile(paddedFile, padded.map((record) => JSON.stringify(record)).join('\n'));
    const columns = layout.names.map((_, index) => `'c${index}': 'VARCHAR'`).join(', ');
    await check(csvRecordsQuery({ records: `read_json(${sqlFilePath(paddedFile)}, format = 'newline_delimited', columns = {'rn': 'BIGINT', ${columns}})` }, layout, fileIndex));
  }
  const read = new Set(padded.map((record) => record.rn));
  const quarantined = malformed.filter((m) => !read.has(m.record));
  await warehouse.run(`
    INSERT INTO staged_rejects
    SELECT ${sqlString(source)}, 'line ' || m.line, m.text, 'malformed CSV line: ' || m.reason
    FROM (SELECT unnest(from_json($1, '[{"line":"BIGINT","text":"VARCHAR","reason":"VARCHAR"}]'), recursive := true)) m`,
  [JSON.stringify(quarantined.map((m) => ({ line: m.line, text: m.text, reason: m.reason })))]);
}

/**
 * How far after the text it rejects DuckDB may place a quote that never closes and still mean
 * the quote (on a later line, after empty ones): farther, the place is its read buffer's end.
 */
const BUFFER_END_DISTANCE = 65_536;

/**
 * After a quote that never closes, the rest of a CSV file is read in parts of this many bytes
 * (each part without such a quote twice the one before), so that each quote costs a part, not a
 * read of the rest of the file.
 */
const CSV_PART_BYTES = 256_000;

/**
 * DuckDB's CSV reader over one file (or the rest of one) in its layout: every column as text, by
 * position, the records it cannot split kept in `csv_rejects` (skipped with `storeRejects` false);
 * or, instead of a file, `records`: a query giving the same columns and each record's number in
 * the file (`rn`).
 */
function csvRecordsQuery(path: string | { records: string }, layout: CsvLayout, fileIndex: number, storeRejects = true): string {
  const columns = layout.names.map((_, index) => `'c${index}': 'VARCHAR'`).join(', ');
  const column = (field: string) => (layout.fieldColumns.has(field) ? `c${layout.fieldColumns.get(field)}` : 'CAST(NULL AS VARCHAR)');
  // A file with columns besides the fields keeps them all in a rejected record's raw payload
  // (checked_legs otherwise rebuilds it from the fields); DuckDB builds it for every record,
  // so only such files pay for it.
  const payload = layout.fieldColumns.size < layout.names.length
    ? `CAST(json_object(${layout.names.map((name, index) => `${sqlString(name)}, c${index}`).join(', ')}) AS VARCHAR)`
    : undefined;
  if (typeof path !== 'string') return recordsQuery(column, fileIndex, path.records, payload, 'rn');
  return recordsQuery(column, fileIndex, `read_csv(${sqlFilePath(path)}, header = true, auto_detect = false, columns = {${columns}},
    delim = ${sqlString(layout.delimiter)}, quote = '"', escape = '"', buffer_size = ${CSV_BUFFER_BYTES},
    ${storeRejects ? "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans'" : 'ignore_errors = true'})`, payload);
}

/**
 * Parquet records as text, by column name. Two writers' habits are undone: text stored as bare
 * bytes (older Spark and Hive) is read as UTF-8, and a whole number stored as a float (pandas,
 * for a column with gaps) loses its `.0`, so that a phone number `11987654321.0` keeps its key.
 */
async function parquetRecordsQuery(warehouse: Warehouse, path: string, fileIndex: number): Promise<string> {
  const reader = `read_parquet(${sqlFilePath(path)})`;
  const types = new Map((await warehouse.rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${reader}`))
    .map((row) => [row.column_name, row.column_type]));
  return recordsQuery((field) => {
    const column = `"${field}"`;
    switch (types.get(field)) {
      case undefined: return 'CAST(NULL AS VARCHAR)';
      case 'BLOB': return `coalesce(TRY(decode(${column})), CAST(${column} AS VARCHAR))`;
      case 'FLOAT':
      case 'DOUBLE':
        return `CASE WHEN ${column} = trunc(${column}) AND abs(${column}) < 1e15 THEN CAST(CAST(${column} AS BIGINT) AS VARCHAR) ELSE CAST(${column} AS VARCHAR) END`;
      default: return `CAST(${column} AS VARCHAR)`;
    }
  }, fileIndex, reader);
}

/**
 * A file's records in the columns of STAGED_RAW_COLUMNS; staged_records numbers them and, unless
 * a record names its own (SOURCE_FIELD), gives them their file's source from staged_files.
 */
function recordsQuery(column: (field: string) => string, fileIndex: number, reader: string, payload = 'CAST(NULL AS VARCHAR)', rowNumber = 'CAST(NULL AS BIGINT)'): string {
  return `
    SELECT ${column(SOURCE_FIELD)} AS source, ${column(LOCATION_FIELD)} AS location, ${fileIndex} AS file_index, ${rowNumber} AS row_number,
      ${payload} AS raw_payload, CAST(NULL AS VARCHAR) AS parse_error, ${LEG_FIELDS.map((field) => `${column(field)} AS ${field}`).join(', ')}
    FROM ${reader}`;
}

/** JSONL records as text, by field name; a `.json` file may also hold one array of them. */
function jsonRecordsQuery(path: string, fileIndex: number): string {
  const columns = FILE_FIELDS.map((field) => `${sqlString(field)}: 'VARCHAR'`).join(', ');
  const format = /\.json(\.gz)?$/i.test(path) ? 'auto' : 'newline_delimited';
  return recordsQuery((field) => field, fileIndex, `read_json(${sqlFilePath(path)}, format = '${format}', columns = {${columns}})`);
}

/** JSONL lines, each kept whole as its raw payload; `line N` is the file's N-th line. Sources as in recordsQuery. */
function jsonLinesQuery(path: string, fileIndex: number): string {
  const lines = `read_csv(${sqlFilePath(path)}, columns = {'line': 'VARCHAR'}, header = false, delim = chr(0), quote = '', escape = '', auto_detect = false)`;
  const paths = FILE_FIELDS.map((field) => sqlString(`$."${field}"`)).join(', ');
  const fields = LEG_FIELDS.map((field, index) => `fields[${index + 1}] AS ${field}`).join(', ');
  // Nested CASE, not AND: json_type must never see text that is not JSON.
  return `
    SELECT
      fields[${LEG_FIELDS.length + 1}] AS source,
      coalesce(fields[${LEG_FIELDS.length + 2}], 'line ' || line_number) AS location,
      ${fileIndex} AS file_index, line_number AS row_number, line AS raw_payload,
      CASE WHEN fields IS NULL THEN 'line is not a JSON object' END AS parse_error,
      ${fields}
    FROM (
      SELECT line, line_number,
        CASE WHEN json_valid(line) THEN CASE WHEN json_type(line) = 'OBJECT' THEN json_extract_string(line, [${paths}]) END END AS fields
      FROM (SELECT line, row_number() OVER () AS line_number FROM ${lines})
      WHERE NOT is_blank(line)
    )`;
}

/**
 * Bytes the CSV reader takes per batch. Staging keeps the file's order (a record's number is its
 * rowid), and DuckDB's default batch holds less than a row group of legs, so keeping the order
 * merges partial row groups: 10M legs stage in 8.0 s with 32 MB against 10.6 s
 * (docs/benchmarks.md).
 */
const CSV_BUFFER_BYTES = 32_000_000;

async function stageRejections(warehouse: Warehouse, rejections: Rejection[]): Promise<void> {
  if (!rejections.length) return;
  await warehouse.run(`
    INSERT INTO staged_rejects
    SELECT r.source, r.location, r.raw_payload, r.reason
    FROM (SELECT unnest(from_json($1, '[{"source":"VARCHAR","location":"VARCHAR","raw_payload":"VARCHAR","reason":"VARCHAR"}]'), recursive := true)) r`,
    [JSON.stringify(rejections.map((r) => ({ source: r.source, location: r.location, raw_payload: r.rawPayload, reason: r.reason })))],
  );
}

/**
 * Once legs_next holds the load's legs, only its rejections are still needed: they are set
 * aside and the staged records dropped, so that building contacts has the memory they held
 * (10M staged legs are ≈ 2.5 GB).
 */
async function releaseStaging(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`
    CREATE OR REPLACE TEMP TABLE rejected_now AS
    SELECT source, location, raw_payload, reject_reason AS reason FROM staged_records WHERE reject_reason IS NOT NULL
    UNION ALL
    SELECT source, location, raw_payload, reason FROM staged_rejects`);
  await warehouse.run(`
    DROP VIEW legs_to_key; DROP VIEW incoming_legs; DROP VIEW staged_records;
    DROP TABLE staged_legs; DROP TABLE superseded_records; DROP TABLE merge_decisions; DROP TABLE local_offsets;
    DROP TABLE customer_number_keys; DROP TABLE reason_categories`);
}

/** Rejected records of this load replace earlier quarantine rows of the same record, so re-imports stay idempotent. */
async function quarantine(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`
    DELETE FROM rejected_legs USING rejected_now n
    WHERE rejected_legs.source = n.source AND rejected_legs.location = n.location
      AND rejected_legs.raw_payload IS NOT DISTINCT FROM n.raw_payload AND rejected_legs.batch_id < getvariable('batch_id')`);
  await warehouse.run(`
    INSERT INTO rejected_legs SELECT source, location, raw_payload, reason, getvariable('loaded_at'), getvariable('batch_id') FROM rejected_now`);
}

/**
 * Loads the configured reason rules and excluded numbers, and the lookups of legs' derived
 * columns. When the configuration they depend on changed since the last load, every stored leg
 * is re-derived (variable rederive), not only the incoming ones. Returns the configuration's
 * fingerprint, stored with the load.
 */
async function prepareDerivedColumns(warehouse: Warehouse, config: Config): Promise<string> {
  const rules = config.reasonRules.flatMap((rule, priority) => rule.keywords.map((keyword) => ({ priority, category: rule.category, keyword })));
  await warehouse.run(`
    CREATE OR REPLACE TEMP TABLE reason_rules AS
    SELECT * FROM (SELECT unnest(from_json($1, '[{"priority":"BIGINT","category":"VARCHAR","keyword":"VARCHAR"}]'), recursive := true))`,
    [JSON.stringify(rules)]);
  await warehouse.run(`
    CREATE OR REPLACE TEMP TABLE excluded_numbers AS
    SELECT DISTINCT unnest(from_json($1, '["VARCHAR"]')) AS customer_number`,
    [JSON.stringify(config.excludedNumbers)]);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([config.timezone, config.excludedNumbers, config.reasonRules]))
    .digest('hex');
  const [stored] = await warehouse.rows<{ value: string }>(`SELECT value FROM warehouse_meta WHERE key = 'derivation_fingerprint'`);
  const rederive = stored !== undefined && stored.value !== fingerprint;
  await warehouse.run(`SET VARIABLE rederive = ${rederive}`);
  // Every valid staged record, superseded duplicates too: a lookup row more, cheaper than ranking first.
  await warehouse.run(`CREATE OR REPLACE TEMP VIEW legs_to_key AS SELECT customer_number, reason FROM staged_legs WHERE reject_reason IS NULL${rederive ? ' UNION ALL SELECT customer_number, reason FROM legs' : ''}`);
  await warehouse.runModel('customer_number_keys');
  await warehouse.runModel('reason_categories');
  return fingerprint;
}

export const importCommand: Command = {
  summary: 'load canonical call legs from CSV, JSONL or Parquet files; without files, the file sources of the config',
  usage: `rechamadas import [FILE...] [--warehouse PATH] [--config PATH] ${SITE_AFTER_LOAD_USAGE}`,
  options: { warehouse: { type: 'string' }, config: { type: 'string' }, ...siteAfterLoadOptions },
  async run(args, io) {
    const { values, positionals } = args;
    // Without files, the sources of the config say what to read (Asterisk logs, spreadsheets).
    if (!positionals.length) return (await import('./files.ts')).importSourcesCommand.run(args, io);
    const config = await loadConfig(values.config as string | undefined);
    const warehouse = (values.warehouse as string | undefined) ?? config.warehouse;
    const summary = await importLegs({ warehouse, config, files: positionals.map((path) => ({ path })), io });
    // A file that could not be read is named here too, not only in the log: a script sees it.
    const unreadable = summary.unreadable.length ? ` / unreadable ${summary.unreadable.length}: ${summary.unreadable.map((file) => file.path).join(', ')}` : '';
    process.stdout.write(`read ${summary.read} / loaded ${summary.loaded} / duplicates ${summary.duplicates} / rejected ${summary.rejected}${unreadable}\n`);
    if (summary.unreadable.length === positionals.length) return EXIT.nothingRead;
    await rebuildSiteAfterLoad(values, warehouse, config, io);
    return EXIT.ok;
  },
};
