import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fs from 'fs-extra';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../pipeline/config.ts';
import { memoryIo } from '../pipeline/io.ts';
import { buildSite } from '../pipeline/render.ts';
import { createFixtureWarehouse, FIXED_NOW } from './site-fixture.ts';

/** Served under a sub-path, as an intranet server would: relative links must not care. */
const MOUNT = '/intranet/rechamadas/';
const SCREENSHOTS = resolve(import.meta.dirname, '..', 'artifacts', 'screenshots');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.csv': 'text/csv', '.xlsx': 'application/octet-stream' };

let out: string;
let server: Server;
let base: string;
let browser: Browser;

function serve(root: string): Promise<Server> {
  const httpServer = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.startsWith(MOUNT) ? path.slice(MOUNT.length) : '\0'));
    const found = file.startsWith(root) && (await stat(file).catch(() => null))?.isFile();
    if (!found) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((ready) => httpServer.listen(0, '127.0.0.1', () => ready(httpServer)));
}

/** A page that records console errors, failed requests and any request leaving the site. */
async function openPage(url: string, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`); });
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith(base) && !target.startsWith('file://') && !target.startsWith('data:')) problems.push(`external: ${target}`);
  });
  await page.goto(url);
  return { page, problems };
}

async function visibleRows(page: Page, table: string): Promise<number> {
  return page.locator(`${table} tbody tr:visible`).count();
}

beforeAll(async () => {
  const warehouse = await createFixtureWarehouse();
  out = join(dirname(warehouse), 'site');
  await buildSite({ warehouse, out, config: parseConfig({}), io: memoryIo(FIXED_NOW), secret: 'browser-secret' });
  server = await serve(out);
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}${MOUNT}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  await fs.ensureDir(SCREENSHOTS);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

describe('the built site in Chromium', () => {
  it('loads every page of a view without errors, and every internal link resolves', async () => {
    const { page, problems } = await openPage(`${base}index.html`);
    await page.screenshot({ path: join(SCREENSHOTS, 'visao-geral.png'), fullPage: true });
    const visited = new Set<string>();
    const queue = [page.url()];
    // Crawl the default view and one level of its links (agent pages, other pages, assets, exports).
    while (queue.length > 0 && visited.size < 40) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      if (!url.endsWith('.html')) {
        expect((await page.request.get(url)).status(), url).toBe(200);
        continue;
      }
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      const links = await page.locator('a[href]').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href.split('#')[0]!));
      for (const link of links) {
        expect(link.startsWith(base), link).toBe(true);
        if (link.includes('/p/30-dias/todas/') || link.includes('/atendente/') || link.endsWith('.csv')) queue.push(link);
      }
    }
    expect(visited.size).toBeGreaterThan(15);
    for (const link of await page.locator('a[href], link[rel="stylesheet"], script[src]').evaluateAll((els) => els.map((e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src))) {
      const response = await page.request.get(link.split('#')[0]!);
      expect(response.status(), link).toBe(200);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sorts, filters and searches the agent table', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/atendentes.html`);
    const table = '#tbl-atendentes';
    const callbacks = async () => page.locator(`${table} tbody tr:visible td:nth-child(6)`).evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-v'))));
    await page.getByRole('button', { name: 'Rechamadas', exact: true }).click();
    const ascending = await callbacks();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.getByRole('button', { name: 'Rechamadas', exact: true }).click();
    const descending = await callbacks();
    expect(descending).toEqual([...ascending].sort((a, b) => b - a));
    await expect.poll(() => page.getByRole('columnheader', { name: 'Rechamadas', exact: true }).getAttribute('aria-sort')).toBe('descending');
    // Text cells carry no sort key of their own: they sort by what they show (the agent's name links to their page).
    const names = async () => page.locator(`${table} tbody tr:visible td:nth-child(1)`).allTextContents();
    await page.getByRole('button', { name: 'Atendente', exact: true }).click();
    const byName = await names();
    expect(byName).toEqual([...byName].sort((a, b) => a.localeCompare(b, 'pt-BR')));
    expect(new Set(byName).size).toBeGreaterThan(1);
    const total = await visibleRows(page, table);
    expect(total).toBe(4);
    await page.getByRole('searchbox', { name: 'Buscar atendente' }).fill('bruno');
    expect(await visibleRows(page, table)).toBe(1);
    // Case and accents do not matter, typed or shown.
    await page.getByRole('searchbox', { name: 'Buscar atendente' }).fill('BRÚNO');
    expect(await visibleRows(page, table)).toBe(1);
    await page.getByRole('searchbox', { name: 'Buscar atendente' }).fill('');
    await page.getByRole('combobox', { name: 'Equipe' }).selectOption('Equipe Sul');
    expect(await visibleRows(page, table)).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'atendentes.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves between periods and operators with the selector', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/atendentes.html`);
    await page.getByRole('combobox', { name: 'Período' }).selectOption('7-dias');
    await page.waitForURL(/\/p\/7-dias\/todas\/atendentes\.html$/);
    await page.getByRole('combobox', { name: 'Operadora' }).selectOption('beta');
    await page.waitForURL(/\/p\/7-dias\/beta\/atendentes\.html$/);
    await expect.poll(() => page.getByRole('combobox', { name: 'Período' }).inputValue()).toBe('7-dias');
    await expect.poll(() => page.locator('p.subtitle').textContent()).toContain('operadora beta');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lets a keyboard user look through the periods without leaving the page, and go with "Mostrar"', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/atendentes.html`);
    const period = page.getByRole('combobox', { name: 'Período' });
    await period.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const chosen = await period.inputValue();
    expect(chosen).not.toBe('30-dias');
    expect(page.url()).toMatch(/\/p\/30-dias\/todas\/atendentes\.html$/);
    await page.getByRole('button', { name: 'Mostrar' }).click();
    await page.waitForURL(new RegExp(`/p/${chosen}/todas/atendentes\\.html$`));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows, after Back, the period of the page and the rows its filters select', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/atendentes.html`);
    await page.getByRole('combobox', { name: 'Equipe' }).selectOption('Equipe Sul');
    expect(await visibleRows(page, '#tbl-atendentes')).toBe(2);
    await page.getByRole('combobox', { name: 'Período' }).selectOption('7-dias');
    await page.waitForURL(/\/p\/7-dias\/todas\/atendentes\.html$/);
    await page.goBack();
    await page.waitForURL(/\/p\/30-dias\/todas\/atendentes\.html$/);
    await expect.poll(() => page.getByRole('combobox', { name: 'Período' }).inputValue()).toBe('30-dias');
    // The team filter the user left is kept, and the table agrees with it.
    const team = await page.getByRole('combobox', { name: 'Equipe' }).inputValue();
    await expect.poll(() => visibleRows(page, '#tbl-atendentes')).toBe(team === 'Equipe Sul' ? 2 : 4);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('searches callbacks by protocol and shows their episode timeline', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/rechamadas.html`);
    const protocol = await page.locator('#tbl-rechamadas tbody tr:first-child td:nth-child(3)').textContent();
    await page.getByRole('searchbox', { name: 'Buscar protocolo' }).fill(protocol!);
    const rows = page.locator('#tbl-rechamadas tbody tr:visible');
    // Protocols are unique per callback; its episode's other protocols do not match.
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td:nth-child(3)').textContent()).toBe(protocol);
    await rows.first().getByText(/contatos$/).click();
    await expect.poll(() => rows.first().locator('.timeline li').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'rechamadas.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches the period inside an agent page', async () => {
    const { page, problems } = await openPage(`${base}p/30-dias/todas/atendentes.html`);
    await page.getByRole('link', { name: 'Bruno Lima' }).click();
    await page.waitForURL(/atendente\/.+\.html#periodo=30-dias$/);
    expect(await visibleRows(page, '#tbl-periodos')).toBe(1);
    expect(await page.locator('#tbl-periodos tbody tr:visible td').first().textContent()).toBe('Últimos 30 dias');
    await page.getByRole('combobox', { name: 'Período' }).selectOption('7-dias');
    expect(await page.locator('#tbl-periodos tbody tr:visible td').first().textContent()).toBe('Últimos 7 dias');
    const dates = await page.locator('#tbl-rechamadas tbody tr:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-date')!));
    expect(dates.every((date) => date >= '2026-11-21')).toBe(true);
    // The page links keep the chosen period.
    expect(await page.getByRole('navigation', { name: 'Páginas' }).getByRole('link', { name: 'Atendentes' }).getAttribute('href')).toBe('../p/7-dias/todas/atendentes.html');
    // A link to another period of the same page changes only the hash; the list follows it, and
    // says when the period has none of the callbacks it keeps.
    const note = page.getByText('Nenhuma rechamada deste período entre as listadas');
    for (const period of ['2026-09', 'ultimo-dia', '30-dias']) {
      await page.evaluate((id) => { location.hash = `#periodo=${id}`; }, period);
      await expect.poll(() => page.getByRole('combobox', { name: 'Período' }).inputValue()).toBe(period);
      const rows = await visibleRows(page, '#tbl-rechamadas');
      expect(await note.isVisible(), period).toBe(rows === 0);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'atendente.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    for (const name of ['index', 'atendentes', 'equipes', 'rechamadas', 'motivos', 'uf']) {
      const { page, problems } = await openPage(`${base}p/30-dias/todas/${name}.html`, { width: 375, height: 740 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, `celular-${name}.png`) });
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('works opened straight from disk (file://)', async () => {
    const { page, problems } = await openPage(pathToFileURL(join(out, 'index.html')).href);
    await page.getByRole('link', { name: 'Atendentes' }).click();
    await page.waitForURL(/p\/30-dias\/todas\/atendentes\.html$/);
    await page.getByRole('combobox', { name: 'Operadora' }).selectOption('alfa');
    await page.waitForURL(/p\/30-dias\/alfa\/atendentes\.html$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Atendentes');
    expect(problems).toEqual([]);
    await page.close();
  });
});
