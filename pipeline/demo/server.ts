import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTimestamp } from '../extract/mapping.ts';
import { addDays, localDateOf } from '../extract/time.ts';
import { brokenCopy, DIALECT_PATHS, toDialect, type Dialect, type DialectRecord } from './dialects.ts';
import { generateDay, type DemoLeg, type GenerateOptions } from './generate.ts';
import { hashKeys } from './random.ts';

/**
 * The demo operator API on node:http: both dialects, their auth schemes and pagination, and,
 * with faults on, the failures real platforms produce — decided from the seed, so a run with
 * the same requests meets the same faults.
 */

export interface DemoCredentials {
  voxClientId: string;
  voxClientSecret: string;
  telbrApiKey: string;
}

export const DEMO_CREDENTIALS: DemoCredentials = {
  voxClientId: 'rechamadas-demo',
  voxClientSecret: 'demo-vox-secret',
  telbrApiKey: 'demo-telbr-key',
};

export type FaultKind = 'http_500' | 'http_503' | 'http_429' | 'slow' | 'malformed' | 'repeated';
export const FAULT_KINDS: readonly FaultKind[] = ['http_500', 'http_503', 'http_429', 'slow', 'malformed', 'repeated'];
const TRANSIENT: readonly FaultKind[] = ['http_500', 'http_503', 'http_429', 'slow'];

export interface DemoApiOptions {
  seed: number;
  timeZone: string;
  host?: string;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  callsPerDay?: GenerateOptions['callsPerDay'];
  faults?: boolean;
  credentials?: DemoCredentials;
  /** Lifetime announced in the token response and enforced. */
  tokenTtlSeconds?: number;
  /** Revoke a token after this many data requests: an expiry the client cannot foresee. */
  tokenMaxUses?: number;
  /** How long a "slow" fault holds the response; more than the client's timeout. */
  slowMs?: number;
  /** Retry-After sent with 429. */
  retryAfterSeconds?: number;
}

export interface DemoApiStats {
  requests: number;
  /** Pages delivered to a client still waiting for them. */
  pages: number;
  tokensIssued: number;
  unauthorized: number;
  faults: Record<FaultKind, number>;
}

export interface DemoApi {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  credentials: DemoCredentials;
  stats: DemoApiStats;
  /** Every OAuth token handed out, so tests can check none leaked. */
  issuedTokens: string[];
  close(): Promise<void>;
}

export async function startDemoApi(options: DemoApiOptions): Promise<DemoApi> {
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const stats: DemoApiStats = { requests: 0, pages: 0, tokensIssued: 0, unauthorized: 0, faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number> };
  const tokens = new Map<string, { expiresAt: number; uses: number }>();
  const issuedTokens: string[] = [];
  const attempts = new Map<string, number>();
  // Records of one query window, in a stable order, as the platform pages through them.
  const listings = new Map<string, DialectRecord[]>();
  // Both dialects list the same generated day; generate it once.
  const days = new Map<string, DemoLeg[]>();
  const day = (date: string): DemoLeg[] => {
    let legs = days.get(date);
    if (!legs) {
      legs = generateDay(date, options.seed, options.timeZone, { callsPerDay: options.callsPerDay });
      days.set(date, legs);
      if (days.size > 8) days.delete(days.keys().next().value!);
    }
    return legs;
  };
  const timers = new Set<NodeJS.Timeout>();

  const listing = (dialect: Dialect, start: Date, end: Date): DialectRecord[] => {
    const key = `${dialect}|${start.toISOString()}|${end.toISOString()}`;
    let found = listings.get(key);
    if (!found) {
      found = buildListing(dialect, start, end, day, options);
      listings.set(key, found);
      if (listings.size > 16) listings.delete(listings.keys().next().value!);
    }
    return found;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    stats.requests++;
    const url = new URL(request.url ?? '/', 'http://demo');
    if (request.method === 'GET' && url.pathname === '/health') return send(response, 200, { ok: true });
    if (request.method === 'POST' && url.pathname === DIALECT_PATHS.vox.token) {
      const form = new URLSearchParams(await readBody(request));
      if (form.get('grant_type') !== 'client_credentials' || !same(form.get('client_id'), credentials.voxClientId) || !same(form.get('client_secret'), credentials.voxClientSecret)) {
        return send(response, 401, { error: 'invalid_client' });
      }
      const token = randomBytes(24).toString('hex');
      tokens.set(token, { expiresAt: Date.now() + tokenTtlSeconds * 1000, uses: 0 });
      stats.tokensIssued++;
      issuedTokens.push(token);
      return send(response, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds });
    }
    const dialect: Dialect | undefined = url.pathname === DIALECT_PATHS.vox.calls ? 'vox' : url.pathname === DIALECT_PATHS.telefonia_br.calls ? 'telefonia_br' : undefined;
    if (request.method !== 'GET' || !dialect) return send(response, 404, { error: 'not found' });
    if (!authorized(dialect, request)) {
      stats.unauthorized++;
      return send(response, 401, dialect === 'vox' ? { error: 'invalid_token' } : { erro: 'chave de API inválida' });
    }

    const window = readWindow(dialect, url.searchParams, options.timeZone);
    if (!window) return send(response, 400, { error: 'missing or invalid window parameters' });
    const records = listing(dialect, window.start, window.end);
    const page = readPage(dialect, url.searchParams);
    if (!page) return send(response, 400, { error: 'invalid page parameters' });
    const pageKey = `${dialect}|${window.start.toISOString()}|${window.end.toISOString()}|${page.offset}|${page.size}`;
    const fault = options.faults ? transientFault(options.seed, pageKey, attempts) : undefined;
    if (fault) stats.faults[fault]++;
    if (fault === 'http_500' || fault === 'http_503') return send(response, fault === 'http_500' ? 500 : 503, { error: 'temporarily unavailable' });
    if (fault === 'http_429') {
      response.setHeader('Retry-After', String(options.retryAfterSeconds ?? 1));
      return send(response, 429, { error: 'too many requests' });
    }

    let items = records.slice(page.offset, page.offset + page.size);
    if (options.faults) items = withContentFaults(dialect, options.seed, pageKey, items, records, page.offset, stats);
    const body = dialect === 'vox' ? voxPage(items, page, records.length) : telbrPage(items, page, records.length, url);
    const deliver = () => {
      // A client that gave up waiting is gone: nothing was served.
      if (response.destroyed) return;
      stats.pages++;
      send(response, 200, body);
    };
    if (fault === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        deliver();
      }, options.slowMs ?? 15_000);
      timers.add(timer);
      return;
    }
    deliver();
  };

  const authorized = (dialect: Dialect, request: IncomingMessage): boolean => {
    if (dialect === 'telefonia_br') return same(header(request, 'x-api-key'), credentials.telbrApiKey);
    const token = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    const entry = token ? tokens.get(token) : undefined;
    if (!entry) return false;
    entry.uses++;
    const revoked = options.tokenMaxUses !== undefined && entry.uses > options.tokenMaxUses;
    if (revoked || Date.now() >= entry.expiresAt) {
      tokens.delete(token!);
      return false;
    }
    return true;
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    credentials,
    stats,
    issuedTokens,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment a connector needs to read the demo API (see `demoSources`). */
export function demoEnv(credentials: DemoCredentials): Record<string, string> {
  return { VOX_CLIENT_ID: credentials.voxClientId, VOX_CLIENT_SECRET: credentials.voxClientSecret, TELBR_API_KEY: credentials.telbrApiKey };
}

function buildListing(dialect: Dialect, start: Date, end: Date, day: (date: string) => DemoLeg[], options: DemoApiOptions): DialectRecord[] {
  const records: DialectRecord[] = [];
  const stale: Array<{ at: number; record: DialectRecord }> = [];
  for (let date = localDateOf(start, options.timeZone); date <= localDateOf(new Date(end.getTime() - 1), options.timeZone); date = addDays(date, 1)) {
    for (const leg of day(date)) {
      const at = new Date(leg.started_at).getTime();
      if (leg.operator !== dialect || at < start.getTime() || at >= end.getTime()) continue;
      const hash = hashKeys(options.seed, 'stale', leg.call_id);
      // About 2% of records were first published before wrap-up ended; the platform lists
      // that older version too, some pages away. Dedupe by updated_at keeps the final one.
      if (hash % 50 === 0 && leg.status === 'answered') {
        const older = { ...leg, wrap_seconds: 0, updated_at: new Date(at + (leg.talk_seconds + leg.hold_seconds) * 1000).toISOString() };
        stale.push({ at: records.length + ((hash >>> 8) % 1200), record: toDialect(dialect, older, options.timeZone) });
      }
      records.push(toDialect(dialect, leg, options.timeZone));
    }
  }
  for (const { at, record } of stale.reverse()) records.splice(Math.min(at, records.length), 0, record);
  return records;
}

function readWindow(dialect: Dialect, params: URLSearchParams, timeZone: string): { start: Date; end: Date } | undefined {
  try {
    if (dialect === 'vox') {
      const start = parseTimestamp(params.get('start') ?? '', 'iso', timeZone);
      const end = parseTimestamp(params.get('end') ?? '', 'iso', timeZone);
      return end > start ? { start, end } : undefined;
    }
    const start = parseTimestamp(params.get('data_inicio') ?? '', 'br_datetime', timeZone);
    // data_fim is inclusive, to the second.
    const end = new Date(parseTimestamp(params.get('data_fim') ?? '', 'br_datetime', timeZone).getTime() + 1000);
    return end > start ? { start, end } : undefined;
  } catch {
    return undefined;
  }
}

interface PageRequest {
  offset: number;
  size: number;
  number: number;
}

function readPage(dialect: Dialect, params: URLSearchParams): PageRequest | undefined {
  if (dialect === 'vox') {
    const number = Number(params.get('page') ?? '1');
    const size = Number(params.get('per_page') ?? '100');
    if (!Number.isInteger(number) || number < 1 || !Number.isInteger(size) || size < 1 || size > 1000) return undefined;
    return { offset: (number - 1) * size, size, number };
  }
  const size = Number(params.get('limite') ?? '100');
  const cursor = params.get('cursor');
  const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
  if (!Number.isInteger(size) || size < 1 || size > 1000 || !Number.isInteger(offset) || offset < 0) return undefined;
  return { offset, size, number: Math.floor(offset / size) + 1 };
}

function voxPage(items: DialectRecord[], page: PageRequest, total: number): unknown {
  return { data: items, meta: { page: page.number, per_page: page.size, total } };
}

function telbrPage(items: DialectRecord[], page: PageRequest, total: number, url: URL): unknown {
  const nextOffset = page.offset + page.size;
  let next: string | null = null;
  let cursor: string | null = null;
  if (nextOffset < total) {
    cursor = Buffer.from(`o:${nextOffset}`, 'utf8').toString('base64url');
    const params = new URLSearchParams(url.searchParams);
    params.set('cursor', cursor);
    next = `${url.pathname}?${params.toString()}`;
  }
  return { registros: items, paginacao: { quantidade: items.length, cursor, proximo: next } };
}

/** A page fails on its first one or two attempts, then answers: retries must get through. */
function transientFault(seed: number, pageKey: string, attempts: Map<string, number>): FaultKind | undefined {
  const hash = hashKeys(seed, 'fault', pageKey);
  if (hash % 100 >= 35) return undefined;
  const attempt = (attempts.get(pageKey) ?? 0) + 1;
  attempts.set(pageKey, attempt);
  return attempt <= 1 + ((hash >>> 12) % 2) ? TRANSIENT[(hash >>> 8) % TRANSIENT.length] : undefined;
}

/** Extra records only: a clean run and a faulty one load the same legs. */
function withContentFaults(dialect: Dialect, seed: number, pageKey: string, items: DialectRecord[], all: DialectRecord[], offset: number, stats: DemoApiStats): DialectRecord[] {
  const hash = hashKeys(seed, 'content', pageKey);
  const result = [...items];
  if (items.length && hash % 100 < 30) {
    stats.faults.malformed++;
    const source = items[(hash >>> 8) % items.length]!;
    result.splice((hash >>> 16) % result.length, 0, brokenCopy(dialect, source, hash >>> 4));
  }
  if (offset > 0 && (hash >>> 20) % 100 < 30) {
    stats.faults.repeated++;
    result.push(...all.slice(Math.max(0, offset - 3), offset).map((record) => structuredClone(record)));
  }
  return result;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function same(given: string | null | undefined, expected: string): boolean {
  if (given == null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
