import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import fs from 'fs-extra';
import { UsageError, type Command } from './command.ts';
import { loadConfig, type Config } from './config.ts';
import type { Io } from './io.ts';
import { publishAtomically } from './publish.ts';
import { reportsRootOf } from './report/archive.ts';
import { healthOf, recentRuns, type RunRecord } from './run-log.ts';
import { barSpec, trendSpec, type ChartText } from './render/charts.ts';
import { openSiteDb, runKpiModels } from './render/db.ts';
import { tableCsv } from './render/exports.ts';
import { BUCKET_LABELS, CAUSE_LABELS, formatDate, formatDateTime, formatInteger } from './render/format.ts';
import { addDays, buildPeriods, dataEnd, datesOf, localDate, type Period } from './render/periods.ts';
import { resolveSecret } from './render/privacy.ts';
import {
  DIMENSIONS, dailyKpis, groupKpis, listedCallbacks, operatorsOf, reasonCauses, registerPeriods, returningCustomers, warehouseMeta,
  type CauseRow, type DailyRow, type Dimension, type GroupRow, type Measures, type ReturningRow,
} from './render/queries.ts';
import { ratio } from './render/stats.ts';
import { formatCell, sortValue, type Table } from './render/tables.ts';
import { RenderPool, runLimited } from './render/workers.ts';
import {
  agentTable, bucketEntries, callbackTable, causeEntries, episodesByOrigin, groupTable, fcrShown, kpisOf, mixTable, overviewCards,
} from './render/views.ts';

const TEMPLATES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'templates');
const ALL = '*';
const ALL_SLUG = 'todas';
const AGENT_TREND_DAYS = 90;
/** A period shorter than this shows in its daily trend the days before it, down to the data's first. */
const OVERVIEW_TREND_DAYS = 7;

/** Global pages, pre-rendered for every period × operator scope. */
const PAGES = [
  { file: 'index.html', label: 'Visão geral' },
  { file: 'atendentes.html', label: 'Atendentes' },
  { file: 'equipes.html', label: 'Supervisores / Equipes' },
  { file: 'rechamadas.html', label: 'Rechamadas' },
  { file: 'motivos.html', label: 'Motivos' },
  { file: 'uf.html', label: 'DDD / UF' },
] as const;

/** `workers`: threads for charts and XLSX (default: one per core; 0 renders in-process). */
export interface BuildSiteOptions {
  warehouse: string; out: string; config: Config; io: Io; secret?: string; workers?: number;
  /** The run building this site, not logged yet: the runs page lists it first, as in progress. */
  currentRun?: RunRecord;
  /** The build time the pages show and the XLSX files carry (`io.now()` by default); the data's end is always the clock's. */
  builtAt?: Date;
}

interface SiteData {
  /** The KPI tables were missing or stale and this build rebuilt them. */
  kpiRebuilt: boolean;
  watermark: Date;
  /** The first local date with a contact: periods starting earlier show less than they span. */
  firstDay: string;
  lastDay: string;
  windowDays: number;
  periods: Period[];
  scopes: string[];
  groups: Map<Dimension, GroupRow[]>;
  returning: ReturningRow[];
  causes: CauseRow[];
  centerDaily: DailyRow[];
  agentDaily: DailyRow[];
  callbacks: Awaited<ReturnType<typeof listedCallbacks>>;
}

/** Renders the warehouse into a static site at `out`, swapped in only once complete. */
export async function buildSite(options: BuildSiteOptions): Promise<{ pages: number; files: number }> {
  const { config, io } = options;
  const started = performance.now();
  // Started first: the workers load Vega and exceljs while the queries run.
  const pool = new RenderPool(options.workers);
  let counts = { pages: 0, files: 0 };
  try {
    const data = await loadSiteData(options.warehouse, config, io);
    const secret = await resolveSecret(options.warehouse, options.secret);
    io.log(`build-site: ${data.periods.length} periods × ${data.scopes.length} operator scopes, ${new Set(data.groups.get('agent')!.map((row) => row.group_key)).size} agents (queries ${Math.round(performance.now() - started)} ms${data.kpiRebuilt ? ', KPI tables were stale and rebuilt' : ''})`);
    const runs = await recentRuns(options.warehouse);
    await publishAtomically(options.out, async (staging) => {
      counts = await writeSite(staging, data, { config, builtAt: options.builtAt ?? io.now(), secret, runs, currentRun: options.currentRun }, pool);
      // Daily reports live beside the warehouse and are copied into every build: a permalink
      // mailed once keeps working, whatever later builds change (docs/operations.md).
      const reports = reportsRootOf(options.warehouse);
      if (await fs.pathExists(reports)) await fs.copy(reports, join(staging, 'reports'), { filter: (path) => !/\.(building|old)-[0-9a-f]+$/.test(path) });
    });
  } finally {
    await pool.close();
  }
  io.log(`build-site: wrote ${counts.pages} pages, ${counts.files} files to ${options.out} in ${Math.round(performance.now() - started)} ms`);
  return counts;
}

async function loadSiteData(warehouse: string, config: Config, io: Io): Promise<SiteData> {
  if (!(await fs.pathExists(warehouse))) throw new Error(`warehouse not found: ${warehouse}`);
  const db = await openSiteDb(warehouse, config.timezone);
  try {
    const kpiRebuilt = await runKpiModels(db);
    const meta = await warehouseMeta(db);
    if (!meta.watermark) throw new Error('warehouse has no watermark: import data first');
    const watermark = dataEnd(meta.watermark, io.now());
    if (watermark.getTime() !== new Date(meta.watermark).getTime()) {
      io.log(`build-site: the latest leg starts after this build (${meta.watermark}): the dashboard ends now; find the leg with SELECT * FROM legs ORDER BY started_at DESC LIMIT 1`);
    }
    const lastDay = localDate(watermark, config.timezone);
    const [{ firstDay }] = await db.rows<{ firstDay: string }>('SELECT coalesce(CAST(min(local_date) AS VARCHAR), \'\') AS "firstDay" FROM contacts') as [{ firstDay: string }];
    const periods = buildPeriods(lastDay, config.site, firstDay);
    await registerPeriods(db, periods);
    const scopes = [ALL, ...(await operatorsOf(db))];
    const groups = new Map<Dimension, GroupRow[]>();
    for (const dimension of DIMENSIONS) {
      groups.set(dimension, await groupKpis(db, dimension, dimension === 'center'));
    }
    const earliest = periods.reduce((min, period) => (period.from < min ? period.from : min), addDays(lastDay, 1 - OVERVIEW_TREND_DAYS));
    const agentSince = addDays(lastDay, 1 - AGENT_TREND_DAYS);
    return {
      kpiRebuilt, watermark, firstDay, lastDay, periods, scopes, groups,
      windowDays: Number(meta.callback_window_days ?? config.callbackWindowDays),
      returning: await returningCustomers(db),
      causes: await reasonCauses(db),
      centerDaily: await dailyKpis(db, 'center', earliest, false),
      agentDaily: await dailyKpis(db, 'agent', agentSince, true),
      callbacks: await listedCallbacks(db, {
        since: earliest < agentSince ? earliest : agentSince, to: lastDay,
        perAgent: config.site.agentCallbackLimit, perPeriod: config.site.detailCallbackLimit, timeZone: config.timezone,
      }),
    };
  } finally {
    db.close();
  }
}

/** Groups rows by a key, keeping order. */
function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

function scopeSlug(scope: string): string {
  if (scope === ALL) return ALL_SLUG;
  return /^[a-z0-9_-]{1,64}$/.test(scope) && scope !== ALL_SLUG ? scope : `op-${shortHash(scope)}`;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

/** A readable, file-system-safe and collision-free name for an agent page. */
export function agentSlug(agentId: string): string {
  const readable = agentId.normalize('NFD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32).toLowerCase();
  return `${readable || 'agente'}-${shortHash(agentId).slice(0, 6)}`;
}

interface RenderContext { config: Config; builtAt: Date; secret: string; runs: RunRecord[]; currentRun?: RunRecord }

async function writeSite(dir: string, data: SiteData, context: RenderContext, pool: RenderPool): Promise<{ pages: number; files: number }> {
  const eta = new Eta({ views: TEMPLATES, autoEscape: true, autoTrim: false, cache: true });
  const assets = await writeAssets(dir);
  return writePages(dir, data, context, eta, assets, pool);
}

async function writePages(dir: string, data: SiteData, context: RenderContext, eta: Eta, assets: { css: string; js: string }, pool: RenderPool): Promise<{ pages: number; files: number }> {
  const { config } = context;
  const charts = new ChartCache(pool);
  const jobs: (() => Promise<void>)[] = [];
  let pages = 0;
  let files = 0;
  const folders = new Set<string>();
  const write = async (relative: string, content: string | Buffer) => {
    const path = join(dir, relative);
    const folder = dirname(path);
    // One mkdir per folder, not one per file: thousands of files per build.
    if (!folders.has(folder)) {
      await fs.ensureDir(folder);
      folders.add(folder);
    }
    // Synchronous: the pages land in the page cache at once, and thousands of small asynchronous
    // writes cost the main thread (the build's busiest) more than they save (−3 s CPU per bench build).
    writeFileSync(path, content);
    files++;
  };
  const defaultPeriod = config.site.defaultPeriod;
  const freshness = {
    firstDay: formatDate(data.firstDay),
    watermark: formatDateTime(data.watermark, config.timezone),
    builtAt: formatDateTime(context.builtAt, config.timezone),
    provisionalFrom: formatDate(addDays(data.lastDay, -data.windowDays)),
    windowDays: data.windowDays,
  };
  const isProvisional = (date: string) => date >= addDays(data.lastDay, -data.windowDays);
  const pageHref = (root: string, period: string, scope: string, file: string) => `${root}p/${period}/${scopeSlug(scope)}/${file}`;

  const index = (dimension: Dimension) => groupBy(data.groups.get(dimension)!, (row) => `${row.period_id}|${row.part}|${row.scope}`);
  const byDimension = new Map<Dimension, Map<string, GroupRow[]>>(DIMENSIONS.map((d) => [d, index(d)]));
  const rowsOf = (dimension: Dimension, period: string, scope: string, part = 'current') => byDimension.get(dimension)!.get(`${period}|${part}|${scope}`) ?? [];
  const returningOf = (period: string, scope: string, part: string) => data.returning.find((r) => r.period_id === period && r.scope === scope && r.part === part);
  const callbacksByList = groupBy(data.callbacks.callbacks, (row) => row.list);
  const episodes = episodesByOrigin(data.callbacks.episodes);
  const centerDaily = groupBy(data.centerDaily, (row) => row.scope);
  const causesByPage = groupBy(data.causes, (row) => `${row.period_id}|${row.scope}`);
  const privacy = { secret: context.secret, mask: config.site.maskNumbers };
  const agentIds = [...new Set(data.groups.get('agent')!.map((row) => row.group_key))].sort();
  const agentHref = (root: string, period: string) => (agentId: string) => `${root}atendente/${agentSlug(agentId)}.html#periodo=${period}`;

  const renderPage = async (relative: string, root: string, page: {
    title: string; subtitle?: string; intro?: string; cards?: unknown; charts: RenderedChart[]; tables: Table[];
    tableNotes?: Record<string, string>; selector: unknown; navPeriod: string; navScope: string; navCurrent?: string;
  }) => {
    const base = relative.replace(/\.html$/, '');
    const fileName = base.split('/').pop()!;
    const tables = [];
    for (const table of page.tables) {
      await write(`${base}.${table.id}.csv`, tableCsv(table));
      tables.push({ table, csv: `${fileName}.${table.id}.csv`, xlsx: `${fileName}.xlsx`, note: page.tableNotes?.[table.id] });
    }
    if (page.tables.length > 0) await write(`${base}.xlsx`, await pool.workbook(page.tables, context.builtAt));
    const nav = PAGES.map((p) => ({ href: pageHref(root, page.navPeriod, page.navScope, p.file), label: p.label, current: p.file === page.navCurrent }));
    const html = await eta.renderAsync('./page', {
      root, assets, site: config.site, nav, freshness, selector: page.selector, pageTitle: page.title, subtitle: page.subtitle, intro: page.intro,
      cards: page.cards, charts: page.charts, tables, formatCell, sortValue,
    });
    await write(relative, html);
    pages++;
  };

  for (const period of data.periods) {
    for (const scope of data.scopes) jobs.push(async () => {
      const root = '../../../';
      const scopeLabel = scope === ALL ? 'todas as operadoras' : `operadora ${scope}`;
      // Callbacks of a period's first days need contacts from before it: where the data starts
      // inside the period, its rates are low at the start, and the page says so.
      const partial = period.from < data.firstDay ? ` · dados a partir de ${formatDate(data.firstDay)}` : '';
      const subtitle = `${period.label} (${formatDate(period.from)} a ${formatDate(period.to)}) · ${scopeLabel}${partial}`;
      const selectorFor = (file: string) => ({
        page: file,
        periods: data.periods.map((p) => ({ id: p.id, label: p.label, from: p.from, to: p.to, selected: p.id === period.id })),
        operators: data.scopes.map((s) => ({ id: scopeSlug(s), label: s === ALL ? 'Todas' : s, selected: s === scope })),
      });
      const common = { navPeriod: period.id, navScope: scope, subtitle };
      const center = rowsOf('center', period.id, scope)[0];
      const previousCenter = rowsOf('center', period.id, scope, 'previous')[0];
      const overview = await overviewPage(period, scope, center, previousCenter, {
        charts, isProvisional, rowsOf, returningOf, centerDaily: centerDaily.get(scope) ?? [], firstDay: data.firstDay,
      });
      const overviewPageData = { ...common, title: 'Visão geral', navCurrent: 'index.html', selector: selectorFor('index.html'), ...overview };
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/index.html`, root, overviewPageData);
      if (scope === ALL && period.id === defaultPeriod) {
        await renderPage('index.html', '', { ...overviewPageData, selector: { ...selectorFor('index.html') } });
      }

      const teams = new Map(rowsOf('team', period.id, scope).map((row) => [row.group_key, row as Measures]));
      const agents = agentTable(rowsOf('agent', period.id, scope), teams, agentHref(root, period.id));
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/atendentes.html`, root, {
        ...common, title: 'Atendentes', navCurrent: 'atendentes.html', selector: selectorFor('atendentes.html'), charts: [], tables: [agents],
        intro: 'Sinalizado só quando o limite inferior do intervalo de confiança de 95% (Wilson) da taxa do atendente fica acima da taxa da equipe: amostras pequenas não são punidas.',
      });

      const teamRows = rowsOf('team', period.id, scope);
      const supervisorRows = rowsOf('supervisor', period.id, scope);
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/equipes.html`, root, {
        ...common, title: 'Supervisores / Equipes', navCurrent: 'equipes.html', selector: selectorFor('equipes.html'),
        charts: [await charts.rateBars(teamRows, { title: 'Taxa de rechamada por equipe', description: `Taxa de rechamada de cada equipe, ${subtitle}.` })],
        tables: [
          groupTable('equipes', 'Equipes', 'Equipe', teamRows, center, { key: 'supervisor', label: 'Supervisor' }),
          groupTable('supervisores', 'Supervisores', 'Supervisor', supervisorRows, center),
          groupTable('filas', 'Filas', 'Fila', rowsOf('queue', period.id, scope), center),
        ],
        intro: 'Sinalizada só quando o limite inferior do IC 95% (Wilson) fica acima da taxa do centro.',
      });

      const listed = callbacksByList.get(`${period.id}|${scope}`) ?? [];
      const limit = config.site.detailCallbackLimit;
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/rechamadas.html`, root, {
        ...common, title: 'Rechamadas', navCurrent: 'rechamadas.html', selector: selectorFor('rechamadas.html'), charts: [],
        tables: [callbackTable('rechamadas', 'Rechamadas do período', listed, episodes, privacy)],
        tableNotes: { rechamadas: listed.length >= limit ? `(as ${formatInteger(limit)} mais recentes de ${formatInteger(kpisOf(center).callbacks)})` : '' },
      });

      const causeRows = causesByPage.get(`${period.id}|${scope}`) ?? [];
      const categoryRows = rowsOf('reason_category', period.id, scope);
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/motivos.html`, root, {
        ...common, title: 'Motivos', navCurrent: 'motivos.html', selector: selectorFor('motivos.html'),
        charts: [await charts.rateBars(categoryRows, { title: 'Taxa de rechamada por categoria de motivo', description: `Taxa de rechamada por categoria de motivo do atendimento de origem, ${subtitle}.` })],
        tables: [
          groupTable('categorias', 'Categorias de motivo', 'Categoria', categoryRows, center),
          groupTable('motivos', 'Motivos', 'Motivo', rowsOf('reason', period.id, scope), center, { key: 'reason_category', label: 'Categoria' }),
          reasonCauseTable(causeRows),
        ],
      });

      const ufRows = rowsOf('uf', period.id, scope);
      const regionRows = rowsOf('region', period.id, scope);
      await renderPage(`p/${period.id}/${scopeSlug(scope)}/uf.html`, root, {
        ...common, title: 'DDD / UF', navCurrent: 'uf.html', selector: selectorFor('uf.html'),
        charts: [
          await charts.rateBars(regionRows, { title: 'Taxa de rechamada por região', description: `Taxa de rechamada por região do DDD do cliente, ${subtitle}.` }),
          await charts.rateBars(ufRows, { title: 'Taxa de rechamada por UF', description: `Taxa de rechamada por UF do DDD do cliente, ${subtitle}.` }),
        ],
        tables: [
          groupTable('regioes', 'Regiões', 'Região', regionRows, center),
          groupTable('ufs', 'UFs', 'UF', ufRows, center, { key: 'region', label: 'Região' }),
          groupTable('ddds', 'DDDs', 'DDD', rowsOf('ddd', period.id, scope), center, { key: 'uf', label: 'UF' }),
        ],
      });
    });
  }

  jobs.push(() => renderPage('execucoes.html', '', {
    title: 'Execuções', navPeriod: defaultPeriod, navScope: ALL, selector: null, charts: [],
    ...runsPage(context.runs, config.timezone, context.currentRun),
  }));

  const agentDaily = groupBy(data.agentDaily, (row) => row.group_key);
  const agentPeriodRows = groupBy(data.groups.get('agent')!.filter((row) => row.scope === ALL), (row) => row.group_key);
  const teamByPeriod = groupBy(data.groups.get('team')!.filter((row) => row.scope === ALL), (row) => `${row.period_id}|${row.group_key}`);
  for (const agentId of agentIds) jobs.push(async () => {
    const rows = agentPeriodRows.get(agentId) ?? [];
    const latest = rows.find((row) => row.period_id === defaultPeriod) ?? rows[0]!;
    // The last AGENT_TREND_DAYS days, from the data's first day at the earliest (no days of zeros before it).
    const trendFrom = addDays(data.lastDay, 1 - AGENT_TREND_DAYS);
    const trendDays = datesOf({ from: trendFrom < data.firstDay ? data.firstDay : trendFrom, to: data.lastDay });
    const daily = new Map((agentDaily.get(agentId) ?? []).map((row) => [row.local_date, row]));
    const trend = trendDays.map((date) => {
      const row = daily.get(date);
      return { date, contacts: row?.contacts ?? 0, callbacks: row?.callbacks ?? 0, rate: row ? ratio(row.callbacks, row.contacts) : null, provisional: isProvisional(date) };
    });
    const name = latest.group_label;
    await renderPage(`atendente/${agentSlug(agentId)}.html`, '../', {
      title: `Atendente: ${name}`,
      subtitle: `ID ${agentId} · equipe ${latest.team ?? '—'} · supervisor ${latest.supervisor ?? '—'} · todas as operadoras`,
      navPeriod: defaultPeriod, navScope: ALL,
      selector: {
        page: '', local: true,
        periods: data.periods.map((p) => ({ id: p.id, label: p.label, from: p.from, to: p.to, selected: p.id === defaultPeriod })),
      },
      charts: [await charts.trend(trend, { title: `Atendimentos e taxa de rechamada por dia — ${name}`, description: `${formatDate(trendDays[0]!)} a ${formatDate(data.lastDay)}; barras: atendimentos, linha: taxa de rechamada.` })],
      tables: [
        agentPeriodTable(data.periods, rows, teamByPeriod),
        agentMixTable(data.periods, rows),
        callbackTable('rechamadas', 'Rechamadas atribuídas', callbacksByList.get(`agent:${agentId}`) ?? [], episodes, privacy),
      ],
      tableNotes: { rechamadas: `(as ${formatInteger(config.site.agentCallbackLimit)} mais recentes; o seletor de período filtra a lista)` },
      intro: 'Use o seletor de período acima: as tabelas mostram o período escolhido. Rechamadas são contadas na data da rechamada e atribuídas ao atendimento de origem.',
    });
  });
  await runLimited(jobs, 8);
  return { pages, files };
}

/** The pipeline's recent runs and health (the run log, `runs.jsonl`), after the run publishing the page if any. */
function runsPage(runs: RunRecord[], timeZone: string, current?: RunRecord): { intro: string; tables: Table[] } {
  const health = healthOf(runs);
  const when = (iso: string | undefined) => (iso ? formatDateTime(new Date(iso), timeZone) : '—');
  const status = { ok: 'em dia', failing: `com falha (${health.failuresSinceSuccess} execução(ões) sem sucesso)`, unknown: 'sem execuções registradas' }[health.status];
  const outcome = { ok: 'sucesso', failed: 'falhou', aborted: 'interrompida', refused: 'recusada (outra em curso)' };
  const kind = { scheduled: 'agendada', run: 'manual', rebuild: 'reconstrução' };
  return {
    intro: `Situação do pipeline: ${status}. Último sucesso: ${when(health.lastSuccess)}.`
      + (current ? ` Esta versão do site foi publicada pela execução iniciada em ${when(current.started)}, ainda em andamento.` : ''),
    tables: [{
      id: 'execucoes', caption: 'Execuções recentes',
      columns: [
        { key: 'started', label: 'Início', kind: 'text' }, { key: 'kind', label: 'Tipo', kind: 'text' }, { key: 'days', label: 'Dias', kind: 'text' },
        { key: 'outcome', label: 'Resultado', kind: 'text' }, { key: 'seconds', label: 'Duração (s)', kind: 'integer' },
        { key: 'extracted', label: 'Extraídos', kind: 'integer' }, { key: 'loaded', label: 'Carregados', kind: 'integer' }, { key: 'rejected', label: 'Rejeitados', kind: 'integer' },
        { key: 'warnings', label: 'Avisos', kind: 'text' },
      ],
      rows: [...(current ? [current] : []), ...runs].map((run) => ({
        started: when(run.started), kind: kind[run.kind],
        days: run.dates.length ? `${formatDate(run.dates[0]!)} a ${formatDate(run.dates.at(-1)!)}` : '—',
        outcome: run === current ? 'em andamento (publicou esta versão do site)' : `${outcome[run.outcome]}${run.error ? `: ${runTextPt(run.error)}` : ''}`,
        seconds: run === current ? null : Math.round((Date.parse(run.ended) - Date.parse(run.started)) / 1000),
        extracted: run.extracted, loaded: run.loaded, rejected: run.rejected, warnings: run.warnings.map(runTextPt).join('; '),
      })),
      empty: 'Nenhuma execução registrada ainda.',
    }],
  };
}

const STAGES_PT: Record<string, string> = {
  backup: 'cópia de segurança', extract: 'extração', 'load-raw': 'recarga das páginas recebidas', reports: 'relatórios', site: 'site', email: 'e-mail',
};

/**
 * The run log is written in English (ops read it in a terminal too); the page says in Portuguese
 * what its warnings and errors are, with dates as dd/mm/aaaa. A detail from a failure (an HTTP or
 * database message) stays as it was written.
 */
function runTextPt(text: string): string {
  const patterns: Array<[RegExp, (...groups: string[]) => string]> = [
    [/^nothing landed for (\S+) (\d{4}-\d{2}-\d{2})$/, (source, day) => `nenhuma página recebida de ${source} para ${formatDate(day!)}`],
    [/^extraction failed for (\S+) (\d{4}-\d{2}-\d{2}): ([^]*)$/, (source, day, detail) => `extração de ${source} para ${formatDate(day!)} falhou: ${detail}`],
    [/^recovered a stale lock left by pid (\d+)$/, (pid) => `trava deixada pelo processo ${pid}, que não existe mais, retomada`],
    [/^stopped before (\S+)$/, (stage) => `interrompida antes da etapa ${STAGES_PT[stage!] ?? stage}`],
    [/^(\d+) warning\(s\)$/, (count) => `${count} aviso(s)`],
    [/^([a-z-]+): ([^]*)$/, (stage, detail) => (STAGES_PT[stage!] ? `etapa ${STAGES_PT[stage!]}: ${detail}` : `${stage}: ${detail}`)],
  ];
  for (const [pattern, say] of patterns) {
    const match = pattern.exec(text);
    if (match) return say(...match.slice(1));
  }
  return text;
}

/** Content-hashed asset names: a new build never serves a stale cached stylesheet. */
async function writeAssets(dir: string): Promise<{ css: string; js: string }> {
  const names = { css: '', js: '' };
  for (const [kind, file] of [['css', 'site.css'], ['js', 'site.js']] as const) {
    const content = await readFile(join(TEMPLATES, 'assets', file));
    const name = `assets/site.${createHash('sha256').update(content).digest('hex').slice(0, 10)}.${kind}`;
    await fs.outputFile(join(dir, name), content);
    names[kind] = name;
  }
  return names;
}

interface RenderedChart { svg: string; title: string; table: Table }

/** Renders charts, reusing the SVG of an identical spec (e.g. empty months). */
class ChartCache {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly pool: RenderPool) {}

  private async render(spec: Record<string, unknown>, text: ChartText, table: Table): Promise<RenderedChart> {
    const key = JSON.stringify([spec, text]);
    let svg = this.cache.get(key);
    if (svg === undefined) {
      svg = this.pool.chart(spec, text);
      this.cache.set(key, svg);
    }
    return { svg: await svg, title: text.title, table };
  }

  trend(days: { date: string; contacts: number; callbacks: number; rate: number | null; provisional: boolean }[], text: ChartText): Promise<RenderedChart> {
    return this.render(trendSpec(days), text, {
      id: 'trend', caption: text.title,
      columns: [{ key: 'date', label: 'Dia', kind: 'date' }, { key: 'contacts', label: 'Atendimentos', kind: 'integer' }, { key: 'callbacks', label: 'Rechamadas', kind: 'integer' }, { key: 'rate', label: 'Taxa', kind: 'percent' }, { key: 'status', label: 'Situação', kind: 'text' }],
      rows: days.map((day) => ({ date: day.date, contacts: day.contacts, callbacks: day.callbacks, rate: day.rate, status: day.provisional ? 'provisório' : 'fechado' })),
    });
  }

  counts(entries: { label: string; count: number }[], text: ChartText, color?: string): Promise<RenderedChart> {
    return this.render(barSpec(entries.map((e) => ({ label: e.label, value: e.count })), { format: 'count', color }), text, {
      id: 'counts', caption: text.title,
      columns: [{ key: 'label', label: 'Categoria', kind: 'text' }, { key: 'count', label: 'Quantidade', kind: 'integer' }],
      rows: entries.map((e) => ({ label: e.label, count: e.count })),
    });
  }

  rateBars(groups: GroupRow[], text: ChartText, top = 15): Promise<RenderedChart> {
    const measured = groups.filter((g) => g.contacts > 0);
    const rows = [...measured].sort((a, b) => b.callbacks - a.callbacks || a.group_key.localeCompare(b.group_key)).slice(0, top)
      .map((g) => ({ label: g.group_label, value: ratio(g.callbacks, g.contacts) ?? 0, contacts: g.contacts, callbacks: g.callbacks }));
    // A chart of some of the groups says so: the table below it has them all.
    const shown = measured.length > top ? { ...text, title: `${text.title}: os ${top} com mais rechamadas, de ${measured.length}` } : text;
    return this.render(barSpec(rows.map((r) => ({ label: r.label, value: r.value })), { format: 'percent' }), shown, {
      id: 'rates', caption: shown.title,
      columns: [{ key: 'label', label: 'Grupo', kind: 'text' }, { key: 'contacts', label: 'Atendimentos', kind: 'integer' }, { key: 'callbacks', label: 'Rechamadas', kind: 'integer' }, { key: 'value', label: 'Taxa', kind: 'percent' }],
      rows,
    });
  }
}

async function overviewPage(
  period: Period, scope: string, center: GroupRow | undefined, previous: GroupRow | undefined,
  helpers: {
    charts: ChartCache; isProvisional: (date: string) => boolean; centerDaily: DailyRow[]; firstDay: string;
    rowsOf: (dimension: Dimension, period: string, scope: string) => GroupRow[];
    returningOf: (period: string, scope: string, part: string) => ReturningRow | undefined;
  },
) {
  const { charts, rowsOf } = helpers;
  const cards = overviewCards(center, previous, { current: helpers.returningOf(period.id, scope, 'current'), previous: helpers.returningOf(period.id, scope, 'previous') });
  const daily = new Map(helpers.centerDaily.map((row) => [row.local_date, row]));
  // A day alone is one bar: a short period is shown after the days before it, for comparison.
  const contextFrom = addDays(period.to, 1 - OVERVIEW_TREND_DAYS);
  const trendFrom = [period.from, contextFrom > helpers.firstDay ? contextFrom : helpers.firstDay].sort()[0]!;
  const days = datesOf({ from: trendFrom, to: period.to }).map((date) => {
    const row = daily.get(date);
    return { date, contacts: row?.contacts ?? 0, callbacks: row?.callbacks ?? 0, rate: row ? ratio(row.callbacks, row.contacts) : null, provisional: helpers.isProvisional(date) };
  });
  const trendPeriod = days[0]!.date < period.from ? ` ${period.label}, após os dias anteriores desde ${formatDate(days[0]!.date)}.` : ` ${period.label}.`;
  const topReasons = rowsOf('reason', period.id, scope);
  const reasonCounts = [...topReasons].sort((a, b) => b.callbacks - a.callbacks || a.group_key.localeCompare(b.group_key)).slice(0, 10).map((r) => ({ label: r.group_label, count: r.callbacks }));
  const chartList = [
    await charts.trend(days, { title: 'Atendimentos e taxa de rechamada por dia', description: `Barras: atendimentos elegíveis por dia; linha: taxa de rechamada.${trendPeriod}` }),
    await charts.counts(bucketEntries(center), { title: 'Rechamadas por intervalo', description: 'Rechamadas no mesmo dia, em até 3 dias e em mais de 3 dias do atendimento de origem.' }),
    await charts.counts(causeEntries(center), { title: 'Rechamadas por causa', description: 'Causa provável de cada rechamada, pelo atendimento de origem.' }),
    await charts.counts(reasonCounts, { title: 'Motivos com mais rechamadas', description: 'Os 10 motivos do atendimento de origem com mais rechamadas.' }),
    await charts.rateBars(rowsOf('region', period.id, scope), { title: 'Taxa de rechamada por região', description: 'Taxa de rechamada por região do DDD do cliente.' }),
  ];
  if (scope === ALL) {
    chartList.splice(3, 0, await charts.rateBars(rowsOf('operator', period.id, scope), { title: 'Taxa de rechamada por operadora', description: 'Taxa de rechamada de cada operadora no período.' }));
  }
  const dailyTable: Table = {
    id: 'diario', caption: 'Resumo diário',
    columns: [{ key: 'date', label: 'Dia', kind: 'date' }, { key: 'contacts', label: 'Atendimentos', kind: 'integer' }, { key: 'callbacks', label: 'Rechamadas', kind: 'integer' }, { key: 'rate', label: 'Taxa', kind: 'percent' }, { key: 'status', label: 'Situação', kind: 'text' }],
    rows: days.map((d) => ({ date: d.date, contacts: d.contacts, callbacks: d.callbacks, rate: d.rate, status: d.provisional ? 'provisório' : 'fechado' })),
  };
  return {
    cards,
    charts: chartList,
    tables: [
      dailyTable,
      mixTable('intervalos', 'Rechamadas por intervalo', 'Intervalo', bucketEntries(center)),
      mixTable('causas', 'Rechamadas por causa', 'Causa', causeEntries(center)),
      ...(scope === ALL ? [groupTable('operadoras', 'Por operadora', 'Operadora', rowsOf('operator', period.id, scope), center)] : []),
      groupTable('top-motivos', 'Motivos', 'Motivo', [...topReasons].sort((a, b) => b.callbacks - a.callbacks || a.group_key.localeCompare(b.group_key)).slice(0, 10), center),
      groupTable('regioes', 'Por região', 'Região', rowsOf('region', period.id, scope), center),
      groupTable('ufs', 'Por UF', 'UF', rowsOf('uf', period.id, scope), center),
    ],
  };
}

function reasonCauseTable(rows: CauseRow[]): Table {
  const byReason = groupBy(rows, (row) => `${row.reason_category}\u0000${row.reason}`);
  const causes = Object.keys(CAUSE_LABELS);
  const tableRows = [...byReason.values()].map((list) => {
    const counts = Object.fromEntries(causes.map((cause) => [cause, list.filter((r) => r.cause === cause).reduce((s, r) => s + r.callbacks, 0)]));
    const total = Object.values(counts).reduce((s, n) => s + n, 0);
    return { category: list[0]!.reason_category, reason: list[0]!.reason, total, ...counts };
  }).sort((a, b) => b.total - a.total || a.reason.localeCompare(b.reason));
  return {
    id: 'motivos-causas', caption: 'Motivos × causas (rechamadas)',
    columns: [
      { key: 'category', label: 'Categoria', kind: 'text' }, { key: 'reason', label: 'Motivo', kind: 'text' }, { key: 'total', label: 'Rechamadas', kind: 'integer' },
      ...causes.map((cause) => ({ key: cause, label: CAUSE_LABELS[cause]!, kind: 'integer' as const })),
    ],
    rows: tableRows,
    filterLabel: 'Filtrar motivo',
  };
}

function agentPeriodTable(periods: Period[], rows: GroupRow[], teamByPeriod: Map<string, GroupRow[]>): Table {
  const byPeriod = new Map(rows.map((row) => [row.period_id, row]));
  const tableRows = periods.map((period) => {
    const row = byPeriod.get(period.id);
    const k = kpisOf(row);
    const team = row?.team ? teamByPeriod.get(`${period.id}|${row.team}`)?.[0] : undefined;
    return { period: period.label, contacts: k.contacts, callbacks: k.callbacks, rate: k.rate, team_rate: kpisOf(team).rate, fcr: fcrShown(k), pending: k.pending, aht: k.aht, unidentified: k.unidentified };
  });
  return {
    id: 'periodos', caption: 'Indicadores',
    columns: [
      { key: 'period', label: 'Período', kind: 'text' }, { key: 'contacts', label: 'Atendimentos', kind: 'integer' }, { key: 'callbacks', label: 'Rechamadas', kind: 'integer' },
      { key: 'rate', label: 'Taxa', kind: 'percent' }, { key: 'team_rate', label: 'Taxa da equipe', kind: 'percent' }, { key: 'fcr', label: 'FCR', kind: 'percent' },
      { key: 'pending', label: 'Pendentes', kind: 'integer' }, { key: 'aht', label: 'TMA', kind: 'duration' }, { key: 'unidentified', label: 'Não identif.', kind: 'integer' },
    ],
    rows: tableRows,
    rowData: periods.map((period) => ({ period: period.id })),
  };
}

function agentMixTable(periods: Period[], rows: GroupRow[]): Table {
  const byPeriod = new Map(rows.map((row) => [row.period_id, row]));
  const keys = [
    ...Object.entries(BUCKET_LABELS).map(([key, label]) => ({ key: `cb_${key}`, label })),
    ...Object.entries(CAUSE_LABELS).map(([key, label]) => ({ key: `cb_${key}`, label })),
  ];
  return {
    id: 'composicao', caption: 'Rechamadas por intervalo e causa',
    columns: [{ key: 'period', label: 'Período', kind: 'text' }, { key: 'callbacks', label: 'Rechamadas', kind: 'integer' }, ...keys.map((k) => ({ key: k.key, label: k.label, kind: 'integer' as const }))],
    rows: periods.map((period) => {
      const row = byPeriod.get(period.id) as unknown as Record<string, number> | undefined;
      return { period: period.label, callbacks: row?.callbacks ?? 0, ...Object.fromEntries(keys.map((k) => [k.key, row?.[k.key] ?? 0])) };
    }),
    rowData: periods.map((period) => ({ period: period.id })),
  };
}

export const buildSiteCommand: Command = {
  summary: 'render the warehouse into the static dashboard (site/)',
  usage: 'rechamadas build-site [--warehouse PATH] [--out DIR] [--config FILE]',
  help: `SOURCE_DATE_EPOCH (seconds since 1970, as reproducible builds set it) fixes the build time the
pages show and the XLSX files carry: two builds of the same data are then byte-identical. Where the
data ends does not depend on it.`,
  options: { warehouse: { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
  async run({ values }, io) {
    const config = await loadConfig(values.config as string | undefined);
    const epoch = process.env.SOURCE_DATE_EPOCH;
    if (epoch !== undefined && !/^\d{1,12}$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${epoch}"`);
    await buildSite({
      warehouse: (values.warehouse as string | undefined) ?? config.warehouse, out: (values.out as string | undefined) ?? config.schedule.site, config, io,
      builtAt: epoch === undefined ? undefined : new Date(Number(epoch) * 1000),
    });
    return 0;
  },
};
