import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth } from '../pipeline/extract/auth.ts';
import { httpPolicySchema } from '../pipeline/extract/config.ts';
import { backoffMs, createHttpClient, HttpError, parseRetryAfter } from '../pipeline/extract/http.ts';

/** got against a scripted server on 127.0.0.1: each request gets the next scripted answer. */

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve)))));
});

async function scripted(answers: Answer[], fallback: Answer = json(200, { ok: true })) {
  const seen: IncomingMessage[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((request, response) => {
    seen.push(request);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => inFlight--);
    (answers.shift() ?? fallback)(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calls?page=1`;
  return { url, seen, maxInFlight: () => maxInFlight };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}
const hang: Answer = () => undefined;
const reset: Answer = (request) => request.socket.destroy();

function client(policy: Record<string, number> = {}) {
  const delays: number[] = [];
  const http = createHttpClient(httpPolicySchema.parse({ requestsPerSecond: 1000, backoffMs: 10, maxBackoffMs: 80, timeoutMs: 200, ...policy }), {
    sleep: async (ms) => void delays.push(ms),
  });
  return { http, delays };
}

describe('http client', () => {
  it('retries 5xx, 408 and 429 with growing waits, and honours Retry-After', async () => {
    const server = await scripted([json(503, {}), json(500, {}), json(408, {}), json(429, {}, { 'retry-after': '3' })]);
    const { http, delays } = client();
    expect(await http.json({ url: server.url })).toEqual({ ok: true });
    expect(server.seen).toHaveLength(5);
    expect(delays[0]).toBeGreaterThanOrEqual(5);
    expect(delays[0]).toBeLessThanOrEqual(10);
    expect(delays[2]).toBeGreaterThanOrEqual(20);
    expect(delays[3]).toBe(3000);
    expect(http.counters.retries).toBe(4);
  });

  it('retries a reset connection and a response slower than the timeout', async () => {
    const server = await scripted([reset, hang]);
    const { http } = client({ timeoutMs: 100 });
    expect(await http.json({ url: server.url })).toEqual({ ok: true });
    expect(server.seen).toHaveLength(3);
  });

  it('gives up after the retry limit, saying how often it tried', async () => {
    const server = await scripted([], json(502, {}));
    const { http } = client({ retries: 2 });
    await expect(http.json({ url: server.url })).rejects.toThrow(/HTTP 502 \(gave up after 3 attempts\)/);
    expect(server.seen).toHaveLength(3);
  });

  it('does not retry other client errors, nor wait for a Retry-After beyond the limit', async () => {
    const notFound = await scripted([json(404, { error: 'no such page' })]);
    const { http } = client();
    await expect(http.json({ url: notFound.url })).rejects.toThrow(/HTTP 404 \{"error":"no such page"\}/);
    expect(notFound.seen).toHaveLength(1);

    const busy = await scripted([json(429, {}, { 'retry-after': '3600' })]);
    await expect(client({ maxRetryAfterSeconds: 60 }).http.json({ url: busy.url })).rejects.toThrow(/Retry-After of 3600 s exceeds/);
  });

  it('keeps to the concurrency limit', async () => {
    const slow: Answer = (request, response) => setTimeout(() => json(200, { ok: true })(request, response), 30);
    const server = await scripted([], slow);
    const { http } = client({ concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => http.json({ url: server.url })));
    expect(server.seen).toHaveLength(6);
    expect(server.maxInFlight()).toBe(2);
  });

  it('sends a static token, cannot refresh it on 401, and never puts it in the error', async () => {
    const server = await scripted([json(401, { error: 'bad token' })]);
    const { http } = client();
    const auth = createAuth('vivo', { type: 'bearer', tokenEnv: 'VIVO_TOKEN' }, server.url, { VIVO_TOKEN: 'tk-very-secret' }, http);
    const failure = await http.json({ url: server.url }, auth).catch((error: unknown) => error as HttpError);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(401);
    expect(String((failure as Error).message)).not.toContain('tk-very-secret');
    expect(server.seen[0]!.headers.authorization).toBe('Bearer tk-very-secret');
    expect(auth.redact('sent tk-very-secret twice: tk-very-secret')).toBe('sent *** twice: ***');
  });

  it('caches an OAuth2 token for its lifetime, shares it, and fetches a new one once it has expired', async () => {
    const token = (value: string, expiresIn: number) => json(200, { access_token: value, token_type: 'Bearer', expires_in: expiresIn });
    const env = { ID: 'client-1', SECRET: 'shh-secret' };
    const oauth = { type: 'oauth2', tokenUrl: '/oauth/token', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' } as const;

    const longLived = await scripted([token('tok-long', 3600)]);
    const { http } = client();
    const auth = createAuth('vox', oauth, new URL(longLived.url).origin, env, http);
    await Promise.all([1, 2, 3].map(() => http.json({ url: longLived.url }, auth)));
    expect(longLived.seen.map((request) => request.url)).toEqual(['/oauth/token', '/calls?page=1', '/calls?page=1', '/calls?page=1']);
    expect(longLived.seen.slice(1).every((request) => request.headers.authorization === 'Bearer tok-long')).toBe(true);

    // A 2 ms token is stale by the next request.
    const shortLived = await scripted([token('tok-a', 0.002), json(200, {}), token('tok-b', 0.002)]);
    const fresh = client();
    const shortAuth = createAuth('vox', oauth, new URL(shortLived.url).origin, env, fresh.http);
    await fresh.http.json({ url: shortLived.url }, shortAuth);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await fresh.http.json({ url: shortLived.url }, shortAuth);
    expect(shortLived.seen.map((request) => request.headers.authorization ?? 'token request')).toEqual(['token request', 'Bearer tok-a', 'token request', 'Bearer tok-b']);
  });

  it('names the missing environment variable, not a value', () => {
    const { http } = client();
    expect(() => createAuth('vivo', { type: 'apiKey', header: 'X-Api-Key', keyEnv: 'VIVO_KEY' }, 'http://127.0.0.1:9', {}, http)).toThrow(
      'source vivo: environment variable VIVO_KEY is not set',
    );
  });

  it('computes backoff with jitter inside its bounds, and reads Retry-After dates', () => {
    const policy = { backoffMs: 100, maxBackoffMs: 1000 };
    expect(backoffMs(policy, 1, () => 0)).toBe(50);
    expect(backoffMs(policy, 3, () => 0.999)).toBeLessThanOrEqual(400);
    expect(backoffMs(policy, 10, () => 1)).toBe(1000);
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
