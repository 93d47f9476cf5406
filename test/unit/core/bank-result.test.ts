// The bank's result file: CSV (any encoding intake reads) or XLSX, checked row by row in zh-CN, refused whole on any problem.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkGrid, readResultFile } from '../../../functions/core/bank-result.js';
import { TOO_WIDE } from '../../../functions/core/intake-file.js';

const HEADER = '付款参考号,金额（元）,处理结果,失败原因';
const A = 'NL0123456789ABCDEF';
const B = 'NLFEDCBA9876543210';

describe('readResultFile', () => {
  it('reads a CSV with BOM: references in any case and width, yuan to fen, 成功/失败 with the reason', async () => {
    const csv = `\uFEFF${HEADER}\r\n${A.toLowerCase()},"1,100.50",成功,\r\n\r\nＮＬFEDCBA9876543210,300,失败, 账户已冻结 \r\n`;
    expect(await readResultFile(Buffer.from(csv), '结果.CSV')).toEqual({
      ok: true,
      lines: [
        { row: 2, reference: A, amountFen: 110_050, outcome: 'paid' },
        { row: 4, reference: B, amountFen: 30_000, outcome: 'failed', reason: '账户已冻结' },
      ],
    });
  });

  it('reads a CSV whose lines end in LF, CR and CRLF mixed, no line taken for text', async () => {
    const csv = `${HEADER}\n${A},500,成功,\r${B},300,失败,户名不符\r\n`;
    expect(await readResultFile(Buffer.from(csv), 'result.csv')).toEqual({
      ok: true,
      lines: [{ row: 2, reference: A, amountFen: 50_000, outcome: 'paid' }, { row: 3, reference: B, amountFen: 30_000, outcome: 'failed', reason: '户名不符' }],
    });
  });

  it('refuses an XLSX with a cell as far right as column XFD', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('代发结果');
    sheet.addRow(HEADER.split(','));
    sheet.getRow(2).getCell(16384).value = 'x';
    expect(await readResultFile(Buffer.from(await workbook.xlsx.writeBuffer()), 'wide.xlsx')).toEqual({ ok: false, errors: [{ row: 0, column: '文件', reason: TOO_WIDE }] });
  });

  it('reads the first sheet of an XLSX, numbers as typed, headers in half-width brackets too', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('代发结果').addRows([['失败原因', '处理结果', '金额(元)', '付款参考号'], ['', '成功', 500, A], ['户名不符', '失败', 800.5, B]]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await readResultFile(file, 'result.xlsx')).toEqual({
      ok: true,
      lines: [{ row: 2, reference: A, amountFen: 50_000, outcome: 'paid' }, { row: 3, reference: B, amountFen: 80_050, outcome: 'failed', reason: '户名不符' }],
    });
  });

  it('reports every problem of every row by row and column, and accepts nothing', () => {
    const grid = [HEADER.split(','), ['NL123', '500', '成功', ''], [A, '-5', '退回', ''], [B, '300.123', '失败', ''], [A, '500', '成功', ''], ['', '', '', '']];
    expect(checkGrid(grid)).toEqual({
      ok: false,
      errors: [
        { row: 2, column: '付款参考号', reason: '“NL123”不是本系统的付款参考号（应为 NL 加16位数字或字母）' },
        { row: 3, column: '金额（元）', reason: '金额不能为负数' },
        { row: 3, column: '处理结果', reason: '“退回”不是可识别的处理结果，请填写“成功”或“失败”' },
        { row: 4, column: '金额（元）', reason: '金额最多保留两位小数（精确到分）' },
        { row: 5, column: '付款参考号', reason: '付款参考号与第3行重复' },
      ],
    });
    expect(checkGrid([HEADER.split(','), [B, '300', '失败', ' ']])).toEqual({ ok: false, errors: [{ row: 2, column: '失败原因', reason: '处理结果为失败时，请填写失败原因' }] });
  });

  it('refuses a file without the columns, without rows, or of another type', async () => {
    expect(checkGrid([['付款参考号', '金额'], [A, '1']])).toEqual({
      ok: false,
      errors: [
        { row: 1, column: '金额（元）', reason: '表头缺少“金额（元）”列' },
        { row: 1, column: '处理结果', reason: '表头缺少“处理结果”列' },
        { row: 1, column: '失败原因', reason: '表头缺少“失败原因”列' },
      ],
    });
    expect(checkGrid([HEADER.split(',')])).toMatchObject({ ok: false, errors: [{ reason: '文件中没有结果行（第2行起为数据行）' }] });
    expect(await readResultFile(Buffer.from('x'), 'result.xls')).toMatchObject({ ok: false, errors: [{ column: '文件', reason: '请上传银行返回的 .csv 或 .xlsx 结果文件' }] });
    expect(await readResultFile(Buffer.from('not a zip'), 'result.xlsx')).toMatchObject({ ok: false, errors: [{ reason: expect.stringContaining('不是有效的 Excel') }] });
  });
});
