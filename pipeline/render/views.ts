import { BUCKET_LABELS, CAUSE_LABELS, formatChange, formatDate, formatDuration, formatGap, formatInteger, formatPercent, type Change } from './format.ts';
import { customerReference, displayNumber } from './privacy.ts';
import type { CallbackRow, EpisodeMember, GroupRow, Measures } from './queries.ts';
import { ratio, wilsonInterval } from './stats.ts';
import type { EpisodeView, Table } from './tables.ts';

/** Derived KPIs of one group over one period (SPEC §5). */
export interface Kpis {
  contacts: number;
  callbacks: number;
  rate: number | null;
  fcr: number | null;
  pending: number;
  aht: number | null;
  abandoned: number;
  unidentified: number;
}

export function kpisOf(row: Measures | undefined): Kpis {
  const m = row ?? ({} as Partial<Measures>);
  const n = (value: number | undefined) => value ?? 0;
  return {
    contacts: n(m.contacts),
    callbacks: n(m.callbacks),
    rate: ratio(n(m.callbacks), n(m.contacts)),
    fcr: ratio(n(m.resolved_yes), n(m.resolved_yes) + n(m.resolved_no)),
    pending: n(m.resolved_pending),
    aht: ratio(n(m.handle_seconds), n(m.answered_legs)),
    abandoned: n(m.abandoned),
    unidentified: n(m.unidentified),
  };
}

export interface Card { label: string; value: string; change: Change; note: string; provisional: boolean }

/** Visão geral cards, each with its change against the previous period. */
export function overviewCards(
  current: Measures | undefined,
  previous: Measures | undefined,
  returning: { current: { customers: number; returning: number } | undefined; previous: { customers: number; returning: number } | undefined },
): Card[] {
  const now = kpisOf(current);
  const before = kpisOf(previous);
  const returningRate = (r?: { customers: number; returning: number }) => (r ? ratio(r.returning, r.customers) : null);
  const cur = returningRate(returning.current);
  const prev = returningRate(returning.previous);
  const hasPrevious = previous !== undefined && before.contacts > 0;
  const change = (a: number | null, b: number | null, kind: 'count' | 'rate' | 'seconds') => formatChange(a, hasPrevious ? b : null, kind);
  return [
    { label: 'Atendimentos', value: formatInteger(now.contacts), change: change(now.contacts, before.contacts, 'count'), note: 'elegíveis (entrantes, atendidos, identificados)', provisional: false },
    { label: 'Rechamadas', value: formatInteger(now.callbacks), change: change(now.callbacks, before.callbacks, 'count'), note: '', provisional: false },
    { label: 'Taxa de rechamada', value: formatPercent(now.rate), change: change(now.rate, before.rate, 'rate'), note: '', provisional: false },
    fcrCard(now, before, change),
    { label: 'Clientes que retornam', value: formatPercent(cur), change: change(cur, prev, 'rate'), note: returning.current ? `${formatInteger(returning.current.returning)} de ${formatInteger(returning.current.customers)} clientes` : '', provisional: false },
    { label: 'TMA', value: formatDuration(now.aht), change: change(now.aht, before.aht, 'seconds'), note: 'tempo médio de atendimento', provisional: false },
    { label: 'Abandonadas', value: formatInteger(now.abandoned), change: change(now.abandoned, before.abandoned, 'count'), note: '', provisional: false },
    { label: 'Não identificados', value: formatInteger(now.unidentified), change: change(now.unidentified, before.unidentified, 'count'), note: 'atendidos sem número válido', provisional: false },
  ];
}

/**
 * FCR while contacts of the period are pending (their callback window still open) counts only
 * the settled ones, and a contact settles as `no` as soon as it is called back but as `yes` only
 * once its window has passed: the figure is low until the window closes, 0 % for the last W days.
 * So it is not compared with a settled period, and with nothing settled as `yes` yet it shows no
 * number at all rather than a false 0 %.
 */
function fcrCard(now: Kpis, before: Kpis, change: (a: number | null, b: number | null, kind: 'rate') => Change): Card {
  if (now.pending === 0) return { label: 'FCR', value: formatPercent(now.fcr), change: change(now.fcr, before.fcr, 'rate'), note: '0 pendentes', provisional: false };
  const waiting = fcrWaiting(now);
  return {
    label: 'FCR',
    value: waiting ? '—' : formatPercent(now.fcr),
    change: { text: 'sem comparação enquanto a janela está aberta', direction: 'none' },
    note: `${formatInteger(now.pending)} pendentes${waiting ? ': aguardando o fim da janela de rechamada' : ''}`,
    provisional: true,
  };
}

/** Contacts are pending and none has settled as resolved yet: the FCR has no figure to show (see fcrCard). */
export function fcrWaiting(kpis: Kpis): boolean {
  return kpis.pending > 0 && (kpis.fcr === null || kpis.fcr === 0);
}

/** The FCR a table shows: none while it is waiting on the window (a false 0 % otherwise), as the card. */
export function fcrShown(kpis: Kpis): number | null {
  return fcrWaiting(kpis) ? null : kpis.fcr;
}

/** Columns shared by every comparison table (agents, teams, supervisors, reasons, UF...). */
const KPI_COLUMNS: Table['columns'] = [
  { key: 'contacts', label: 'Atendimentos', kind: 'integer' },
  { key: 'callbacks', label: 'Rechamadas', kind: 'integer' },
  { key: 'rate', label: 'Taxa', kind: 'percent' },
  { key: 'ci_low', label: 'IC 95% mín.', kind: 'percent' },
  { key: 'ci_high', label: 'IC 95% máx.', kind: 'percent' },
  { key: 'same_day', label: 'Mesmo dia', kind: 'integer' },
  { key: 'within_3_days', label: 'Até 3 dias', kind: 'integer' },
  { key: 'over_3_days', label: 'Mais de 3 dias', kind: 'integer' },
  { key: 'fcr', label: 'FCR', kind: 'percent' },
  { key: 'pending', label: 'Pendentes', kind: 'integer' },
  { key: 'aht', label: 'TMA', kind: 'duration' },
  { key: 'unidentified', label: 'Não identif.', kind: 'integer' },
];

function kpiCells(row: Measures) {
  const k = kpisOf(row);
  const interval = wilsonInterval(k.callbacks, k.contacts);
  return {
    contacts: k.contacts, callbacks: k.callbacks, rate: k.rate, ci_low: interval?.low ?? null, ci_high: interval?.high ?? null,
    same_day: row.cb_same_day, within_3_days: row.cb_within_3_days, over_3_days: row.cb_over_3_days,
    fcr: fcrShown(k), pending: k.pending, aht: k.aht, unidentified: k.unidentified,
  };
}

/**
 * The agent performance table. An agent is flagged only when the LOWER end of their 95% Wilson
 * interval is above their team's rate: a bad week on 12 calls does not get anyone flagged.
 */
export function agentTable(agents: GroupRow[], teams: Map<string, Measures>, agentHref: (agentId: string) => string): Table {
  const sorted = [...agents].sort((a, b) => b.callbacks - a.callbacks || a.group_key.localeCompare(b.group_key));
  const rows = sorted.map((agent) => {
    const cells = kpiCells(agent);
    const teamRate = kpisOf(teams.get(agent.team ?? '')).rate;
    const flagged = cells.ci_low !== null && teamRate !== null && cells.ci_low > teamRate;
    return { agent: agent.group_label, agent_id: agent.group_key, team: agent.team, supervisor: agent.supervisor, ...cells, team_rate: teamRate, flag: flagged ? 'Acima da equipe' : '' };
  });
  return {
    id: 'atendentes',
    caption: 'Desempenho por atendente',
    columns: [
      { key: 'agent', label: 'Atendente', kind: 'text' },
      { key: 'agent_id', label: 'ID', kind: 'text' },
      { key: 'team', label: 'Equipe', kind: 'text' },
      { key: 'supervisor', label: 'Supervisor', kind: 'text' },
      ...KPI_COLUMNS,
      { key: 'team_rate', label: 'Taxa da equipe', kind: 'percent' },
      { key: 'flag', label: 'Sinal', kind: 'text' },
    ],
    rows,
    rowData: rows.map((row) => ({ team: String(row.team ?? ''), flagged: row.flag ? '1' : '0' })),
    links: sorted.map((agent) => agentHref(agent.group_key)),
    filterLabel: 'Buscar atendente',
    facets: [{ key: 'team', label: 'Equipe', values: [...new Set(rows.map((row) => String(row.team ?? '')))].sort() }],
    flagLabel: 'Somente sinalizados',
  };
}

/** A comparison table one level up (teams, supervisors) or across any dimension. */
export function groupTable(id: string, caption: string, keyLabel: string, groups: GroupRow[], reference?: Measures, extra?: { key: string; label: string }): Table {
  const referenceRate = reference ? kpisOf(reference).rate : null;
  const sorted = [...groups].sort((a, b) => b.callbacks - a.callbacks || a.group_key.localeCompare(b.group_key));
  const rows = sorted.map((group) => {
    const cells = kpiCells(group);
    const flagged = referenceRate !== null && cells.ci_low !== null && cells.ci_low > referenceRate;
    return { group: group.group_label, ...(extra ? { [extra.key]: (group as unknown as Record<string, string | null>)[extra.key] ?? null } : {}), ...cells, flag: flagged ? 'Acima do centro' : '' };
  });
  return {
    id, caption,
    columns: [{ key: 'group', label: keyLabel, kind: 'text' }, ...(extra ? [{ key: extra.key, label: extra.label, kind: 'text' as const }] : []), ...KPI_COLUMNS, { key: 'flag', label: 'Sinal', kind: 'text' }],
    rows,
    // "Filtrar equipe", but "Filtrar UF": an acronym keeps its capitals.
    filterLabel: `Filtrar ${keyLabel === keyLabel.toUpperCase() ? keyLabel : keyLabel.toLowerCase()}`,
  };
}

/** Episodes by origin, for the timelines. */
export function episodesByOrigin(members: EpisodeMember[]): Map<string, EpisodeMember[]> {
  const episodes = new Map<string, EpisodeMember[]>();
  for (const member of members) {
    const list = episodes.get(member.origin_contact_key) ?? [];
    list.push(member);
    episodes.set(member.origin_contact_key, list);
  }
  return episodes;
}

function episodeView(callback: CallbackRow, episodes: Map<string, EpisodeMember[]>): EpisodeView {
  const members = episodes.get(callback.origin_contact_key) ?? [];
  return {
    steps: members.map((member) => ({
      when: `${formatDate(member.started_local)} ${member.started_local.slice(11, 16)}`,
      protocol: member.protocol ?? '—',
      operator: member.operator,
      agent: member.agent_name ?? member.agent_id ?? '—',
      reason: member.reason ?? '—',
      gap: member.is_callback ? `+${formatGap(member.gap_seconds)}` : '',
      role: member.is_callback ? 'rechamada' : 'origem',
      current: member.contact_key === callback.contact_key,
    })),
  };
}

/** The callback detail list: masked number, keyed customer reference, attribution, episode. */
export function callbackTable(id: string, caption: string, callbacks: CallbackRow[], episodes: Map<string, EpisodeMember[]>, privacy: { secret: string; mask: boolean }): Table {
  const rows = callbacks.map((callback) => ({
    date: callback.local_date,
    time: callback.started_local.slice(11, 16),
    protocol: callback.protocol ?? callback.contact_key,
    operator: callback.operator,
    customer: displayNumber(callback.customer_key, privacy.mask),
    customer_ref: customerReference(callback.customer_key, privacy.secret),
    agent: callback.agent_name ?? callback.agent_id ?? '—',
    reason: callback.reason ?? '—',
    bucket: BUCKET_LABELS[callback.bucket] ?? callback.bucket,
    cause: CAUSE_LABELS[callback.cause] ?? callback.cause,
    attributed_protocol: callback.attributed_protocol ?? '—',
    attributed_operator: callback.attributed_operator,
    attributed_date: callback.attributed_date,
    attributed_agent: callback.attributed_agent_name ?? callback.attributed_agent_id ?? '—',
  }));
  return {
    id, caption,
    columns: [
      { key: 'date', label: 'Data', kind: 'date' },
      { key: 'time', label: 'Hora', kind: 'text' },
      { key: 'protocol', label: 'Protocolo', kind: 'text' },
      { key: 'operator', label: 'Operadora', kind: 'text' },
      { key: 'customer', label: 'Cliente', kind: 'text' },
      { key: 'customer_ref', label: 'Ref. cliente', kind: 'text' },
      { key: 'agent', label: 'Atendente', kind: 'text' },
      { key: 'reason', label: 'Motivo', kind: 'text' },
      { key: 'bucket', label: 'Intervalo', kind: 'text' },
      { key: 'cause', label: 'Causa', kind: 'text' },
      { key: 'attributed_protocol', label: 'Protocolo de origem', kind: 'text' },
      // An operator's list holds the callbacks charged to its contacts: this column, not the one above.
      { key: 'attributed_operator', label: 'Operadora de origem', kind: 'text' },
      { key: 'attributed_date', label: 'Data de origem', kind: 'date' },
      { key: 'attributed_agent', label: 'Atendente responsável', kind: 'text' },
    ],
    rows,
    episodes: callbacks.map((callback) => episodeView(callback, episodes)),
    filterLabel: 'Buscar protocolo',
  };
}

/** Counts and shares of a mix (buckets or causes). */
export function mixTable(id: string, caption: string, labelHeader: string, entries: { label: string; count: number }[]): Table {
  const total = entries.reduce((sum, entry) => sum + entry.count, 0);
  return {
    id, caption,
    columns: [{ key: 'label', label: labelHeader, kind: 'text' }, { key: 'count', label: 'Rechamadas', kind: 'integer' }, { key: 'share', label: 'Participação', kind: 'percent' }],
    rows: entries.map((entry) => ({ label: entry.label, count: entry.count, share: ratio(entry.count, total) })),
  };
}

/** One entry per bucket or cause, in the labels' order: each `<key>` counts the `cb_<key>` measure. */
function mixEntries(row: Measures | undefined, labels: Record<string, string>): { label: string; count: number }[] {
  return Object.entries(labels).map(([key, label]) => ({ label, count: row?.[`cb_${key}` as keyof Measures] ?? 0 }));
}

export const bucketEntries = (row: Measures | undefined) => mixEntries(row, BUCKET_LABELS);
export const causeEntries = (row: Measures | undefined) => mixEntries(row, CAUSE_LABELS);
