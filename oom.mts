import { parseConfig } from './pipeline/config.ts';
import { importLegs } from './pipeline/load.ts';
import { rmSync } from 'node:fs';
const [file, limit] = process.argv.slice(2) as [string, string];
rmSync('/tmp/oom.duckdb', { force: true });
const t = performance.now();
const s = await importLegs({ warehouse: '/tmp/oom.duckdb', config: parseConfig({ memoryLimit: limit }), files: [{ path: file }], io: { now: () => new Date(), log: (l) => console.error(l) } });
console.log(s, (performance.now() - t) / 1000, process.resourceUsage().maxRSS / 1024);
