import chineseDays from 'chinese-days';

const { getHolidaysInRange, isWorkday } = chineseDays;

/**
 * Working-day arithmetic in China's calendar: public holidays and the weekend days made up as
 * working days (调休), from the `chinese-days` package. Dates are counted in Beijing time (UTC+8,
 * no daylight saving), whatever the machine's time zone.
 *
 * A year the package does not know yet (its holiday data stops at the last published State
 * Council notice) is counted with weekends only, and the answer names that year in
 * `unknownYears`, so that callers can say so; it is never silently treated as known.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The Beijing calendar date of an instant, as YYYY-MM-DD. */
export const beijingDate = (at: Date): string => new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);

/** Midnight (00:00 Beijing time) at the start of a YYYY-MM-DD date. */
const beijingMidnight = (date: string): number => Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;

const nextDate = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

const knownYears = new Map<number, boolean>();
/** Every year the package knows has holidays (元旦 at least); one without any is not in its data. */
export function isYearKnown(year: number): boolean {
  let known = knownYears.get(year);
  if (known === undefined) {
    known = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    knownYears.set(year, known);
  }
  return known;
}

/** Whether a date is a working day, and whether that answer knows the year's holidays. */
export function workingDay(date: string): { working: boolean; known: boolean } {
  const year = Number(date.slice(0, 4));
  if (isYearKnown(year)) return { working: isWorkday(date), known: true };
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { working: weekday !== 0 && weekday !== 6, known: false };
}

export interface WorkingDeadline {
  /** The end (24:00 Beijing time) of the n-th working day after the start's date. */
  deadline: Date;
  /** The working days counted, as YYYY-MM-DD. */
  days: string[];
  /** Years counted with weekends only, because their holidays are not known yet. */
  unknownYears: number[];
}

/**
 * The deadline `workingDays` working days after `from`: the day of `from` does not count (a task
 * issued on Friday afternoon with 1 working day is due at the end of Monday).
 */
export function addWorkingDays(from: Date, workingDays: number): WorkingDeadline {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError(`working days must be a positive integer, not ${workingDays}`);
  const days: string[] = [];
  const unknown = new Set<number>();
  let date = beijingDate(from);
  while (days.length < workingDays) {
    date = nextDate(date);
    const day = workingDay(date);
    if (!day.known) unknown.add(Number(date.slice(0, 4)));
    if (day.working) days.push(date);
  }
  return { deadline: new Date(beijingMidnight(nextDate(date))), days, unknownYears: [...unknown].sort() };
}

/** The instant a given fraction (0 < f < 1) of the way from `from` to `deadline`, to the second. */
export function pointBetween(from: Date, deadline: Date, fraction: number): Date {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be between 0 and 1, not ${fraction}`);
  const ms = from.getTime() + (deadline.getTime() - from.getTime()) * fraction;
  return new Date(Math.round(ms / 1000) * 1000);
}
