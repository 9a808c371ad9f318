import { z } from 'zod';

/**
 * How one operator REST API is read: where, with which credentials, page by page, for which
 * local day, and how its JSON becomes canonical legs (SPEC §1). Secrets are referenced by the
 * NAME of an environment variable, never written in the file.
 */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name (e.g. VOX_TOKEN), not the secret itself' });
const slug = z.string().regex(/^[a-z0-9_-]{1,64}$/, { message: 'must be 1–64 characters of a-z, 0-9, _ or -' });
/** A dotted path into a JSON record: `call.id`, `agents.0.name`. */
const jsonPath = z.string().min(1);

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), tokenEnv: envName }).strict(),
  z.object({ type: z.literal('apiKey'), header: z.string().min(1).default('X-Api-Key'), keyEnv: envName }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      /** Absolute, or relative to baseUrl. */
      tokenUrl: z.string().min(1),
      clientIdEnv: envName,
      clientSecretEnv: envName,
      scope: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('none') }).strict(),
]);
export type AuthConfig = z.infer<typeof authSchema>;

export const paginationSchema = z.discriminatedUnion('style', [
  z
    .object({
      /** `?page=N&per_page=M`; the first response tells the total, so the other pages run concurrently. */
      style: z.literal('page'),
      pageParam: z.string().min(1).default('page'),
      sizeParam: z.string().min(1).default('per_page'),
      pageSize: z.number().int().min(1).max(10_000).default(500),
      firstPage: z.number().int().min(0).default(1),
      itemsPath: jsonPath,
      totalPath: jsonPath,
    })
    .strict(),
  z
    .object({
      /** An opaque cursor in the body, sent back as a query parameter; absent or null at the end. */
      style: z.literal('cursor'),
      cursorParam: z.string().min(1).default('cursor'),
      sizeParam: z.string().min(1).optional(),
      pageSize: z.number().int().min(1).max(10_000).default(500),
      itemsPath: jsonPath,
      cursorPath: jsonPath,
    })
    .strict(),
  z
    .object({
      /** A link to the next page in the body (absolute or relative, same origin); absent or null at the end. */
      style: z.literal('next'),
      sizeParam: z.string().min(1).optional(),
      pageSize: z.number().int().min(1).max(10_000).default(500),
      itemsPath: jsonPath,
      nextPath: jsonPath,
    })
    .strict(),
]);
export type PaginationConfig = z.infer<typeof paginationSchema>;

export const TIMESTAMP_FORMATS = ['iso', 'epoch_ms', 'epoch_s', 'br_datetime'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];
export const DURATION_FORMATS = ['seconds', 'hms'] as const;
export type DurationFormat = (typeof DURATION_FORMATS)[number];

export const windowSchema = z
  .object({
    fromParam: z.string().min(1),
    toParam: z.string().min(1),
    /** How the boundaries are written: ISO with offset, epoch ms, or `dd/MM/yyyy HH:mm:ss` local. */
    format: z.enum(['iso', 'epoch_ms', 'br_datetime']).default('iso'),
    /** `exclusive`: to = next midnight; `inclusive`: to = 23:59:59 of the day. */
    end: z.enum(['exclusive', 'inclusive']).default('exclusive'),
  })
  .strict();
export type WindowConfig = z.infer<typeof windowSchema>;

const textField = z.union([jsonPath.transform((path) => ({ path })), z.object({ path: jsonPath }).strict()]);
const enumField = <T extends string>(values: readonly [T, ...T[]]) =>
  z.union([
    jsonPath.transform((path) => ({ path, values: undefined as Record<string, T> | undefined })),
    z.object({ path: jsonPath, values: z.record(z.string(), z.enum(values)).optional() }).strict(),
  ]);
const timestampField = z.object({ path: jsonPath, format: z.enum(TIMESTAMP_FORMATS).default('iso') }).strict();
const durationField = z.object({ path: jsonPath, format: z.enum(DURATION_FORMATS).default('seconds') }).strict();

/** Canonical field (SPEC §1) ← where and how to read it in the operator's record. */
export const mappingSchema = z
  .object({
    call_id: textField,
    protocol: textField.optional(),
    direction: enumField(['inbound', 'outbound']),
    status: enumField(['answered', 'abandoned']),
    started_at: timestampField,
    customer_number: textField.optional(),
    agent_id: textField.optional(),
    agent_name: textField.optional(),
    supervisor: textField.optional(),
    team: textField.optional(),
    queue: textField.optional(),
    reason: textField.optional(),
    talk_seconds: durationField.optional(),
    hold_seconds: durationField.optional(),
    wrap_seconds: durationField.optional(),
    updated_at: timestampField.optional(),
  })
  .strict();
export type Mapping = z.infer<typeof mappingSchema>;
export type MappingInput = z.input<typeof mappingSchema>;

export const httpPolicySchema = z
  .object({
    requestsPerSecond: z.number().positive().max(1000).default(5),
    concurrency: z.number().int().min(1).max(32).default(2),
    timeoutMs: z.number().int().min(1).default(30_000),
    /** Retries after the first attempt, per request. */
    retries: z.number().int().min(0).max(20).default(5),
    /** First backoff delay; doubles per retry, with jitter, up to maxBackoffMs. */
    backoffMs: z.number().int().min(0).default(500),
    maxBackoffMs: z.number().int().min(0).default(30_000),
    /** A Retry-After longer than this fails the request instead of stalling the run. */
    maxRetryAfterSeconds: z.number().int().min(0).default(300),
    /** Guard against a runaway pagination (a cursor that never ends). */
    maxPages: z.number().int().min(1).default(1000),
  })
  .strict();
export type HttpPolicy = z.infer<typeof httpPolicySchema>;

export const sourceSchema = z
  .object({
    /** Names the raw folder and `rejected_legs.source`. */
    name: slug,
    /** Canonical `operator` of the legs; defaults to the name. */
    operator: slug.optional(),
    baseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
    /** Path of the calls endpoint, relative to baseUrl. */
    path: z.string().min(1),
    auth: authSchema,
    pagination: paginationSchema,
    window: windowSchema,
    /** Fixed query parameters sent with every page request. */
    params: z.record(z.string(), z.string()).default({}),
    mapping: mappingSchema,
    http: httpPolicySchema.default(httpPolicySchema.parse({})),
  })
  .strict();

export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceConfigInput = z.input<typeof sourceSchema>;
