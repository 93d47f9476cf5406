import { describe, expect, it } from 'vitest';
import {
  INTAKE_COLUMNS, intakeColumnOf, validateIntakeRows, type IntakeBeneficiary,
} from '../../../functions/core/intake-row.js';
import { PAYMENT_METHODS } from '../../../functions/core/payment-methods.js';
import { PEOPLE, RULES } from './fixtures.js';

/** A row as read from the template, with every cell filled correctly unless overridden. */
function row(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    姓名: '张小明',
    身份证号码: PEOPLE.a,
    联系电话: '13800138000',
    所属单位: '莘庄镇',
    帮困类别: '低保家庭',
    帮困项目: 'MZ-01',
    家庭人数: '3',
    '发放金额(元)': '',
    发放方式: '银行转账',
    银行账号: '6222 0212 3456 7890 123',
    开户银行: '中国工商银行莘庄支行',
    ...overrides,
  };
}

describe('INTAKE_COLUMNS', () => {
  it('lists the template columns in order with zh-CN headers, examples and notes', () => {
    expect(INTAKE_COLUMNS.map((c) => c.header)).toEqual([
      '姓名', '身份证号码', '联系电话', '所属单位', '帮困类别', '帮困项目', '家庭人数', '发放金额(元)', '发放方式', '银行账号', '开户银行',
    ]);
    expect(INTAKE_COLUMNS.filter((c) => !c.required).map((c) => c.key)).toEqual(['amount', 'account', 'bank']);
    for (const c of INTAKE_COLUMNS) {
      expect(c.example).not.toBe('');
      expect(c.note).toMatch(/\p{Script=Han}/u);
    }
  });

  it('recognises headers with full-width brackets, spaces, a required mark and common aliases', () => {
    expect(intakeColumnOf('发放金额（元）')?.key).toBe('amount');
    expect(intakeColumnOf(' 身份证号码 ')?.key).toBe('idNumber');
    expect(intakeColumnOf('*姓名')?.key).toBe('name');
    expect(intakeColumnOf('身份证号')?.key).toBe('idNumber');
    expect(intakeColumnOf('手机号码')?.key).toBe('phone');
    expect(intakeColumnOf('备注')).toBeUndefined();
  });
});

describe('validateIntakeRows: accepted rows', () => {
  it('normalises every value and takes the amount from the project standard when empty', () => {
    const result = validateIntakeRows(
      [row({ 身份证号码: ` ${PEOPLE.a.toLowerCase()} `, 联系电话: '138-0013-8000', 家庭人数: '３' })],
      RULES,
    );
    expect(result.errors).toEqual([]);
    const expected: IntakeBeneficiary = {
      row: 2, name: '张小明', idNumber: PEOPLE.a, phone: '13800138000', unit: '莘庄镇', category: '低保家庭',
      projectCode: 'MZ-01', householdSize: 3, amountFen: 50_000, paymentMethod: '银行转账',
      account: { account: '6222021234567890123', bank: '中国工商银行莘庄支行' },
    };
    expect(result.accepted).toEqual([expected]);
  });

  it('accepts a project by code (any case) or by unique name, and an explicit amount', () => {
    const { accepted, errors } = validateIntakeRows([
      row({ 帮困项目: 'mz-01' }),
      row({ 身份证号码: PEOPLE.b, 帮困项目: '困难职工送温暖', 帮困类别: '困难职工', '发放金额(元)': '1,100.50' }),
    ], RULES);
    expect(errors).toEqual([]);
    expect(accepted.map((b) => [b.projectCode, b.amountFen])).toEqual([['MZ-01', 50_000], ['GH-02', 110_050]]);
    expect(validateIntakeRows([row({ 帮困项目: 'ｍｚ-01' })], RULES).accepted[0]?.projectCode).toBe('MZ-01');
  });

  it('upgrades a 15-digit number, keeps a landline, and tidies spaces in Chinese names', () => {
    const { accepted, errors } = validateIntakeRows([
      row({ 姓名: '张  三', 身份证号码: '110105491231002', 联系电话: '(021)62345678' }),
    ], RULES);
    expect(errors).toEqual([]);
    expect(accepted[0]).toMatchObject({ name: '张三', idNumber: '11010519491231002X', phone: '021-62345678' });
  });

  it('accepts alias headers and the same person in different projects', () => {
    const { accepted, errors } = validateIntakeRows([
      { 姓名: '李四', 身份证号: PEOPLE.c, 电话: '13900139000', 所属单位: '区民政局', 帮困类别: '特困供养', 帮困项目: 'MZ-01', 家庭人数: '1', '发放金额（元）': '300', 发放方式: '现金' },
      { 姓名: '李四', 身份证号: PEOPLE.c, 电话: '13900139000', 所属单位: '区民政局', 帮困类别: '特困供养', 帮困项目: 'XZ-03', 家庭人数: '1', '发放金额（元）': '', 发放方式: '社保卡' },
    ], RULES);
    expect(errors).toEqual([]);
    expect(accepted.map((b) => [b.projectCode, b.amountFen, b.paymentMethod])).toEqual([['MZ-01', 30_000, '现金'], ['XZ-03', 20_000, '社保卡']]);
  });

  it('returns nothing for no rows', () => {
    expect(validateIntakeRows([], RULES)).toEqual({ accepted: [], errors: [] });
  });
});

describe('validateIntakeRows: 发放方式', () => {
  const methodOf = (cell: string) => validateIntakeRows([row({ 发放方式: cell })], RULES);

  it('accepts the five disbursement channels, whatever their spacing or the width of their brackets', () => {
    expect(PAYMENT_METHODS).toEqual(['银行转账', '社保卡', '现金', '实物（礼包）', '粮油卡']);
    for (const method of PAYMENT_METHODS) expect(methodOf(method).accepted[0]?.paymentMethod).toBe(method);
    const variants: [string, string][] = [
      [' 社保卡 ', '社保卡'],
      ['\u3000现金\u3000', '现金'],
      ['银行 转账', '银行转账'],
      ['粮油\u3000卡', '粮油卡'],
      ['实物(礼包)', '实物（礼包）'],
      ['实物（ 礼包 ）', '实物（礼包）'],
    ];
    for (const [cell, method] of variants) {
      const { accepted, errors } = methodOf(cell);
      expect(errors, cell).toEqual([]);
      expect(accepted[0]?.paymentMethod, cell).toBe(method);
    }
  });

  it('refuses anything else, naming the methods to choose from, and an empty cell', () => {
    for (const cell of ['银行卡', '转账', '银行转帐', '实物', '礼包', '社保卡、现金', '微信', 'bank']) {
      expect(methodOf(cell), cell).toEqual({
        accepted: [],
        errors: [{ row: 2, column: '发放方式', reason: `“${cell}”不是可选的发放方式，请从下拉列表选择：银行转账、社保卡、现金、实物（礼包）、粮油卡` }],
      });
    }
    expect(methodOf('\u3000').errors).toEqual([{ row: 2, column: '发放方式', reason: '必填项，不能为空' }]);
  });

  it('refuses a file without the column, as made from an older template', () => {
    const { 发放方式: _method, ...older } = row();
    expect(validateIntakeRows([older], RULES)).toEqual({
      accepted: [],
      errors: [{ row: 1, column: '发放方式', reason: '表头缺少“发放方式”列，请使用录入模板' }],
    });
  });
});

describe('validateIntakeRows: 银行账号 and 开户银行', () => {
  it('requires both for 银行转账, with a reason per row, whatever else is wrong', () => {
    const { accepted, errors } = validateIntakeRows([
      row({ 银行账号: '', 开户银行: '' }),
      row({ 身份证号码: PEOPLE.b, 银行账号: '', 家庭人数: '0' }),
      row({ 身份证号码: PEOPLE.c, 银行账号: '12345', 开户银行: '' }),
    ], RULES);
    expect(accepted).toEqual([]);
    expect(errors).toEqual([
      { row: 2, column: '银行账号', reason: '发放方式为银行转账时必填' },
      { row: 2, column: '开户银行', reason: '发放方式为银行转账时必填' },
      { row: 3, column: '家庭人数', reason: '家庭人数应为1至20的整数' },
      { row: 3, column: '银行账号', reason: '发放方式为银行转账时必填' },
      { row: 4, column: '银行账号', reason: '银行账号应为12至30位数字（现为5位）' },
      { row: 4, column: '开户银行', reason: '发放方式为银行转账时必填' },
    ]);
  });

  it('are optional for the other methods, and an account given with them is not kept', () => {
    const { accepted, errors } = validateIntakeRows([row({ 发放方式: '社保卡' }), row({ 身份证号码: PEOPLE.b, 发放方式: '现金', 银行账号: '', 开户银行: '' })], RULES);
    expect(errors).toEqual([]);
    expect(accepted.map((b) => [b.paymentMethod, b.account])).toEqual([['社保卡', undefined], ['现金', undefined]]);
  });

  it('a file without the two columns is refused only in its 银行转账 rows', () => {
    const { 银行账号: _a, 开户银行: _b, ...old } = row();
    const { accepted, errors } = validateIntakeRows([old, { ...old, 身份证号码: PEOPLE.b, 发放方式: '社保卡' }], RULES);
    expect(accepted.map((b) => b.paymentMethod)).toEqual(['社保卡']);
    expect(errors.map((e) => [e.row, e.column])).toEqual([[2, '银行账号'], [2, '开户银行']]);
  });
});

describe('validateIntakeRows: errors', () => {
  it('reports every wrong column of every row at once, with spreadsheet row and zh-CN column', () => {
    const rows = [
      row(),
      row({
        姓名: '', 身份证号码: '110105194912310021', 联系电话: '1380013800', 所属单位: '火星镇',
        帮困类别: '富裕家庭', 帮困项目: '不存在的项目', 家庭人数: '0', '发放金额(元)': '300.505', 发放方式: '',
      }),
      row({ 身份证号码: PEOPLE.b, 姓名: '张3', 家庭人数: '2.5', '发放金额(元)': '-5' }),
      row({ 身份证号码: PEOPLE.c, 帮困项目: '节日慰问', '发放金额(元)': '0' }),
    ];
    const { accepted, errors } = validateIntakeRows(rows, RULES);
    expect(accepted).toHaveLength(1);
    expect(errors).toEqual([
      { row: 3, column: '姓名', reason: '必填项，不能为空' },
      { row: 3, column: '身份证号码', reason: expect.stringContaining('校验位错误') },
      { row: 3, column: '联系电话', reason: '手机号码应为11位，实际为10位' },
      { row: 3, column: '所属单位', reason: '“火星镇”不在单位名单中，请从下拉列表选择' },
      { row: 3, column: '帮困类别', reason: '“富裕家庭”不在帮困类别名单中，请从下拉列表选择' },
      { row: 3, column: '帮困项目', reason: '“不存在的项目”不是已登记的帮困项目（可填写项目编号或名称）' },
      { row: 3, column: '家庭人数', reason: '家庭人数应为1至20的整数' },
      { row: 3, column: '发放金额(元)', reason: '金额最多保留两位小数（精确到分）' },
      { row: 3, column: '发放方式', reason: '必填项，不能为空' },
      { row: 4, column: '姓名', reason: '姓名不能包含数字或符号' },
      { row: 4, column: '家庭人数', reason: '家庭人数应为1至20的整数' },
      { row: 4, column: '发放金额(元)', reason: '金额不能为负数' },
      { row: 5, column: '帮困项目', reason: '项目名称“节日慰问”对应多个项目，请改填项目编号' },
      { row: 5, column: '发放金额(元)', reason: '发放金额应大于0' },
    ]);
  });

  it('flags household sizes outside 1-20 and empty required cells in every column', () => {
    const { errors } = validateIntakeRows([row({ 家庭人数: '21' }), row({ 身份证号码: PEOPLE.b, 家庭人数: '20' })], RULES);
    expect(errors).toEqual([{ row: 2, column: '家庭人数', reason: '家庭人数应为1至20的整数' }]);

    const empty = validateIntakeRows([{ 姓名: '', 身份证号码: '', 联系电话: '', 所属单位: '', 帮困类别: '', 帮困项目: '', 家庭人数: '', '发放金额(元)': '', 发放方式: '' }], RULES);
    expect(empty.errors.map((e) => e.column)).toEqual(INTAKE_COLUMNS.filter((c) => c.required).map((c) => c.header));
    expect(new Set(empty.errors.map((e) => e.reason))).toEqual(new Set(['必填项，不能为空']));
  });

  it('uses firstRowNumber and rowNumbers for row numbers', () => {
    const bad = row({ 联系电话: '' });
    expect(validateIntakeRows([row(), bad], RULES, { firstRowNumber: 10 }).errors[0].row).toBe(11);
    expect(validateIntakeRows([row(), bad], RULES, { rowNumbers: [2, 7] }).errors[0].row).toBe(7);
    expect(validateIntakeRows([row(), row({ 身份证号码: PEOPLE.b })], RULES, { rowNumbers: [3, 9] }).accepted.map((b) => b.row)).toEqual([3, 9]);
  });

  it('flags a repeated ID number in the same project on the later row, in any spelling', () => {
    const { accepted, errors } = validateIntakeRows([
      row({ 身份证号码: '11010519491231002X' }),
      row({ 身份证号码: PEOPLE.b }),
      row({ 身份证号码: '110105491231002', 帮困项目: '春节帮困慰问金' }),
      row({ 身份证号码: '11010519491231002x', 联系电话: 'bad' }),
      row({ 身份证号码: PEOPLE.b, 帮困项目: 'GH-02' }),
    ], RULES);
    expect(accepted.map((b) => [b.idNumber, b.projectCode])).toEqual([
      ['11010519491231002X', 'MZ-01'], [PEOPLE.b, 'MZ-01'], [PEOPLE.b, 'GH-02'],
    ]);
    expect(errors).toEqual([
      { row: 4, column: '身份证号码', reason: '同一帮困项目中，身份证号码与第2行重复' },
      { row: 5, column: '身份证号码', reason: '同一帮困项目中，身份证号码与第2行重复' },
      { row: 5, column: '联系电话', reason: expect.stringContaining('只能包含数字') },
    ]);
  });

  it('reports a missing required column once, on the header row', () => {
    const rows = [row(), row({ 身份证号码: PEOPLE.b })].map(({ 联系电话: _phone, ...rest }) => rest);
    const { accepted, errors } = validateIntakeRows(rows, RULES);
    expect(accepted).toEqual([]);
    expect(errors).toEqual([{ row: 1, column: '联系电话', reason: '表头缺少“联系电话”列，请使用录入模板' }]);
  });

  it('reports two headers for one column', () => {
    const { errors } = validateIntakeRows([{ ...row(), 身份证号: PEOPLE.a }], RULES);
    expect(errors).toEqual([{ row: 1, column: '身份证号码', reason: expect.stringContaining('是同一列') }]);
  });

  it('rejects values that need a list even when the list is empty', () => {
    const { errors } = validateIntakeRows([row()], { units: [], categories: [], projects: [] });
    expect(errors.map((e) => e.column)).toEqual(['所属单位', '帮困类别', '帮困项目']);
  });
});

describe('project terms at intake', () => {
  const rules = {
    ...RULES,
    projects: [
      ...RULES.projects,
      { code: 'DB-05', name: '低保家庭慰问', amountFen: 80_000, basis: 'household' as const, supplementFen: 20_000, categories: ['低保家庭'] },
    ],
  };

  it('an empty 发放金额 takes the per-household standard plus the supplement per member beyond the first', () => {
    const { accepted, errors } = validateIntakeRows([row({ 帮困项目: 'DB-05', 家庭人数: '3' })], rules);
    expect(errors).toEqual([]);
    expect(accepted[0].amountFen).toBe(120_000);
  });

  it('refuses a row whose category the project does not serve, with every other problem of the row', () => {
    const { accepted, errors } = validateIntakeRows([row({ 帮困项目: 'DB-05', 帮困类别: '特困供养', 联系电话: '123' })], rules);
    expect(accepted).toEqual([]);
    expect(errors.map((e) => [e.column, e.reason])).toContainEqual(['帮困类别', '“特困供养”不是项目DB-05「低保家庭慰问」的帮困类别（可享受的类别：低保家庭）']);
    expect(errors.map((e) => e.column)).toContain('联系电话');
  });

  it('a category outside the campaign\'s list gets that one reason, not two', () => {
    const { errors } = validateIntakeRows([row({ 帮困项目: 'DB-05', 帮困类别: '无此类别' })], rules);
    expect(errors.filter((e) => e.column === '帮困类别')).toHaveLength(1);
  });
});
