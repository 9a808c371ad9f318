/**
 * The differential tests' common set-up: the generated legs of one seed imported through the real
 * pipeline, beside the reference legs and contacts of the same records.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Config } from '../pipeline/config.ts';
import { generateLegs } from './generate-legs.ts';
import { importInto, writeCsv } from './helpers.ts';
import { dedupe, referenceContacts, type Leg, type RawLeg, type RefConfig, type RefContact } from './reference.ts';

/** The reference's reading of a pipeline configuration. */
export function refConfigOf(cfg: Config): RefConfig {
  return {
    timezone: cfg.timezone, callbackWindowDays: cfg.callbackWindowDays, attribution: cfg.attribution,
    shortCallSeconds: cfg.shortCallSeconds, excludedNumbers: cfg.excludedNumbers,
  };
}

export interface GeneratedWarehouse {
  /** The caller removes it: unlike scratchDir()'s, it outlives one test (several read its warehouse). */
  dir: string;
  warehouse: string;
  legs: Leg[];
  contacts: RefContact[];
}

/** Imports a seed's generated legs as two files (the second loaded later) and builds their reference legs and contacts. */
export async function loadGenerated(seed: number, cfg: Config): Promise<GeneratedWarehouse> {
  const { legs: generated, split } = generateLegs(seed, cfg.timezone, cfg.callbackWindowDays);
  const dir = await mkdtemp(join(tmpdir(), 'rechamadas-differential-'));
  const warehouse = join(dir, 'w.duckdb');
  const files = [
    await writeCsv(join(dir, 'legs-1.csv'), generated.slice(0, split)),
    await writeCsv(join(dir, 'legs-2.csv'), generated.slice(split)),
  ];
  const summary = await importInto(warehouse, files, cfg);
  expect(summary, 'every generated record is valid').toMatchObject({ read: generated.length, loaded: generated.length, rejected: 0 });
  const refConfig = refConfigOf(cfg);
  return { dir, warehouse, legs: dedupe(generated as RawLeg[], refConfig), contacts: referenceContacts(generated as RawLeg[], refConfig) };
}

/**
 * Loads a case's warehouse before the tests of the enclosing describe block and removes its folder
 * after them; the returned function gives it to those tests.
 */
export function loadedForBlock<T extends { dir: string }>(load: () => Promise<T>): () => T {
  let loaded: T | undefined;
  beforeAll(async () => {
    loaded = await load();
  });
  afterAll(async () => {
    if (loaded) await rm(loaded.dir, { recursive: true, force: true });
  });
  return () => {
    if (!loaded) throw new Error('the case did not load');
    return loaded;
  };
}
