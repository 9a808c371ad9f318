/**
 * What staging needs from an input file besides DuckDB's readers: a CSV file's layout
 * (encoding, delimiter, which column holds which field) and, for the rare malformed record,
 * where it stands in the file (its line, its number among the records) and the file from the
 * line after it; a copy with one kind of line ending; whether a `.gz` file is whole. Bytes are
 * those of the decompressed file (`.gz` is read through gunzip, as DuckDB reads it).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open as fsOpen } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable, type Readable } from 'node:stream';
import { constants as zlibConstants, createGunzip } from 'node:zlib';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';

/** Bytes read to decide a file's encoding and header: Windows-1252 exports show accents early. */
const SNIFF_BYTES = 1 << 20;

const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvLayout {
  /** A UTF-8 file as DuckDB reads it; a Windows-1252 one has been converted to such a copy. */
  path: string;
  /** The file's encoding as found, said in the import's log when not UTF-8. */
  encoding: 'utf-8' | 'windows-1252';
  delimiter: (typeof DELIMITERS)[number];
  /** The header's names, and the column (0-based) of each field it names. */
  names: string[];
  fieldColumns: Map<string, number>;
  /** The header line's bytes (UTF-8, no byte-order mark) and its line ending, to head a remainder. */
  header: Buffer;
  /** Where the first record starts, after the byte-order mark and the header. */
  dataStart: number;
}

/** The bytes of the file (decompressed, for a .gz one) from `start` up to `end` (null: to its end). */
function open(path: string, start = 0, end: number | null = null): Readable {
  if (end !== null && /\.gz$/i.test(path)) throw new Error('a part of a .gz file is read from a decompressed copy');
  if (!/\.gz$/i.test(path)) return createReadStream(path, { start, ...(end === null ? {} : { end: end - 1 }) });
  // What a cut-short file holds, like DuckDB reads it; gzipDamage tells that it is cut.
  const stream = createReadStream(path).pipe(createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  return start === 0 ? stream : stream.pipe(skipBytes(start));
}

function skipBytes(count: number): Transform {
  let skipped = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const skip = Math.min(count - skipped, chunk.length);
      skipped += skip;
      done(null, skip < chunk.length ? chunk.subarray(skip) : undefined);
    },
  });
}

async function head(path: string, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = open(path);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= bytes) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

function validUtf8(bytes: Buffer): boolean {
  try {
    // A character cut by the end of the sample is not an error: `stream` keeps it pending.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The file as UTF-8: itself, or, when its first megabyte is not valid UTF-8, a Windows-1252
 * export (what Excel and dialers on Windows write) converted to UTF-8 at `converted`, so that
 * DuckDB, the quarantine and the warehouse see the same text.
 */
export async function asUtf8(path: string, converted: string): Promise<{ path: string; encoding: 'utf-8' | 'windows-1252' }> {
  if (validUtf8(await head(path, SNIFF_BYTES))) return { path, encoding: 'utf-8' };
  await pipeline(open(path), iconv.decodeStream('win1252'), iconv.encodeStream('utf8'), createWriteStream(converted));
  return { path: converted, encoding: 'windows-1252' };
}

const normalName = (name: string) => name.trim().toLowerCase();

/**
 * The layout of a canonical CSV file: the header names fields in any order and letter case; the
 * delimiter is the one whose header names the most fields (Brazilian spreadsheets write `;`).
 * A file whose first line names no field at all is refused: its records cannot be told apart.
 * The file is read as UTF-8 (asUtf8).
 */
export async function csvLayout(original: string, fields: readonly string[], converted: string): Promise<CsvLayout> {
  const { path, encoding } = await asUtf8(original, converted);
  const sample = await head(path, SNIFF_BYTES);
  const bom = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  const newline = sample.indexOf(0x0a, bom);
  const header = sample.subarray(bom, newline < 0 ? sample.length : newline + 1);
  const headerLine = header.toString('utf8').replace(/\r?\n$/, '');
  let best: { delimiter: CsvLayout['delimiter']; names: string[]; matched: number } | undefined;
  for (const delimiter of DELIMITERS) {
    let names: string[];
    try {
      names = (parse(headerLine, { delimiter, relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
    } catch {
      continue;
    }
    const matched = names.filter((name) => fields.includes(normalName(name))).length;
    if (!best || matched > best.matched) best = { delimiter, names, matched };
  }
  if (!best || best.matched === 0) {
    const shown = headerLine.length > 80 ? `${headerLine.slice(0, 77)}...` : headerLine;
    throw new Error(`the first line names none of the call-leg fields (${fields.slice(0, 5).join(', ')}, ...): it reads "${shown}"; a canonical CSV file starts with a header line`);
  }
  const fieldColumns = new Map<string, number>();
  best.names.forEach((name, column) => {
    const field = normalName(name);
    if (fields.includes(field) && !fieldColumns.has(field)) fieldColumns.set(field, column);
  });
  return { path, encoding, delimiter: best.delimiter, names: best.names, fieldColumns, header: Buffer.concat([header, header.at(-1) === 0x0a ? Buffer.alloc(0) : Buffer.from('\n')]), dataStart: bom + header.length };
}

/** Where a byte position stands: its 1-based line and the position where that line starts. */
export interface LinePlace {
  line: number;
  start: number;
}

/**
 * In one pass from `from`, a line's start: the place of each byte position after it (0-based; a
 * line's own line feed is on it), and where the empty lines (nothing, or only a carriage return)
 * before the last of them start.
 */
export async function scanLines(path: string, positions: readonly number[], from: LinePlace = { line: 1, start: 0 }): Promise<{ places: Map<number, LinePlace>; emptyLines: number[] }> {
  const wanted = [...new Set(positions)].sort((a, b) => a - b);
  const places = new Map<number, LinePlace>();
  const emptyLines: number[] = [];
  let next = 0;
  let offset = from.start;
  let line = from.line;
  let lineStart = from.start;
  let previousByte = -1;
  const stream = open(path, from.start);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); next < wanted.length; at = chunk.indexOf(0x0a, at + 1)) {
      const lastOnLine = at < 0 ? offset + chunk.length - 1 : offset + at;
      while (next < wanted.length && wanted[next]! <= lastOnLine) places.set(wanted[next++]!, { line, start: lineStart });
      if (at < 0 || next === wanted.length) break;
      const feed = offset + at;
      const firstByte = lineStart >= offset ? chunk[lineStart - offset] : previousByte;
      if (feed === lineStart || (feed === lineStart + 1 && firstByte === 0x0d)) emptyLines.push(lineStart);
      line += 1;
      lineStart = feed + 1;
    }
    offset += chunk.length;
    previousByte = chunk.at(-1) ?? previousByte;
    if (next === wanted.length) break;
  }
  stream.destroy();
  while (next < wanted.length) places.set(wanted[next++]!, { line, start: lineStart });
  return { places, emptyLines };
}

/**
 * How many CSV records (csv-parse, quotes read as DuckDB reads them, empty lines skipped) of
 * `path` from `from` on end before each position, a record's first byte. For a file whose empty
 * lines make DuckDB's own count of lines no count of records; slower (≈ 20 MB/s).
 */
export async function recordsBefore(path: string, from: number, positions: readonly number[], delimiter: string): Promise<Map<number, number>> {
  const wanted = [...new Set(positions)].sort((a, b) => a - b);
  const counts = new Map<number, number>();
  let next = 0;
  let records = 0;
  const parser = open(path, from).pipe(parseStream({ delimiter, record_delimiter: ['\r\n', '\n'], relax_quotes: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  try {
    for await (const { info } of parser as AsyncIterable<{ info: { bytes: number } }>) {
      while (next < wanted.length && wanted[next]! < from + info.bytes) counts.set(wanted[next++]!, records);
      if (next === wanted.length) break;
      records += 1;
    }
  } catch {
    // A quote never closed: the records before it are counted, and it is the last position.
  }
  parser.destroy();
  while (next < wanted.length) counts.set(wanted[next++]!, records);
  return counts;
}

/** The line that starts at `start` (without its line ending) and where the next one starts (null at the end). */
export async function lineFrom(path: string, start: number): Promise<{ text: string; next: number | null }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = open(path, start);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const newline = chunk.indexOf(0x0a);
    if (newline >= 0) {
      chunks.push(chunk.subarray(0, newline));
      stream.destroy();
      return { text: Buffer.concat(chunks).toString('utf8').replace(/\r$/, ''), next: start + length + newline + 1 };
    }
    chunks.push(chunk);
    length += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8').replace(/\r$/, ''), next: null };
}

/** A CSV file made of `header` and the bytes of `path` from `start` up to `end` (null: to its end). */
export async function writePart(path: string, header: Buffer, start: number, end: number | null, out: string): Promise<void> {
  const target = createWriteStream(out);
  target.write(header);
  await pipeline(open(path, start, end), target);
}

/**
 * A copy of the file with every byte of a multi-byte character made `x`: the same lines, fields
 * and byte positions, in text DuckDB cannot cut inside a character (see stageCsv).
 */
export async function writeAsciiCopy(path: string, out: string): Promise<void> {
  const toAscii = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk.map((byte) => (byte < 0x80 ? byte : 0x78)));
    },
  });
  await pipeline(open(path), toAscii, createWriteStream(out));
}

/** The `length` bytes of the file from `start` on, as text. */
export async function textAt(path: string, start: number, length: number): Promise<string> {
  const handle = await fsOpen(path, 'r');
  try {
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, start);
    return bytes.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * A copy of the file whose line endings are all LF (CRLF made LF; a lone CR is left, as text):
 * DuckDB's reader cannot read a file that mixes CRLF and LF, such as a Windows export with rows
 * appended on Linux. Lines keep their numbers.
 */
export async function withLfEndings(path: string, out: string): Promise<void> {
  let pendingReturn = false;
  const toLf = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      // A CR that ends the chunk may start a CRLF: it waits for the next byte.
      const text = Buffer.concat([pendingReturn ? Buffer.from('\r') : Buffer.alloc(0), chunk]);
      pendingReturn = text.at(-1) === 0x0d;
      done(null, Buffer.from(text.subarray(0, pendingReturn ? -1 : undefined).toString('latin1').replaceAll('\r\n', '\n'), 'latin1'));
    },
    flush(done) {
      done(null, pendingReturn ? Buffer.from('\r') : undefined);
    },
  });
  await pipeline(open(path), toLf, createWriteStream(out));
}

/**
 * Why a gzip file is not whole (cut short by a copy or a download still running), or null.
 * DuckDB reads such a file up to the cut without a word; the records after it are missing.
 */
export async function gzipDamage(path: string): Promise<string | null> {
  try {
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_chunk, _encoding, done) => done() }));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The fields of CSV lines (csv-parse), each undefined when it is not one record. One parse of
 * them all where it can (a parse per line costs 50 µs of set-up each), one each otherwise.
 */
export function linesFields(lines: readonly string[], delimiter: string): Array<string[] | undefined> {
  // Quotes as csvLayout reads the header: a stray one inside an unquoted field (5" screen) is text.
  const parsed = (text: string) => parse(text, { delimiter, record_delimiter: '\n', relax_column_count: true, relax_quotes: true }) as string[][];
  try {
    const records = parsed(lines.join('\n'));
    if (records.length === lines.length) return records;
  } catch {
    // A line that is not a record: each is parsed alone below.
  }
  return lines.map((line) => {
    try {
      const records = parsed(line);
      return records.length === 1 ? records[0] : undefined;
    } catch {
      return undefined;
    }
  });
}
