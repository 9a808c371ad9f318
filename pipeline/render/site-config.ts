import { z } from 'zod';

/** Rolling periods the site can pre-render; months are added separately (`completeMonths`). */
export const ROLLING_PERIODS = ['ultimo-dia', '7-dias', '30-dias', 'mes-atual'] as const;
export type RollingPeriod = (typeof ROLLING_PERIODS)[number];

export const SITE_DEFAULTS = {
  title: 'Rechamadas',
  rollingPeriods: [...ROLLING_PERIODS],
  defaultPeriod: '30-dias' as RollingPeriod,
  completeMonths: 12,
  maskNumbers: true,
  agentCallbackLimit: 100,
  detailCallbackLimit: 500,
};

/** `config.site`: what `build-site` renders. */
export const siteSchema = z
  .object({
    title: z.string().min(1).max(80).default(SITE_DEFAULTS.title),
    rollingPeriods: z.array(z.enum(ROLLING_PERIODS)).min(1).default(SITE_DEFAULTS.rollingPeriods),
    defaultPeriod: z.enum(ROLLING_PERIODS).default(SITE_DEFAULTS.defaultPeriod),
    completeMonths: z.number().int().min(0).max(36).default(SITE_DEFAULTS.completeMonths),
    /** SPEC §7: full numbers only when explicitly turned off. */
    maskNumbers: z.boolean().default(SITE_DEFAULTS.maskNumbers),
    /** Callbacks listed on each agent page (most recent first); bounds page size. */
    agentCallbackLimit: z.number().int().min(0).max(5000).default(SITE_DEFAULTS.agentCallbackLimit),
    /** Callbacks listed on each Rechamadas page (most recent first). */
    detailCallbackLimit: z.number().int().min(0).max(20000).default(SITE_DEFAULTS.detailCallbackLimit),
  })
  .strict()
  .refine((site) => site.rollingPeriods.includes(site.defaultPeriod), { message: 'defaultPeriod must be one of rollingPeriods' });

export type SiteConfig = z.infer<typeof siteSchema>;
