import type { Config } from './config.ts';
import type { Io } from './io.ts';

/** Options of the commands that load data: every load ends with a site rebuild, unless --skip-site. */
export const siteAfterLoadOptions = {
  site: { type: 'string' },
  'skip-site': { type: 'boolean' },
} as const;

export const SITE_AFTER_LOAD_USAGE = '[--site DIR | --skip-site]';

export async function rebuildSiteAfterLoad(values: Record<string, unknown>, warehouse: string, config: Config, io: Io): Promise<void> {
  if (values['skip-site']) return;
  // Loaded on demand: the renderer brings Vega and the templates, which a load without a site never needs.
  const { buildSite } = await import('./render.ts');
  await buildSite({ warehouse, out: (values.site as string | undefined) ?? config.schedule.site, config, io }).catch((error: unknown) => {
    throw new Error(`the load is in the warehouse, but the site was not rebuilt (the last one stays in place): ${(error as Error).message}`, { cause: error });
  });
}
