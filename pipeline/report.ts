import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fs from 'fs-extra';
import nodemailer from 'nodemailer';
import type { Config } from './config.ts';
import type { Env } from './extract/auth.ts';
import type { Io } from './io.ts';
import { publishAtomically } from './publish.ts';
import { barSpec, renderChart, trendSpec } from './render/charts.ts';
import { formatDate } from './render/format.ts';
import { reportsRootOf } from './report/archive.ts';
import { readDayReport, type DayReport } from './report/day.ts';
import { composeReport, recipientsOf, type ComposedReport, type ReportChart } from './report/email.ts';
import { svgToPng } from './report/png.ts';

/**
 * The daily report: an archive folder per day beside the warehouse (`reports/YYYY-MM-DD/`, with
 * the permalink page, the email's HTML and text and its PNG charts), copied into every site build
 * so an emailed link keeps working however often the site is rebuilt; and the email itself, sent
 * by SMTP when configured, otherwise written as a ready `.eml` to `outbox/`.
 */

export interface WrittenReport { report: DayReport; composed: ComposedReport; charts: ReportChart[]; folder: string }

/** Renders a day's report from the warehouse into its archive folder, replacing it whole. */
export async function writeDayReport(
  warehouse: string, date: string, config: Config, now: Date, notLoaded: ReadonlyArray<{ source: string; date: string }> = [],
): Promise<WrittenReport> {
  const missingSources = [...new Set(notLoaded.filter((day) => day.date === date).map((day) => day.source))].sort();
  const report = { ...(await readDayReport(warehouse, date, config, now)), missingSources };
  const charts = await reportCharts(report);
  const composed = composeReport(report, charts, config.schedule.siteUrl);
  const folder = join(reportsRootOf(warehouse), date);
  await publishAtomically(folder, async (staging) => {
    await writeFile(join(staging, 'index.html'), composed.pageHtml);
    await writeFile(join(staging, 'email.html'), composed.emailHtml);
    await writeFile(join(staging, 'email.txt'), composed.text);
    for (const chart of charts) await writeFile(join(staging, chart.file), chart.png);
  });
  return { report, composed, charts, folder };
}

async function reportCharts(report: DayReport): Promise<ReportChart[]> {
  const day = formatDate(report.date);
  const teams = [...report.teams].filter((team) => team.rate !== null).sort((a, b) => b.rate! - a.rate! || a.team.localeCompare(b.team)).slice(0, 12);
  const specs = [
    { file: 'tendencia.png', title: `Atendimentos e taxa de rechamada, 14 dias até ${day}`, spec: trendSpec(report.trend, 560) },
    { file: 'equipes.png', title: `Taxa de rechamada por equipe em ${day}`, spec: barSpec(teams.map((team) => ({ label: team.team, value: team.rate! })), { format: 'percent', width: 420 }) },
  ];
  return Promise.all(specs.map(async ({ file, title, spec }) => ({
    file, title, cid: `${file.replace('.png', '')}@rechamadas`,
    png: await svgToPng(await renderChart(spec, { title, description: title })),
  })));
}

export interface Delivery { recipients: string[]; via: 'smtp' | 'eml' | 'none'; eml?: string }

/** Sends the report by SMTP when configured, else writes it as `.eml`; secrets come from `env` by name. */
export async function deliverReport(written: WrittenReport, config: Config, warehouse: string, io: Io, env: Env = process.env): Promise<Delivery> {
  const settings = config.schedule.report;
  const recipients = recipientsOf(written.report, settings);
  const date = written.report.date;
  if (!recipients.length) {
    io.log(`report ${date}: no recipients configured, nothing sent`);
    return { recipients, via: 'none' };
  }
  const message = {
    from: settings.from,
    to: recipients,
    subject: written.composed.subject,
    text: written.composed.text,
    html: written.composed.emailHtml,
    attachments: written.charts.map((chart) => ({ filename: chart.file, content: chart.png, cid: chart.cid, contentType: 'image/png' })),
  };
  if (settings.smtp) {
    const { host, port, secure, userEnv, passwordEnv } = settings.smtp;
    const user = env[userEnv];
    const pass = env[passwordEnv];
    const transport = nodemailer.createTransport({ host, port, secure, auth: user ? { user, pass } : undefined, logger: false, debug: false });
    try {
      await transport.sendMail(message);
    } finally {
      transport.close();
    }
    io.log(`report ${date}: sent to ${recipients.length} recipient(s) via SMTP ${host}:${port}${user ? ` as ${user}` : ''}`);
    return { recipients, via: 'smtp' };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(message);
  const eml = join(dirname(warehouse), 'outbox', `rechamadas-${date}.eml`);
  await fs.ensureDir(dirname(eml));
  await writeFile(`${eml}.tmp`, info.message as Buffer);
  await rename(`${eml}.tmp`, eml);
  io.log(`report ${date}: no SMTP configured, wrote ${eml} for ${recipients.length} recipient(s)`);
  return { recipients, via: 'eml', eml };
}
