import got, { RequestError, TimeoutError, type Method } from 'got';
import type { HttpPolicy } from './config.ts';

/**
 * HTTP for one source, on got: a request-rate limit and a concurrency cap shared by all of the
 * source's requests, and retries with exponential backoff and jitter on network errors,
 * timeouts, 408, 429 and 5xx, honouring Retry-After. Got's own retry is off: the loop here also
 * has to refresh credentials on 401, and to count what it did.
 */

export interface HttpRequest {
  url: string;
  method?: Method;
  headers?: Record<string, string>;
  form?: Record<string, string>;
}

export interface HttpDeps {
  /** Waits between retries; tests record the delays instead of sleeping them. */
  sleep?: (ms: number) => Promise<void>;
}

/** Credentials for a request, and what to do when the server answers 401. */
export interface RequestAuth {
  headers(): Promise<Record<string, string>>;
  /** Drops the credential that got a 401; returns false when nothing can be refreshed. */
  invalidate(rejected: Record<string, string>): boolean;
}

export interface HttpCounters {
  requests: number;
  retries: number;
  refreshes: number;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Per request: concurrent requests may see a fresh token revoked again before they use it. */
const MAX_REFRESHES = 3;
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE']);

export interface HttpClient {
  json(request: HttpRequest, auth?: RequestAuth): Promise<unknown>;
  counters: HttpCounters;
}

export function createHttpClient(policy: HttpPolicy, deps: HttpDeps = {}): HttpClient {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limit = concurrencyLimit(policy.concurrency);
  const pace = rateLimit(policy.requestsPerSecond);
  const counters: HttpCounters = { requests: 0, retries: 0, refreshes: 0 };

  const once = async (request: HttpRequest, headers: Record<string, string>) => {
    await pace();
    return limit(async () => {
      counters.requests++;
      return got(request.url, {
        method: request.method ?? 'GET',
        headers: { accept: 'application/json', ...request.headers, ...headers },
        form: request.form,
        timeout: { request: policy.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
      });
    });
  };

  const json = async (request: HttpRequest, auth?: RequestAuth): Promise<unknown> => {
    const where = `${request.method ?? 'GET'} ${redactUrl(request.url)}`;
    let refreshes = 0;
    for (let attempt = 0; ; ) {
      const headers = auth ? await auth.headers() : {};
      let problem: string;
      let retryAfterMs: number | undefined;
      try {
        const response = await once(request, headers);
        if (response.statusCode >= 200 && response.statusCode < 300) {
          try {
            return JSON.parse(response.body) as unknown;
          } catch {
            problem = `${where}: the response is not JSON`;
          }
        } else if (response.statusCode === 401 && auth && refreshes < MAX_REFRESHES && auth.invalidate(headers)) {
          // Tokens expire or are revoked early: fetch a fresh one, a few times at most, never in a loop.
          refreshes++;
          counters.refreshes++;
          continue;
        } else if (RETRYABLE_STATUS.has(response.statusCode)) {
          problem = `${where}: HTTP ${response.statusCode}`;
          retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        } else {
          throw new HttpError(`${where}: HTTP ${response.statusCode} ${excerpt(response.body)}`, response.statusCode);
        }
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        if (!(error instanceof TimeoutError) && !RETRYABLE_CODES.has(error.code)) throw new HttpError(`${where}: ${error.code}`);
        problem = `${where}: ${error instanceof TimeoutError ? `no response within ${policy.timeoutMs} ms` : error.code}`;
      }
      if (attempt >= policy.retries) throw new HttpError(`${problem} (gave up after ${attempt + 1} attempts)`);
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterSeconds * 1000) {
        throw new HttpError(`${problem}: Retry-After of ${Math.round(retryAfterMs / 1000)} s exceeds maxRetryAfterSeconds`);
      }
      attempt++;
      counters.retries++;
      await sleep(Math.max(retryAfterMs ?? 0, backoffMs(policy, attempt)));
    }
  };

  return { json, counters };
}

/** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out. */
export function backoffMs(policy: Pick<HttpPolicy, 'backoffMs' | 'maxBackoffMs'>, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A URL fit for logs: no user info, and query values that look like credentials masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|key|secret|pass|sig|auth/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Spaces request starts 1/rps apart; callers wait their turn. */
function rateLimit(requestsPerSecond: number): () => Promise<void> {
  const interval = 1000 / requestsPerSecond;
  let nextSlot = 0;
  return async () => {
    const now = performance.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };
}

function concurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A released slot passes straight to the next waiter, so no newcomer can slip in between.
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
