import type { Config } from '../config.ts';
import { openSiteDb, runKpiModels } from '../render/db.ts';
import { addDays, dataEnd, datesOf, localDate } from '../render/periods.ts';
import { dailyKpis, groupKpis, registerPeriods, warehouseMeta, type GroupRow } from '../render/queries.ts';
import { kpisOf, type Kpis } from '../render/views.ts';

/** What the daily report says about one local day, read from the same KPI models as the site. */
export interface DayReport {
  date: string;
  kpis: Kpis;
  previous: Kpis;
  teams: TeamLine[];
  /** Highest callback rate first. */
  worst: TeamLine[];
  /** Lowest callback rate first. */
  best: TeamLine[];
  trend: { date: string; contacts: number; callbacks: number; rate: number | null; provisional: boolean }[];
  /** The day's callback window is still open: its figures may still grow. */
  provisional: boolean;
  watermark: string | null;
  /** Sources whose data for the day did not load in the run that wrote the report: its figures lack them. */
  missingSources: string[];
}

export interface TeamLine { team: string; supervisor: string | null; contacts: number; callbacks: number; rate: number | null }

const TREND_DAYS = 14;
const RANKED_TEAMS = 3;

export async function readDayReport(warehouse: string, date: string, config: Config, now: Date): Promise<DayReport> {
  const db = await openSiteDb(warehouse, config.timezone);
  try {
    await runKpiModels(db);
    const meta = await warehouseMeta(db);
    const previousDay = addDays(date, -1);
    await registerPeriods(db, [{ id: 'day', label: date, from: date, to: date, previous: { from: previousDay, to: previousDay } }]);
    const all = (rows: GroupRow[]) => rows.filter((row) => row.scope === '*');
    const center = all(await groupKpis(db, 'center', true));
    const teams = all(await groupKpis(db, 'team', false)).map((row): TeamLine => {
      const k = kpisOf(row);
      return { team: row.group_label, supervisor: row.supervisor, contacts: k.contacts, callbacks: k.callbacks, rate: k.rate };
    });
    const since = addDays(date, 1 - TREND_DAYS);
    const daily = new Map((await dailyKpis(db, 'center', since, true)).filter((row) => row.local_date <= date).map((row) => [row.local_date, row]));
    const windowDays = Number(meta.callback_window_days ?? config.callbackWindowDays);
    const lastDay = meta.watermark ? localDate(dataEnd(meta.watermark, now), config.timezone) : date;
    const provisionalFrom = addDays(lastDay, -windowDays);
    return {
      date,
      kpis: kpisOf(center.find((row) => row.part === 'current')),
      previous: kpisOf(center.find((row) => row.part === 'previous')),
      teams,
      ...rankTeams(teams),
      trend: datesOf({ from: since, to: date }).map((day) => {
        const k = kpisOf(daily.get(day));
        return { date: day, contacts: k.contacts, callbacks: k.callbacks, rate: k.rate, provisional: day >= provisionalFrom };
      }),
      provisional: date >= provisionalFrom,
      watermark: meta.watermark,
      missingSources: [],
    };
  } finally {
    db.close();
  }
}

/** Worst and best teams by callback rate; ties broken by volume, then name, so the order is stable. */
export function rankTeams(teams: TeamLine[]): { worst: TeamLine[]; best: TeamLine[] } {
  const rated = teams.filter((team) => team.rate !== null);
  const byRate = [...rated].sort((a, b) => b.rate! - a.rate! || b.contacts - a.contacts || a.team.localeCompare(b.team));
  const worst = byRate.slice(0, Math.min(RANKED_TEAMS, Math.ceil(byRate.length / 2)));
  const best = byRate.slice(worst.length).reverse().slice(0, RANKED_TEAMS);
  return { worst, best };
}
