// Runs one import (and a contacts export) in a process of its own, so its peak memory is its own.
import { parseConfig } from '../pipeline/config.ts';
import { exportTable } from '../pipeline/export.ts';
import { importLegs } from '../pipeline/load.ts';

const [warehouse, file, out] = process.argv.slice(2) as [string, string, string];
const io = { now: () => new Date(), log: (line: string) => process.stderr.write(`  ${line}\n`) };
const config = parseConfig({});
const start = performance.now();
const summary = await importLegs({ warehouse, config, files: [{ path: file }], io });
const imported = performance.now();
await exportTable({ warehouse, config, table: 'contacts', out, io });
const exported = performance.now();
process.stdout.write(JSON.stringify({
  summary,
  importSeconds: (imported - start) / 1000,
  exportSeconds: (exported - imported) / 1000,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
