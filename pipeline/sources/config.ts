import { z } from 'zod';
import { timeZoneSchema } from '../timezone.ts';
import { mappingSchema, sourceSchema as apiSourceSchema, type SourceConfig as ApiSourceConfig } from '../extract/config.ts';

/**
 * File sources: telephony logs and spreadsheet exports read from disk. Every kind names its
 * files, the operator its legs belong to and, for local times, the PBX's time zone; the
 * configuration's `sources` list mixes them with API sources, told apart by `type`.
 */

const slug = z.string().regex(/^[a-z0-9_-]{1,64}$/, { message: 'must be 1–64 characters of a-z, 0-9, _ or -' });

const common = {
  /** Names the state file and `rejected_legs.source`. */
  name: slug,
  /** Canonical `operator` of the legs; defaults to the name. */
  operator: slug.optional(),
  /** Files to read; a queue_log path also reads its rotated siblings (`queue_log.1`, `queue_log.2.gz`, `queue_log-20261126`). */
  files: z.array(z.string().min(1)).min(1, { message: 'must name at least one file' }),
  /** Time zone the PBX writes local times in; the center's time zone by default. */
  timeZone: timeZoneSchema.optional(),
};

/** Agent interface or member name → name, supervisor, team (a CSV file with a header). */
const rosterPath = z.string().min(1).optional();

export const queueLogSourceSchema = z
  .object({
    type: z.literal('asterisk-queue-log'),
    ...common,
    /** `file`: Asterisk's pipe-delimited queue_log; `table-csv`: a CSV dump of the realtime `queue_log` table (with a header). */
    format: z.enum(['file', 'table-csv']).default('file'),
    roster: rosterPath,
  })
  .strict();

export const cdrSourceSchema = z
  .object({
    type: z.literal('asterisk-cdr'),
    ...common,
    roster: rosterPath,
    /** Dial-plan contexts (`dcontext`) whose calls are outbound; all others are inbound. */
    outboundContexts: z.array(z.string()).default([]),
  })
  .strict();

export const spreadsheetSourceSchema = z
  .object({
    type: z.literal('spreadsheet'),
    ...common,
    /** CSV only: the field delimiter; guessed from the header line when absent. */
    delimiter: z.enum([';', ',', '\t']).optional(),
    /** CSV only: `auto` reads UTF-8 and falls back to Windows-1252 when the bytes are not UTF-8. */
    encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto'),
    /** XLSX only: the worksheet by name; the first one by default. */
    sheet: z.string().min(1).optional(),
    /** Columns every row gets when the sheet lacks them, e.g. `{"direction": "inbound"}`. */
    constants: z.record(z.string(), z.string()).default({}),
    mapping: mappingSchema,
  })
  .strict();

const apiSourceWithType = apiSourceSchema.extend({ type: z.literal('api').optional() });

/** Every kind of source the configuration's `sources` list accepts; no `type` means an API source. */
export const anySourceSchema = z.discriminatedUnion('type', [apiSourceWithType, queueLogSourceSchema, cdrSourceSchema, spreadsheetSourceSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' && issue.path?.at(-1) === 'type'
      ? 'unknown source type: expected "api" (or no type), "asterisk-queue-log", "asterisk-cdr" or "spreadsheet"'
      : undefined,
});

export type QueueLogSource = z.infer<typeof queueLogSourceSchema>;
export type CdrSource = z.infer<typeof cdrSourceSchema>;
export type SpreadsheetSource = z.infer<typeof spreadsheetSourceSchema>;
export type FileSource = QueueLogSource | CdrSource | SpreadsheetSource;
export type AnySource = z.infer<typeof anySourceSchema>;

export function isApiSource(source: AnySource): source is AnySource & ApiSourceConfig & { type?: 'api' } {
  return source.type === undefined || source.type === 'api';
}

export function isFileSource(source: AnySource): source is FileSource {
  return !isApiSource(source);
}
