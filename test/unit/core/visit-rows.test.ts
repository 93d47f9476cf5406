import { describe, expect, it } from 'vitest';
import { checkCharacter } from '../../../functions/core/id-number.js';
import { checkVisit, parseVisitDate, validateVisitRows } from '../../../functions/core/visit-rows.js';

const id = (() => {
  const first17 = '31011219800101123';
  return first17 + checkCharacter(first17);
})();

describe('visit rows', () => {
  it('reads dates as people type them, and only real ones', () => {
    expect(parseVisitDate('2026-01-05')).toBe('2026-01-05');
    expect(parseVisitDate('2026/1/5')).toBe('2026-01-05');
    expect(parseVisitDate('2026.1.5')).toBe('2026-01-05');
    expect(parseVisitDate('2026年1月5日')).toBe('2026-01-05');
    expect(parseVisitDate('２０２６－０１－０５')).toBe('2026-01-05');
    expect(parseVisitDate('2026-02-29')).toBeUndefined();
    expect(parseVisitDate('1/5/2026')).toBeUndefined();
    expect(parseVisitDate('46000')).toBeUndefined();
  });

  it('accepts a complete row, its ID number normalised', () => {
    const lower = id.replace('X', 'x');
    expect(checkVisit({ idNumber: ` ${lower} `, name: '王 小明', date: '2026-01-15', leader: '张书记' }, 2, '2026-02-01')).toEqual({
      errors: [],
      visit: { row: 2, idNumber: id, name: '王 小明', date: '2026-01-15', leader: '张书记', title: '', note: '' },
    });
  });

  it('reports every problem of a row, never echoing the ID number', () => {
    const { visit, errors } = checkVisit({ idNumber: '310112198001011230', name: '', date: '2026-03-01', leader: '长'.repeat(31), note: '备'.repeat(201) }, 5, '2026-02-01');
    expect(visit).toBeUndefined();
    expect(errors.map((e) => [e.column, e.reason.split('：')[0]])).toEqual([
      ['身份证号', '校验位错误'], ['姓名', '必填项，不能为空'], ['走访日期', '走访日期不能晚于今天'], ['走访领导', '走访领导最多30个字'], ['备注', '备注最多200个字'],
    ]);
    expect(JSON.stringify(errors)).not.toContain('310112198001011230');
  });

  it('refuses a file without a required column', () => {
    expect(validateVisitRows([{ 身份证号码: id, 姓名: '王小明', 日期: '2026-01-15' }], [2], '2026-02-01').errors).toEqual([
      { row: 1, column: '走访领导', reason: '表头缺少“走访领导”列，请使用走访记录模板' },
    ]);
  });
});
