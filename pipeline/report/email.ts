import { escapeHtml } from '../render/html.ts';
import { formatDate, formatInteger, formatPercent } from '../render/format.ts';
import type { ScheduleConfig } from '../schedule-config.ts';
import type { DayReport, TeamLine } from './day.ts';
import { fcrWaiting, type Kpis } from '../render/views.ts';

/**
 * The daily report as an email (HTML with inline styles, since mail clients drop style sheets,
 * plus a plain-text part) and as its permalink page. Both come from one function, so the page a
 * link opens says exactly what the email said.
 */

export interface ReportChart { file: string; cid: string; title: string; png: Buffer }

export interface ComposedReport {
  subject: string;
  text: string;
  /** For the email: charts as `cid:` attachments, links absolute. */
  emailHtml: string;
  /** For `reports/YYYY-MM-DD/index.html`: charts beside it, links relative. */
  pageHtml: string;
  link: string;
}

export function reportPath(date: string): string {
  return `reports/${date}/`;
}

export function composeReport(report: DayReport, charts: ReportChart[], siteUrl: string): ComposedReport {
  const link = new URL(reportPath(report.date), siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`).href;
  const day = formatDate(report.date);
  const subject = `Rechamadas ${day}${report.missingSources.length ? ' (dados incompletos)' : ''}: ${formatPercent(report.kpis.rate)} de rechamada em ${formatInteger(report.kpis.contacts)} atendimentos`;
  return {
    subject,
    link,
    text: textBody(report, link),
    emailHtml: htmlBody(report, { link, home: new URL('../../index.html', link).href, image: (chart) => `cid:${chart.cid}`, charts }),
    // The page is the report on the site: no link to itself.
    pageHtml: htmlBody(report, { link: undefined, home: '../../index.html', image: (chart) => chart.file, charts }),
  };
}

/** Everyone in `to`, plus the lists of the teams and supervisors that worked that day; each address once. */
export function recipientsOf(report: DayReport, settings: ScheduleConfig['report']): string[] {
  const teams = report.teams.filter((team) => team.contacts > 0);
  const lists = [
    settings.to,
    ...teams.map((team) => settings.teams[team.team] ?? []),
    ...teams.map((team) => (team.supervisor ? settings.supervisors[team.supervisor] ?? [] : [])),
  ];
  return [...new Set(lists.flat())];
}

function headline(report: DayReport): { label: string; value: string; before: string }[] {
  return [
    { label: 'Atendimentos', value: formatInteger(report.kpis.contacts), before: formatInteger(report.previous.contacts) },
    { label: 'Rechamadas', value: formatInteger(report.kpis.callbacks), before: formatInteger(report.previous.callbacks) },
    { label: 'Taxa de rechamada', value: formatPercent(report.kpis.rate), before: formatPercent(report.previous.rate) },
    { label: 'FCR', value: fcrText(report.kpis), before: fcrText(report.previous) },
  ];
}

/** A day inside its callback window has contacts pending (see fcrCard on the site). */
function fcrText(kpis: Kpis): string {
  if (fcrWaiting(kpis)) return 'aguardando a janela de rechamada';
  return kpis.pending > 0 ? `${formatPercent(kpis.fcr)} (provisório)` : formatPercent(kpis.fcr);
}

/** Said first when sources of the day did not load: every figure below lacks them. */
function incompleteNotice(report: DayReport): string | undefined {
  if (!report.missingSources.length) return undefined;
  return `Atenção: dados incompletos. Não foram carregados os dados de ${report.missingSources.join(', ')} deste dia; os números abaixo não os incluem e serão refeitos quando a carga for repetida.`;
}

function teamText(team: TeamLine): string {
  return `${team.team}${team.supervisor ? ` (sup. ${team.supervisor})` : ''}: ${formatPercent(team.rate)} — ${formatInteger(team.callbacks)} de ${formatInteger(team.contacts)}`;
}

function textBody(report: DayReport, link: string): string {
  const notice = incompleteNotice(report);
  const lines = [
    `Relatório diário de rechamadas — ${formatDate(report.date)}`,
    '',
    ...(notice ? [notice, ''] : []),
    ...headline(report).map((item) => `${item.label}: ${item.value} (dia anterior: ${item.before})`),
    ...(report.provisional ? ['', 'Números provisórios: a janela de rechamada deste dia ainda está aberta.'] : []),
    '',
    'Equipes com maior taxa de rechamada:',
    ...(report.worst.length ? report.worst.map((team) => `  - ${teamText(team)}`) : ['  (sem atendimentos)']),
    '',
    'Equipes com menor taxa de rechamada:',
    ...(report.best.length ? report.best.map((team) => `  - ${teamText(team)}`) : ['  (sem atendimentos)']),
    '',
    `Relatório completo: ${link}`,
    '',
  ];
  return lines.join('\n');
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;color:#1f2933';

function teamRows(teams: TeamLine[]): string {
  if (!teams.length) return `<tr><td style="padding:4px 8px;${FONT}" colspan="3">Sem atendimentos</td></tr>`;
  return teams.map((team) => `<tr>
<td style="padding:4px 8px;border-bottom:1px solid #e4e8ec;${FONT}">${escapeHtml(team.team)}${team.supervisor ? `<br><small style="color:#6b7785">sup. ${escapeHtml(team.supervisor)}</small>` : ''}</td>
<td style="padding:4px 8px;border-bottom:1px solid #e4e8ec;text-align:right;${FONT}">${formatPercent(team.rate)}</td>
<td style="padding:4px 8px;border-bottom:1px solid #e4e8ec;text-align:right;${FONT}">${formatInteger(team.callbacks)} / ${formatInteger(team.contacts)}</td>
</tr>`).join('\n');
}

function htmlBody(report: DayReport, target: { link: string | undefined; home: string; image: (chart: ReportChart) => string; charts: ReportChart[] }): string {
  const day = formatDate(report.date);
  const notice = incompleteNotice(report);
  const cards = headline(report).map((item) => `<td style="padding:8px 12px;border:1px solid #e4e8ec;${FONT}">
<div style="font-size:12px;color:#6b7785">${item.label}</div>
<div style="font-size:22px;font-weight:bold">${item.value}</div>
<div style="font-size:11px;color:#6b7785">dia anterior: ${item.before}</div></td>`).join('\n');
  const teamTable = (title: string, teams: TeamLine[]) => `<h2 style="font-size:16px;${FONT}">${title}</h2>
<table role="presentation" cellspacing="0" style="border-collapse:collapse">
<tr><th style="text-align:left;padding:4px 8px;${FONT}">Equipe</th><th style="text-align:right;padding:4px 8px;${FONT}">Taxa</th><th style="text-align:right;padding:4px 8px;${FONT}">Rechamadas / atendimentos</th></tr>
${teamRows(teams)}
</table>`;
  const charts = target.charts.map((chart) => `<p><img src="${escapeHtml(target.image(chart))}" alt="${escapeHtml(chart.title)}" width="640" style="max-width:100%;height:auto"></p>`).join('\n');
  return `<!doctype html>
<html lang="pt-BR">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>Rechamadas · ${day}</title></head>
<body style="margin:0;padding:16px;background:#ffffff;${FONT}">
<h1 style="font-size:20px;${FONT}">Relatório diário de rechamadas — ${day}</h1>
${notice ? `<p style="${FONT};color:#a61b1b;font-weight:bold">${escapeHtml(notice)}</p>` : ''}
${report.provisional ? `<p style="${FONT};color:#8a5a00">Números provisórios: a janela de rechamada deste dia ainda está aberta.</p>` : ''}
<table role="presentation" cellspacing="0" style="border-collapse:collapse"><tr>
${cards}
</tr></table>
${teamTable('Equipes com maior taxa de rechamada', report.worst)}
${teamTable('Equipes com menor taxa de rechamada', report.best)}
${charts}
<p style="${FONT}">${target.link ? `<a href="${escapeHtml(target.link)}" style="color:#2563a8">Ver o relatório de ${day} no site</a> · ` : ''}<a href="${escapeHtml(target.home)}" style="color:#2563a8">Painel de rechamadas</a></p>
</body>
</html>
`;
}
