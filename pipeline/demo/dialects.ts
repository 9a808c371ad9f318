import type { SourceConfigInput } from '../extract/config.ts';
import { formatBrDateTime, toLocal } from '../extract/time.ts';
import type { DemoLeg } from './generate.ts';

/**
 * The two operator platforms the demo API imitates. They differ the way real ones do:
 * - "Vox": OAuth2 client credentials, `?page=&per_page=` with a total, nested English JSON,
 *   UTC ISO timestamps, durations in seconds.
 * - "Telefonia BR": an API key header, next-link pagination, flat pt-BR JSON, local
 *   `dd/MM/yyyy HH:mm:ss` and epoch-ms timestamps, `HH:MM:SS` durations, `E`/`S` codes.
 */

export type Dialect = 'vox' | 'telefonia_br';
export type DialectRecord = Record<string, unknown>;

export const DIALECT_PATHS = {
  vox: { token: '/vox/oauth/token', calls: '/vox/v2/calls' },
  telefonia_br: { calls: '/telbr/v1/chamadas' },
} as const;

export function toDialect(dialect: Dialect, leg: DemoLeg, timeZone: string): DialectRecord {
  return dialect === 'vox' ? toVox(leg) : toTelefoniaBr(leg, timeZone);
}

function toVox(leg: DemoLeg): DialectRecord {
  const status = leg.status === 'answered' ? 'completed' : leg.direction === 'outbound' ? 'no_answer' : 'abandoned';
  return {
    call: {
      id: leg.call_id,
      protocol: leg.protocol ?? null,
      direction: leg.direction,
      status,
      started_at: new Date(leg.started_at).toISOString(),
      updated_at: new Date(leg.updated_at).toISOString(),
      queue: { name: leg.queue ?? null },
    },
    customer: { ani: leg.customer_number ?? null },
    agent: leg.agent_id ? { id: leg.agent_id, name: leg.agent_name, team: { name: leg.team, supervisor: { name: leg.supervisor } } } : null,
    disposition: leg.reason ? { label: leg.reason } : null,
    durations: { talk: leg.talk_seconds, hold: leg.hold_seconds, after_call_work: leg.wrap_seconds },
  };
}

function toTelefoniaBr(leg: DemoLeg, timeZone: string): DialectRecord {
  return {
    id_chamada: leg.call_id,
    protocolo: leg.protocol ?? '',
    sentido: leg.direction === 'inbound' ? 'E' : 'S',
    situacao: leg.status === 'answered' ? 'ATENDIDA' : leg.direction === 'outbound' ? 'NAO_ATENDIDA' : 'ABANDONADA',
    data_hora: formatBrDateTime(toLocal(new Date(leg.started_at), timeZone)),
    atualizado_em: new Date(leg.updated_at).getTime(),
    numero_cliente: leg.customer_number ?? '',
    fila: leg.queue ?? '',
    tabulacao: leg.reason ?? '',
    atendente: leg.agent_id ? { matricula: leg.agent_id, nome: leg.agent_name, equipe: leg.team, supervisor: leg.supervisor } : null,
    tempos: { conversacao: hms(leg.talk_seconds), espera: hms(leg.hold_seconds), pos_atendimento: hms(leg.wrap_seconds) },
  };
}

/** A copy of a record the mapping cannot read (a timestamp no calendar has), with its own id. */
export function brokenCopy(dialect: Dialect, record: DialectRecord, variant: number): DialectRecord {
  const copy = structuredClone(record);
  if (dialect === 'vox') {
    const call = copy.call as Record<string, unknown>;
    call.id = `${call.id}-X`;
    if (variant % 2) call.started_at = '2026-02-30T25:61:00Z';
    else copy.durations = { talk: -12, hold: 0, after_call_work: 'n/a' };
  } else {
    copy.id_chamada = `${copy.id_chamada}-X`;
    if (variant % 2) copy.data_hora = '31/02/2026 25:61:00';
    else copy.sentido = 'X';
  }
  return copy;
}

function hms(seconds: number): string {
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Source configurations that read the demo API, as a user would write them in the config file. */
export function demoSources(baseUrl: string): SourceConfigInput[] {
  return [
    {
      name: 'vox',
      baseUrl,
      path: DIALECT_PATHS.vox.calls,
      auth: { type: 'oauth2', tokenUrl: DIALECT_PATHS.vox.token, clientIdEnv: 'VOX_CLIENT_ID', clientSecretEnv: 'VOX_CLIENT_SECRET' },
      pagination: { style: 'page', pageParam: 'page', sizeParam: 'per_page', pageSize: 1000, itemsPath: 'data', totalPath: 'meta.total' },
      window: { fromParam: 'start', toParam: 'end', format: 'iso', end: 'exclusive' },
      mapping: {
        call_id: 'call.id',
        protocol: 'call.protocol',
        direction: { path: 'call.direction' },
        status: { path: 'call.status', values: { completed: 'answered', abandoned: 'abandoned', no_answer: 'abandoned' } },
        started_at: { path: 'call.started_at', format: 'iso' },
        updated_at: { path: 'call.updated_at', format: 'iso' },
        customer_number: 'customer.ani',
        agent_id: 'agent.id',
        agent_name: 'agent.name',
        team: 'agent.team.name',
        supervisor: 'agent.team.supervisor.name',
        queue: 'call.queue.name',
        reason: 'disposition.label',
        talk_seconds: { path: 'durations.talk', format: 'seconds' },
        hold_seconds: { path: 'durations.hold', format: 'seconds' },
        wrap_seconds: { path: 'durations.after_call_work', format: 'seconds' },
      },
      // A local API takes more than a remote platform would.
      http: { requestsPerSecond: 200, concurrency: 4, timeoutMs: 10_000 },
    },
    {
      name: 'telefonia_br',
      baseUrl,
      path: DIALECT_PATHS.telefonia_br.calls,
      auth: { type: 'apiKey', header: 'X-Api-Key', keyEnv: 'TELBR_API_KEY' },
      pagination: { style: 'next', sizeParam: 'limite', pageSize: 1000, itemsPath: 'registros', nextPath: 'paginacao.proximo' },
      window: { fromParam: 'data_inicio', toParam: 'data_fim', format: 'br_datetime', end: 'inclusive' },
      mapping: {
        call_id: 'id_chamada',
        protocol: 'protocolo',
        direction: { path: 'sentido', values: { E: 'inbound', S: 'outbound' } },
        status: { path: 'situacao', values: { ATENDIDA: 'answered', ABANDONADA: 'abandoned', NAO_ATENDIDA: 'abandoned' } },
        started_at: { path: 'data_hora', format: 'br_datetime' },
        updated_at: { path: 'atualizado_em', format: 'epoch_ms' },
        customer_number: 'numero_cliente',
        agent_id: 'atendente.matricula',
        agent_name: 'atendente.nome',
        team: 'atendente.equipe',
        supervisor: 'atendente.supervisor',
        queue: 'fila',
        reason: 'tabulacao',
        talk_seconds: { path: 'tempos.conversacao', format: 'hms' },
        hold_seconds: { path: 'tempos.espera', format: 'hms' },
        wrap_seconds: { path: 'tempos.pos_atendimento', format: 'hms' },
      },
      http: { requestsPerSecond: 200, concurrency: 4, timeoutMs: 10_000 },
    },
  ];
}
