// Runs one import in a process of its own, so that its peak memory is its own: files in, the
// warehouse contract tables of SPEC §6 (legs, rejected_legs, contacts) out.
import { parseConfig } from '../pipeline/config.ts';
import { importLegs } from '../pipeline/load.ts';
import { timed } from '../pipeline/warehouse.ts';

const [warehouse, file] = process.argv.slice(2) as [string, string];
const io = { now: () => new Date(), log: (line: string) => process.stderr.write(`  ${line}\n`) };
const { result: summary, seconds, cpuSeconds } = await timed(() => importLegs({ warehouse, config: parseConfig({}), files: [{ path: file }], io }));
process.stdout.write(JSON.stringify({ summary, seconds, cpuSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
