import { describe, expect, it } from 'vitest';
import { coverageByUnit, type RegisterEntry } from '../../../functions/core/coverage.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const entry = (n: number, unit: string, register = '低保'): RegisterEntry => ({ idHash: hash(n), idMasked: `310***********${String(n).padStart(4, '0')}`, name: `户主${n}`, unit, register });

describe('coverageByUnit', () => {
  it('counts per unit the registered households no beneficiary covers, in the campaign\'s unit order', () => {
    const entries = [entry(1, '莘庄镇'), entry(2, '莘庄镇'), entry(3, '七宝镇'), entry(4, '江川路街道'), entry(5, '江川路街道')];
    const report = coverageByUnit(entries, new Set([hash(1), hash(3), hash(4)]), { unitOrder: ['七宝镇', '莘庄镇', '江川路街道'] });
    expect(report).toMatchObject({ registered: 5, covered: 3, uncovered: 2 });
    expect(report.units.map((u) => [u.unit, u.registered, u.covered, u.uncovered])).toEqual([
      ['七宝镇', 1, 1, 0],
      ['莘庄镇', 2, 1, 1],
      ['江川路街道', 2, 1, 1],
    ]);
    expect(report.units[1].listed).toEqual([{ idMasked: '310***********0002', name: '户主2', registers: ['低保'] }]);
    expect(report.units[0].listed).toEqual([]);
  });

  it('counts a person on two registers once, with both registers named', () => {
    const report = coverageByUnit([entry(1, '莘庄镇', '低保'), entry(1, '莘庄镇', '特困')], new Set());
    expect(report).toMatchObject({ registered: 1, uncovered: 1 });
    expect(report.units[0].listed[0].registers).toEqual(['低保', '特困']);
  });

  it('lists at most `perUnit` per unit and `total` in all, while counting every one', () => {
    const entries = [...Array.from({ length: 5 }, (_, i) => entry(i, 'A')), ...Array.from({ length: 5 }, (_, i) => entry(10 + i, 'B'))];
    const report = coverageByUnit(entries, new Set(), { perUnit: 3, total: 4 });
    expect(report.units.map((u) => [u.unit, u.uncovered, u.listed.length])).toEqual([['A', 5, 3], ['B', 5, 1]]);
  });

  it('reports nothing for no registers', () => {
    expect(coverageByUnit([], new Set())).toEqual({ registered: 0, covered: 0, uncovered: 0, units: [] });
  });
});
