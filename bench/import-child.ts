// Runs one import in a process of its own, so that its peak memory is its own: files in, the
// warehouse contract tables of SPEC §6 (legs, rejected_legs, contacts) out.
import { parseConfig } from '../pipeline/config.ts';
import { importLegs } from '../pipeline/load.ts';

const [warehouse, file] = process.argv.slice(2) as [string, string];
const io = { now: () => new Date(), log: (line: string) => process.stderr.write(`  ${line}\n`) };
const start = performance.now();
const cpuStart = process.cpuUsage();
const summary = await importLegs({ warehouse, config: parseConfig({}), files: [{ path: file }], io });
process.stdout.write(JSON.stringify({
  summary,
  seconds: (performance.now() - start) / 1000,
  // CPU of all threads (DuckDB's too): steadier than wall time when other work shares the cores.
  cpuSeconds: ((usage) => (usage.user + usage.system) / 1e6)(process.cpuUsage(cpuStart)),
  peakRssMb: process.resourceUsage().maxRSS / 1024,
}));
