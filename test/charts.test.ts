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
});
