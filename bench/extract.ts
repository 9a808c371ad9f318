// Extraction benchmark: 30 days × 5,000 calls a day from the local demo operator API, both
// dialects, through the real connector (HTTP, mapping, raw landing, import), target ≤ 20 s.
// The API runs in its own process (`rechamadas demo-api`), as a platform would.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fs from 'fs-extra';
import { parseConfig } from '../pipeline/config.ts';
import { demoSources } from '../pipeline/demo/dialects.ts';
import { DEMO_CREDENTIALS, demoEnv } from '../pipeline/demo/server.ts';
import { extract, lastDays } from '../pipeline/extract.ts';
import { memoryIo } from '../pipeline/io.ts';

const DAYS = 30;
const CALLS_PER_DAY = 5000;
const NOW = new Date('2026-11-27T12:00:00Z');

export async function benchExtract(print: (line: string) => void): Promise<void> {
  const dir = resolve('bench/out/extract-bench');
  await fs.emptyDir(dir);
  // One process serving both dialects: on two cores, one per dialect would only duplicate the
  // data generation.
  const api = startApiProcess();
  try {
    const config = parseConfig({ warehouse: join(dir, 'bench.duckdb'), sources: demoSources(await api.url) });
    const started = performance.now();
    const io = memoryIo(NOW);
    // Stage lines stamped with the elapsed time show where the seconds go.
    const log = io.log;
    io.log = (line) => log(`${((performance.now() - started) / 1000).toFixed(1)} s ${line}`);
    const summary = await extract({ config, dates: lastDays('2026-11-27', DAYS), io, env: demoEnv(DEMO_CREDENTIALS) });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage();
    if (summary.failures.length) throw new Error(`extraction failed: ${summary.failures[0]!.error}`);
    print(
      `extract: ${DAYS} days × ${CALLS_PER_DAY} calls from the demo API (2 dialects) → ${summary.pages} pages, ${summary.records} records, ` +
        `${summary.imported!.loaded} legs loaded in ${seconds.toFixed(1)} s end to end (target ≤ 20 s); connector process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`,
    );
    for (const line of io.lines) print(`extract: ${line}`);
  } finally {
    api.process.kill('SIGTERM');
  }
}

/** `rechamadas demo-api` on an ephemeral port; a larger young generation cuts its GC time. */
function startApiProcess(): { process: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'pipeline/cli.ts', 'demo-api', '--port', '0', '--calls', String(CALLS_PER_DAY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise<string>((found, fail) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /Demo operator API on (http:\/\/\S+)/.exec(text);
      if (match) found(match[1]!);
    });
    child.once('exit', (code) => fail(new Error(`demo-api exited with ${code}`)));
  });
  return { process: child, url };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchExtract((line) => process.stdout.write(`${line}\n`));
}
