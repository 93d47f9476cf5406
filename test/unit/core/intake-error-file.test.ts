// The error file as a workbook: the template with the rejected rows and 错误原因, ready to correct and upload again.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildIntakeErrorWorkbook, DATA_SHEET, GUIDE_SHEET, neutraliseText, readIntakeFile, REASON_HEADER } from '../../../functions/core/intake-file.js';
import { INTAKE_COLUMNS, validateIntakeRows } from '../../../functions/core/intake-row.js';
import { PEOPLE, RULES } from './fixtures.js';

const HEADERS = INTAKE_COLUMNS.map((c) => c.header);

async function loadWorkbook(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

const FILE = {
  headers: [...HEADERS, '备注'],
  rows: [
    {
      values: ['=HYPERLINK("http://evil.example","点我")', PEOPLE.a, '+86 138 0013 8000', '莘庄镇', '低保家庭', 'MZ-01', '3', '', '银行转账', '6222021234567890123', '中国工商银行莘庄支行', '@备注'],
      reasons: '姓名：姓名不能包含数字或符号',
    },
    {
      values: ['李四', PEOPLE.b, '13900139000', '古美路街道', '特困供养', 'GH-02', '2', '-5', '实物(礼包)', '', '', ''],
      reasons: '发放金额(元)：发放金额应大于0；所属单位：“外区”不在单位名单中，请从下拉列表选择',
    },
  ],
};

describe('buildIntakeErrorWorkbook', () => {
  it('is the template with the rejected rows as text and a 错误原因 column, formulas neutralised', async () => {
    const workbook = await loadWorkbook(await buildIntakeErrorWorkbook(RULES, FILE));
    expect(workbook.worksheets.map((w) => w.name)).toEqual([DATA_SHEET, GUIDE_SHEET, '下拉选项']);
    const sheet = workbook.getWorksheet(DATA_SHEET)!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...HEADERS, '备注', REASON_HEADER]);
    expect(sheet.getRow(1).getCell(13).note).toBeTruthy();
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      `'=HYPERLINK("http://evil.example","点我")`, PEOPLE.a, `'+86 138 0013 8000`, '莘庄镇', '低保家庭', 'MZ-01', '3', '', '银行转账', '6222021234567890123', '中国工商银行莘庄支行', `'@备注`,
      '姓名：姓名不能包含数字或符号',
    ]);
    expect(sheet.getRow(3).getCell(8).value).toBe(`'-5`);
    expect(sheet.getRow(3).getCell(13).value).toBe(FILE.rows[1].reasons);
    // Every cell is text: the ID number keeps all its digits.
    expect(typeof sheet.getRow(2).getCell(2).value).toBe('string');
    expect(sheet.getRow(2).getCell(2).numFmt).toBe('@');
    // The template's drop-downs stay, for the correction.
    const validations = (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    expect(validations.D2?.type).toBe('list');
    expect(validations.I2?.type).toBe('list');
    expect(sheet.rowCount).toBe(3);
  });

  it('reads back as the original rows: the apostrophes go, 错误原因 is ignored, a corrected row is accepted', async () => {
    const file = await readIntakeFile(await buildIntakeErrorWorkbook(RULES, FILE), '退回的行-list.xlsx');
    expect(file.problems).toEqual([]);
    expect(file.rowNumbers).toEqual([2, 3]);
    expect(file.rows.map((r) => [...FILE.headers].map((h) => r[h]))).toEqual(FILE.rows.map((r) => r.values));
    expect(file.rows[0][REASON_HEADER]).toBe(FILE.rows[0].reasons);

    const corrected = file.rows.map((r, i) => (i === 0 ? { ...r, 姓名: '张三' } : { ...r, '发放金额(元)': '' }));
    const { accepted, errors } = validateIntakeRows(corrected, RULES, { rowNumbers: file.rowNumbers });
    expect(errors).toEqual([]);
    expect(accepted.map((b) => [b.name, b.phone, b.amountFen, b.paymentMethod])).toEqual([
      ['张三', '13800138000', 50_000, '银行转账'], ['李四', '13900139000', 80_000, '实物（礼包）'],
    ]);
  });

  it('neutralises exactly what a spreadsheet would run', () => {
    expect(['=1+1', '+1', '-1', '@x', '\tx', '\rx', '张三', '1-2', "'=x"].map(neutraliseText))
      .toEqual(["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", '张三', '1-2', "'=x"]);
  });
});
