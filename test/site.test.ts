import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import fs from 'fs-extra';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../pipeline/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { publishAtomically } from '../pipeline/publish.ts';
import { buildSite } from '../pipeline/render.ts';
import { openSiteDb, refreshKpiTables, runKpiModels } from '../pipeline/render/db.ts';
import { renderChart, trendSpec } from '../pipeline/render/charts.ts';
import { neutralise, pageWorkbook, tableCsv } from '../pipeline/render/exports.ts';
import { buildPeriods } from '../pipeline/render/periods.ts';
import { registerPeriods, returningCustomers } from '../pipeline/render/queries.ts';
import { customerReference, displayNumber } from '../pipeline/render/privacy.ts';
import { wilsonInterval } from '../pipeline/render/stats.ts';
import { createFixtureWarehouse, CUSTOMERS, FIXED_NOW, HOSTILE } from './site-fixture.ts';

const run = promisify(execFile);

const SECRET = 'test-secret';
let warehouse: string;
let out: string;
let files: string[];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

async function build(target: string): Promise<void> {
  await buildSite({ warehouse, out: target, config: parseConfig({}), io: memoryIo(FIXED_NOW), secret: SECRET });
}

beforeAll(async () => {
  warehouse = await createFixtureWarehouse();
  out = join(dirname(warehouse), 'site');
  await build(out);
  files = await listFiles(out);
});

describe('build-site output', () => {
  it('pre-renders every page for every period and operator, and one page per agent', async () => {
    // The fixture's 75 days start in September: no page for a month before the data.
    const periods = buildPeriods('2026-11-27', parseConfig({}).site, '2026-09-12');
    expect(periods.map((p) => p.id)).toEqual(['ultimo-dia', '7-dias', '30-dias', 'mes-atual', '2026-10', '2026-09']);
    expect(files.filter((file) => file.startsWith(join(out, 'p', '2026-08')))).toEqual([]);
    for (const period of periods) {
      for (const scope of ['todas', 'alfa', 'beta']) {
        for (const page of ['index', 'atendentes', 'equipes', 'rechamadas', 'motivos', 'uf']) {
          expect(files).toContain(join(out, 'p', period.id, scope, `${page}.html`));
        }
      }
    }
    const agentPages = files.filter((file) => file.includes(`${join(out, 'atendente')}/`) && file.endsWith('.html'));
    expect(agentPages).toHaveLength(4);
    // An agent's 90-day trend starts where the data does (12/09), not with weeks of zeros.
    expect(await readFile(agentPages[0]!, 'utf8')).toContain('12/09/2026 a 27/11/2026; barras: atendimentos, linha: taxa de rechamada.');
    expect((await fs.stat(join(out, 'index.html'))).size).toBeLessThan(300_000);
  });

  it('shows the KPI the SQL models compute: callbacks charged on the callback date (SPEC §5)', async () => {
    const db = await openSiteDb(warehouse, 'America/Sao_Paulo');
    const [expected] = await db.rows<{ callbacks: number; contacts: number }>(`
      SELECT CAST(count(*) FILTER (WHERE is_callback) AS INTEGER) AS callbacks, CAST(count(*) FILTER (WHERE eligible) AS INTEGER) AS contacts
      FROM contacts WHERE local_date BETWEEN DATE '2026-10-29' AND DATE '2026-11-27'`);
    db.close();
    const html = await readFile(join(out, 'p', '30-dias', 'todas', 'index.html'), 'utf8');
    const card = (label: string) => new RegExp(`<h2>${label}[^]*?<p class="value">([^<]+)</p>`).exec(html)?.[1];
    expect(card('Rechamadas')).toBe(String(expected!.callbacks));
    expect(card('Atendimentos')).toBe(String(expected!.contacts));
    expect(html).toMatch(/<h2>FCR <span class="badge provisional">provisório<\/span><\/h2>/);
    expect(html).toContain('Dados de <strong>12/09/2026</strong> até <strong>27/11/2026 05:30</strong> · gerado em 27/11/2026 06:00');
    expect(html).not.toContain('dados a partir de');
    // A month the data starts in says so: its first days cannot show callbacks of earlier contacts.
    const september = await readFile(join(out, 'p', '2026-09', 'todas', 'index.html'), 'utf8');
    expect(september).toContain('setembro de 2026 (01/09/2026 a 30/09/2026) · todas as operadoras · dados a partir de 12/09/2026');
  });

  it('breaks the KPIs down by DDD, each with its UF, the SQL models\' counts', async () => {
    const db = await openSiteDb(warehouse, 'America/Sao_Paulo');
    const expected = await db.rows<{ ddd: string; contacts: number }>(`
      SELECT coalesce(ddd, '(não informado)') AS ddd, CAST(count(*) FILTER (WHERE eligible) AS INTEGER) AS contacts
      FROM contacts WHERE local_date BETWEEN DATE '2026-10-29' AND DATE '2026-11-27' GROUP BY ALL ORDER BY ddd`);
    db.close();
    const html = await readFile(join(out, 'p', '30-dias', 'todas', 'uf.html'), 'utf8');
    const table = /<table id="tbl-ddds"[^]*?<\/table>/.exec(html)?.[0] ?? '';
    const rows = [...table.matchAll(/<tr[^>]*>\s*(<td[^]*?)<\/tr>/g)].map((match) => [...match[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((cell) => cell[1]!));
    // DDD, UF, then the KPI columns (Atendimentos first).
    expect(rows.map(([ddd, , contacts]) => ({ ddd: ddd!, contacts: Number(contacts) })).sort((a, b) => a.ddd.localeCompare(b.ddd)))
      .toEqual(expected.map((row) => ({ ddd: row.ddd, contacts: row.contacts })).sort((a, b) => a.ddd.localeCompare(b.ddd)));
    expect(rows.find(([ddd]) => ddd === '31')?.[1]).toBe('MG');
    expect(rows.find(([ddd]) => ddd === '85')?.[1]).toBe('CE');
    // Acronyms keep their capitals in the filter boxes' labels.
    expect(html).toContain('aria-label="Filtrar DDD"');
    expect(html).toContain('aria-label="Filtrar UF"');
    expect(html).toContain('aria-label="Filtrar região"');
  });

  it('shows the last day after the six before it in the daily trend, a longer period alone', async () => {
    const lastDay = await readFile(join(out, 'p', 'ultimo-dia', 'todas', 'index.html'), 'utf8');
    expect(lastDay).toContain('linha: taxa de rechamada. Último dia, após os dias anteriores desde 21/11/2026.');
    const month = await readFile(join(out, 'p', '30-dias', 'todas', 'index.html'), 'utf8');
    expect(month).toContain('linha: taxa de rechamada. Últimos 30 dias.');
  });

  it('lists in an operator\'s view the callbacks charged to its contacts, and says so in a column', async () => {
    const html = await readFile(join(out, 'p', '30-dias', 'beta', 'rechamadas.html'), 'utf8');
    const table = /<table id="tbl-rechamadas"[^]*?<\/table>/.exec(html)?.[0] ?? '';
    const headers = [...table.matchAll(/<th scope="col"[^>]*>(?:<button[^>]*>)?([^<]+)/g)].map((match) => match[1]);
    const rows = [...table.matchAll(/<tr[^>]*>\s*(<td[^]*?)<\/tr>/g)].map((match) => [...match[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((cell) => cell[1]));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((cells) => cells[headers.indexOf('Operadora de origem')]))).toEqual(new Set(['beta']));
  });

  it('shows no FCR while nothing of the period can have settled as resolved, and never compares an open window', async () => {
    const fcrCard = async (period: string) => {
      const html = await readFile(join(out, 'p', period, 'todas', 'index.html'), 'utf8');
      const [, value, change, note] = /<h2>FCR[^]*?<p class="value">([^<]+)<\/p>\s*<p class="change[^"]*">([^<]+)[^]*?<p class="note">([^<]+)<\/p>/.exec(html) ?? [];
      return { value, change: change?.trim(), note };
    };
    // The last day lies wholly inside the callback window: its contacts are pending or called back.
    expect(await fcrCard('ultimo-dia')).toEqual({ value: '—', change: 'sem comparação enquanto a janela está aberta', note: expect.stringMatching(/^\d+ pendentes: aguardando o fim da janela de rechamada$/) });
    const month = await fcrCard('30-dias');
    expect(month.value).toMatch(/^\d+,\d\s?%$/);
    expect(month.change).toBe('sem comparação enquanto a janela está aberta');
    // The tables say the same as the card: no FCR rather than a false 0 %, for every agent and team
    // (in the last 7 days, contacts are called back or pending: none can have settled as resolved).
    expect((await fcrCard('7-dias')).value).toBe('—');
    const fcrColumn = async (page: string) => {
      const html = await readFile(join(out, 'p', '7-dias', 'todas', page), 'utf8');
      return [...html.matchAll(/<table[^]*?<\/table>/g)].flatMap(([table]) => {
        const headers = [...table.matchAll(/<th scope="col"[^>]*><button[^>]*>([^<]+)<\/button>/g)].map((match) => match[1]);
        if (!headers.includes('FCR')) return [];
        const rows = [...table.matchAll(/<tr[^>]*>\s*(<td[^]*?)<\/tr>/g)].map((match) => [...match[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((cell) => cell[1]));
        return rows.map((cells) => cells[headers.indexOf('FCR')]);
      });
    };
    for (const page of ['atendentes.html', 'equipes.html']) {
      const cells = await fcrColumn(page);
      expect(cells.length, page).toBeGreaterThan(0);
      expect(new Set(cells), page).toEqual(new Set(['—']));
    }
  });

  it('escapes every hostile value and never lets markup through', async () => {
    const pages = files.filter((file) => file.endsWith('.html'));
    for (const file of pages) {
      const html = await readFile(file, 'utf8');
      for (const raw of ['<script>alert', '<img src=x', '<svg onload', '<b>Cia</b>']) expect(html, relative(out, file)).not.toContain(raw);
    }
    const agents = await readFile(join(out, 'p', '30-dias', 'todas', 'atendentes.html'), 'utf8');
    expect(agents).toContain('&lt;script&gt;alert(&quot;agente&quot;)&lt;/script&gt;');
    expect(agents).toContain('Equipe &quot;Norte&quot; &amp; &lt;b&gt;Cia&lt;/b&gt;');
  });

  it('never publishes a full customer number, only masks and keyed references', async () => {
    const forbidden = CUSTOMERS.flatMap((customer) => [customer.key, customer.raw, customer.key.replace('+', ''), customer.key.slice(2)]);
    // Numbers could only reach a page through callback lists; their workbooks are read back too.
    for (const file of files.filter((f) => !f.endsWith('.xlsx') || /rechamadas|atendente\//.test(f))) {
      let text: string;
      if (file.endsWith('.xlsx')) {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await readFile(file) as unknown as ArrayBuffer);
        text = workbook.worksheets.map((sheet) => sheet.getSheetValues().map((row) => JSON.stringify(row)).join('\n')).join('\n');
      } else {
        text = await readFile(file, 'utf8');
      }
      for (const number of forbidden) expect(text.includes(number), `${number} in ${relative(out, file)}`).toBe(false);
    }
    const detail = await readFile(join(out, 'p', '30-dias', 'todas', 'rechamadas.html'), 'utf8');
    expect(detail).toMatch(/\(\d\d\) •••••-\d{4}/);
    expect(displayNumber('11987654321', true)).toBe('(11) •••••-4321');
    expect(displayNumber('1134567890', true)).toBe('(11) ••••-7890');
    expect(displayNumber('+14155552671', true)).toBe('+1 •••-2671');
    expect(displayNumber('+351912345678', true)).toBe('+351 •••-5678');
    expect(displayNumber('+442079460958', true)).toBe('+44 •••-0958');
    expect(displayNumber('11987654321', false)).toBe('(11) 98765-4321');
    const reference = customerReference('11987654321', SECRET);
    expect(reference).toMatch(/^[0-9a-f]{12}$/);
    expect(reference).not.toBe(createHash('sha256').update('11987654321').digest('hex').slice(0, 12));
    expect(customerReference('11987654321', 'another-secret')).not.toBe(reference);
  });

  it('neutralises formula-like cells in CSV and XLSX exports (SPEC §7)', async () => {
    expect(['=1+1', '+55', '-2', '@SUM(A1)', '\tx', '\rx', 'ok', 12].map(neutralise)).toEqual(["'=1+1", "'+55", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'ok', 12]);
    const csv = await readFile(join(out, 'p', '30-dias', 'todas', 'motivos.motivos.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""clique"")"`);
    expect(csv).not.toMatch(/(^|;)"?=HYPERLINK/m);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await readFile(join(out, 'p', '30-dias', 'todas', 'motivos.xlsx')) as unknown as ArrayBuffer);
    const values = workbook.worksheets.flatMap((sheet) => sheet.getSheetValues().flat()).filter((value): value is string => typeof value === 'string');
    expect(values).toContain(`'${HOSTILE.reason}`);
    expect(values.some((value) => /^[=+\-@]/.test(value))).toBe(false);
    expect(tableCsv({ id: 't', caption: 't', columns: [{ key: 'a', label: 'A', kind: 'text' }], rows: [{ a: '-1' }] })).toBe("\uFEFFA\r\n'-1\r\n");
    // What Excel in Portuguese (Brazil) reads: ';', decimal comma, rates to four places.
    const columns = [{ key: 'n', label: 'Atendimentos', kind: 'integer' }, { key: 'r', label: 'Taxa', kind: 'percent' }, { key: 't', label: 'TMA', kind: 'duration' }] as const;
    expect(tableCsv({ id: 't', caption: 't', columns: [...columns], rows: [{ n: 1234, r: 0.5443201376936316, t: 557.0155 }, { n: 0, r: null, t: null }] }))
      .toBe('\uFEFFAtendimentos;Taxa;TMA (s)\r\n1234;0,5443;557\r\n0;;\r\n');
  });

  it('links only relatively, to files that exist, and requests nothing from another host', async () => {
    for (const file of files.filter((f) => f.endsWith('.html'))) {
      const html = await readFile(file, 'utf8');
      for (const [, url] of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
        if (url === 'data:,') continue; // the empty favicon, so browsers request none
        expect(url, relative(out, file)).not.toMatch(/^(\/|[a-z]+:)/i);
        const target = resolve(dirname(file), url!.split('#')[0]!);
        expect(await fs.pathExists(target), `${url} from ${relative(out, file)}`).toBe(true);
      }
    }
  });

  it('is byte-identical when rebuilt on the same data with the same clock', async () => {
    const again = `${out}-again`;
    await build(again);
    const again_files = await listFiles(again);
    expect(again_files.map((f) => relative(again, f))).toEqual(files.map((f) => relative(out, f)));
    for (const file of files) {
      const other = join(again, relative(out, file));
      expect((await readFile(other)).equals(await readFile(file)), relative(out, file)).toBe(true);
    }
  });

  it('is byte-identical from the command line too, built a second apart, when SOURCE_DATE_EPOCH fixes the clock', async () => {
    const builds = [`${out}-cli-1`, `${out}-cli-2`];
    // An epoch before the data's end (a commit time, 1980 in some build shells) stamps the build
    // only: the dashboard still ends where the data does.
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(Date.parse('2026-01-02T12:00:00Z') / 1000) };
    for (const target of builds) {
      await run('node', ['bin/rechamadas.js', 'build-site', '--warehouse', warehouse, '--out', target], { env });
      // XLSX files carry the build time to the second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    const [first, second] = await Promise.all(builds.map(listFiles));
    expect(second!.map((f) => relative(builds[1]!, f))).toEqual(first!.map((f) => relative(builds[0]!, f)));
    for (const file of first!) {
      expect((await readFile(join(builds[1]!, relative(builds[0]!, file)))).equals(await readFile(file)), relative(builds[0]!, file)).toBe(true);
    }
    expect(await readFile(join(builds[0]!, 'index.html'), 'utf8')).toContain('até <strong>27/11/2026 05:30</strong> · gerado em 02/01/2026 09:00');
  }, 60_000);

  it('matches the snapshot of the overview page', async () => {
    await expect(await readFile(join(out, 'p', 'ultimo-dia', 'beta', 'index.html'), 'utf8')).toMatchFileSnapshot('__snapshots__/overview-ultimo-dia-beta.html');
  });
});

describe('KPI tables', () => {
  it('are rebuilt only when missing, or built from other data or other models', async () => {
    const db = await openSiteDb(await createFixtureWarehouse(), 'America/Sao_Paulo');
    try {
      const eligible = async () => (await db.rows<{ fact: number; contacts: number }>(`
        SELECT (SELECT CAST(sum(contacts) AS INTEGER) FROM kpi_group_daily WHERE dimension = 'center') AS fact,
               (SELECT CAST(count(*) FILTER (WHERE eligible) AS INTEGER) FROM contacts) AS contacts`))[0]!;
      expect(await runKpiModels(db)).toBe(true);
      expect(await runKpiModels(db)).toBe(false);
      await db.run(`DELETE FROM contacts WHERE contact_key = (SELECT min(contact_key) FROM contacts WHERE eligible)`);
      expect(await runKpiModels(db)).toBe(true);
      const after = await eligible();
      expect(after.fact).toBe(after.contacts);
      // A load rewrites warehouse_meta (batch_id, recomputed_at) even when the row counts stay the same.
      await db.run(`INSERT INTO warehouse_meta VALUES ('recomputed_at', '2026-11-28T00:00:00Z')`);
      expect(await runKpiModels(db)).toBe(true);
      await db.run('DROP TABLE kpi_group_daily');
      expect(await runKpiModels(db)).toBe(true);
      // Rebuilt meanwhile by an older version of the models.
      await db.run('ALTER TABLE kpi_customer_daily DROP COLUMN earlier_callback_date');
      expect(await runKpiModels(db)).toBe(true);
      // Once rebuilt, the next build (or the daily report) finds them fresh.
      await refreshKpiTables(db);
      expect(await runKpiModels(db)).toBe(false);
    } finally {
      db.close();
    }
  });

  it('count each customer once per period, as COUNT(DISTINCT) would', async () => {
    const db = await openSiteDb(warehouse, 'America/Sao_Paulo');
    try {
      await registerPeriods(db, buildPeriods('2026-11-27', parseConfig({}).site));
      const distinct = await db.rows(`
        SELECT p.period_id, p.part, CASE WHEN GROUPING(k.operator) = 1 THEN '*' ELSE k.operator END AS scope,
          CAST(COUNT(DISTINCT k.customer_key) FILTER (WHERE k.had_contact) AS DOUBLE) AS customers,
          CAST(COUNT(DISTINCT k.customer_key) FILTER (WHERE k.had_callback) AS DOUBLE) AS returning
        FROM (
          SELECT local_date, operator, customer_key, TRUE AS had_contact, FALSE AS had_callback FROM contacts WHERE eligible
          UNION ALL
          SELECT local_date, operator, customer_key, FALSE, TRUE FROM kpi_callback_facts
        ) AS k JOIN site_period_days AS p USING (local_date)
        GROUP BY GROUPING SETS ((p.period_id, p.part, k.operator), (p.period_id, p.part))
        ORDER BY ALL`);
      expect(distinct.length).toBeGreaterThan(0);
      expect(await returningCustomers(db)).toEqual(distinct);
    } finally {
      db.close();
    }
  });
});

describe('XLSX exports', () => {
  it('keep the percent format on percent cells only, durations in seconds, dates as dates', async () => {
    const bytes = await pageWorkbook([{
      id: 't', caption: 'Tabela',
      columns: [
        { key: 'name', label: 'Nome', kind: 'text' }, { key: 'count', label: 'Total', kind: 'integer' }, { key: 'rate', label: 'Taxa', kind: 'percent' },
        { key: 'day', label: 'Dia', kind: 'date' }, { key: 'aht', label: 'TMA', kind: 'duration' },
      ],
      rows: [
        { name: 'a', count: 3, rate: 0.25, day: '2026-11-26', aht: 557.0155 },
        { name: 'b', count: 4, rate: null, day: null, aht: null },
        { name: 'c', count: 5, rate: 0.5, day: '2026-11-27', aht: 60 },
      ],
    }], FIXED_NOW);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect([2, 4].map((row) => [sheet.getCell(row, 3).value, sheet.getCell(row, 3).numFmt])).toEqual([[0.25, '0.0%'], [0.5, '0.0%']]);
    expect([1, 2, 3].flatMap((row) => [sheet.getCell(row, 1).numFmt, sheet.getCell(row, 2).numFmt]).filter(Boolean)).toEqual([]);
    expect(sheet.getRow(1).values).toEqual([undefined, 'Nome', 'Total', 'Taxa', 'Dia', 'TMA (s)']);
    expect([2, 4].map((row) => [sheet.getCell(row, 4).value, sheet.getCell(row, 4).numFmt])).toEqual([[new Date('2026-11-26T00:00:00Z'), 'dd/mm/yyyy'], [new Date('2026-11-27T00:00:00Z'), 'dd/mm/yyyy']]);
    expect(sheet.getCell(2, 5)).toMatchObject({ value: 557.0155, numFmt: '0.0' });
  });
});

describe('publishing', () => {
  it('keeps the last good site when a build fails', async () => {
    const target = join(dirname(warehouse), 'published');
    await publishAtomically(target, async (staging) => fs.outputFile(join(staging, 'index.html'), 'good'));
    await expect(publishAtomically(target, async (staging) => {
      await fs.outputFile(join(staging, 'index.html'), 'half');
      throw new Error('chart failed');
    })).rejects.toThrow('chart failed');
    expect(await readFile(join(target, 'index.html'), 'utf8')).toBe('good');
    expect((await readdir(dirname(target))).filter((name) => name.includes('.published.'))).toEqual([]);
    await expect(buildSite({ warehouse: join(dirname(warehouse), 'missing.duckdb'), out: target, config: parseConfig({}), io: memoryIo(FIXED_NOW) })).rejects.toThrow(/not found/);
    expect(await readFile(join(target, 'index.html'), 'utf8')).toBe('good');
  });
});

describe('charts', () => {
  it('labels days as UTC calendar days whatever the machine time zone', async () => {
    const days = ['2026-08-30', '2026-08-31', '2026-09-01'].map((date) => ({ date, contacts: 3, rate: 0.2, provisional: false }));
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Sao_Paulo', 'Asia/Tokyo']) {
        process.env.TZ = zone;
        const svg = await renderChart(trendSpec(days), { title: 'Título <x>', description: 'Descrição' });
        expect([...svg.matchAll(/>(\d\d\/\d\d)</g)].map((m) => m[1]), zone).toEqual(['30/08', '31/08', '01/09']);
        expect(svg).toMatch(/^<svg role="img" aria-label="Título &lt;x&gt;" [^>]*><title>Título &lt;x&gt;<\/title><desc>Descrição<\/desc>/);
      }
    } finally {
      process.env.TZ = saved;
    }
  });
});

describe('statistics and periods', () => {
  it('gives small samples wide Wilson intervals', () => {
    const small = wilsonInterval(3, 10)!;
    const large = wilsonInterval(300, 1000)!;
    expect(small.low).toBeCloseTo(0.1078, 3);
    expect(small.high).toBeCloseTo(0.6032, 3);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('validates the site configuration', () => {
    expect(parseConfig({ site: { completeMonths: 3 } }).site).toMatchObject({ completeMonths: 3, maskNumbers: true, defaultPeriod: '30-dias' });
    expect(() => parseConfig({ site: { rollingPeriods: ['7-dias'], defaultPeriod: 'ultimo-dia' } })).toThrow(/defaultPeriod must be one of rollingPeriods/);
    expect(() => parseConfig({ site: { maskNumber: false } })).toThrow(/Unrecognized key/);
  });

  it('compares each period with the one before it', () => {
    const [day, week, , monthToDate, lastMonth] = buildPeriods('2026-03-31', { rollingPeriods: ['ultimo-dia', '7-dias', '30-dias', 'mes-atual'], completeMonths: 2 });
    expect(day).toMatchObject({ from: '2026-03-31', to: '2026-03-31', previous: { from: '2026-03-30', to: '2026-03-30' } });
    expect(week).toMatchObject({ from: '2026-03-25', previous: { from: '2026-03-18', to: '2026-03-24' } });
    expect(monthToDate).toMatchObject({ from: '2026-03-01', previous: { from: '2026-02-01', to: '2026-02-28' } });
    expect(lastMonth).toMatchObject({ id: '2026-02', label: 'fevereiro de 2026', from: '2026-02-01', to: '2026-02-28', previous: { from: '2026-01-01', to: '2026-01-31' } });
  });
});
