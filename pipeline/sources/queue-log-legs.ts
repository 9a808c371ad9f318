import { DuckDBInstance } from '@duckdb/node-api';
import { modelSql, sqlFilePath, sqlString } from '../warehouse.ts';
import { lineWriter } from './line-writer.ts';
import type { Segment } from './queue-log.ts';
import type { RosterEntry } from './roster.ts';

/**
 * Queue segments → a Parquet file of canonical legs for the loader. Node writes each ended
 * segment as one short pipe-separated line; DuckDB turns them into legs
 * (`warehouse/queue_log_legs.sql`: call_id, local started_at, roster) on every core at once.
 */


// A scratch file only DuckDB reads, written by hand rather than with csv-stringify: a year's
// backfill is ~4M segments × 10 fields, and its per-field cost (≈ 2 µs) would double the read.
// Fields come from pipe-split lines, so they rarely need quotes; table dumps and stray carriage
// returns can still bring these characters.
const NEEDS_QUOTES = /[|"\r\n]/;

/** Absent is an empty field (NULL), an empty string is `""`. */
function field(value: string | undefined): string {
  if (value === undefined) return '';
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Digits as a number (`007` → 7), as the JSON legs had them: a quarantined leg's payload stays the same. */
function talkText(talk: string | undefined): string | undefined {
  return talk !== undefined && /^\d+$/.test(talk) ? String(Number(talk)) : talk;
}

/** Ended segments, one short pipe-separated line each, for writeQueueLogLegs. */
export function segmentWriter(path: string) {
  const lines = lineWriter(path);
  return {
    ...lines,
    write(segment: Segment): void {
      lines.write(`${lines.count() + 1}|${segment.file}|${segment.line}|${segment.time}|${field(segment.callid)}|${field(segment.queue)}|${field(segment.customer)}|${field(segment.agent)}|${segment.status}|${field(talkText(segment.talk))}\n`);
    },
  };
}

export interface QueueLogLegsRequest {
  /** Written by `segmentWriter`. */
  segments: string;
  /** The Parquet file to write. */
  out: string;
  /** File names by the index segments carry. */
  files: string[];
  /** Roster entries of the CONNECT interfaces seen. */
  agents: Map<string, RosterEntry>;
  operator: string;
  source: string;
  /** The center's time zone: started_at is written in it. */
  timeZone: string;
  /** The configured memoryLimit, and where DuckDB may spill beyond it (the read's scratch folder). */
  memoryLimit: string;
  scratch: string;
}

export async function writeQueueLogLegs(request: QueueLogLegsRequest): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: request.memoryLimit, temp_directory: request.scratch });
  const connection = await instance.connect();
  try {
    for (const [name, value] of [['operator', request.operator], ['source', request.source], ['time_zone', request.timeZone]]) {
      await connection.run(`SET VARIABLE ${name} = ${sqlString(value!)}`);
    }
    await connection.run(`CREATE TEMP TABLE queue_log_files AS
      SELECT CAST(generate_subscripts(names, 1) - 1 AS BIGINT) AS file_index, unnest(names) AS name FROM (SELECT from_json($1, '["VARCHAR"]') AS names)`,
      [JSON.stringify(request.files)]);
    const agents = [...request.agents].map(([agent, entry]) => ({ agent, ...entry }));
    await connection.run(`CREATE TEMP TABLE queue_log_agents AS
      SELECT unnest(from_json($1, '[{"agent": "VARCHAR", "agent_id": "VARCHAR", "agent_name": "VARCHAR", "supervisor": "VARCHAR", "team": "VARCHAR"}]'), recursive := true)`,
      [JSON.stringify(agents)]);
    // A table, not a view: read once, and its exact size makes the roster the side hashed.
    await connection.run(`CREATE TEMP TABLE queue_log_segments AS SELECT * FROM read_csv(${sqlFilePath(request.segments)},
      header = false, auto_detect = false, delim = '|', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n',
      columns = {'seq': 'BIGINT', 'file': 'BIGINT', 'line': 'BIGINT', 'time': 'BIGINT', 'callid': 'VARCHAR', 'queue': 'VARCHAR',
        'customer': 'VARCHAR', 'agent': 'VARCHAR', 'status': 'VARCHAR', 'talk': 'VARCHAR'})`);
    await connection.run(await modelSql('queue_log_legs'));
    await connection.run(`COPY (SELECT * FROM queue_log_legs) TO ${sqlString(request.out)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
