/** pt-BR formatting with a fixed locale and UTC dates, so every machine renders the same bytes. */
const LOCALE = 'pt-BR';

const integerFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signedPointsFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const signedPercentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });

export const DASH = '—';

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : integerFormat.format(value);
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : percentFormat.format(value);
}

/** Formatted days: a big site formats a few hundred distinct days hundreds of thousands of times. */
const formattedDates = new Map<string, string>();

/** `12/11/2026` from an ISO date. */
export function formatDate(isoDate: string): string {
  const day = isoDate.slice(0, 10);
  let text = formattedDates.get(day);
  if (text === undefined) {
    text = dateFormat.format(new Date(`${day}T00:00:00Z`));
    formattedDates.set(day, text);
  }
  return text;
}

/** `27/11/2026 09:00` of an instant shown in a given time zone. */
export function formatDateTime(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(LOCALE, {
    timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(instant);
  return parts.replace(',', '');
}

/** TMA as `m:ss` (or `h:mm:ss`). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** Gap between contacts, e.g. `2 d 3 h`, `45 min`. */
export function formatGap(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return DASH;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export type Change = { text: string; direction: 'up' | 'down' | 'flat' | 'none' };

/** Change against the previous period: percentage points for rates, relative change for counts. */
export function formatChange(current: number | null, previous: number | null, kind: 'count' | 'rate' | 'seconds'): Change {
  if (current === null || previous === null) return { text: 'sem comparação', direction: 'none' };
  const delta = current - previous;
  const direction = delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
  if (kind === 'rate') return { text: `${signedPointsFormat.format(delta * 100)} p.p.`, direction };
  if (previous === 0) return { text: current === 0 ? 'sem variação' : 'novo', direction };
  return { text: signedPercentFormat.format(delta / previous), direction };
}

export const BUCKET_LABELS: Record<string, string> = {
  same_day: 'Mesmo dia',
  within_3_days: 'Até 3 dias',
  over_3_days: 'Mais de 3 dias',
};

export const CAUSE_LABELS: Record<string, string> = {
  short: 'Chamada curta',
  transferred: 'Transferida',
  unknown: 'Sem motivo',
  same_reason: 'Mesmo motivo',
  different_reason: 'Outro motivo',
};
