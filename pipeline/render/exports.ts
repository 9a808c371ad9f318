import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Cell, Table } from './tables.ts';

/**
 * SPEC §7: a spreadsheet executes cells starting with = + - @ (and tab/CR tricks); prefix them
 * with an apostrophe so they stay text. Numbers are numbers, never neutralised.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function tableCsv(table: Table): string {
  const header = table.columns.map((column) => column.label);
  const rows = table.rows.map((row) => table.columns.map((column) => neutralise(row[column.key] ?? null)));
  // BOM so Excel opens UTF-8 accents correctly.
  return `\uFEFF${stringify([header, ...rows], { record_delimiter: '\r\n' })}`;
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
    sheet.addRow(table.columns.map((column) => column.label));
    for (const row of table.rows) sheet.addRow(table.columns.map((column) => neutralise(row[column.key] ?? null)));
    table.columns.forEach((column, index) => {
      if (column.kind === 'percent') sheet.getColumn(index + 1).numFmt = '0.0%';
    });
  }
  // Fastest deflate level: exports are small and build time matters more than a few KB.
  const zip = { compression: 'DEFLATE', compressionOptions: { level: 1 } };
  return pinZipTimestamps(Buffer.from(await workbook.xlsx.writeBuffer({ zip } as ExcelJS.XlsxWriteOptions)), builtAt);
}

/**
 * exceljs stamps every zip entry with the wall clock; rewrite the DOS date/time of each entry
 * (central directory and local headers) to the build clock so rebuilds are byte-identical.
 */
export function pinZipTimestamps(zip: Buffer, at: Date): Buffer {
  const time = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1);
  const date = ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip file');
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    zip.writeUInt16LE(time, offset + 12);
    zip.writeUInt16LE(date, offset + 14);
    const local = zip.readUInt32LE(offset + 42);
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(date, local + 12);
    offset += 46 + zip.readUInt16LE(offset + 28) + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return zip;
}
