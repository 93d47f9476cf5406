/**
 * The intake spreadsheet (附件3 帮困对象录入或导入模板): building the XLSX template that units fill in,
 * and reading a filled-in .xlsx or .csv back into rows of text for validateIntakeRows.
 * Works on bytes in memory only; reading never throws on a bad file, it reports problems in zh-CN.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { formatYuan } from './money.js';
import { INTAKE_COLUMNS, intakeColumnOf, type IntakeColumnKey, type IntakeRules } from './intake-row.js';

export const DATA_SHEET = '帮困对象';
export const GUIDE_SHEET = '填写说明';
const LISTS_SHEET = '下拉选项';
/** Rows of the data sheet that carry drop-downs and text formats. */
const TEMPLATE_ROWS = 5000;
/** How Excel shows a long number in a CSV it saved: 3.10101E+17. */
const SCIENTIFIC = /^\d+(\.\d+)?E\+?\d+$/i;

const WIDTHS: Record<IntakeColumnKey, number> = {
  name: 12, idNumber: 22, phone: 18, unit: 20, category: 16, project: 24, householdSize: 10, amount: 14,
};

export interface IntakeFileContent {
  /** One record per non-empty data row, keyed by the header text. */
  rows: Record<string, string>[];
  /** Spreadsheet row number of each record (pass to validateIntakeRows as options.rowNumbers). */
  rowNumbers: number[];
  /** File-level problems in zh-CN; when not empty the file should be corrected before import. */
  problems: string[];
}

export async function buildIntakeTemplate(rules: IntakeRules): Promise<Buffer> {
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
    style: c.key === 'idNumber' || c.key === 'phone' ? { numFmt: '@' } : {},
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
  ];
  sources.forEach(([key, values, title], i) => {
    const column = i + 1;
    lists.getCell(1, column).value = title;
    values.forEach((value, j) => (lists.getCell(j + 2, column).value = value));
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
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function readIntakeFile(data: Buffer, fileName: string): Promise<IntakeFileContent> {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  if (extension === 'xlsx') {
    const table = await readXlsxTable(data);
    return typeof table === 'string' ? failed(table) : tableToRows(table);
  }
  if (extension === 'csv') {
    const table = readCsvTable(data);
    return typeof table === 'string' ? failed(table) : tableToRows(table);
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
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own ArrayBuffer-like `Buffer`; a Node Buffer is what it reads at run time.
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return '文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏';
  }
  const sheet = workbook.getWorksheet(DATA_SHEET) ?? workbook.worksheets[0];
  if (!sheet) return 'Excel 文件中没有工作表';

  const width = sheet.getRow(1).cellCount;
  const header = Array.from({ length: width }, (_, i) => cellOf(sheet.getRow(1).getCell(i + 1).value).text);
  const records: Table['records'] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    records.push({ rowNumber, cells: header.map((_, i) => cellOf(row.getCell(i + 1).value)) });
  });
  return { header, records };
}

function readCsvTable(data: Buffer): Table | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return 'CSV 文件不是 UTF-8 编码（可能是 GBK），请在 Excel 中另存为“CSV UTF-8（逗号分隔）”格式后再上传';
  }
  let grid: string[][];
  try {
    grid = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return `CSV 文件${line ? `第${line}行` : ''}格式有误（例如引号未闭合），无法读取`;
  }
  const [header = [], ...rest] = grid;
  // Record n of the file is row n when the file is opened in Excel.
  const records = rest.map((cells, i) => ({
    rowNumber: i + 2,
    cells: cells.map((text) => ({ text: text.trim(), numeric: false })),
  }));
  return { header: header.map((h) => h.trim()), records };
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

  const rows: Record<string, string>[] = [];
  const rowNumbers: number[] = [];
  for (const { rowNumber, cells } of records) {
    if (cells.every((cell) => cell.text === '')) continue;
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h !== '' && !(h in row)) row[h] = cells[i]?.text ?? '';
    });
    // An ID number held as a number may already have lost digits (Excel keeps 15 significant digits):
    // the cell is emptied so the row cannot be accepted, and the problem says why. Digits are never guessed.
    const id = cells[idColumn];
    const lost = !id || id.text === '' ? undefined : id.numeric ? numericIds : SCIENTIFIC.test(id.text) ? scientificIds : undefined;
    if (lost) {
      lost.push(rowNumber);
      row[header[idColumn]] = '';
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
    '2. 身份证号码、联系电话两列已设为文本格式，请勿改为数字格式，否则身份证号码末尾数字会丢失。',
    '3. 所属单位、帮困类别、帮困项目请从下拉列表选择；帮困项目也可填写项目编号。',
    '4. 同一帮困项目中，同一身份证号码只能出现一次。',
    '5. 发放金额可不填，不填时按项目标准发放。',
    '6. 本表含个人信息，仅用于帮困送温暖工作，请妥善保管，不要外传。',
  ].forEach((line) => guide.addRow([line]));

  title('各列说明');
  guide.addRow(['列名', '是否必填', '填写要求', '示例']).font = { bold: true };
  for (const c of INTAKE_COLUMNS) guide.addRow([c.header, c.required ? '必填' : '选填', c.note, c.example]);

  title('单位名单');
  for (const unit of rules.units) guide.addRow([unit]);
  title('帮困类别');
  for (const category of rules.categories) guide.addRow([category]);
  title('帮困项目');
  guide.addRow(['项目编号', '', '项目名称', '标准金额（每人）']).font = { bold: true };
  for (const p of rules.projects) guide.addRow([p.code, '', p.name, formatYuan(p.amountFen)]);
}

function rowList(rowNumbers: number[]): string {
  const shown = rowNumbers.slice(0, 20).join('、');
  return rowNumbers.length > 20 ? `第${shown}等${rowNumbers.length}行` : `第${shown}行`;
}

function failed(problem: string): IntakeFileContent {
  return { rows: [], rowNumbers: [], problems: [problem] };
}
