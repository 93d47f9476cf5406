import { describe, expect, it } from 'vitest';
import { validateRegisterRows } from '../../../functions/core/register-rows.js';
import { checkCharacter } from '../../../functions/core/id-number.js';

/** A valid ID number for sequence `n`. */
const idNumber = (n: number) => {
  const first17 = `31011219800101${String(100 + n).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

const units = ['莘庄镇', '七宝镇'];
const row = (name: string, id: string, unit: string, register: string) => ({ 姓名: name, 身份证号码: id, 所属单位: unit, 登记类别: register });

describe('validateRegisterRows', () => {
  it('accepts valid rows with the ID number normalised, and reports every problem of every other row', () => {
    const lower = idNumber(7).replace(/X$/, 'x');
    const { accepted, errors } = validateRegisterRows([
      row('张三', idNumber(1), '莘庄镇', '低保'),
      row('', '310112198001011234', '外区', ''),
      row('李四', lower, '七宝镇', '特困'),
      row('张三', idNumber(1), '莘庄镇', '低保'),
    ], units);
    expect(accepted.map((a) => [a.row, a.name, a.idNumber, a.unit, a.register])).toEqual([
      [2, '张三', idNumber(1), '莘庄镇', '低保'],
      [4, '李四', idNumber(7).toUpperCase(), '七宝镇', '特困'],
    ]);
    expect(errors.map((e) => [e.row, e.column])).toEqual([[3, '姓名'], [3, '身份证号码'], [3, '所属单位'], [3, '登记类别'], [5, '身份证号码']]);
    expect(errors[1].reason).toMatch(/^校验位错误/);
    expect(errors[2].reason).toBe('“外区”不在单位名单中');
    expect(errors[4].reason).toBe('同一登记类别中，身份证号码与第2行重复');
    for (const e of errors) expect(e.reason).not.toContain('310112198001011234');
  });

  it('takes the same person on two registers', () => {
    const { accepted, errors } = validateRegisterRows([row('张三', idNumber(1), '莘庄镇', '低保'), row('张三', idNumber(1), '莘庄镇', '特困')], units);
    expect(errors).toEqual([]);
    expect(accepted).toHaveLength(2);
  });

  it('names every missing column, accepting common aliases and the row numbers read from the file', () => {
    expect(validateRegisterRows([{ 姓名: '张三', 身份证号: idNumber(1) }], units).errors.map((e) => e.column)).toEqual(['所属单位', '登记类别']);
    const aliased = validateRegisterRows([{ 姓名: '张三', 身份证: idNumber(1), 街镇: '七宝镇', 类别: '低保' }], units, [9]);
    expect(aliased.accepted.map((a) => a.row)).toEqual([9]);
  });
});
