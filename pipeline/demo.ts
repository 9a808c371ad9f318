import { resolve } from 'node:path';
import { EXIT, wholeNumberOption, type Command } from './command.ts';
import { parseConfig, type Config } from './config.ts';
import { demoSources } from './demo/dialects.ts';
import { demoEnv, startDemoApi, type DemoApi } from './demo/server.ts';
import { extract, lastDays, type ExtractSummary } from './extract.ts';
import { localDateOf } from './extract/time.ts';
import type { Io } from './io.ts';

/**
 * The product with no account anywhere: the demo operator API in this process, read through
 * the real connector, loaded into the warehouse and rendered into the site.
 */

export interface DemoRequest {
  io: Io;
  seed: number;
  days: number;
  warehouse: string;
  /** Where the site goes; no site when absent. */
  site?: string;
  callsPerDay?: number;
}

export interface DemoResult {
  dates: string[];
  extracted: ExtractSummary;
  site?: { pages: number; files: number };
}

export async function runDemo(request: DemoRequest): Promise<DemoResult> {
  const { io } = request;
  const base = parseConfig({});
  const api = await startDemoApi({ seed: request.seed, timeZone: base.timezone, callsPerDay: request.callsPerDay });
  try {
    const config = demoConfig(api, request.warehouse);
    const dates = lastDays(localDateOf(io.now(), config.timezone), request.days);
    io.log(`demo: operator API on ${api.url}, extracting ${dates[0]} to ${dates.at(-1)}`);
    // Secrets go to the connector as an environment, exactly as a real deployment's would.
    const extracted = await extract({ config, dates, io, env: demoEnv(api.credentials) });
    if (extracted.failures.length) throw new Error(`demo extraction failed for ${extracted.failures.length} source day(s): ${extracted.failures[0]!.error}`);
    const result: DemoResult = { dates, extracted };
    if (request.site) {
      const { buildSite } = await import('./render.ts');
      result.site = await buildSite({ warehouse: request.warehouse, out: request.site, config, io });
    }
    return result;
  } finally {
    await api.close();
  }
}

export function demoConfig(api: Pick<DemoApi, 'url'>, warehouse: string): Config {
  return parseConfig({ warehouse, sources: demoSources(api.url) });
}

function seedOf(value: unknown): number {
  return wholeNumberOption(value, 'seed', 0) ?? 1;
}

export const demoCommand: Command = {
  summary: 'see the product work: demo operator API → extraction → warehouse → site (npm start)',
  usage: 'rechamadas demo [--seed N] [--days N] [--warehouse PATH] [--out DIR]',
  options: { seed: { type: 'string' }, days: { type: 'string' }, warehouse: { type: 'string' }, out: { type: 'string' } },
  async run({ values }, io) {
    const days = wholeNumberOption(values.days, 'days', 1, 366) ?? 30;
    const warehouse = (values.warehouse as string | undefined) ?? parseConfig({}).warehouse;
    const site = (values.out as string | undefined) ?? 'site';
    const started = performance.now();
    const result = await runDemo({ io, seed: seedOf(values.seed), days, warehouse, site });
    const imported = result.extracted.imported;
    process.stdout.write(
      [
        `Demo ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.dates.length} days (${result.dates[0]} to ${result.dates.at(-1)}), ` +
          `${imported?.loaded ?? 0} records loaded (${imported?.duplicates ?? 0} of them re-sent versions of a leg), ${imported?.rejected ?? 0} rejected.`,
        `  Dashboard: ${resolve(site, 'index.html')}`,
        `  Warehouse: ${resolve(warehouse)} (open it with any DuckDB client: tables legs, contacts, rejected_legs)`,
        `  Raw API pages: ${resolve(warehouse, '..', 'raw')}`,
        `  Try the demo operator API yourself: npx tsx pipeline/cli.ts demo-api --port 8080`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};

export const demoApiCommand: Command = {
  summary: 'serve the demo operator API (two platform dialects) until interrupted',
  usage: 'rechamadas demo-api [--port P] [--host H] [--seed N] [--calls N] [--faults]',
  options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, calls: { type: 'string' }, faults: { type: 'boolean' } },
  async run({ values }, io) {
    const port = wholeNumberOption(values.port, 'port', 0, 65535) ?? 8080;
    const callsPerDay = wholeNumberOption(values.calls, 'calls', 1);
    const api = await startDemoApi({
      seed: seedOf(values.seed),
      timeZone: parseConfig({}).timezone,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port,
      callsPerDay,
      faults: values.faults === true,
    });
    io.log(`demo-api: listening on ${api.url}${values.faults ? ' with faults' : ''}; Ctrl-C to stop`);
    // The demo credentials are public fixtures, printed so a user can point a config at the API.
    const env = Object.entries(demoEnv(api.credentials)).map(([name, value]) => `export ${name}=${value}`);
    process.stdout.write(
      `Demo operator API on ${api.url}\n\nEnvironment for the connector:\n${env.join('\n')}\n\n` +
        `"sources" for your config file:\n${JSON.stringify(demoSources(api.url), null, 2)}\n`,
    );
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await api.close();
    const cpu = process.cpuUsage();
    io.log(`demo-api: stopped after ${api.stats.requests} requests, ${api.stats.pages} pages, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
    return EXIT.ok;
  },
};
