/**
 * The intake spreadsheet (附件3 帮困对象录入或导入模板): building the XLSX template that units fill in,
 * reading a filled-in .xlsx or .csv (UTF-8, UTF-16 or GBK/GB18030) back into rows of text for
 * validateIntakeRows, and the error file: the rejected rows as they were sent, plus 错误原因.
 * Works on bytes in memory only; reading never throws on a bad file, it reports problems in zh-CN.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { PAYMENT_METHODS } from './payment-methods.js';
import { standardText } from './project.js';
import { loadUploadedXlsx } from './xlsx-size.js';
import { INTAKE_COLUMNS, intakeColumnOf, type IntakeColumnKey, type IntakeRules } from './intake-row.js';

export const DATA_SHEET = '帮困对象';
export const GUIDE_SHEET = '填写说明';
const LISTS_SHEET = '下拉选项';
/** Rows of the data sheet that carry drop-downs and text formats. */
const TEMPLATE_ROWS = 5000;
/** How Excel shows a long number in a CSV it saved: 3.10101E+17. */
const SCIENTIFIC = /^\d+(\.\d+)?E\+?\d+$/i;

const WIDTHS: Record<IntakeColumnKey, number> = {
  name: 12, idNumber: 22, phone: 18, unit: 20, category: 16, project: 24, householdSize: 10, amount: 14, paymentMethod: 14, account: 24, bank: 26,
};
/** Columns kept as text: a number would lose digits (Excel keeps 15) or a leading 0. */
const TEXT_COLUMNS: readonly IntakeColumnKey[] = ['idNumber', 'phone', 'account'];

export interface IntakeFileContent {
  /** One record per non-empty data row, keyed by the header text. */
  rows: Record<string, string>[];
  /** Spreadsheet row number of each record (pass to validateIntakeRows as options.rowNumbers). */
  rowNumbers: number[];
  /** File-level problems in zh-CN; when not empty the file should be corrected before import. */
  problems: string[];
  /** How a CSV file's bytes were decoded (absent for .xlsx and for files that could not be read). */
  encoding?: CsvEncoding;
}

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** The encodings as the upload page names them. */
export const CSV_ENCODING_NAMES: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16', gb18030: 'GBK/GB18030',
};

/** Far more columns than any template has (the widest, the project sheet, has 15): a wider table is refused before its rows are read. */
export const MAX_COLUMNS = 100;
export const TOO_WIDE = `表格第1行超过 ${MAX_COLUMNS} 列，不是本系统模板的格式，未读取。请删除多余的列后再上传`;

/** The header's width: up to its last non-empty cell (empty columns after it are ignored). */
const headerWidth = (texts: readonly string[]) => texts.reduce((width, text, i) => (text.trim() === '' ? width : i + 1), 0);

/** The error file's last column. */
export const REASON_HEADER = '错误原因';

/** What the error file holds: data columns (the template's, then any other columns of the file) and the rejected rows. */
export interface IntakeErrorFile {
  headers: readonly string[];
  rows: readonly { values: readonly string[]; reasons: string }[];
}

export async function buildIntakeTemplate(rules: IntakeRules): Promise<Buffer> {
  return Buffer.from(await templateWorkbook(rules).xlsx.writeBuffer());
}

/**
 * The error file as a workbook: the template (drop-downs, 填写说明) with the rejected rows on its data
 * sheet, each with its 错误原因, ready to be corrected and uploaded again (the reason column is ignored
 * on upload). Every cell is text; text that a spreadsheet would run as a formula gets a leading apostrophe.
 */
export async function buildIntakeErrorWorkbook(rules: IntakeRules, file: IntakeErrorFile): Promise<Buffer> {
  const workbook = templateWorkbook(rules);
  const data = workbook.getWorksheet(DATA_SHEET)!;
  const header = data.getRow(1);
  const extra = file.headers.slice(INTAKE_COLUMNS.length);
  extra.forEach((h, i) => {
    header.getCell(INTAKE_COLUMNS.length + i + 1).value = neutraliseText(h);
    data.getColumn(INTAKE_COLUMNS.length + i + 1).width = 14;
  });
  const reasonColumn = file.headers.length + 1;
  const reasonCell = header.getCell(reasonColumn);
  reasonCell.value = REASON_HEADER;
  reasonCell.font = { bold: true, color: { argb: 'FFC00000' } };
  reasonCell.note = '每行被退回的原因。按原因修改本行后重新上传即可；本列在上传时会被忽略，可保留也可删除';
  data.getColumn(reasonColumn).width = 60;
  file.rows.forEach((r, i) => {
    const row = data.getRow(i + 2);
    [...r.values, r.reasons].forEach((value, j) => {
      const cell = row.getCell(j + 1);
      cell.numFmt = '@';
      cell.value = neutraliseText(value);
    });
    row.getCell(reasonColumn).font = { color: { argb: 'FFC00000' } };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Text that a spreadsheet would read as a formula (= + - @, tab, CR) gets a leading apostrophe
 * (the same rule as web/spreadsheet.ts); readIntakeFile takes that apostrophe off again.
 */
export const neutraliseText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function templateWorkbook(rules: IntakeRules): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const data = workbook.addWorksheet(DATA_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const guide = workbook.addWorksheet(GUIDE_SHEET);
  const lists = workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });

  data.columns = INTAKE_COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: WIDTHS[c.key],
    // Text format, so Excel keeps every digit of an ID number and the leading 0 of an area code.
    style: TEXT_COLUMNS.includes(c.key) ? { numFmt: '@' } : {},
  }));
  const header = data.getRow(1);
  header.font = { bold: true };
  INTAKE_COLUMNS.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '必填' : '选填'}：${c.note}`;
  });

  // Drop-down sources live on a hidden sheet: an inline list is limited to 255 characters.
  const projectChoices = projectChoicesOf(rules);
  const sources: [IntakeColumnKey, readonly string[], string][] = [
    ['unit', rules.units, '所属单位'],
    ['category', rules.categories, '帮困类别'],
    ['project', projectChoices, '帮困项目'],
    ['paymentMethod', PAYMENT_METHODS, '发放方式'],
  ];
  sources.forEach(([key, values, title], i) => {
    const column = i + 1;
    lists.getCell(1, column).value = title;
    // Names the coordinator typed are neutralised like every other cell (the reader takes the apostrophe off).
    values.forEach((value, j) => (lists.getCell(j + 2, column).value = neutraliseText(value)));
    if (values.length === 0) return;
    const letter = lists.getColumn(column).letter;
    addValidation(data, key, {
      type: 'list',
      allowBlank: true,
      formulae: [`'${LISTS_SHEET}'!$${letter}$2:$${letter}$${values.length + 1}`],
      showErrorMessage: true,
      errorTitle: title,
      error: `请从下拉列表中选择${title}`,
    });
  });
  addValidation(data, 'householdSize', {
    type: 'whole', operator: 'between', allowBlank: true, formulae: [1, 20],
    showErrorMessage: true, errorTitle: '家庭人数', error: '家庭人数应为1至20的整数',
  });
  addValidation(data, 'amount', {
    type: 'decimal', operator: 'greaterThan', allowBlank: true, formulae: [0],
    showErrorMessage: true, errorTitle: '发放金额', error: '发放金额应大于0，可不填',
  });

  writeGuide(guide, rules);
  return workbook;
}

export async function readIntakeFile(data: Buffer, fileName: string): Promise<IntakeFileContent> {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  if (extension === 'xlsx') {
    const table = await readXlsxTable(data);
    return typeof table === 'string' ? failed(table) : tableToRows(table);
  }
  if (extension === 'csv') {
    const table = readCsvTable(data);
    return typeof table === 'string' ? failed(table) : { ...tableToRows(table), encoding: table.encoding };
  }
  if (extension === 'xls') return failed('不支持旧版 Excel 97-2003（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传');
  return failed(`不支持的文件类型${extension ? `“.${extension}”` : ''}，请上传 .xlsx 或 .csv 文件`);
}

/** A cell as text, and whether the spreadsheet stored it as a number. */
interface Cell {
  text: string;
  numeric: boolean;
}

interface Table {
  header: string[];
  records: { rowNumber: number; cells: Cell[] }[];
}

async function readXlsxTable(data: Buffer): Promise<Table | string> {
  const workbook = await loadUploadedXlsx(data);
  if (typeof workbook === 'string') return workbook;
  const sheet = workbook.getWorksheet(DATA_SHEET) ?? workbook.worksheets[0];
  if (!sheet) return 'Excel 文件中没有工作表';

  // Only the header's filled cells are looked at: a cell far to the right (column XFD) must not make every row that wide.
  const filled: string[] = [];
  sheet.getRow(1).eachCell((cell, column) => (filled[column - 1] = cellOf(cell.value).text));
  const width = headerWidth(Array.from(filled, (text) => text ?? ''));
  if (width > MAX_COLUMNS) return TOO_WIDE;
  const header = Array.from({ length: width }, (_, i) => filled[i] ?? '');
  const records: Table['records'] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    records.push({ rowNumber, cells: header.map((_, i) => cellOf(row.getCell(i + 1).value)) });
  });
  return { header, records };
}

function readCsvTable(data: Buffer): (Table & { encoding: CsvEncoding }) | string {
  const decoded = decodeCsv(data);
  if ('problem' in decoded) return decoded.problem;
  const { text, encoding } = decoded;
  // Excel's "Unicode text" is tab-separated; a first line with tabs and no comma is read that way.
  const firstLine = /^[^\r\n]*/.exec(text)?.[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let grid: string[][];
  try {
    grid = parseCsv(text, { bom: true, delimiter, record_delimiter: CSV_LINE_ENDINGS, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return `CSV 文件${line ? `第${line}行` : ''}格式有误（例如引号未闭合），无法读取`;
  }
  const [fullHeader = [], ...rest] = grid;
  const width = headerWidth(fullHeader);
  if (width > MAX_COLUMNS) return TOO_WIDE;
  const header = fullHeader.slice(0, width);
  // Record n of the file is row n when the file is opened in Excel.
  const records = rest.map((cells, i) => ({
    rowNumber: i + 2,
    cells: cells.map((text) => ({ text: text.trim(), numeric: false })),
  }));
  return { header: header.map((h) => h.trim()), records, encoding };
}

/** Every line ending, even mixed in one file (a list pasted together from several sources): one is not taken for text. */
export const CSV_LINE_ENDINGS = ['\r\n', '\n', '\r'];

const SAVE_AS = '请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或 GBK 编码的 CSV，再上传';

/**
 * The text of a CSV file, or why it cannot be read without mojibake. A byte order mark decides
 * (UTF-8, UTF-16 LE/BE); without one, strict UTF-8, then GB18030 (a superset of GBK, what Excel in
 * China saves), accepted only when every byte sequence decoded cleanly. A file that decodes cleanly
 * as GB18030 but reads as Big5 (Traditional Chinese, see below) is refused by name. What cannot be
 * told apart is read as GB18030; the name rule then refuses rows of characters no name has.
 */
export function decodeCsv(data: Uint8Array): { text: string; encoding: CsvEncoding } | { problem: string } {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  const strict = (encoding: CsvEncoding) => strictDecode(data, encoding);
  const checked = (text: string | undefined, encoding: CsvEncoding, what: string) => {
    if (text === undefined) return { problem: `CSV 文件开头标明是 ${what} 编码，但其中有无法识别的字符，为避免乱码未导入。${SAVE_AS}` };
    return text.includes('\u0000') ? { problem: `CSV 文件中含有空字符，无法识别其编码，为避免乱码未导入。${SAVE_AS}` } : { text, encoding };
  };
  // The decoders drop the byte order mark itself.
  if (starts(0xef, 0xbb, 0xbf)) return checked(strict('utf-8'), 'utf-8', 'UTF-8');
  if (starts(0xff, 0xfe)) return checked(strict('utf-16le'), 'utf-16le', 'UTF-16');
  if (starts(0xfe, 0xff)) return checked(strict('utf-16be'), 'utf-16be', 'UTF-16');

  const unknown = { problem: `CSV 文件的编码无法识别（不是 UTF-8、UTF-16 或 GBK/GB18030），为避免乱码未导入。${SAVE_AS}` };
  const utf8 = strict('utf-8');
  // UTF-16 without a byte order mark is valid UTF-8 full of NUL characters: refused, not shown.
  if (utf8 !== undefined) return utf8.includes('\u0000') ? unknown : { text: utf8, encoding: 'utf-8' };

  const gb = new TextDecoder('gb18030').decode(data);
  if (gb.includes('\uFFFD') || gb.includes('\u0000')) return unknown;
  // Big5 bytes are nearly all valid GB18030 too. It shows: in a header that only Big5 makes sense
  // of, or in private-use characters (GBK's user-defined areas) where Big5 reads ordinary text.
  const needsLook = !knowsAHeader(gb) || PRIVATE_USE.test(gb);
  const big5 = needsLook ? strictDecode(data, 'big5') : undefined;
  if (big5 !== undefined && ((knowsAHeader(big5) && !knowsAHeader(gb)) || (PRIVATE_USE.test(gb) && !PRIVATE_USE.test(big5)))) {
    return { problem: `CSV 文件似乎是繁体中文（Big5）编码，为避免乱码未导入。${SAVE_AS}` };
  }
  return { text: gb, encoding: 'gb18030' };
}

const PRIVATE_USE = /[\uE000-\uF8FF]/;

/** The text, or undefined if any byte sequence is not valid in `encoding`. */
function strictDecode(data: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

/** Whether the first line of `text` names at least one column of the template. */
function knowsAHeader(text: string): boolean {
  const firstLine = /^[^\r\n]*/.exec(text.replace(/^\uFEFF/, ''))?.[0] ?? '';
  return firstLine.split(/[,\t]/).some((h) => intakeColumnOf(h.trim().replace(/^"|"$/g, '')) !== undefined);
}

/** Header checks, empty rows skipped, and ID numbers that a spreadsheet turned into numbers refused. */
function tableToRows({ header, records }: Table): IntakeFileContent {
  const problems: string[] = [];
  if (header.every((h) => h === '')) return failed('第1行（表头）为空，请使用帮困对象录入模板');

  const seen = new Set<string>();
  for (const h of header) {
    if (h !== '' && seen.has(h)) problems.push(`表头“${h}”出现了不止一次，请只保留一列`);
    seen.add(h);
  }
  const idColumn = header.findIndex((h) => intakeColumnOf(h)?.key === 'idNumber');
  const numericIds: number[] = [];
  const scientificIds: number[] = [];
  const accountColumn = header.findIndex((h) => intakeColumnOf(h)?.key === 'account');
  const numericAccounts: number[] = [];

  const rows: Record<string, string>[] = [];
  const rowNumbers: number[] = [];
  for (const { rowNumber, cells } of records) {
    if (cells.every((cell) => cell.text === '')) continue;
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      // An apostrophe before = + - @ is how the error file (and toCsv) kept such text from running as a formula.
      if (h !== '' && !(h in row)) row[h] = (cells[i]?.text ?? '').replace(/^'(?=[=+\-@])/, '');
    });
    // An ID number held as a number may already have lost digits (Excel keeps 15 significant digits):
    // the cell is emptied so the row cannot be accepted, and the problem says why. Digits are never guessed.
    const id = cells[idColumn];
    const lost = !id || id.text === '' ? undefined : id.numeric ? numericIds : SCIENTIFIC.test(id.text) ? scientificIds : undefined;
    if (lost) {
      lost.push(rowNumber);
      row[header[idColumn]] = '';
    }
    // The same for an account number held as a number: Excel may have rounded its last digits.
    const account = cells[accountColumn];
    if (account && account.text !== '' && (account.numeric || SCIENTIFIC.test(account.text))) {
      numericAccounts.push(rowNumber);
      row[header[accountColumn]] = '';
    }
    rows.push(row);
    rowNumbers.push(rowNumber);
  }

  if (numericIds.length > 0) {
    problems.push(`${rowList(numericIds)}的身份证号码是数字格式，末尾数字可能已丢失，这些行不会导入。`
      + '请把“身份证号码”列设置为文本格式，按证件重新填写后再上传');
  }
  if (scientificIds.length > 0) {
    problems.push(`${rowList(scientificIds)}的身份证号码显示为科学计数法（如 3.10101E+17），数字已丢失，这些行不会导入。`
      + '请在 Excel 中把该列设置为文本格式，按证件重新填写后再上传');
  }
  if (numericAccounts.length > 0) {
    problems.push(`${rowList(numericAccounts)}的银行账号是数字格式，末尾数字可能已丢失，这些行不会导入。`
      + '请把“银行账号”列设置为文本格式，按银行卡重新填写后再上传');
  }
  if (rows.length === 0) problems.push('文件中没有帮困对象数据（第2行起为数据行）');
  return { rows, rowNumbers, problems };
}

function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (typeof value === 'number') return { text: String(value), numeric: true };
  if (typeof value === 'string') return { text: value.trim(), numeric: false };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10), numeric: false };
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join('').trim(), numeric: false };
  if ('hyperlink' in value) return cellOf(value.text as ExcelJS.CellValue);
  if ('error' in value) return { text: value.error, numeric: false };
  if ('formula' in value || 'sharedFormula' in value) return cellOf(value.result);
  return { text: '', numeric: false };
}

function addValidation(sheet: ExcelJS.Worksheet, key: IntakeColumnKey, validation: ExcelJS.DataValidation): void {
  const letter = sheet.getColumn(key).letter;
  // exceljs accepts a range here (its typings only declare the per-cell form).
  const withRanges = sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } };
  withRanges.dataValidations.add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, validation);
}

/** Project names for the drop-down; a name shared by several projects is listed by its code instead. */
function projectChoicesOf(rules: IntakeRules): string[] {
  const count = new Map<string, number>();
  for (const p of rules.projects) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  return rules.projects.map((p) => (count.get(p.name) === 1 ? p.name : p.code));
}

function writeGuide(guide: ExcelJS.Worksheet, rules: IntakeRules): void {
  guide.columns = [{ width: 16 }, { width: 10 }, { width: 70 }, { width: 22 }];
  const title = (text: string) => {
    guide.addRow([]);
    guide.addRow([text]).font = { bold: true, size: 12 };
  };
  guide.addRow(['帮困对象录入模板 填写说明']).font = { bold: true, size: 14 };
  [
    `1. 在“${DATA_SHEET}”工作表中从第2行起填写，每行一人；第1行表头请勿修改，示例见下表，不要填入数据行。`,
    '2. 身份证号码、联系电话、银行账号三列已设为文本格式，请勿改为数字格式，否则身份证号码、银行账号末尾数字会丢失。',
    '3. 所属单位、帮困类别、帮困项目请从下拉列表选择；帮困项目也可填写项目编号。',
    '4. 同一帮困项目中，同一身份证号码只能出现一次。',
    '5. 发放金额可不填，不填时按项目标准发放。',
    `6. 发放方式必填，即实施阶段发放帮困金或慰问品的方式，请从下拉列表选择：${PAYMENT_METHODS.join('、')}。`,
    '7. 发放方式为银行转账时，银行账号、开户银行必填：银行账号为12至30位数字（该列已设为文本格式，请勿改为数字格式），开户银行填写到支行或网点；其他发放方式可不填。',
    '8. 本表含个人信息（身份证号码、银行账号），仅用于帮困送温暖工作，请妥善保管，不要外传。',
  ].forEach((line) => guide.addRow([line]));

  title('各列说明');
  guide.addRow(['列名', '是否必填', '填写要求', '示例']).font = { bold: true };
  for (const c of INTAKE_COLUMNS) guide.addRow([c.header, c.required ? '必填' : '选填', c.note, c.example]);

  title('单位名单');
  for (const unit of rules.units) guide.addRow([neutraliseText(unit)]);
  title('帮困类别');
  for (const category of rules.categories) guide.addRow([neutraliseText(category)]);
  title('发放方式');
  for (const method of PAYMENT_METHODS) guide.addRow([method]);
  title('帮困项目');
  guide.addRow(['项目编号', '', '项目名称', '标准', '可享受的类别']).font = { bold: true };
  for (const p of rules.projects) guide.addRow([p.code, '', p.name, standardText(p), p.categories?.length ? p.categories.join('、') : '全部类别'].map(neutraliseText));
}

function rowList(rowNumbers: number[]): string {
  const shown = rowNumbers.slice(0, 20).join('、');
  return rowNumbers.length > 20 ? `第${shown}等${rowNumbers.length}行` : `第${shown}行`;
}

function failed(problem: string): IntakeFileContent {
  return { rows: [], rowNumbers: [], problems: [problem] };
}
