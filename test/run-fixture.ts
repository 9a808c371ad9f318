import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../pipeline/config.ts';
import { demoSources } from '../pipeline/demo/dialects.ts';
import { demoEnv, startDemoApi, type DemoApi } from '../pipeline/demo/server.ts';

/** The demo operator API on 127.0.0.1, small enough for a full run (site included) in seconds. */
export async function smallDemoApi(): Promise<DemoApi> {
  return startDemoApi({ seed: 7, timeZone: 'America/Sao_Paulo', callsPerDay: 40 });
}

export function runConfig(apiUrl: string, dir: string, schedule: Record<string, unknown> = {}): Config {
  return parseConfig({
    warehouse: join(dir, 'warehouse', 'rechamadas.duckdb'),
    sources: demoSources(apiUrl),
    // Two periods and no months: the site stage stays a second, the pipeline is the same.
    site: { rollingPeriods: ['ultimo-dia', '7-dias'], defaultPeriod: '7-dias', completeMonths: 0 },
    schedule: { lookBackDays: 1, site: join(dir, 'site'), siteUrl: 'https://rechamadas.example.com.br/painel/', ...schedule },
  });
}

export const envOf = (api: DemoApi, extra: Record<string, string> = {}) => ({ ...demoEnv(api.credentials), ...extra });

/**
 * A pass-through proxy to the demo API that can make one source's pages unavailable: what a late
 * or missing delivery from an operator looks like to the pipeline.
 */
export async function flakyProxy(target: string): Promise<{ url: string; failWhen: (test: ((url: string) => boolean) | null) => void; close: () => Promise<void> }> {
  let failing: ((url: string) => boolean) | null = null;
  const server: Server = createServer((req, res) => {
    if (failing?.(decodeURIComponent(req.url ?? ''))) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"indisponível"}');
      return;
    }
    const upstream = new URL(req.url ?? '/', target);
    const forward = httpRequest(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failWhen: (test) => (failing = test),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A temp folder kept for the whole file (helpers' scratchDir is emptied after each test). */
export function suiteDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rechamadas-run-'));
}
