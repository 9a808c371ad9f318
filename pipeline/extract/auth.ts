import { ConfigError } from '../config.ts';
import type { AuthConfig } from './config.ts';
import type { HttpClient, RequestAuth } from './http.ts';

/**
 * Credentials of a source, read from the environment by the variable names in the config.
 * OAuth2 client-credential tokens are cached until shortly before they expire and fetched
 * again when the API answers 401. Every secret value seen is remembered so logs and raw files
 * can be scrubbed of it.
 */

export interface SourceAuth extends RequestAuth {
  /** Replaces every known secret value in a text by `***`. */
  redact(text: string): string;
}

export type Env = Record<string, string | undefined>;

/** Refresh this long before the announced expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 30_000;

export function createAuth(source: string, config: AuthConfig, baseUrl: string, env: Env, http: HttpClient): SourceAuth {
  const secrets = new Set<string>();
  const read = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError(`source ${source}: environment variable ${name} is not set`);
    secrets.add(value);
    return value;
  };
  const redact = (text: string): string => {
    let result = text;
    for (const secret of secrets) result = result.replaceAll(secret, '***');
    return result;
  };

  switch (config.type) {
    case 'none':
      return { headers: async () => ({}), invalidate: () => false, redact };
    case 'bearer': {
      const token = read(config.tokenEnv);
      return { headers: async () => ({ authorization: `Bearer ${token}` }), invalidate: () => false, redact };
    }
    case 'apiKey': {
      const key = read(config.keyEnv);
      return { headers: async () => ({ [config.header.toLowerCase()]: key }), invalidate: () => false, redact };
    }
    case 'oauth2': {
      const clientId = read(config.clientIdEnv);
      const clientSecret = read(config.clientSecretEnv);
      const tokenUrl = new URL(config.tokenUrl, withTrailingSlash(baseUrl)).toString();
      let current: { value: string; expiresAt: number } | undefined;
      // Concurrent requests share one token request instead of each fetching their own.
      let pending: Promise<string> | undefined;
      const fetchToken = async (): Promise<string> => {
        const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
        if (config.scope) form.scope = config.scope;
        const body = (await http.json({ url: tokenUrl, method: 'POST', form })) as { access_token?: unknown; expires_in?: unknown };
        if (typeof body.access_token !== 'string' || !body.access_token) throw new Error(`source ${source}: the token endpoint returned no access_token`);
        secrets.add(body.access_token);
        const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
        current = { value: body.access_token, expiresAt: Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2) };
        return body.access_token;
      };
      return {
        redact,
        headers: async () => {
          if (!current || Date.now() >= current.expiresAt) {
            pending ??= fetchToken().finally(() => (pending = undefined));
            await pending;
          }
          return { authorization: `Bearer ${current!.value}` };
        },
        invalidate: (rejected) => {
          // Only drop the token that was refused; another request may have renewed it already.
          if (current && rejected.authorization === `Bearer ${current.value}`) current = undefined;
          return true;
        },
      };
    }
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
