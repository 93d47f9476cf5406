import ExcelJS from 'exceljs';
import type { SignatureSheet } from '../core/signature-sheet.js';
import { neutralise } from './spreadsheet.js';

export const SIGNATURE_COLUMNS = ['序号', '姓名', '身份证号', '帮困项目', '金额（元）/物品', '发放方式', '签名', '日期'] as const;
const WIDTHS = [6, 12, 22, 24, 22, 14, 16, 14];

/**
 * One unit's signature sheet as a workbook to print: a title row, the columns, one line per person
 * with 签名 and 日期 left empty (and tall enough to sign in), ID numbers masked.
 */
export async function signatureWorkbook(campaignName: string, sheet: SignatureSheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const ws = workbook.addWorksheet('签收表', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = WIDTHS.map((width) => ({ width }));
  ws.mergeCells(1, 1, 1, SIGNATURE_COLUMNS.length);
  const title = ws.getCell(1, 1);
  title.value = neutralise(`${campaignName} ${sheet.unit} 签收表`);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  ws.addRow([...SIGNATURE_COLUMNS]).font = { bold: true };
  sheet.lines.forEach((l, i) => {
    const row = ws.addRow([i + 1, ...[l.name, l.idMasked, l.projectName, l.what, l.method].map(neutralise), '', '']);
    row.height = 30;
  });
  ws.eachRow((row) => row.eachCell({ includeEmpty: true }, (cell) => {
    cell.border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  }));
  ws.pageSetup.printTitlesRow = '2:2';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
