import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Text that a spreadsheet would read as a formula (= + - @, and tab/CR that some programs strip
 * first) gets a leading apostrophe, so a name like `=HYPERLINK(...)` stays text (CSV/formula injection).
 */
export const neutralise = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

export type WorkbookWriter = ExcelJS.stream.xlsx.WorkbookWriter;

/**
 * A workbook zipped as it is built, for sheets of a whole district's people: a row committed
 * (`row.commit()`) is written out, so memory holds the compressed file, not every cell. Without
 * `cellStyles`, no cell has a style (fonts, number formats): ExcelJS then skips looking up each
 * cell's style, much of a plain sheet's time; `boldText` still makes a heading stand out.
 */
export async function streamedWorkbook(build: (workbook: WorkbookWriter) => void, { cellStyles = true } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: cellStyles, useSharedStrings: false });
  workbook.creator = '暖流';
  build(workbook);
  await workbook.commit();
  return Buffer.concat(chunks);
}

/** Bold text as a cell's rich text: it needs no cell style. Rich text is never read as a formula. */
export const boldText = (text: string, size?: number): ExcelJS.CellRichTextValue => ({ richText: [{ text, font: { bold: true, ...(size ? { size } : {}) } }] });

/** The sheet's column widths, and a first row of their headings in bold text. */
export function headedColumns(sheet: ExcelJS.Worksheet, columns: readonly { header: string; width: number }[]): void {
  sheet.columns = columns.map(({ width }) => ({ width }));
  sheet.addRow(columns.map(({ header }) => boldText(header))).commit();
}

/** CSV for Excel: UTF-8 with BOM, CRLF, every cell quoted and neutralised. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => (typeof value === 'number' ? String(value) : `"${neutralise(value).replace(/"/g, '""')}"`);
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

export interface CallbackRow {
  name: string;
  phone: string;
  project: string;
  amount: string;
  paymentMethod: string;
  unit: string;
}

export const CALLBACK_COLUMNS = ['姓名', '联系电话', '帮困项目', '金额', '发放方式', '所属单位'] as const;

export const CALL_SCRIPT: readonly string[] = [
  '1. 您好，我是区民政局（或街镇）元旦春节帮困送温暖工作人员，想占用您一分钟做个回访。请问您是【姓名】本人或家属吗？',
  '2. 今年元旦春节期间，您家是否收到了【帮困项目】的帮困金或慰问品？金额是否为【金额】？',
  '3. 是通过什么方式收到的（银行卡、社保卡、现金或实物），大概什么时候收到的？（与名单中的“发放方式”核对）',
  '4. 您对帮困送温暖工作还有什么意见，或有什么困难需要反映吗？',
  '5. 感谢您的配合，祝您新春快乐、阖家安康！',
  '注意：不要询问或透露身份证号码等证件信息；对方未收到、金额不符或有异议时，请如实记录在“回访结果”“备注”中，并及时报告活动协调员。',
];

/** The callback list as a workbook: 回访名单 (with empty result columns) and 话术. */
export async function callbackWorkbook(campaignName: string, rows: readonly CallbackRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const list = workbook.addWorksheet('回访名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  list.columns = [
    { header: '序号', width: 6 },
    ...CALLBACK_COLUMNS.map((header) => ({ header, width: header === '帮困项目' || header === '所属单位' ? 24 : 16 })),
    { header: '回访结果', width: 20 },
    { header: '备注', width: 30 },
  ];
  list.getRow(1).font = { bold: true };
  rows.forEach((r, i) => {
    const row = list.addRow([i + 1, ...[r.name, r.phone, r.project, r.amount, r.paymentMethod, r.unit].map(neutralise), '', '']);
    // The phone stays text, so a leading 0 of an area code survives.
    row.getCell(3).numFmt = '@';
  });
  const script = workbook.addWorksheet('话术');
  script.columns = [{ width: 110 }];
  script.addRow([neutralise(`${campaignName} 电话回访话术`)]).font = { bold: true, size: 13 };
  for (const line of CALL_SCRIPT) script.addRow([neutralise(line)]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
