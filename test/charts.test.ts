import { describe, expect, it } from 'vitest';
import { renderChart, trendSpec } from '../pipeline/render/charts.ts';

describe('charts', () => {
  it('print axis numbers in pt-BR', async () => {
    const svg = await renderChart(trendSpec([
      { date: '2026-11-01', contacts: 4321, rate: 0.125, provisional: false },
      { date: '2026-11-02', contacts: 1200, rate: 0.25, provisional: true },
    ]), { title: 'Atendimentos', description: 'Por dia' });
    const labels = svg.match(/>[0-9][0-9.,%]*</g) ?? [];
    expect(labels).toContain('>4.000<');
    expect(labels.some((label) => /\d,\d{3}/.test(label))).toBe(false);
    expect(svg).toContain('role="img"');
  });

  it('draw each chart from its own data only, whatever the same shape drew before', async () => {
    const spec = (contacts: number[]) => trendSpec(contacts.map((count, index) => ({ date: `2026-11-0${index + 1}`, contacts: count, rate: count % 2 ? 0.5 : null, provisional: index > 1 })));
    const text = { title: 'Tendência', description: 'Por dia' };
    const small = await renderChart(spec([1, 2, 3]), text);
    const large = await renderChart(spec([900, 12000, 7, 3000]), text);
    expect(large).not.toBe(small);
    expect(await renderChart(spec([1, 2, 3]), text)).toBe(small);
    const together = await Promise.all([renderChart(spec([900, 12000, 7, 3000]), text), renderChart(spec([1, 2, 3]), text)]);
    expect(together).toEqual([large, small]);
  });
});
