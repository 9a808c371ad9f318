import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError } from '../pipeline/run-lock.ts';
import { FIXED_NOW, scratchDir } from './helpers.ts';

describe('the run lock', () => {
  it('lets exactly one of two simultaneous runs in, even while the first is still writing the lock', async () => {
    const warehouse = join(await scratchDir(), 'w.duckdb');
    // The second run starts a little later each round, so that some rounds find the lock file
    // created but its holder not yet written.
    const later = async (ticks: number) => {
      for (let tick = 0; tick < ticks; tick++) await new Promise((resolve) => setImmediate(resolve));
      return acquireLock(warehouse, FIXED_NOW);
    };
    for (let round = 0; round < 300; round++) {
      const results = await Promise.allSettled([acquireLock(warehouse, FIXED_NOW), later(round % 6)]);
      const taken = results.filter((result) => result.status === 'fulfilled');
      const refused = results.filter((result) => result.status === 'rejected' && result.reason instanceof LockHeldError);
      expect([taken.length, refused.length], `round ${round}`).toEqual([1, 1]);
      await (taken[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
    }
  });
});
