import { describe, expect, it } from 'vitest';
import { exclusivity, findDuplicates, type Nomination } from '../../../functions/core/duplicates.js';

const person = (n: number) => String(n).repeat(64).slice(0, 64);
const nominate = (who: number, projectCode: string, unit: string, excludedBy?: string): Nomination => ({
  idHash: person(who), projectCode, unit, idMasked: '310***********123X', name: `人${who}`, excludedBy,
});

describe('exclusivity', () => {
  it('holds for a configured pair in either order, and for nothing else', () => {
    const exclusive = exclusivity([['MZ01', 'MZ02']]);
    expect(exclusive('MZ01', 'MZ02')).toBe(true);
    expect(exclusive('MZ02', 'MZ01')).toBe(true);
    expect(exclusive('MZ01', 'GH01')).toBe(false);
    expect(exclusivity([])('MZ01', 'MZ02')).toBe(false);
  });
});

describe('findDuplicates', () => {
  const pairs: [string, string][] = [['MZ01', 'MZ02']];

  it('finds a person nominated by two units for exclusive projects as a conflict, naming both units', () => {
    const found = findDuplicates([nominate(1, 'MZ02', '七宝镇'), nominate(1, 'MZ01', '莘庄镇'), nominate(2, 'MZ01', '莘庄镇')], pairs);
    expect(found.people).toBe(1);
    expect(found.combinable).toBe(0);
    expect(found.conflicts).toEqual([
      { idHash: person(1), idMasked: '310***********123X', name: '人1', projects: ['MZ01', 'MZ02'], units: ['莘庄镇', '七宝镇'] },
    ]);
  });

  it('finds the same within one unit', () => {
    const found = findDuplicates([nominate(1, 'MZ01', '莘庄镇'), nominate(1, 'MZ02', '莘庄镇')], pairs);
    expect(found.conflicts).toHaveLength(1);
    expect(found.conflicts[0].units).toEqual(['莘庄镇', '莘庄镇']);
  });

  it('allows and counts combinable double nominations, within a unit and across units', () => {
    const found = findDuplicates([
      nominate(1, 'MZ01', '莘庄镇'), nominate(1, 'GH01', '区总工会'),
      nominate(2, 'MZ02', '七宝镇'), nominate(2, 'GH01', '七宝镇'),
    ], pairs);
    expect(found).toEqual({ people: 2, combinable: 2, conflicts: [] });
  });

  it('sorts every pair of a person in three projects', () => {
    const found = findDuplicates([nominate(1, 'MZ01', 'A'), nominate(1, 'MZ02', 'B'), nominate(1, 'GH01', 'C')], pairs);
    expect(found.people).toBe(1);
    expect(found.combinable).toBe(2);
    expect(found.conflicts.map((c) => c.projects)).toEqual([['MZ01', 'MZ02']]);
  });

  it('raises no conflict again once one side is excluded, but still counts the person', () => {
    const found = findDuplicates([nominate(1, 'MZ01', 'A'), nominate(1, 'MZ02', 'B', 'conflict-1')], pairs);
    expect(found).toEqual({ people: 1, combinable: 0, conflicts: [] });
  });

  it('treats every pair as combinable when none is configured', () => {
    const found = findDuplicates([nominate(1, 'MZ01', 'A'), nominate(1, 'MZ02', 'B')], []);
    expect(found).toEqual({ people: 1, combinable: 1, conflicts: [] });
  });
});
