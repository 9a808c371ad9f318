import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { decodeText } from './text.ts';

/**
 * Who an Asterisk agent is: the PBX only knows interfaces (`PJSIP/1001`, `Agent/1001`) or member
 * names, so names, supervisors and teams come from a roster CSV kept by the center:
 * `agent,name,supervisor,team` with an optional `agent_id` column (the id shown in reports).
 */

export interface RosterEntry {
  agent_id: string;
  agent_name?: string;
  supervisor?: string;
  team?: string;
}

export type Roster = (agent: string) => RosterEntry;

export async function loadRoster(path: string | undefined): Promise<Roster> {
  if (!path) return (agent) => ({ agent_id: agentKey(agent) });
  const rows = parse(decodeText(await readFile(path)), { columns: true, skip_empty_lines: true, trim: true, delimiter: [',', ';'] }) as Array<Record<string, string>>;
  if (rows.length && !('agent' in rows[0]!)) throw new Error(`roster ${path} has no "agent" column (expected agent,name,supervisor,team)`);
  return rosterFrom(rows);
}

function rosterFrom(rows: Array<Record<string, string | undefined>>): Roster {
  const byKey = new Map<string, RosterEntry>();
  for (const row of rows) {
    const agent = row.agent?.trim();
    if (!agent) continue;
    const entry: RosterEntry = { agent_id: row.agent_id?.trim() || agentKey(agent) };
    if (row.name) entry.agent_name = row.name;
    if (row.supervisor) entry.supervisor = row.supervisor;
    if (row.team) entry.team = row.team;
    byKey.set(agentKey(agent), entry);
  }
  return (agent) => byKey.get(agentKey(agent)) ?? { agent_id: agentKey(agent) };
}

/**
 * One agent, however the PBX names it: the technology prefix and a channel's unique suffix go,
 * so `PJSIP/1001`, `SIP/1001`, `Agent/1001` and the CDR's `PJSIP/1001-0000002a` are all `1001`;
 * member names (`Ana Souza`) stay as they are.
 */
export function agentKey(agent: string): string {
  const trimmed = agent.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) return trimmed;
  const device = trimmed.slice(slash + 1);
  return device.replace(/-[0-9a-f]{6,}$/i, '');
}
