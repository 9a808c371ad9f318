import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Command } from './command.ts';
import { ConfigError } from './config.ts';
import { defaultIo, type Io } from './io.ts';

// Command modules import their types from command.ts, never from this file: this file awaits
// main() at top level, so importing it from a command it loads would never settle.
export type { Command } from './command.ts';

const commands: Record<string, () => Promise<Command>> = {
  import: async () => (await import('./load.ts')).importCommand,
  'import-sources': async () => (await import('./files.ts')).importSourcesCommand,
  'demo-queue-log': async () => (await import('./demo-queue-log.ts')).demoQueueLogCommand,
  export: async () => (await import('./export.ts')).exportCommand,
  extract: async () => (await import('./extract.ts')).extractCommand,
  'load-raw': async () => (await import('./extract.ts')).loadRawCommand,
  'demo-api': async () => (await import('./demo.ts')).demoApiCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
  'build-site': async () => (await import('./render.ts')).buildSiteCommand,
  schedule: async () => (await import('./schedule.ts')).scheduleCommand,
  run: async () => (await import('./schedule.ts')).runCommand,
  rebuild: async () => (await import('./schedule.ts')).rebuildCommand,
};

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  const loader = name ? commands[name] : undefined;
  if (!loader) {
    const list = await Promise.all(Object.entries(commands).map(async ([key, load]) => `  ${key.padEnd(12)} ${(await load()).summary}`));
    const asked = name === 'help' || name === '--help';
    const problem = name === undefined ? 'which command?\n' : asked ? '' : `unknown command "${name}"\n`;
    process.stderr.write(`${problem}usage: rechamadas <command> [options]\n\ncommands:\n${list.join('\n')}\n`);
    return asked ? EXIT.ok : EXIT.usage;
  }
  const command = await loader();
  try {
    const parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      process.stderr.write(`usage: ${command.usage}\n\n${command.summary}\n${command.help ? `\n${command.help}\n` : ''}`);
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.log(error.message);
      return EXIT.config;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.log(`${(error as Error).message}\nusage: ${command.usage}`);
      return EXIT.usage;
    }
    // The message says what and where; the stack is for a developer chasing a defect.
    const shown = process.env.RECHAMADAS_DEBUG ? (error as Error).stack : `${(error as Error).message} (RECHAMADAS_DEBUG=1 shows where in the code)`;
    io.log(`rechamadas ${name} failed: ${shown ?? error}`);
    return EXIT.failed;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
