import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT, wholeNumberOption, type Command } from './command.ts';
import { parseConfig } from './config.ts';
import { generateDay } from './demo/generate.ts';
import { addDays, localDateOf } from './extract/time.ts';
import { queueLogLines, rosterCsv } from './sources/demo-queue-log.ts';

/**
 * The demo center's calls as an Asterisk queue_log, its roster and a config that reads them:
 * the way to try the Asterisk path without a PBX.
 */

export async function writeDemoQueueLog(options: { out: string; days: number; seed: number; endDate: string; timeZone: string; callsPerDay?: number }) {
  const legs = [];
  for (let back = options.days - 1; back >= 0; back--) {
    legs.push(...generateDay(addDays(options.endDate, -back), options.seed, options.timeZone, { callsPerDay: options.callsPerDay }));
  }
  const vox = legs.filter((leg) => leg.operator === 'vox');
  await mkdir(options.out, { recursive: true });
  const lines = queueLogLines(vox);
  await atomicWrite(join(options.out, 'queue_log'), `${lines.join('\n')}\n`);
  await atomicWrite(join(options.out, 'roster.csv'), rosterCsv(vox));
  // Paths relative to the config file, which is read from its own folder.
  const config = {
    warehouse: 'rechamadas.duckdb',
    sources: [{ type: 'asterisk-queue-log', name: 'vox', files: ['queue_log'], roster: 'roster.csv', timeZone: options.timeZone }],
  };
  await atomicWrite(join(options.out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return { lines: lines.length, legs: vox.length };
}

async function atomicWrite(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

export const demoQueueLogCommand: Command = {
  summary: 'write the demo calls as an Asterisk queue_log + roster + config, to try import-sources',
  usage: 'rechamadas demo-queue-log [--days N] [--seed N] [--calls N] [--out DIR]',
  options: { days: { type: 'string' }, seed: { type: 'string' }, calls: { type: 'string' }, out: { type: 'string' } },
  async run({ values }, io) {
    const days = wholeNumberOption(values.days, 'days', 1, 366) ?? 7;
    const seed = wholeNumberOption(values.seed, 'seed', 0) ?? 1;
    const callsPerDay = wholeNumberOption(values.calls, 'calls', 1);
    const out = (values.out as string | undefined) ?? 'demo-asterisk';
    const timeZone = parseConfig({}).timezone;
    const endDate = addDays(localDateOf(io.now(), timeZone), -1);
    const written = await writeDemoQueueLog({ out, days, seed, endDate, timeZone, callsPerDay });
    io.log(`demo-queue-log: ${days} day(s) to ${endDate}, ${written.legs} legs, ${written.lines} queue_log lines`);
    process.stdout.write(`Wrote ${resolve(out, 'queue_log')}, roster.csv and config.json.\nTry: npx tsx pipeline/cli.ts import-sources --config ${join(out, 'config.json')}\n`);
    return EXIT.ok;
  },
};
