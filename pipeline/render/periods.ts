import type { SiteConfig } from './site-config.ts';

/** A pre-rendered period: an inclusive range of local dates (ISO `YYYY-MM-DD`) and the one it is compared with. */
export interface Period {
  id: string;
  label: string;
  from: string;
  to: string;
  previous: { from: string; to: string };
}

const MONTH_NAMES = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];

/** Date arithmetic on ISO dates through UTC midnights, so no time zone can shift a day. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function monthStart(isoDate: string, monthsBack = 0): string {
  const date = new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - monthsBack);
  return date.toISOString().slice(0, 10);
}

function monthEnd(firstDay: string): string {
  return addDays(monthStart(firstDay, -1), -1);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Where the data ends for the dashboard and the reports: the watermark (SPEC §4), unless it lies
 * after `now` — a leg dated in the future by a wrong clock or a typo (`2099`, `9999-12-31`, which
 * no date can even show) — then `now`, so that one such leg cannot move every period past the
 * data. The warehouse keeps the watermark as it is; the import warns about such legs.
 */
export function dataEnd(watermark: string, now: Date): Date {
  const instant = new Date(watermark);
  return Number.isNaN(instant.getTime()) || instant > now ? now : instant;
}

/** The local calendar date of an instant in the center's time zone. */
export function localDate(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * Periods ending on `lastDay` (the watermark's local date). Rolling periods compare with the
 * same number of days just before; month to date with the same days of the previous month;
 * complete months with the month before, back to the month of `firstDay` (the first day with data).
 */
export function buildPeriods(lastDay: string, site: Pick<SiteConfig, 'rollingPeriods' | 'completeMonths'>, firstDay = ''): Period[] {
  const rolling = (id: string, label: string, days: number): Period => {
    const from = addDays(lastDay, 1 - days);
    return { id, label, from, to: lastDay, previous: { from: addDays(from, -days), to: addDays(from, -1) } };
  };
  const periods: Period[] = [];
  for (const id of site.rollingPeriods) {
    if (id === 'ultimo-dia') periods.push(rolling(id, 'Último dia', 1));
    if (id === '7-dias') periods.push(rolling(id, 'Últimos 7 dias', 7));
    if (id === '30-dias') periods.push(rolling(id, 'Últimos 30 dias', 30));
    if (id === 'mes-atual') {
      const from = monthStart(lastDay);
      const previousFrom = monthStart(lastDay, 1);
      const previousTo = addDays(previousFrom, Math.min(daysBetween(from, lastDay), daysBetween(previousFrom, monthEnd(previousFrom))));
      periods.push({ id, label: 'Mês atual', from, to: lastDay, previous: { from: previousFrom, to: previousTo } });
    }
  }
  for (let back = 1; back <= site.completeMonths; back++) {
    const from = monthStart(lastDay, back);
    // A month that ends before the first day of data would only show zeros.
    if (monthEnd(from) < firstDay) break;
    const previousFrom = monthStart(lastDay, back + 1);
    const month = Number(from.slice(5, 7)) - 1;
    periods.push({
      id: from.slice(0, 7),
      label: `${MONTH_NAMES[month]} de ${from.slice(0, 4)}`,
      from,
      to: monthEnd(from),
      previous: { from: previousFrom, to: monthEnd(previousFrom) },
    });
  }
  return periods;
}

/** Every date of a period, oldest first. */
export function datesOf(period: { from: string; to: string }): string[] {
  const dates: string[] = [];
  for (let date = period.from; date <= period.to; date = addDays(date, 1)) dates.push(date);
  return dates;
}
