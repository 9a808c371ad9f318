import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../pipeline/command.ts';
import { startDemoApi, type DemoApi } from '../pipeline/demo/server.ts';
import { memoryIo } from '../pipeline/io.ts';
import { acquireLock, lockPathOf } from '../pipeline/run-lock.ts';
import { reportsRootOf } from '../pipeline/report/archive.ts';
import { recentRuns } from '../pipeline/run-log.ts';
import { scheduledRun } from '../pipeline/schedule.ts';
import { FIXED_NOW } from './helpers.ts';
import { envOf, runConfig, smallDemoApi, suiteDir } from './run-fixture.ts';

/** Above Linux's pid_max default (2^22): no process has it. */
const DEAD_PID = 2 ** 22 + 12345;
const PASSWORD = 's3nh@-SMTP-n4o-vaza';

interface Received { from: string; to: string[]; mail: ParsedMail }

async function startSmtp(): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    // Plain SMTP with AUTH on the loopback only, as a relay on the same host would be.
    secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'rechamadas' && auth.password === PASSWORD) callback(null, { user: 'rechamadas' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream, { keepCidLinks: true }).then((mail) => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), mail });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a scheduled run end to end (demo API → warehouse → site → report by SMTP)', () => {
  let api: DemoApi;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let dir: string;
  let io: ReturnType<typeof memoryIo>;
  let config: ReturnType<typeof runConfig>;
  let exitCode: number;

  beforeAll(async () => {
    api = await smallDemoApi();
    smtp = await startSmtp();
    dir = await suiteDir();
    config = runConfig(api.url, dir, {
      report: {
        from: 'Rechamadas <rechamadas@empresa.com.br>',
        to: ['diretoria@empresa.com.br'],
        teams: { 'Equipe Ipê': ['ipe@empresa.com.br'], 'Equipe inexistente': ['ninguem@empresa.com.br'] },
        supervisors: { 'Mariana Couto': ['mariana@empresa.com.br', 'ipe@empresa.com.br'], 'Ricardo Almeida': ['ricardo@empresa.com.br'] },
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' },
      },
    });
    io = memoryIo(FIXED_NOW); // 2026-11-27 06:00 in São Paulo: yesterday is the 26th
    const result = await scheduledRun(config, { warehouse: config.warehouse, site: config.schedule.site }, io, FIXED_NOW, {
      env: envOf(api, { SMTP_USER: 'rechamadas', SMTP_PASSWORD: PASSWORD }), workers: 0,
    });
    exitCode = result.exitCode;
  }, 120_000);

  afterAll(async () => {
    await smtp?.close();
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('covers yesterday plus the look-back, logs every stage and ends well', async () => {
    expect(exitCode).toBe(EXIT.ok);
    const [run] = await recentRuns(config.warehouse);
    expect(run).toMatchObject({ kind: 'scheduled', dates: ['2026-11-25', '2026-11-26'], outcome: 'ok', exitCode: 0, rejected: 0 });
    expect(Object.keys(run!.stages)).toEqual(['backup', 'extract', 'reports', 'site', 'email']);
    expect(io.lines).toContainEqual(expect.stringMatching(/^run \S+: scheduled of 2026-11-25 to 2026-11-26 started, lock taken$/));
    // The log has a line for every stage, with its time.
    const stageLines = io.lines.filter((line) => /^run \S+: \w+ (done|failed) in \d+ ms$/.test(line));
    expect(stageLines.map((line) => line.split(' ')[2])).toEqual(['backup', 'extract', 'reports', 'site', 'email']);
    expect(run!.extracted).toBeGreaterThan(0);
    expect(run!.loaded).toBe(run!.extracted);
  });

  it('delivers the report to a real SMTP server: recipients, both parts, the charts and a working link', async () => {
    expect(smtp.received).toHaveLength(1);
    const { to, from, mail } = smtp.received[0]!;
    expect(from).toBe('rechamadas@empresa.com.br');
    // Everyone, plus the lists of the teams and supervisors that worked that day, each address once.
    expect(to).toEqual(['diretoria@empresa.com.br', 'ipe@empresa.com.br', 'mariana@empresa.com.br', 'ricardo@empresa.com.br']);
    expect(to).not.toContain('ninguem@empresa.com.br');
    expect(mail.subject).toMatch(/^Rechamadas 26\/11\/2026: \d+,\d\s?% de rechamada em \d+ atendimentos$/);
    const link = 'https://rechamadas.example.com.br/painel/reports/2026-11-26/';
    expect(mail.text).toContain(`Relatório completo: ${link}`);
    // The day is inside its callback window: no contact can have settled as resolved yet.
    expect(mail.text).toContain('FCR: aguardando a janela de rechamada (dia anterior: aguardando a janela de rechamada)');
    expect(mail.html).toContain(`href="${link}"`);
    const pngs = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(pngs.map((a) => a.cid).sort()).toEqual(['equipes@rechamadas', 'tendencia@rechamadas']);
    for (const png of pngs) {
      expect(png.content.subarray(1, 4).toString()).toBe('PNG');
      expect(mail.html).toContain(`src="cid:${png.cid}"`);
    }
    // The link's path exists in the published site, with the same charts beside it.
    const published = await readdir(join(config.schedule.site, 'reports', '2026-11-26'));
    expect(published).toEqual(expect.arrayContaining(['index.html', 'email.html', 'email.txt', 'tendencia.png', 'equipes.png']));
    // The page on the site links back to the dashboard, not to itself.
    const page = await readFile(join(config.schedule.site, 'reports', '2026-11-26', 'index.html'), 'utf8');
    expect(page).not.toContain('Ver o relatório de');
    expect(page).toContain('<a href="../../index.html"');
  });

  it('never writes the SMTP password (or the API secrets) to the log or the run log', async () => {
    const runLog = await readFile(join(dir, 'warehouse', 'runs.jsonl'), 'utf8');
    for (const secret of [PASSWORD, api.credentials.voxClientSecret, api.credentials.telbrApiKey]) {
      expect(io.lines.join('\n')).not.toContain(secret);
      expect(runLog).not.toContain(secret);
    }
    expect(io.lines.some((line) => line.includes(`sent to ${smtp.received[0]!.to.length} recipient(s) via SMTP`))).toBe(true);
  });

  it('backs the warehouse up before the next run and keeps only the configured number of copies', async () => {
    const small = { ...config, schedule: { ...config.schedule, backups: 1, report: { ...config.schedule.report, smtp: undefined } } };
    for (const hour of [10, 11]) {
      const now = new Date(`2026-11-27T${hour}:00:00Z`);
      const { exitCode: code } = await scheduledRun(small, { warehouse: config.warehouse, site: config.schedule.site }, memoryIo(now), now, { env: envOf(api), workers: 0 });
      expect(code).toBe(EXIT.ok);
    }
    expect(await readdir(join(dir, 'warehouse', 'backups'))).toEqual(['2026-11-27T11-00-00-000Z.duckdb']);
    // Without SMTP the same email is left as a ready .eml.
    const eml = await readFile(join(dir, 'warehouse', 'outbox', 'rechamadas-2026-11-26.eml'), 'utf8');
    expect(eml).toMatch(/^To: diretoria@empresa\.com\.br/m);
    expect(eml).toContain('Content-Type: image/png');
    // The site shows the runs and the pipeline's health, and links to it from every page.
    const runsPage = await readFile(join(config.schedule.site, 'execucoes.html'), 'utf8');
    expect(runsPage).toContain('Situação do pipeline: em dia.');
    // The page lists the run that built it, in progress, above the two logged before it.
    expect((runsPage.match(/<td[^>]*>agendada<\/td>/g) ?? []).length).toBe(3);
    expect(runsPage).toContain('em andamento (publicou esta versão do site)');
    expect(runsPage).toContain('Esta versão do site foi publicada pela execução iniciada em 27/11/2026 08:00, ainda em andamento.');
    expect(await readFile(join(config.schedule.site, 'index.html'), 'utf8')).toContain('<a href="execucoes.html">Execuções</a>');
  }, 120_000);

  it('refuses a second run while one holds the lock, and recovers a lock left by a dead process', async () => {
    const paths = { warehouse: config.warehouse, site: config.schedule.site };
    const quiet = { ...config, schedule: { ...config.schedule, report: { ...config.schedule.report, smtp: undefined } } };
    const [first, second] = await Promise.all([
      scheduledRun(quiet, paths, memoryIo(FIXED_NOW), FIXED_NOW, { env: envOf(api), workers: 0 }),
      scheduledRun(quiet, paths, memoryIo(FIXED_NOW), FIXED_NOW, { env: envOf(api), workers: 0 }),
    ]);
    expect([first.exitCode, second.exitCode].sort()).toEqual([EXIT.ok, EXIT.lockHeld]);
    expect([first, second].find((r) => r.exitCode === EXIT.lockHeld)!.record.outcome).toBe('refused');

    // A lock left by a process that no longer exists (a crash) is taken over, and says so.
    await writeFile(lockPathOf(config.warehouse), JSON.stringify({ pid: DEAD_PID, started: '2026-11-27T05:00:00Z' }));
    const lock = await acquireLock(config.warehouse, FIXED_NOW);
    expect(lock.recovered).toBe(DEAD_PID);
    await expect(acquireLock(config.warehouse, FIXED_NOW)).rejects.toThrow(/another run is in progress \(pid \d+/);
    await lock.release();
  }, 120_000);
});

describe('the run log of a run over an unreliable platform', () => {
  it('counts each rejected record once: the unmapped ones are among the import\'s rejections', async () => {
    const api = await startDemoApi({ seed: 4, timeZone: 'America/Sao_Paulo', callsPerDay: 40, faults: true, slowMs: 50, retryAfterSeconds: 0 });
    const dir = await suiteDir();
    try {
      const config = runConfig(api.url, dir);
      const io = memoryIo(FIXED_NOW);
      const result = await scheduledRun(config, { warehouse: config.warehouse, site: config.schedule.site }, io, FIXED_NOW, {
        env: envOf(api), workers: 0, sleep: async () => {},
      });
      const unmapped = io.lines.filter((line) => /^extract \S+:/.test(line)).map((line) => Number(/\((\d+) unmapped\)/.exec(line)?.[1] ?? 0));
      const [, imported] = /^import: read \d+, loaded \d+, duplicates \d+, rejected (\d+)/m.exec(io.lines.join('\n')) ?? [];
      expect(unmapped.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(result.record.rejected).toBe(Number(imported));
      expect((await recentRuns(config.warehouse))[0]!.rejected).toBe(Number(imported));
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a run whose reports cannot be written', () => {
  it('still publishes the loaded data on the site, then fails with exit 14 and sends nothing', async () => {
    const api = await smallDemoApi();
    const dir = await suiteDir();
    try {
      const config = runConfig(api.url, dir);
      // A file where the reports' folder should be: no report can be written.
      await mkdir(dirname(config.warehouse), { recursive: true });
      await writeFile(reportsRootOf(config.warehouse), 'not a folder');
      const io = memoryIo(FIXED_NOW);
      const result = await scheduledRun(config, { warehouse: config.warehouse, site: config.schedule.site }, io, FIXED_NOW, { env: envOf(api), workers: 0 });
      expect(result.exitCode).toBe(EXIT.reportFailed);
      expect(result.record).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^reports: /) });
      expect(io.lines.filter((line) => / (reports|site|email) (done|failed) in /.test(line)).map((line) => line.split(' ').slice(2, 4).join(' ')))
        .toEqual(['reports failed', 'site done']);
      expect(await readFile(join(config.schedule.site, 'index.html'), 'utf8')).toContain('2026');
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
