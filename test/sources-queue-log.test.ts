import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeDemoQueueLog } from '../pipeline/demo-queue-log.ts';
import { generateDay } from '../pipeline/demo/generate.ts';
import { loadConfig, parseConfig } from '../pipeline/config.ts';
import { importSources } from '../pipeline/files.ts';
import { memoryIo } from '../pipeline/io.ts';
import { parseQueueLogLine, SegmentAssembler, type QueueRejection, type Segment } from '../pipeline/sources/queue-log.ts';
import { config, FIXED_NOW, query, scratchDir } from './helpers.ts';

/**
 * Golden queue_log samples written from Asterisk's queue_log documentation
 * (`timestamp|callid|queuename|agent|event|data1..data5`), read through import-sources into a
 * real DuckDB warehouse. 1732712400 = 2024-11-27 10:00:00 in São Paulo (-03:00).
 */

const ROSTER = 'agent,name,supervisor,team\nPJSIP/1001,Ana Souza,Sônia Lima,Equipe 1\nPJSIP/1002,Bruno Reis,Sônia Lima,Equipe 1\nCarla Dias,Carla Dias,Marcos Paz,Equipe 2\n';

const GOLDEN = [
  '1732712400|NONE|NONE|NONE|QUEUESTART|',
  '1732712401|NONE|suporte|PJSIP/1001|ADDMEMBER|',
  '1732712402|NONE|suporte|PJSIP/1002|AGENTLOGIN|',
  // Rings unanswered at 1001, then connects to 1002 after 17 s; 180 s of talk.
  '1732712410|1732712410.1|suporte|NONE|ENTERQUEUE||11987654321|1',
  '1732712412|1732712410.1|suporte|PJSIP/1001|RINGNOANSWER|15000',
  '1732712427|1732712410.1|suporte|PJSIP/1002|CONNECT|17|1732712412.5|2',
  '1732712607|1732712410.1|suporte|PJSIP/1002|COMPLETEAGENT|17|180|1',
  // Transferred from suporte to financeiro (member name "Carla Dias"): two legs, one contact.
  '1732713000|1732713000.2|suporte|NONE|ENTERQUEUE||+55 (21) 3456-7890|1',
  '1732713010|1732713000.2|suporte|PJSIP/1001|CONNECT|10|1732713001.7|3',
  '1732713070|1732713000.2|suporte|PJSIP/1001|TRANSFER|600|from-queue|10|60|1',
  '1732713071|1732713000.2|financeiro|NONE|ENTERQUEUE||+55 (21) 3456-7890|1',
  '1732713080|1732713000.2|financeiro|Carla Dias|CONNECT|9|1732713072.9|2',
  '1732713200|1732713000.2|financeiro|Carla Dias|COMPLETECALLER|9|120|1',
  // The four ways out of a queue unanswered.
  '1732714000|1732714000.3|suporte|NONE|ENTERQUEUE||011987654321|1',
  '1732714045|1732714000.3|suporte|NONE|ABANDON|1|1|45',
  '1732715000|1732715000.4|suporte|NONE|ENTERQUEUE||anonymous|1',
  '1732715300|1732715000.4|suporte|NONE|EXITWITHTIMEOUT|1|1|300',
  '1732716000|1732716000.5|suporte|NONE|ENTERQUEUE||(11) 8765-4321|1',
  '1732716001|1732716000.5|suporte|NONE|EXITEMPTY|1|1|1',
  '1732717000|1732717000.6|suporte|NONE|ENTERQUEUE||+1 415 555 2671|1',
  '1732717020|1732717000.6|suporte|NONE|EXITWITHKEY|5|1|1|20',
  '1732717100|NONE|suporte|PJSIP/1001|PAUSE|Almoço',
  '1732717200|NONE|suporte|PJSIP/1001|UNPAUSE|',
];

/** A call still talking when the file ends. */
const IN_PROGRESS = ['1732718000|1732718000.7|suporte|NONE|ENTERQUEUE||11 3456-7890|1', '1732718010|1732718000.7|suporte|PJSIP/1001|CONNECT|10|1732718001.1|2'];
const IN_PROGRESS_END = '1732718310|1732718000.7|suporte|PJSIP/1001|COMPLETEAGENT|10|300|1';

async function setUp() {
  const dir = await scratchDir();
  await writeFile(join(dir, 'roster.csv'), ROSTER);
  const log = join(dir, 'queue_log');
  const cfg = config({
    warehouse: join(dir, 'w.duckdb'),
    sources: [{ type: 'asterisk-queue-log', name: 'pbx', files: [log], roster: join(dir, 'roster.csv'), timeZone: 'America/Sao_Paulo' }],
  });
  const run = () => importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
  return { dir, log, cfg, run };
}

interface LegRow {
  call_id: string;
  protocol: string;
  status: string;
  started: string;
  customer_number: string | null;
  customer_key: string | null;
  agent_id: string | null;
  agent_name: string | null;
  team: string | null;
  queue: string;
  talk_seconds: number;
  hold_seconds: number;
  location: string;
}

const legsOf = (cfg: ReturnType<typeof config>) =>
  query<LegRow>(cfg.warehouse, `
    SELECT call_id, protocol, status, strftime(timezone('America/Sao_Paulo', started_at), '%Y-%m-%d %H:%M:%S') AS started,
      customer_number, customer_key, agent_id, agent_name, team, queue,
      CAST(talk_seconds AS INTEGER) AS talk_seconds, CAST(hold_seconds AS INTEGER) AS hold_seconds, location
    FROM legs ORDER BY started_at, call_id`, cfg);

describe('Asterisk queue_log source', () => {
  it('maps every documented event of the golden sample to legs and contacts', async () => {
    const { log, cfg, run } = await setUp();
    await writeFile(log, `${GOLDEN.join('\n')}\n`);
    const { imported, counts } = await run();
    expect(imported).toMatchObject({ read: 7, loaded: 7, rejected: 0 });
    expect(counts[0]).toMatchObject({ files: 1, lines: GOLDEN.length, legs: 7, waiting: 0 });
    expect(await legsOf(cfg)).toEqual([
      { call_id: '1732712410.1:1732712410:suporte', protocol: '1732712410.1', status: 'answered', started: '2024-11-27 10:00:10', customer_number: '11987654321', customer_key: '11987654321', agent_id: '1002', agent_name: 'Bruno Reis', team: 'Equipe 1', queue: 'suporte', talk_seconds: 180, hold_seconds: 0, location: 'queue_log line 4' },
      { call_id: '1732713000.2:1732713000:suporte', protocol: '1732713000.2', status: 'answered', started: '2024-11-27 10:10:00', customer_number: '+55 (21) 3456-7890', customer_key: '2134567890', agent_id: '1001', agent_name: 'Ana Souza', team: 'Equipe 1', queue: 'suporte', talk_seconds: 60, hold_seconds: 0, location: 'queue_log line 8' },
      { call_id: '1732713000.2:1732713071:financeiro', protocol: '1732713000.2', status: 'answered', started: '2024-11-27 10:11:11', customer_number: '+55 (21) 3456-7890', customer_key: '2134567890', agent_id: 'Carla Dias', agent_name: 'Carla Dias', team: 'Equipe 2', queue: 'financeiro', talk_seconds: 120, hold_seconds: 0, location: 'queue_log line 11' },
      { call_id: '1732714000.3:1732714000:suporte', protocol: '1732714000.3', status: 'abandoned', started: '2024-11-27 10:26:40', customer_number: '011987654321', customer_key: '11987654321', agent_id: null, agent_name: null, team: null, queue: 'suporte', talk_seconds: 0, hold_seconds: 0, location: 'queue_log line 14' },
      { call_id: '1732715000.4:1732715000:suporte', protocol: '1732715000.4', status: 'abandoned', started: '2024-11-27 10:43:20', customer_number: 'anonymous', customer_key: null, agent_id: null, agent_name: null, team: null, queue: 'suporte', talk_seconds: 0, hold_seconds: 0, location: 'queue_log line 16' },
      { call_id: '1732716000.5:1732716000:suporte', protocol: '1732716000.5', status: 'abandoned', started: '2024-11-27 11:00:00', customer_number: '(11) 8765-4321', customer_key: '11987654321', agent_id: null, agent_name: null, team: null, queue: 'suporte', talk_seconds: 0, hold_seconds: 0, location: 'queue_log line 18' },
      { call_id: '1732717000.6:1732717000:suporte', protocol: '1732717000.6', status: 'abandoned', started: '2024-11-27 11:16:40', customer_number: '+1 415 555 2671', customer_key: '+14155552671', agent_id: null, agent_name: null, team: null, queue: 'suporte', talk_seconds: 0, hold_seconds: 0, location: 'queue_log line 20' },
    ]);
    const contacts = await query<{ contact_key: string; legs: number; answered: boolean; agent_id: string | null; talk_seconds: number }>(cfg.warehouse,
      `SELECT contact_key, CAST(legs AS INTEGER) AS legs, answered, agent_id, CAST(talk_seconds AS INTEGER) AS talk_seconds FROM contacts WHERE contact_key = 'pbx:1732713000.2'`, cfg);
    // The transfer: one contact of two legs, handled by the agent of the second queue.
    expect(contacts).toEqual([{ contact_key: 'pbx:1732713000.2', legs: 2, answered: true, agent_id: 'Carla Dias', talk_seconds: 180 }]);
  });

  it('keeps a call still in progress at the end of the file for the next read, then loads it whole', async () => {
    const { log, cfg, run } = await setUp();
    await writeFile(log, `${[...GOLDEN, ...IN_PROGRESS].join('\n')}\n`);
    const first = await run();
    expect(first.counts[0]).toMatchObject({ legs: 7, waiting: 1 });
    expect((await legsOf(cfg)).some((leg) => leg.protocol === '1732718000.7')).toBe(false);

    // The file grows: only the new line is read, and the waiting call is completed from it.
    await appendFile(log, `${IN_PROGRESS_END}\n`);
    const second = await run();
    expect(second.counts[0]).toMatchObject({ lines: 1, legs: 1, waiting: 0 });
    expect(second.imported).toMatchObject({ read: 1, loaded: 1, duplicates: 0 });
    const legs = await legsOf(cfg);
    expect(legs).toHaveLength(8);
    expect(legs.at(-1)).toMatchObject({ protocol: '1732718000.7', status: 'answered', talk_seconds: 300, agent_id: '1001', customer_key: '1134567890', location: 'queue_log line 24' });
  });

  it('survives rotation to queue_log.1 and then .1.gz without double counting', async () => {
    const { log, cfg, run } = await setUp();
    const half = GOLDEN.slice(0, 13);
    await writeFile(log, `${half.join('\n')}\n`);
    expect((await run()).imported.loaded).toBe(3);

    // logrotate: the old file gets two more lines before it is renamed; a new file starts.
    await appendFile(log, `${GOLDEN.slice(13, 15).join('\n')}\n`);
    await rename(log, `${log}.1`);
    await writeFile(log, `${GOLDEN.slice(15).join('\n')}\n`);
    const second = await run();
    expect(second.counts[0]).toMatchObject({ files: 2, lines: 2 + GOLDEN.length - 15 });
    expect(second.imported).toMatchObject({ loaded: 4, duplicates: 0 });

    // Compressed later; nothing new anywhere.
    await writeFile(`${log}.1.gz`, gzipSync(await readFile(`${log}.1`)));
    await rename(`${log}.1`, `${log}.2`);
    await writeFile(`${log}.2`, '');
    const third = await run();
    expect(third.counts[0]).toMatchObject({ lines: 0, legs: 0 });
    expect(await legsOf(cfg)).toHaveLength(7);
  });

  it('quarantines a malformed line with its file and line number and loads the rest', async () => {
    const { log, cfg, run } = await setUp();
    const lines = [...GOLDEN];
    lines.splice(5, 0, 'garbage without pipes', '17327X2430|1732712410.1|suporte|NONE|ENTERQUEUE||11999999999|1');
    await writeFile(log, `${lines.join('\n')}\n`);
    const { imported } = await run();
    expect(imported).toMatchObject({ loaded: 7, rejected: 2 });
    const rejected = await query<{ source: string; location: string; raw_payload: string; reason: string }>(cfg.warehouse, 'SELECT source, location, raw_payload, reason FROM rejected_legs ORDER BY location', cfg);
    expect(rejected).toEqual([
      { source: 'pbx', location: 'queue_log line 6', raw_payload: 'garbage without pipes', reason: expect.stringContaining('1 fields') },
      { source: 'pbx', location: 'queue_log line 7', raw_payload: lines[6], reason: expect.stringContaining('timestamp "17327X2430" is not epoch seconds') },
    ]);
  });

  it('reads a block on its bytes exactly as line by line (CRLF or non-ASCII blocks take that path)', async () => {
    const EDGE = [
      '',
      '   ',
      // A fractional timestamp (call_id rounds it), a caller id with spaces, a member name with quotes, talk "007".
      '1732712410.5|e.1|suporte|NONE|ENTERQUEUE|| 11987654321 |1',
      '1732712420|e.1|suporte|Ana "Tita" Souza|CONNECT|10|x|1',
      '1732712480|e.1|suporte|Ana "Tita" Souza|COMPLETECALLER|10|007|1',
      '1732712481|e.1|suporte|NONE|ABANDON|1|1|1',
      // Re-entered before its segment ended.
      '1732712500|e.2|suporte|NONE|ENTERQUEUE||11911112222|1',
      '1732712501|e.2|suporte|PJSIP/1002|CONNECT|1|x|1',
      '1732712502|e.2|vendas|NONE|ENTERQUEUE||11911112222|1',
      '1732712503|e.2|vendas|NONE|EXITEMPTY|1|1|1',
      // No data fields at all; a transfer without its talk time and without a CONNECT.
      '1732712504|e.3|suporte|NONE|ENTERQUEUE',
      '1732712505|e.3|suporte|PJSIP/1001|TRANSFER|x|y|10',
      '0|e.4|suporte|NONE|ENTERQUEUE||1|1',
      '1732712506|e.4|suporte|NONE|Bogus|',
      '1732712507|e.4|suporte|NONE|RINGNOANSWER|1000',
      // Two lines run together by a crash mid-write: an 18-digit timestamp.
      '173271250817327125|e.5|suporte|NONE|ENTERQUEUE||11911112222|1',
      ...IN_PROGRESS,
    ];
    const read = async (newline: string) => {
      const { log, cfg, run } = await setUp();
      await writeFile(log, EDGE.join(newline) + newline);
      const { counts } = await run();
      const rejected = await query<{ location: string; raw_payload: string; reason: string }>(cfg.warehouse, 'SELECT location, raw_payload, reason FROM rejected_legs ORDER BY location, reason', cfg);
      const pending = JSON.parse(await readFile(join(cfg.warehouse, '..', 'state', 'pbx.json'), 'utf8')).pending;
      return { counts, legs: await legsOf(cfg), rejected, pending };
    };
    const bytes = await read('\n');
    expect(await read('\r\n')).toEqual(bytes);
    expect(bytes.counts[0]).toMatchObject({ lines: EDGE.length, legs: 3, waiting: 1 });
    expect(bytes.legs).toMatchObject([
      { call_id: 'e.1:1732712411:suporte', started: '2024-11-27 10:00:10', customer_number: '11987654321', agent_id: 'Ana "Tita" Souza', talk_seconds: 7, location: 'queue_log line 3' },
      { call_id: 'e.2:1732712502:vendas', status: 'abandoned', location: 'queue_log line 9' },
    ]);
    const at = (line: number) => EDGE[line - 1];
    expect(bytes.rejected).toEqual([
      { location: 'queue_log line 11', raw_payload: expect.stringContaining('"call_id":"e.3:1732712504:suporte"'), reason: 'agent_id is required when status is answered' },
      { location: 'queue_log line 13', raw_payload: at(13), reason: 'malformed queue_log line: timestamp "0" is not epoch seconds between 1970 and 2100' },
      { location: 'queue_log line 14', raw_payload: at(14), reason: 'unknown queue_log event "Bogus"' },
      { location: 'queue_log line 16', raw_payload: at(16), reason: 'malformed queue_log line: timestamp "173271250817327125" is not epoch seconds between 1970 and 2100' },
      { location: 'queue_log line 6', raw_payload: at(6), reason: 'ABANDON for call e.1 without its ENTERQUEUE' },
      { location: 'queue_log line 7', raw_payload: `${at(7)}\n${at(8)}`, reason: 'queue segment never ended before the call entered a queue again' },
    ]);
    // Pending lines keep the state file's format: parsed events with their file, line and raw text.
    expect(bytes.pending).toEqual(IN_PROGRESS.map((raw, index) => expect.objectContaining({ callid: '1732718000.7', file: 'queue_log', line: 17 + index, raw })));
  });

  it('completes a call waiting from a byte-read block with a block read line by line', async () => {
    const { log, cfg, run } = await setUp();
    await writeFile(log, `${IN_PROGRESS.join('\n')}\n`);
    expect((await run()).counts[0]).toMatchObject({ legs: 0, waiting: 1 });
    // The next block has a Windows-1252 byte (not UTF-8): it is read line by line, as U+FFFD.
    await appendFile(log, Buffer.concat([Buffer.from('1732718100|x.1|suporte|NONE|ENTERQUEUE||Jo'), Buffer.from([0xe3]), Buffer.from(`o|1\n${IN_PROGRESS_END}\n`)]));
    const second = await run();
    expect(second.counts[0]).toMatchObject({ lines: 2, legs: 1, waiting: 1 });
    expect(await legsOf(cfg)).toMatchObject([{ call_id: '1732718000.7:1732718000:suporte', agent_id: '1001', agent_name: 'Ana Souza', talk_seconds: 300, location: 'queue_log line 1' }]);
    const { pending } = JSON.parse(await readFile(join(cfg.warehouse, '..', 'state', 'pbx.json'), 'utf8'));
    expect(pending).toMatchObject([{ callid: 'x.1', line: 3, data: ['', 'Jo\ufffdo', '1'] }]);
  });

  it('reads the realtime queue_log table from a CSV dump with local times in the PBX zone', async () => {
    const dir = await scratchDir();
    const dump = join(dir, 'queue_log.csv');
    await writeFile(dump, [
      'id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5',
      '1,2024-11-27 10:00:10,1732712410.1,suporte,NONE,ENTERQUEUE,,11987654321,1,,',
      '2,2024-11-27 10:00:27,1732712410.1,suporte,PJSIP/1002,CONNECT,17,1732712412.5,2,,',
      '3,2024-11-27 10:03:27,1732712410.1,suporte,PJSIP/1002,COMPLETEAGENT,17,180,1,,',
    ].join('\n') + '\n');
    const cfg = config({ warehouse: join(dir, 'w.duckdb'), sources: [{ type: 'asterisk-queue-log', format: 'table-csv', name: 'pbx', files: [dump], timeZone: 'America/Manaus' }] });
    await importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
    // Manaus is -04:00: 10:00:10 there is 11:00:10 in São Paulo.
    expect(await legsOf(cfg)).toMatchObject([{ protocol: '1732712410.1', started: '2024-11-27 11:00:10', agent_id: '1002', talk_seconds: 180, location: 'queue_log.csv line 2' }]);
  });

  it('refuses events out of order instead of guessing (pure assembler)', () => {
    const segments: Segment[] = [];
    const rejections: QueueRejection[] = [];
    const assembler = new SegmentAssembler((segment) => segments.push(segment), (rejection) => rejections.push(rejection));
    for (const [index, line] of ['1732712427|9.9|suporte|PJSIP/1002|CONNECT|17|x|2', '1732712427|9.9|suporte|NONE|BOGUS|'].entries()) {
      const event = parseQueueLogLine(line, 'queue_log', index + 1);
      if ('error' in event) throw new Error(event.error);
      assembler.push(event, 0);
    }
    expect(segments).toEqual([]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[1, 'CONNECT for call 9.9 without its ENTERQUEUE'], [2, 'unknown queue_log event "BOGUS"']]);
  });

  it('reads the demo center written as a queue_log back into the same inbound legs', async () => {
    const dir = await scratchDir();
    const written = await writeDemoQueueLog({ out: dir, days: 2, seed: 7, endDate: '2026-11-26', timeZone: 'America/Sao_Paulo', callsPerDay: 150 });
    const expected = ['2026-11-25', '2026-11-26']
      .flatMap((date) => generateDay(date, 7, 'America/Sao_Paulo', { callsPerDay: 150 }))
      .filter((leg) => leg.operator === 'vox' && leg.direction === 'inbound');
    // Its paths are relative to the config file, read from any working directory.
    const cfg = await loadConfig(join(dir, 'config.json'));
    const { imported } = await importSources({ config: cfg, io: memoryIo(FIXED_NOW) });
    expect(imported).toMatchObject({ loaded: expected.length, rejected: 0 });
    expect(written.legs).toBeGreaterThan(expected.length);
    const key = (leg: { protocol?: string | null; started: string; status: string; agent_id?: string | null; agent_name?: string | null; talk_seconds: number }) =>
      [leg.protocol, leg.started, leg.status, leg.agent_id ?? '', leg.agent_name ?? '', leg.talk_seconds].join('|');
    const loaded = await legsOf(cfg);
    expect(loaded.map(key).sort()).toEqual(expected.map((leg) => key({ ...leg, protocol: leg.protocol ?? leg.call_id, started: leg.started_at.slice(0, 19).replace('T', ' ') })).sort());
  });
});
