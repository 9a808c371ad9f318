import { writeFile } from 'node:fs/promises';
import fs from 'fs-extra';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../pipeline/config.ts';
import { importSources } from '../pipeline/files.ts';
import { memoryIo } from '../pipeline/io.ts';
import { config, FIXED_NOW, query, scratchDir } from './helpers.ts';

/**
 * The same five calls written as an Asterisk queue_log, as a CDR Master.csv and as pt-BR
 * spreadsheets (CSV in Windows-1252 and XLSX) must give the same contacts and callbacks.
 * Customer 11987654321 calls three times within a week; the others once.
 */

interface Call {
  id: string;
  /** Local São Paulo time. */
  start: string;
  number: string;
  agent?: string;
  talk: number;
}

const CALLS: Call[] = [
  { id: '1732701600.1', start: '2024-11-27 07:00:00', number: '(11) 98765-4321', agent: '1001', talk: 20 },
  { id: '1732705200.2', start: '2024-11-27 08:00:00', number: '011987654321', agent: '1002', talk: 300 },
  { id: '1732708800.3', start: '2024-11-27 09:00:00', number: '+55 21 3456-7890', agent: '1001', talk: 125 },
  { id: '1732712400.4', start: '2024-11-27 10:00:00', number: '2134567891', talk: 0 },
  { id: '1732881600.5', start: '2024-11-29 09:00:00', number: '11987654321', agent: '1002', talk: 61 },
];

const ROSTER = 'agent,agent_id,name,supervisor,team\nPJSIP/1001,1001,João Araújo,Sônia Lima,Equipe Ação\nPJSIP/1002,1002,Márcia Conceição,Sônia Lima,Equipe Ação\n';

const epoch = (local: string) => Date.parse(`${local.replace(' ', 'T')}-03:00`) / 1000;
const brDate = (local: string) => `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
const hms = (seconds: number) => [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');

function queueLog(): string {
  return CALLS.flatMap((call) => {
    const t = epoch(call.start);
    const enter = `${t}|${call.id}|suporte|NONE|ENTERQUEUE||${call.number}|1`;
    if (!call.agent) return [enter, `${t + 30}|${call.id}|suporte|NONE|ABANDON|1|1|30`];
    return [enter, `${t + 5}|${call.id}|suporte|PJSIP/${call.agent}|CONNECT|5|x|1`, `${t + 5 + call.talk}|${call.id}|suporte|PJSIP/${call.agent}|COMPLETEAGENT|5|${call.talk}|1`];
  }).join('\n') + '\n';
}

function cdr(): string {
  return CALLS.map((call) => {
    const answered = Boolean(call.agent);
    const dstchannel = answered ? `PJSIP/${call.agent}-0000${call.id.slice(-1)}a1b` : '';
    const fields = ['', call.number, '100', 'from-pstn', `"" <${call.number}>`, 'PJSIP/trunk-00000001', dstchannel, 'Dial', 'PJSIP/100', call.start, answered ? call.start : '', call.start,
      String(call.talk + 5), String(call.talk), answered ? 'ANSWERED' : 'NO ANSWER', 'DOCUMENTATION', call.id, ''];
    return fields.map((field) => `"${field.replace(/"/g, '""')}"`).join(',');
  }).join('\n') + '\n';
}

const HEADER = ['Protocolo', 'Data/Hora', 'Telefone', 'Situação', 'Atendente', 'Nome do atendente', 'Duração', 'TMA (s)'];

function sheetRows(): string[][] {
  return CALLS.map((call) => [call.id, brDate(call.start), call.number, call.agent ? 'Atendida' : 'Abandonada', call.agent ?? '', call.agent === '1001' ? 'João Araújo' : call.agent ? 'Márcia Conceição' : '', hms(call.talk), `${call.talk},0`]);
}

const SHEET_MAPPING = {
  call_id: 'Protocolo',
  protocol: 'Protocolo',
  direction: 'Sentido',
  status: { path: 'Situação', values: { Atendida: 'answered', Abandonada: 'abandoned' } },
  started_at: { path: 'Data/Hora', format: 'br_datetime' },
  customer_number: 'Telefone',
  agent_id: 'Atendente',
  agent_name: 'Nome do atendente',
  talk_seconds: { path: 'Duração', format: 'hms' },
};

interface ContactRow {
  contact_key: string;
  customer_key: string | null;
  answered: boolean;
  agent_id: string | null;
  talk_seconds: number;
  is_callback: boolean | null;
  attributed_contact_key: string | null;
  cause: string | null;
}

async function contactsFrom(source: Record<string, unknown>, dir: string): Promise<{ contacts: ContactRow[]; agents: string[] }> {
  const cfg = config({ warehouse: join(dir, `${String(source.type)}-${String(source.name)}.duckdb`), sources: [{ operator: 'center', timeZone: 'America/Sao_Paulo', ...source }] });
  const { imported } = await importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
  expect(imported).toMatchObject({ loaded: CALLS.length, rejected: 0 });
  const contacts = await query<ContactRow>(cfg.warehouse, `
    SELECT contact_key, customer_key, answered, agent_id, CAST(talk_seconds AS INTEGER) AS talk_seconds, is_callback, attributed_contact_key, cause
    FROM contacts ORDER BY contact_key`, cfg);
  const agents = await query<{ agent: string }>(cfg.warehouse, `SELECT DISTINCT agent_id || ' ' || agent_name || ' ' || coalesce(team, '-') AS agent FROM legs WHERE agent_id IS NOT NULL ORDER BY 1`, cfg);
  return { contacts, agents: agents.map((row) => row.agent) };
}

describe('file sources give the same contacts whatever the format', () => {
  it('queue_log, CDR, a Windows-1252 pt-BR CSV and an XLSX agree', async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, 'roster.csv'), iconv.encode(ROSTER, 'win1252'));
    await writeFile(join(dir, 'queue_log'), queueLog());
    await writeFile(join(dir, 'Master.csv'), cdr());
    const csv = [HEADER, ...sheetRows()].map((row) => row.join(';')).join('\r\n') + '\r\n';
    await writeFile(join(dir, 'chamadas.csv'), iconv.encode(csv, 'win1252'));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Chamadas');
    sheet.addRow(HEADER);
    for (const row of sheetRows()) sheet.addRow(row);
    await workbook.xlsx.writeFile(join(dir, 'chamadas.xlsx'));

    const fromQueueLog = await contactsFrom({ type: 'asterisk-queue-log', name: 'ql', files: [join(dir, 'queue_log')], roster: join(dir, 'roster.csv') }, dir);
    const fromCdr = await contactsFrom({ type: 'asterisk-cdr', name: 'cdr', files: [join(dir, 'Master.csv')], roster: join(dir, 'roster.csv') }, dir);
    const sheetSource = { type: 'spreadsheet', constants: { Sentido: 'inbound' }, mapping: SHEET_MAPPING };
    const fromCsv = await contactsFrom({ ...sheetSource, name: 'csv', files: [join(dir, 'chamadas.csv')] }, dir);
    const fromXlsx = await contactsFrom({ ...sheetSource, name: 'xlsx', files: [join(dir, 'chamadas.xlsx')] }, dir);

    expect(fromQueueLog.contacts.filter((c) => c.is_callback).map((c) => [c.contact_key, c.attributed_contact_key, c.cause])).toEqual([
      ['center:1732705200.2', 'center:1732701600.1', 'short'],
      ['center:1732881600.5', 'center:1732701600.1', 'short'],
    ]);
    expect(fromQueueLog.contacts.find((c) => c.contact_key === 'center:1732712400.4')).toMatchObject({ answered: false, customer_key: '2134567891' });
    expect(fromCdr.contacts).toEqual(fromQueueLog.contacts);
    expect(fromCsv.contacts).toEqual(fromQueueLog.contacts);
    expect(fromXlsx.contacts).toEqual(fromQueueLog.contacts);
    // Accents survive Windows-1252 (the roster and the CSV).
    expect(fromQueueLog.agents).toEqual(['1001 João Araújo Equipe Ação', '1002 Márcia Conceição Equipe Ação']);
    expect(fromCsv.agents).toEqual(['1001 João Araújo -', '1002 Márcia Conceição -']);
  });

  it('reads a decimal-comma duration and skips an unchanged spreadsheet on the next run', async () => {
    const dir = await scratchDir();
    const path = join(dir, 'chamadas.csv');
    const rows = [HEADER, ...sheetRows(), ['bad', '31/02/2024 10:00', '11987654321', 'Atendida', '1001', 'João', '00:01:00', '60,0']];
    await writeFile(path, iconv.encode(rows.map((row) => row.join(';')).join('\n') + '\n', 'win1252'));
    const mapping = { ...SHEET_MAPPING, talk_seconds: { path: 'TMA (s)', format: 'seconds' } };
    const cfg = config({ warehouse: join(dir, 'w.duckdb'), sources: [{ type: 'spreadsheet', name: 'planilha', files: [path], constants: { Sentido: 'inbound' }, mapping }] });
    const first = await importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
    expect(first.imported).toMatchObject({ loaded: 5, rejected: 1 });
    const [rejected] = await query<{ location: string; reason: string }>(cfg.warehouse, 'SELECT location, reason FROM rejected_legs', cfg);
    expect(rejected).toEqual({ location: 'chamadas.csv line 7', reason: expect.stringContaining('started_at is not a valid date and time') });
    expect(await query(cfg.warehouse, `SELECT CAST(talk_seconds AS INTEGER) AS talk FROM legs WHERE call_id = '1732708800.3'`, cfg)).toEqual([{ talk: 125 }]);
    const second = await importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
    expect(second.counts[0]).toMatchObject({ lines: 0, legs: 0 });
  });

  it('leaves the warehouse alone when no configured file exists', async () => {
    const dir = await scratchDir();
    const cfg = config({ warehouse: join(dir, 'w.duckdb'), sources: [{ type: 'spreadsheet', name: 'planilha', files: [join(dir, 'ainda-nao.csv')], mapping: SHEET_MAPPING }] });
    const io = memoryIo(FIXED_NOW);
    const { imported, counts } = await importSources({ config: cfg, io });
    expect(imported).toMatchObject({ read: 0, loaded: 0 });
    expect(counts[0]).toMatchObject({ files: 0, missing: [join(dir, 'ainda-nao.csv')] });
    expect(io.lines).toContain('import-sources: no file found; the warehouse is unchanged');
    expect(await fs.pathExists(cfg.warehouse)).toBe(false);
  });

  it('tells which source type is unknown or what a file source lacks', () => {
    expect(() => parseConfig({ sources: [{ type: 'ftp', name: 'x' }] })).toThrow(/sources\.0\.type: unknown source type/);
    expect(() => parseConfig({ sources: [{ type: 'asterisk-queue-log', name: 'x', files: [] }] })).toThrow(/sources\.0\.files: must name at least one file/);
    expect(() => parseConfig({ sources: [{ type: 'asterisk-cdr', name: 'x', files: ['a'], timeZone: 'Mars/Base' }] })).toThrow(/sources\.0\.timeZone: is not an IANA time zone/);
  });
});
