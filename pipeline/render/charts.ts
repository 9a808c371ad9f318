import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { escapeHtml } from './html.ts';

/** One palette for every chart (and the CSS): a blue for volume, an orange for callbacks. */
export const PALETTE = { volume: '#2563a8', callback: '#d9622b', categories: ['#2563a8', '#d9622b', '#3b9a6b', '#8a5cc2', '#c2a23b', '#6b7785'] };

/** pt-BR number and date formats, as the spec's locale (Vega applies `config.locale` while parsing). */
const PT_BR = {
  number: { decimal: ',', thousands: '.', grouping: [3], currency: ['R$ ', ''] },
  time: {
    dateTime: '%A, %e de %B de %Y. %X', date: '%d/%m/%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
    days: ['domingo', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado'],
    shortDays: ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'],
    months: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
    shortMonths: ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'],
  },
};

const BASE_CONFIG = {
  locale: PT_BR,
  background: null,
  font: 'system-ui, sans-serif',
  view: { stroke: null },
  axis: { labelColor: '#3d4650', titleColor: '#3d4650', gridColor: '#e4e8ec', domainColor: '#aab3bc' },
  range: { category: PALETTE.categories },
};

export interface ChartText { title: string; description: string }

/**
 * Vega runtimes (compiled from Vega-Lite, then parsed) by spec shape: the Vega-Lite spec without
 * its inline data. Compiling and parsing are half of a chart's render and do not read the data, so
 * the 1,000 agent trends, which differ only in their data, pay them once; each chart still gets a
 * view of its own, fed its data before the first run (a view reused across charts keeps state,
 * such as the order of axis ticks, that would change the SVG).
 */
const runtimesByShape = new Map<string, { runtime: vega.Runtime; source: string }>();

function runtimeFor(shape: Record<string, unknown>): { runtime: vega.Runtime; source: string } {
  const key = JSON.stringify(shape);
  let entry = runtimesByShape.get(key);
  if (entry === undefined) {
    const compiled = vegaLite.compile({ ...shape, data: { values: [] }, config: BASE_CONFIG } as never).spec;
    entry = { runtime: vega.parse(compiled), source: compiled.data![0]!.name! };
    runtimesByShape.set(key, entry);
  }
  return entry;
}

/** Renders a Vega-Lite spec to inline SVG at build time, labelled for screen readers. */
export async function renderChart(spec: Record<string, unknown>, text: ChartText): Promise<string> {
  const { data, ...shape } = spec as { data: { values: unknown[] } };
  const { runtime, source } = runtimeFor(shape);
  const view = new vega.View(runtime, { renderer: 'none' }).data(source, data.values);
  try {
    const svg = await view.toSVG();
    const label = escapeHtml(text.title);
    return svg.replace(
      /^<svg /,
      `<svg role="img" aria-label="${label}" `,
    ).replace(/^(<svg[^>]*>)/, `$1<title>${label}</title><desc>${escapeHtml(text.description)}</desc>`);
  } finally {
    view.finalize();
  }
}

/**
 * Daily contacts (bars) and callback rate (line). Dates are `YYYY-MM-DD`, read as UTC midnights on
 * a UTC scale, so no day shifts whatever the machine's zone. (A plain UTC scale instead of a time
 * unit, and a scale instead of a conditional, halve the render time of this, the most drawn chart.)
 */
export function trendSpec(days: { date: string; contacts: number; rate: number | null; provisional: boolean }[], width = 640): Record<string, unknown> {
  return {
    width, height: 180,
    data: { values: days.map((day) => ({ ...day, status: day.provisional ? 'provisório' : 'fechado' })) },
    encoding: {
      x: {
        field: 'date', type: 'temporal', title: null, scale: { type: 'utc' },
        // Whole days only (never 6-hour ticks on a short period), at most about 8 labels.
        axis: { format: '%d/%m', labelAngle: 0, tickCount: { interval: 'day', step: Math.max(1, Math.ceil(days.length / 8)) } },
      },
    },
    layer: [
      {
        // Days whose callback window is still open are drawn lighter: their figures may still change.
        mark: { type: 'bar', color: PALETTE.volume },
        encoding: {
          y: { field: 'contacts', type: 'quantitative', title: 'Atendimentos', axis: { format: ',d', tickMinStep: 1 } },
          opacity: { field: 'status', type: 'ordinal', scale: { domain: ['fechado', 'provisório'], range: [0.8, 0.35] }, legend: null },
        },
      },
      {
        mark: { type: 'line', color: PALETTE.callback, strokeWidth: 2 },
        encoding: { y: { field: 'rate', type: 'quantitative', title: 'Taxa de rechamada', axis: { format: '.0%', orient: 'right' } } },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Horizontal bars, one per category, sorted as given. */
export function barSpec(rows: { label: string; value: number }[], options: { format: 'count' | 'percent'; color?: string; width?: number }): Record<string, unknown> {
  return {
    width: options.width ?? 560, height: { step: 22 },
    data: { values: rows },
    mark: { type: 'bar', color: options.color ?? PALETTE.callback },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 220 } },
      x: { field: 'value', type: 'quantitative', title: null, axis: options.format === 'percent' ? { format: '.0%' } : { format: ',d', tickMinStep: 1 } },
    },
  };
}
