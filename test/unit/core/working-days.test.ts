import { describe, expect, it } from 'vitest';
import { addWorkingDays, beijingDate, isYearKnown, pointBetween, workingDay } from '../../../functions/core/working-days.js';

/** An instant given in Beijing time. */
const bj = (local: string) => new Date(`${local}+08:00`);

describe('working days in China', () => {
  it('counts a plain week: Friday plus 1 working day is due at the end of Monday', () => {
    const { deadline, days, unknownYears } = addWorkingDays(bj('2025-03-07T15:00:00'), 1);
    expect(days).toEqual(['2025-03-10']);
    expect(deadline).toEqual(bj('2025-03-11T00:00:00'));
    expect(unknownYears).toEqual([]);
  });

  it('skips the Spring Festival week (2025-01-28 to 02-04) and counts the make-up Sunday 01-26', () => {
    const { days, deadline } = addWorkingDays(bj('2025-01-24T10:00:00'), 3);
    expect(days).toEqual(['2025-01-26', '2025-01-27', '2025-02-05']);
    expect(deadline).toEqual(bj('2025-02-06T00:00:00'));
  });

  it('counts a 调休 Saturday (2025-02-08) as a working day', () => {
    expect(workingDay('2025-02-08')).toEqual({ working: true, known: true });
    expect(workingDay('2025-02-15')).toEqual({ working: false, known: true });
    // From Thursday 02-06: Friday 02-07, then the make-up Saturday 02-08.
    expect(addWorkingDays(bj('2025-02-06T09:00:00'), 2).days).toEqual(['2025-02-07', '2025-02-08']);
  });

  it('counts in Beijing time whatever the instant: 23:30 UTC is already the next day', () => {
    expect(beijingDate(new Date('2025-03-06T23:30:00Z'))).toBe('2025-03-07');
    expect(addWorkingDays(new Date('2025-03-06T23:30:00Z'), 1).days).toEqual(['2025-03-10']);
  });

  it('names a year whose holidays are not known and counts it with weekends only', () => {
    expect(isYearKnown(2026)).toBe(true);
    expect(isYearKnown(2099)).toBe(false);
    const { days, unknownYears } = addWorkingDays(bj('2099-01-01T10:00:00'), 2);
    // 2099-01-02 is a Friday, 01-05 a Monday; 01-03/04 are a weekend.
    expect(days).toEqual(['2099-01-02', '2099-01-05']);
    expect(unknownYears).toEqual([2099]);
  });

  it('refuses a count that is not a positive whole number', () => {
    expect(() => addWorkingDays(new Date(), 0)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(), 1.5)).toThrow(RangeError);
  });

  it('puts the reminder at a fraction of the way to the deadline, to the second', () => {
    const from = bj('2025-03-07T00:00:00');
    expect(pointBetween(from, bj('2025-03-09T00:00:00'), 0.5)).toEqual(bj('2025-03-08T00:00:00'));
    expect(() => pointBetween(from, from, 1)).toThrow(RangeError);
  });
});
