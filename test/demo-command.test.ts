import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../pipeline/demo.ts';
import { memoryIo } from '../pipeline/io.ts';
import { FIXED_NOW, query, scratchDir } from './helpers.ts';

describe('demo (npm start)', () => {
  // The site build that follows is the site's own business (test/site*); here: API → connector → warehouse.
  it('extracts the last days before the clock through the real connector and builds the warehouse', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'warehouse', 'rechamadas.duckdb');
    const io = memoryIo(FIXED_NOW); // 2026-11-27 06:00 in São Paulo
    const result = await runDemo({ io, seed: 1, days: 7, warehouse });

    expect(result.dates).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
    expect(result.extracted.failures).toEqual([]);
    const days = await query<{ local_date: string; contacts: bigint }>(
      warehouse,
      `SELECT CAST(local_date AS VARCHAR) AS local_date, count(*) AS contacts FROM contacts GROUP BY 1 ORDER BY 1`,
    );
    expect(days.map((day) => day.local_date)).toEqual(result.dates);
    expect(days.every((day) => Number(day.contacts) >= 2000 && Number(day.contacts) <= 5000)).toBe(true);
    await access(join(dir, 'warehouse', 'raw', 'vox', '2026-11-26', 'page-00001.json.gz'));
    expect(io.lines.some((line) => line.startsWith('demo: operator API on http://127.0.0.1:'))).toBe(true);

    // Agents differ in how often their customers call back: the ranking has something to rank.
    const rates = await query<{ rate: number }>(
      warehouse,
      `WITH handled AS (SELECT agent_id, count(*) AS n FROM contacts WHERE eligible GROUP BY agent_id),
            callbacks AS (SELECT attributed_agent_id AS agent_id, count(*) AS c FROM contacts WHERE is_callback GROUP BY 1)
       SELECT c / n AS rate FROM handled JOIN callbacks USING (agent_id) WHERE n >= 150`,
    );
    expect(rates.length).toBeGreaterThanOrEqual(40);
    const values = rates.map((row) => Number(row.rate));
    expect(Math.max(...values) / Math.min(...values)).toBeGreaterThan(2);
  });
});
