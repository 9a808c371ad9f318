import { stringify } from 'csv-stringify/sync';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { Cell, ColumnKind, Table } from './tables.ts';

/**
 * SPEC §7: a spreadsheet executes cells starting with = + - @ (and tab/CR tricks); prefix them
 * with an apostrophe so they stay text. Numbers are numbers, never neutralised.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * A table as the CSV a spreadsheet in Portuguese (Brazil) opens as is: `;` between fields, a
 * decimal comma, rates to four places (0,1234 = 12,34 %), durations in seconds to one place, and
 * a byte-order mark for the accents. `rechamadas export` is the data interface; this is for Excel.
 */
export function tableCsv(table: Table): string {
  const header = table.columns.map(exportedLabel);
  const rows = table.rows.map((row) => table.columns.map((column) => {
    const value = row[column.key] ?? null;
    return typeof value === 'number' ? spreadsheetNumber(value, column.kind) : neutralise(value);
  }));
  return `\uFEFF${stringify([header, ...rows], { delimiter: ';', record_delimiter: '\r\n' })}`;
}

function spreadsheetNumber(value: number, kind: ColumnKind): string {
  const places = kind === 'percent' ? 4 : kind === 'duration' ? 1 : undefined;
  return String(places === undefined ? value : Number(value.toFixed(places))).replace('.', ',');
}

/** A column's header in a download: durations say their unit, as the page shows them as minutes. */
function exportedLabel(column: Table['columns'][number]): string {
  return column.kind === 'duration' ? `${column.label} (s)` : column.label;
}

/** Number formats of the workbook's columns, by kind; a date is a date cell, shown as in the pages. */
const SHEET_FORMATS: Partial<Record<ColumnKind, string>> = { percent: '0.0%', duration: '0.0', date: 'dd/mm/yyyy' };

function sheetValue(value: Cell, kind: ColumnKind): Cell | Date {
  return kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : neutralise(value);
}

/** One workbook per page, one sheet per table; fixed dates so the bytes are reproducible. */
export async function pageWorkbook(tables: Table[], builtAt: Date): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Rechamadas';
  workbook.created = builtAt;
  workbook.modified = builtAt;
  const used = new Set<string>();
  for (const table of tables) {
    let name = table.caption.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28).trim() || table.id;
    while (used.has(name)) name = `${name.slice(0, 26)}_${used.size}`;
    used.add(name);
    const sheet = workbook.addWorksheet(name);
    sheet.addRow(table.columns.map(exportedLabel));
    for (const row of table.rows) sheet.addRow(table.columns.map((column) => sheetValue(row[column.key] ?? null, column.kind)));
    table.columns.forEach((column, index) => {
      const format = SHEET_FORMATS[column.kind];
      if (format) sheet.getColumn(index + 1).numFmt = format;
    });
    shareCellStyles(sheet);
  }
  // exceljs deflates in pure JavaScript (pako), a fifth of its time: have it store the entries and
  // deflate them with Node's native zlib instead.
  const zip = { compression: 'STORE' };
  return deflateStoredZip(Buffer.from(await workbook.xlsx.writeBuffer({ zip } as ExcelJS.XlsxWriteOptions)), builtAt);
}

/**
 * exceljs gives every cell a style object of its own and, writing, works out each one's style id
 * from scratch (a third of a workbook's time); it caches the id per style object. Cells of the
 * same value type and number format get one shared object, so the id is worked out once per sheet:
 * the same ids, the same bytes. Number format is the only style these sheets set; a font or fill
 * added later must join the key.
 */
function shareCellStyles(sheet: ExcelJS.Worksheet): void {
  const shared = new Map<string, Partial<ExcelJS.Style>>();
  sheet.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      const key = `${cell.type}|${cell.numFmt ?? ''}`;
      let style = shared.get(key);
      if (style === undefined) {
        style = cell.style;
        shared.set(key, style);
      }
      cell.style = style;
    });
  });
}

/**
 * Rewrites a zip whose entries are stored (not compressed) with every entry deflated, and every
 * entry's DOS date/time set to `at`: exceljs stamps entries with the wall clock, and rebuilds must
 * be byte-identical. Names, attributes and order are kept from the central directory.
 */
export function deflateStoredZip(stored: Buffer, at: Date): Buffer {
  const time = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1);
  const date = ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  const end = stored.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip file');
  const entries = stored.readUInt16LE(end + 10);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let written = 0;
  let offset = stored.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    if (stored.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    if (stored.readUInt16LE(offset + 10) !== 0) throw new Error('zip entry is not stored');
    const centralLength = 46 + stored.readUInt16LE(offset + 28) + stored.readUInt16LE(offset + 30) + stored.readUInt16LE(offset + 32);
    const central = Buffer.from(stored.subarray(offset, offset + centralLength));
    const name = central.subarray(46, 46 + central.readUInt16LE(28));
    const local = central.readUInt32LE(42);
    const dataStart = local + 30 + stored.readUInt16LE(local + 26) + stored.readUInt16LE(local + 28);
    const data = deflateRawSync(stored.subarray(dataStart, dataStart + central.readUInt32LE(24)));
    // Sizes are known up front: no data descriptor (flag bit 3).
    const flags = central.readUInt16LE(8) & ~0x0008;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(central.readUInt16LE(6), 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    header.writeUInt32LE(central.readUInt32LE(16), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(central.readUInt32LE(24), 22);
    header.writeUInt16LE(name.length, 26);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(written, 42);
    locals.push(header, name, data);
    centrals.push(central);
    written += header.length + name.length + data.length;
    offset += centralLength;
  }
  const directory = Buffer.concat(centrals);
  const tail = Buffer.from(stored.subarray(end, end + 22));
  tail.writeUInt32LE(directory.length, 12);
  tail.writeUInt32LE(written, 16);
  tail.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, directory, tail]);
}
