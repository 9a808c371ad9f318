import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../pipeline/io.ts';
import { importLegs } from '../pipeline/load.ts';
import { agentSlug, buildSite } from '../pipeline/render.ts';
import { config, FIXED_NOW, importInto, leg, scratchDir, writeCsv } from './helpers.ts';

/** The dashboard over a warehouse built by the real importer, not the site fixture. */
describe('build-site over an imported warehouse', () => {
  it('charges the callback to the first agent and shows it masked', async () => {
    const dir = await scratchDir();
    const csv = await writeCsv(join(dir, 'legs.csv'), [
      leg({ call_id: 'c1', protocol: 'A1', started_at: '2026-11-20T13:00:00Z', agent_id: 'a1', agent_name: 'Ana' }),
      leg({ call_id: 'c2', protocol: 'A2', started_at: '2026-11-21T14:00:00Z', agent_id: 'a2', agent_name: 'Bia' }),
      leg({ call_id: 'c3', protocol: 'A3', started_at: '2026-11-26T12:00:00Z', agent_id: 'a2', agent_name: 'Bia', customer_number: '+1 415 555 2671' }),
      leg({ call_id: 'c4', protocol: 'A4', started_at: '2026-11-26T15:00:00Z', status: 'abandoned', agent_id: null, agent_name: null }),
    ]);
    const warehouse = join(dir, 'warehouse.duckdb');
    await importInto(warehouse, [csv]);
    const out = join(dir, 'site');
    await buildSite({ warehouse, out, config: config(), io: memoryIo(FIXED_NOW), secret: 'import-secret', workers: 0 });

    const overview = await readFile(join(out, 'p', '30-dias', 'todas', 'index.html'), 'utf8');
    const card = (label: string) => new RegExp(`<h2>${label}[^]*?<p class="value">([^<]+)</p>`).exec(overview)?.[1];
    expect(card('Atendimentos')).toBe('3');
    expect(card('Rechamadas')).toBe('1');
    expect(card('Abandonadas')).toBe('1');
    expect(card('Taxa de rechamada')).toBe('33,3%');

    const agentPage = await readFile(join(out, 'atendente', `${agentSlug('a1')}.html`), 'utf8');
    expect(agentPage).toContain('<td>A2</td>');
    expect(agentPage).toContain('(11) •••••-4321');
    expect(agentPage).toContain('Até 3 dias');
    expect(agentPage).toContain('Mesmo motivo');

    for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(html|csv)$/.test(entry.name)) continue;
      const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
      for (const number of ['98765-4321', '987654321', '4155552671']) expect(text, entry.name).not.toContain(number);
    }
  });

  it('keeps a leg dated in the far future, names it at import, and ends the dashboard at the build instead', async () => {
    const dir = await scratchDir();
    const csv = await writeCsv(join(dir, 'legs.csv'), [
      leg({ call_id: 'c1', protocol: 'A1', started_at: '2026-11-20T13:00:00Z' }),
      // 9999-12-31 is a common stand-in for "no date"; here it reached a timestamp.
      leg({ call_id: 'typo', protocol: 'A2', started_at: '9999-12-31T23:59:59' }),
    ]);
    const warehouse = join(dir, 'warehouse.duckdb');
    const io = memoryIo(FIXED_NOW);
    expect(await importLegs({ warehouse, config: config(), files: [{ path: csv }], io })).toMatchObject({ loaded: 2, rejected: 0 });
    expect(io.lines).toContain(`import: 1 leg(s) start after now, the latest at 9999-12-31 23:59:59-03 (${csv}, row 2): kept as given; check the source's clock`);

    const out = join(dir, 'site');
    await buildSite({ warehouse, out, config: config(), io, secret: 'import-secret', workers: 0 });
    expect(io.lines).toContainEqual(expect.stringMatching(/^build-site: the latest leg starts after this build \(10000-01-01T02:59:59/));
    const overview = await readFile(join(out, 'index.html'), 'utf8');
    expect(overview).toMatch(/Dados de <strong>20\/11\/2026<\/strong> até <strong>27\/11\/2026 06:00<\/strong>/);
  });
});
