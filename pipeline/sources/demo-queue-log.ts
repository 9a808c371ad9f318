import { stringify } from 'csv-stringify/sync';
import type { DemoLeg } from '../demo/generate.ts';

/**
 * Canonical legs written back as an Asterisk queue_log and its roster, so a new user can try
 * the Asterisk path on demo data. Each inbound leg becomes one queue segment: ENTERQUEUE at its
 * start, then CONNECT and COMPLETEAGENT (or TRANSFER when the contact has a later leg), or
 * ABANDON. Outbound legs do not go through queues and are left out.
 */

/** The fields of a demo leg that a queue_log and its roster carry. */
export type LegLike = Pick<DemoLeg, 'call_id' | 'protocol' | 'direction' | 'status' | 'started_at' | 'customer_number'
  | 'agent_id' | 'agent_name' | 'supervisor' | 'team' | 'queue' | 'talk_seconds'>;

/** Seconds a caller waits in the queue before an agent answers or they give up (fixed: the demo has no wait data). */
const WAIT_SECONDS = 12;

export function agentInterface(agentId: string): string {
  return `PJSIP/${agentId}`;
}

export function queueLogLines(legs: LegLike[]): string[] {
  const byCall = new Map<string, LegLike[]>();
  for (const leg of legs) {
    if (leg.direction !== 'inbound') continue;
    const callid = leg.protocol ?? leg.call_id;
    const group = byCall.get(callid);
    if (group) group.push(leg);
    else byCall.set(callid, [leg]);
  }
  const events: Array<{ time: number; order: number; line: string }> = [];
  let order = 0;
  const add = (time: number, line: string) => events.push({ time, order: order++, line: `${time}|${line}` });
  for (const [callid, group] of byCall) {
    group.sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
    group.forEach((leg, index) => {
      const queue = leg.queue ?? 'atendimento';
      const start = Math.floor(Date.parse(leg.started_at) / 1000);
      const next = group[index + 1];
      // A transfer ends the segment no later than the next queue's ENTERQUEUE.
      const latest = next ? Math.floor(Date.parse(next.started_at) / 1000) : Number.POSITIVE_INFINITY;
      add(start, `${callid}|${queue}|NONE|ENTERQUEUE||${leg.customer_number ?? ''}|1`);
      if (leg.status !== 'answered') {
        add(Math.min(start + WAIT_SECONDS, latest), `${callid}|${queue}|NONE|ABANDON|1|1|${WAIT_SECONDS}`);
        return;
      }
      const agent = agentInterface(leg.agent_id ?? 'unknown');
      const connect = Math.min(start + WAIT_SECONDS, latest);
      add(connect, `${callid}|${queue}|${agent}|CONNECT|${WAIT_SECONDS}|${callid}.1|3`);
      const end = Math.min(connect + leg.talk_seconds, latest);
      add(end, next
        ? `${callid}|${queue}|${agent}|TRANSFER|${next.queue ?? 'atendimento'}|from-queue|${WAIT_SECONDS}|${leg.talk_seconds}|1`
        : `${callid}|${queue}|${agent}|COMPLETEAGENT|${WAIT_SECONDS}|${leg.talk_seconds}|1`);
    });
  }
  events.sort((a, b) => a.time - b.time || a.order - b.order);
  return events.map((event) => event.line);
}

/** `agent,agent_id,name,supervisor,team` for every agent of the legs, as a center would keep it. */
export function rosterCsv(legs: LegLike[]): string {
  const agents = new Map<string, LegLike>();
  for (const leg of legs) if (leg.agent_id && !agents.has(leg.agent_id)) agents.set(leg.agent_id, leg);
  const rows = [...agents.values()]
    .sort((a, b) => a.agent_id!.localeCompare(b.agent_id!))
    .map((leg) => [agentInterface(leg.agent_id!), leg.agent_id!, leg.agent_name ?? '', leg.supervisor ?? '', leg.team ?? '']);
  return stringify(rows, { header: true, columns: ['agent', 'agent_id', 'name', 'supervisor', 'team'] });
}
