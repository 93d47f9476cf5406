import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildIntakeErrorWorkbook, buildIntakeTemplate, MAX_COLUMNS, readIntakeFile, TOO_WIDE } from '../../../functions/core/intake-file.js';
import { INTAKE_COLUMNS, validateIntakeRows } from '../../../functions/core/intake-row.js';
import { PEOPLE, RULES } from './fixtures.js';

const HEADERS = INTAKE_COLUMNS.map((c) => c.header);

async function loadWorkbook(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook;
}

async function save(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Validation rules of the data sheet, by top-left cell of their range (as exceljs reads them back). */
function validationAt(sheet: ExcelJS.Worksheet, address: string): ExcelJS.DataValidation | undefined {
  return (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } })
    .dataValidations.model[address];
}

function csv(lines: string[], bom = false): Buffer {
  return Buffer.from(`${bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`, 'utf8');
}

describe('buildIntakeTemplate', () => {
  it('has a 帮困对象 sheet with bold headers, widths, text-formatted ID and phone columns, and no data rows', async () => {
    const workbook = await loadWorkbook(await buildIntakeTemplate(RULES));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['帮困对象', '填写说明', '下拉选项']);
    const sheet = workbook.getWorksheet('帮困对象')!;
    const header = sheet.getRow(1);
    expect(HEADERS.map((_, i) => header.getCell(i + 1).value)).toEqual(HEADERS);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(20);
    expect(sheet.getColumn(2).numFmt).toBe('@');
    expect(sheet.getColumn(3).numFmt).toBe('@');
    expect(sheet.actualRowCount).toBe(1);
    expect(workbook.getWorksheet('下拉选项')!.state).toBe('hidden');
  });

  it('offers drop-downs for unit, category and project from the rules, and for 发放方式 from its fixed list', async () => {
    const workbook = await loadWorkbook(await buildIntakeTemplate(RULES));
    const sheet = workbook.getWorksheet('帮困对象')!;
    const lists = workbook.getWorksheet('下拉选项')!;
    const listOf = (address: string) => {
      const validation = validationAt(sheet, address);
      expect(validation?.type).toBe('list');
      const [, column, from, to] = /^'下拉选项'!\$([A-Z])\$(\d+):\$[A-Z]\$(\d+)$/.exec(String(validation?.formulae[0]))!;
      return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => lists.getCell(`${column}${Number(from) + i}`).value);
    };
    expect(listOf('D2')).toEqual(RULES.units);
    expect(listOf('E2')).toEqual(RULES.categories);
    // "节日慰问" names two projects, so those are offered by code.
    expect(listOf('F2')).toEqual(['春节帮困慰问金', '困难职工送温暖', 'XZ-03', 'JD-04']);
    expect(validationAt(sheet, 'D3000')?.type).toBe('list');
    expect(sheet.getCell('I1').value).toBe('发放方式');
    expect(listOf('I2')).toEqual(['银行转账', '社保卡', '现金', '实物（礼包）', '粮油卡']);
    expect(validationAt(sheet, 'I2')).toMatchObject({ showErrorMessage: true, errorTitle: '发放方式' });
    expect(validationAt(sheet, 'G2')).toMatchObject({ type: 'whole', formulae: [1, 20] });
  });

  it('explains every column and lists units, categories and projects in 填写说明', async () => {
    const workbook = await loadWorkbook(await buildIntakeTemplate(RULES));
    const text: string[] = [];
    workbook.getWorksheet('填写说明')!.eachRow((row) => row.eachCell((cell) => text.push(String(cell.value))));
    const all = text.join('\n');
    for (const c of INTAKE_COLUMNS) expect(all).toContain(c.note);
    for (const name of [...RULES.units, ...RULES.categories, ...RULES.projects.map((p) => p.code)]) expect(all).toContain(name);
    expect(all).toContain('¥500.00');
    expect(all).toContain('文本格式');
    expect(all).toContain('发放方式必填');
    expect(all).toContain('实物（礼包）');
  });
});

describe('names the coordinator typed, in the template and the error file', () => {
  const hostile = { ...RULES, units: ['+cmd|\' /C calc\'!A0', ...RULES.units], categories: ['-2+3', ...RULES.categories], projects: [{ ...RULES.projects[0], name: '=HYPERLINK("http://evil.example")' }, ...RULES.projects.slice(1)] };
  const formulaTexts = (workbook: ExcelJS.Workbook) => {
    const found: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => {
      if (cell.type === ExcelJS.ValueType.Formula || (typeof cell.value === 'string' && /^[=+\-@\t\r]/.test(cell.value))) found.push(`${sheet.name}!${cell.address}`);
    })));
    return found;
  };

  it('are text with a leading apostrophe on every sheet (drop-down sources and 填写说明 too)', async () => {
    const template = await loadWorkbook(await buildIntakeTemplate(hostile));
    expect(formulaTexts(template)).toEqual([]);
    expect(template.getWorksheet('下拉选项')!.getCell('A2').value).toBe(`'${hostile.units[0]}`);
    const errors = await loadWorkbook(await buildIntakeErrorWorkbook(hostile, { headers: HEADERS, rows: [{ values: HEADERS.map(() => '@x'), reasons: '姓名：…' }] }));
    expect(formulaTexts(errors)).toEqual([]);
  });
});

describe('readIntakeFile: tables too wide to be a list', () => {
  it('refuses a sheet whose header reaches column XFD, without making every row that wide', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('帮困对象');
    sheet.getRow(1).getCell(1).value = '姓名';
    sheet.getRow(1).getCell(16384).value = '备注';
    for (let r = 2; r <= 2001; r++) sheet.getRow(r).getCell(1).value = '张三';
    const started = Date.now();
    expect((await readIntakeFile(Buffer.from(await book.xlsx.writeBuffer()), 'wide.xlsx')).problems).toEqual([TOO_WIDE]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a CSV header of more than 100 named columns, and ignores empty ones after the last', async () => {
    const wide = Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `列${i}`).join(',');
    expect((await readIntakeFile(Buffer.from(`${wide}\n张三\n`), 'wide.csv')).problems).toEqual([TOO_WIDE]);
    const file = await readIntakeFile(Buffer.from(`姓名,身份证号码${','.repeat(5000)}\n张三,${PEOPLE.a}\n`), 'trailing.csv');
    expect(file.problems).toEqual([]);
    expect(file.rows).toEqual([{ 姓名: '张三', 身份证号码: PEOPLE.a }]);
  });
});

describe('template round trip: build → fill → readIntakeFile → validateIntakeRows', () => {
  it('reads what a unit typed, keeps spreadsheet row numbers across empty rows, and validates it', async () => {
    const workbook = await loadWorkbook(await buildIntakeTemplate(RULES));
    const sheet = workbook.getWorksheet('帮困对象')!;
    sheet.getRow(2).values = ['张小明', PEOPLE.a, '13800138000', '莘庄镇', '低保家庭', '春节帮困慰问金', 3, null, '银行转账', '6222021234567890123', '中国工商银行莘庄支行'];
    sheet.getRow(3).values = ['李  四', '110105491231002', '021-62345678', '古美路街道', '特困供养', 'GH-02', '1', 1100.5, '实物（礼包）'];
    // Row 4 is left empty; row 5 has two mistakes; row 6 repeats row 2's person in the same project.
    sheet.getRow(5).values = ['王五', '110105194912310021', '12345', '莘庄镇', '低保家庭', 'MZ-01', 2, '', '现金'];
    sheet.getRow(6).values = ['张小明', PEOPLE.a.toLowerCase(), '13800138000', '莘庄镇', '低保家庭', 'MZ-01', 3, '', '现金'];
    sheet.getCell('A7').value = { richText: [{ text: '赵' }, { text: '六' }] };
    sheet.getRow(7).getCell(2).value = PEOPLE.b;
    sheet.getRow(7).getCell(3).value = { formula: '"13900139000"', result: '13900139000' };
    ['区民政局', '困难职工', 'GH-02', 4, null, '粮油卡'].forEach((v, i) => (sheet.getRow(7).getCell(4 + i).value = v));

    const file = await readIntakeFile(await save(workbook), '闵行区-莘庄镇.XLSX');
    expect(file.problems).toEqual([]);
    expect(file.rowNumbers).toEqual([2, 3, 5, 6, 7]);
    expect(file.rows[1]).toEqual({
      姓名: '李  四', 身份证号码: '110105491231002', 联系电话: '021-62345678', 所属单位: '古美路街道',
      帮困类别: '特困供养', 帮困项目: 'GH-02', 家庭人数: '1', '发放金额(元)': '1100.5', 发放方式: '实物（礼包）', 银行账号: '', 开户银行: '',
    });

    const { accepted, errors } = validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers });
    expect(accepted).toEqual([
      { row: 2, name: '张小明', idNumber: PEOPLE.a, phone: '13800138000', unit: '莘庄镇', category: '低保家庭', projectCode: 'MZ-01', householdSize: 3, amountFen: 50_000, paymentMethod: '银行转账', account: { account: '6222021234567890123', bank: '中国工商银行莘庄支行' } },
      { row: 3, name: '李四', idNumber: '11010519491231002X', phone: '021-62345678', unit: '古美路街道', category: '特困供养', projectCode: 'GH-02', householdSize: 1, amountFen: 110_050, paymentMethod: '实物（礼包）' },
      { row: 7, name: '赵六', idNumber: PEOPLE.b, phone: '13900139000', unit: '区民政局', category: '困难职工', projectCode: 'GH-02', householdSize: 4, amountFen: 80_000, paymentMethod: '粮油卡' },
    ]);
    expect(errors).toEqual([
      { row: 5, column: '身份证号码', reason: expect.stringContaining('校验位错误') },
      { row: 5, column: '联系电话', reason: expect.any(String) },
      { row: 6, column: '身份证号码', reason: '同一帮困项目中，身份证号码与第2行重复' },
    ]);
  });

  it('refuses ID numbers stored as numbers instead of guessing their lost digits', async () => {
    const workbook = await loadWorkbook(await buildIntakeTemplate(RULES));
    const sheet = workbook.getWorksheet('帮困对象')!;
    sheet.getRow(2).values = ['张小明', Number(PEOPLE.a.slice(0, 17) + '0'), '13800138000', '莘庄镇', '低保家庭', 'MZ-01', 3, null, '现金'];
    sheet.getRow(3).values = ['李四', PEOPLE.b, '13900139000', '莘庄镇', '低保家庭', 'MZ-01', 3, null, '现金'];
    sheet.getRow(4).values = ['王五', 310104560315023, '13700137000', '莘庄镇', '低保家庭', 'MZ-01', 3, null, '现金'];

    const file = await readIntakeFile(await save(workbook), 'intake.xlsx');
    expect(file.problems).toEqual([expect.stringMatching(/^第2、4行的身份证号码是数字格式.*文本格式/)]);
    expect(file.rows.map((r) => r['身份证号码'])).toEqual(['', PEOPLE.b, '']);
    const { accepted, errors } = validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers });
    expect(accepted.map((b) => b.idNumber)).toEqual([PEOPLE.b]);
    expect(errors.map((e) => [e.row, e.column])).toEqual([[2, '身份证号码'], [4, '身份证号码']]);
  });

  it('reads the first sheet when there is no 帮困对象 sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(HEADERS);
    sheet.addRow(['张小明', PEOPLE.a, '13800138000', '莘庄镇', '低保家庭', 'MZ-01', '3', '', '社保卡']);
    const file = await readIntakeFile(await save(workbook), 'a.xlsx');
    expect(file.problems).toEqual([]);
    expect(validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers }).accepted).toHaveLength(1);
  });
});

describe('readIntakeFile: CSV', () => {
  const lines = [
    HEADERS.join(','),
    `张小明,${PEOPLE.a},138 0013 8000,莘庄镇,低保家庭,MZ-01,3,,银行转账,6222021234567890123,中国工商银行莘庄支行`,
    ',,,,,,,,',
    '',
    `"李四",${PEOPLE.b},13900139000,古美路街道,特困供养,"困难职工送温暖",2,"1,100",现金`,
  ];

  it('reads UTF-8 with and without a BOM, skipping empty rows but keeping row numbers', async () => {
    for (const bom of [true, false]) {
      const file = await readIntakeFile(csv(lines, bom), 'list.csv');
      expect(file.problems).toEqual([]);
      expect(Object.keys(file.rows[0])).toEqual(HEADERS);
      expect(file.rowNumbers).toEqual([2, 5]);
      const { accepted, errors } = validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers });
      expect(errors).toEqual([]);
      expect(accepted.map((b) => [b.name, b.projectCode, b.amountFen])).toEqual([['张小明', 'MZ-01', 50_000], ['李四', 'GH-02', 110_000]]);
    }
  });

  it('refuses ID numbers that Excel turned into scientific notation', async () => {
    const file = await readIntakeFile(csv([HEADERS.join(','), '张小明,3.10101E+17,13800138000,莘庄镇,低保家庭,MZ-01,3,']), 'list.csv');
    expect(file.problems).toEqual([expect.stringContaining('第2行的身份证号码显示为科学计数法')]);
    expect(file.rows[0]['身份证号码']).toBe('');
  });

  it('explains broken quoting, missing headers and files without data (encodings: intake-encoding.test.ts)', async () => {
    expect((await readIntakeFile(Buffer.from('姓名,身份证号码\n"张三,1\n'), 'list.csv')).problems)
      .toEqual([expect.stringContaining('格式有误')]);
    expect((await readIntakeFile(Buffer.from(''), 'list.csv')).problems).toEqual([expect.stringContaining('表头')]);
    expect((await readIntakeFile(csv([HEADERS.join(','), ',,']), 'list.csv')))
      .toEqual({ rows: [], rowNumbers: [], problems: [expect.stringContaining('没有帮困对象数据')], encoding: 'utf-8' });
  });

  it('reads every row of a file whose lines end in CRLF, LF and CR mixed', async () => {
    const rows = [`张三,${PEOPLE.a},13800138000`, `李四,${PEOPLE.b},13900139000`, `王五,${PEOPLE.a},13700137000`];
    const file = await readIntakeFile(Buffer.from(`姓名,身份证号码,联系电话\r\n${rows[0]}\n${rows[1]}\r${rows[2]}\r\n`), 'list.csv');
    expect(file.problems).toEqual([]);
    expect(file.rows.map((r) => [r['姓名'], r['联系电话']])).toEqual([['张三', '13800138000'], ['李四', '13900139000'], ['王五', '13700137000']]);
    expect(file.rowNumbers).toEqual([2, 3, 4]);
  });

  it('reports a repeated header', async () => {
    const file = await readIntakeFile(csv(['姓名,姓名,身份证号码', `张三,李四,${PEOPLE.a}`]), 'list.csv');
    expect(file.problems).toEqual([expect.stringContaining('表头“姓名”出现了不止一次')]);
    expect(file.rows).toEqual([{ 姓名: '张三', 身份证号码: PEOPLE.a }]);
  });
});

describe('readIntakeFile: files it cannot read', () => {
  it('answers with a zh-CN problem, never an exception', async () => {
    const cases: [Buffer, string, string][] = [
      [Buffer.from('not a zip'), 'a.xlsx', '不是有效的 Excel'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'a.xlsx', '不是有效的 Excel'],
      [Buffer.from('x'), 'a.xls', '.xls'],
      [Buffer.from('x'), 'a.pdf', '不支持的文件类型“.pdf”'],
      [Buffer.from('x'), 'noextension', '不支持的文件类型，'],
    ];
    for (const [data, name, expected] of cases) {
      const file = await readIntakeFile(data, name);
      expect(file, name).toEqual({ rows: [], rowNumbers: [], problems: [expect.stringContaining(expected)] });
    }
  });
});
