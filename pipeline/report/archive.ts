import { dirname, join } from 'node:path';

/** Daily report folders live beside the warehouse, outside the site that each build replaces. */
export function reportsRootOf(warehouse: string): string {
  return join(dirname(warehouse), 'reports');
}
