import { formatDate, formatDuration, formatInteger, formatPercent } from './format.ts';

/** How a column is shown; exports keep the raw value (numbers as numbers). */
export type ColumnKind = 'text' | 'integer' | 'percent' | 'duration' | 'date';

export interface Column { key: string; label: string; kind: ColumnKind }
export type Cell = string | number | null;

/** A table as the page shows it and as CSV/XLSX export it: the same rows, the same columns. */
export interface Table {
  id: string;
  caption: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Extra `data-*` attributes per row (client-side filters); never exported. */
  rowData?: Record<string, string>[];
  /** Per-row episode timeline (callback lists), rendered as a last, non-exported column. */
  episodes?: EpisodeView[];
  /** Per-row link to a page (agent names), relative to the site root. */
  links?: (string | null)[];
  /** Client-side tools: a filter box label, facet selects and a "flagged only" switch. */
  filterLabel?: string;
  facets?: { key: string; label: string; values: string[] }[];
  flagLabel?: string;
  /** Said instead of the rows when there are none; "Sem dados neste período." by default. */
  empty?: string;
}

export function formatCell(value: Cell, kind: ColumnKind): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (kind === 'percent') return formatPercent(value);
    if (kind === 'duration') return formatDuration(value);
    return formatInteger(value);
  }
  if (kind === 'date') return formatDate(value);
  return value;
}

/** The value the browser sorts by: numbers stay numeric, text is compared as given. */
export function sortValue(value: Cell): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** One contact of an episode timeline: origin first, then each callback with its gap. */
export interface EpisodeStep {
  when: string;
  protocol: string;
  operator: string;
  agent: string;
  reason: string;
  gap: string;
  role: 'origem' | 'rechamada';
  current: boolean;
}
export interface EpisodeView { steps: EpisodeStep[] }
