import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { decodeText } from './text.ts';

/**
 * Spreadsheet exports as flat rows keyed by header, ready for the field-mapping engine: CSV with
 * `;` or `,`, UTF-8 or Windows-1252, and XLSX. Values stay text (or numbers from XLSX cells);
 * the mapping decides how to read them.
 */

export interface SheetRow {
  /** 1-based line (CSV) or row (XLSX) number in the file. */
  line: number;
  values: Record<string, string | number>;
}

export interface SheetOptions {
  delimiter?: string;
  encoding: 'auto' | 'utf-8' | 'windows-1252';
  sheet?: string;
}

export async function readSheetRows(path: string, bytes: Buffer, options: SheetOptions): Promise<SheetRow[]> {
  return /\.xlsx$/i.test(path) ? readXlsx(bytes, options.sheet) : readCsvText(decodeText(bytes, options.encoding), options.delimiter);
}

export function readCsvText(text: string, delimiter?: string): SheetRow[] {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const chosen = delimiter ?? guessDelimiter(header);
  const records = parse(text, { delimiter: chosen, relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const [head, ...rows] = records;
  if (!head) return [];
  const names = head.record.map((name) => name.trim());
  return rows.map(({ record, info }) => ({ line: info.lines, values: Object.fromEntries(names.map((name, index) => [name, record[index] ?? ''])) }));
}

/** The one of `;`, `,` and tab that the header uses most: pt-BR Excel writes `;`. */
function guessDelimiter(header: string): string {
  const counts = [';', ',', '\t'].map((candidate) => ({ candidate, count: header.split(candidate).length }));
  return counts.sort((a, b) => b.count - a.count)[0]!.candidate;
}

async function readXlsx(bytes: Buffer, sheetName: string | undefined): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = sheetName ? workbook.getWorksheet(sheetName) : workbook.worksheets[0];
  if (!sheet) throw new Error(sheetName ? `no worksheet named ${JSON.stringify(sheetName)}` : 'the workbook has no worksheet');
  const names: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, column) => {
    names[column] = String(cellValue(cell.value) ?? '').trim();
  });
  const rows: SheetRow[] = [];
  sheet.eachRow((row, line) => {
    if (line === 1) return;
    const values: Record<string, string | number> = {};
    row.eachCell((cell, column) => {
      const name = names[column];
      const value = cellValue(cell.value);
      if (name && value !== undefined) values[name] = value;
    });
    rows.push({ line, values });
  });
  return rows;
}

/** Excel's day zero: time-only cells (durations) are dates on it. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function cellValue(value: ExcelJS.CellValue): string | number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.getUTCFullYear() <= 1900 ? hms((value.getTime() - EXCEL_EPOCH) / 1000) : brDateTime(value);
  if ('result' in value) return cellValue(value.result as ExcelJS.CellValue);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('text' in value) return String(value.text);
  return undefined;
}

/** Excel stores wall-clock times; exceljs hands them over as UTC instants of that reading. */
function brDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${pad(date.getUTCMonth() + 1)}/${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function hms(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
