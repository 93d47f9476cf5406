import { fenToYuanText } from '../core/money.js';
import type { BankFileRow } from '../steps/bank-file.js';
import { neutralise, streamedWorkbook, toCsv } from './spreadsheet.js';

/**
 * 银行代发文件: one row per payment waiting for the bank, in the layout README.md describes.
 * Every cell is text (ID and account numbers keep every digit), formulas neutralised.
 */
export const BANK_FILE_COLUMNS = ['序号', '付款参考号', '户名', '证件号码', '账号', '开户银行', '金额（元）', '用途', '帮困项目', '单位'] as const;


const cellsOf = (r: BankFileRow, i: number) =>
  [String(i + 1), r.reference, r.name, r.idNumber, r.account, r.bank, fenToYuanText(r.amountFen), r.purpose, r.project, r.unit];

/** UTF-8 with BOM, as Excel opens it. */
export const bankFileCsv = (rows: readonly BankFileRow[]) => toCsv([[...BANK_FILE_COLUMNS], ...rows.map(cellsOf)]);

export const bankFileWorkbook = (sheetName: string, rows: readonly BankFileRow[]): Promise<Buffer> =>
  streamedWorkbook((workbook) => {
    const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = BANK_FILE_COLUMNS.map((header) => ({ header, width: header === '序号' ? 6 : header === '用途' || header === '帮困项目' || header === '开户银行' ? 26 : 22, style: { numFmt: '@' } }));
    sheet.getRow(1).font = { bold: true };
    rows.forEach((r, i) => sheet.addRow(cellsOf(r, i).map(neutralise)).commit());
  });
