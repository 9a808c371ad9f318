// npm run bench [-- --rows N] [-- --only import|extract|site|sources]: prints figures; see docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import fs from 'fs-extra';
import { generateLegsCsv } from './generate.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, only: { type: 'string' } } });
const rows = Number(values.rows);
const out = resolve('bench/out');
const print = (line: string) => process.stdout.write(`${line}\n`);

print(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}`);

if (!values.only || values.only === 'import') await benchImport();
if (!values.only || values.only === 'extract') await (await import('./extract.ts')).benchExtract(print);
if (!values.only || values.only === 'site') await (await import('./site.ts')).benchSite(print);
if (!values.only || values.only === 'sources') await (await import('./sources.ts')).benchSources(print);

async function benchImport(): Promise<void> {
  // Its own folder: the other benchmarks keep their cached inputs in bench/out.
  const folder = join(out, 'import');
  await fs.emptyDir(folder);
  const csv = join(folder, `legs-${rows}.csv`);
  const generating = performance.now();
  await generateLegsCsv(rows, csv);
  print(`import: generated ${rows} legs (+1% re-sent) in ${((performance.now() - generating) / 1000).toFixed(1)} s, ${((await stat(csv)).size / 2 ** 20).toFixed(0)} MB CSV`);
  // The input is on disk before the clock starts: otherwise the import shares the disk with
  // the kernel still writing the fresh CSV back (10M legs: 1.5 GB, measured 8 s slower).
  const written = await open(csv, 'r+');
  await written.sync();
  await written.close();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/import-child.ts', join(folder, 'bench.duckdb'), csv], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as { summary: Record<string, unknown>; seconds: number; cpuSeconds: number; peakRssMb: number };
  print(`import: ${rows} legs, CSV → legs, rejected_legs, contacts in ${result.seconds.toFixed(1)} s (CPU ${result.cpuSeconds.toFixed(1)} s), peak RSS ${result.peakRssMb.toFixed(0)} MB`);
  print(`import: ${JSON.stringify(result.summary)}`);
}
