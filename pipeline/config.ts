import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { timeZoneSchema } from './timezone.ts';
import { SITE_DEFAULTS, siteSchema } from './render/site-config.ts';
import { SCHEDULE_DEFAULTS, scheduleSchema } from './schedule-config.ts';
import { anySourceSchema } from './sources/config.ts';

/** Keywords are matched ignoring case and accents; the first rule that matches wins. */
export const DEFAULT_REASON_RULES: ReasonRule[] = [
  { category: 'Financeiro', keywords: ['2a via', '2ª via', 'segunda via', 'boleto', 'fatura', 'pagamento', 'cobranca', 'debito', 'reembolso', 'estorno', 'conta'] },
  { category: 'Cancelamento', keywords: ['cancelamento', 'cancelar', 'rescisao', 'portabilidade'] },
  { category: 'Suporte técnico', keywords: ['sem sinal', 'sem internet', 'internet', 'lentidao', 'queda', 'tecnico', 'suporte', 'equipamento', 'modem', 'roteador', 'falta de energia', 'sem energia', 'religacao', 'oscilacao'] },
  { category: 'Comercial', keywords: ['plano', 'upgrade', 'contratacao', 'venda', 'oferta', 'promocao', 'mudanca de plano'] },
  { category: 'Cadastro', keywords: ['cadastro', 'dados cadastrais', 'titularidade', 'endereco', 'mudanca de endereco'] },
  { category: 'Reclamação', keywords: ['reclamacao', 'ouvidoria', 'procon', 'anatel', 'insatisfacao'] },
  { category: 'Informação', keywords: ['informacao', 'duvida', 'consulta', 'protocolo'] },
];

const reasonRule = z.object({
  category: z.string().min(1),
  keywords: z.array(z.string().min(1)).min(1),
});
export type ReasonRule = z.infer<typeof reasonRule>;

/** DuckDB's memory_limit as the config accepts it: an amount and a unit. */
const MEMORY_LIMIT = /^(\d+(?:\.\d+)?)\s*(MB|GB|MiB|GiB)$/i;
const MIN_MEMORY_BYTES = 256e6;
const MEMORY_UNITS: Record<string, number> = { mb: 1e6, gb: 1e9, mib: 2 ** 20, gib: 2 ** 30 };

export const configSchema = z
  .object({
    timezone: timeZoneSchema.default('America/Sao_Paulo'),
    callbackWindowDays: z.number().int().min(1).max(90).default(7),
    attribution: z.enum(['origin', 'previous']).default('origin'),
    shortCallSeconds: z.number().int().min(0).default(30),
    excludedNumbers: z.array(z.string()).default([]),
    reasonRules: z.array(reasonRule).default(DEFAULT_REASON_RULES),
    warehouse: z.string().default('warehouse/rechamadas.duckdb'),
    /** DuckDB's buffer pool; beyond it, large loads spill to disk instead of growing the process. */
    memoryLimit: z.string().regex(MEMORY_LIMIT, 'must look like 3GB or 512MB')
      .refine((value) => bytesOf(value) >= MIN_MEMORY_BYTES, 'must be at least 256MB: below that DuckDB cannot hold a load')
      .default('2.5GB'),
    site: siteSchema.default(SITE_DEFAULTS),
    sources: z.array(anySourceSchema).default([]),
    schedule: scheduleSchema.default(SCHEDULE_DEFAULTS),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** The configured memoryLimit in bytes, with DuckDB's reading of the units (GB = 10⁹, GiB = 2³⁰). */
export function memoryLimitBytes(config: Pick<Config, 'memoryLimit'>): number {
  return bytesOf(config.memoryLimit);
}

function bytesOf(memory: string): number {
  const [, amount, unit] = MEMORY_LIMIT.exec(memory)!;
  return Number(amount) * MEMORY_UNITS[unit!.toLowerCase()]!;
}

export function parseConfig(input: unknown, where = 'config'): Config {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `  - ${path}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration in ${where}:\n${problems.join('\n')}`);
}

export async function loadConfig(path?: string): Promise<Config> {
  if (!path) return parseConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read configuration file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    // Windows Notepad starts a UTF-8 file with a byte-order mark, which JSON does not allow.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`Configuration file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return withPathsFrom(parseConfig(json, path), dirname(resolve(path)));
}

/**
 * The paths of a configuration file, its defaults included, are read from the file's folder (as
 * tsconfig's are), so that the daemon, cron or a script started elsewhere finds the same warehouse,
 * site and sources. Absolute paths stay as they are.
 */
function withPathsFrom(config: Config, folder: string): Config {
  const at = (path: string) => resolve(folder, path);
  return {
    ...config,
    warehouse: at(config.warehouse),
    schedule: { ...config.schedule, site: at(config.schedule.site) },
    sources: config.sources.map((source) => {
      if (!('files' in source)) return source;
      const files = source.files.map(at);
      return 'roster' in source && source.roster !== undefined ? { ...source, files, roster: at(source.roster) } : { ...source, files };
    }),
  };
}
