/**
 * The bank's result file (代发结果), CSV or XLSX: one line per payment attempt with 付款参考号,
 * 金额（元）, 处理结果 (成功/失败) and 失败原因. Read into checked lines, or the zh-CN reason of every
 * problem of every row; a file with any problem is refused whole, so nothing is applied in part.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { toHalfWidth } from './half-width.js';
import { CSV_LINE_ENDINGS, decodeCsv, MAX_COLUMNS, TOO_WIDE } from './intake-file.js';
import { parseYuan } from './money.js';
import { REFERENCE_PATTERN } from './payment-reference.js';
import { loadUploadedXlsx } from './xlsx-size.js';

export const RESULT_COLUMNS = { reference: '付款参考号', amount: '金额（元）', result: '处理结果', reason: '失败原因' } as const;
type ResultColumn = keyof typeof RESULT_COLUMNS;

export interface ResultLine {
  /** Spreadsheet row (the header is row 1). */
  row: number;
  reference: string;
  amountFen: number;
  outcome: 'paid' | 'failed';
  /** The bank's reason, for a failure. */
  reason?: string;
}

export interface ResultError {
  row: number;
  column: string;
  reason: string;
}

export type ResultFile = { ok: true; lines: ResultLine[] } | { ok: false; errors: ResultError[] };

const OUTCOMES: Record<string, ResultLine['outcome']> = { 成功: 'paid', 失败: 'failed' };

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const text = <T>(check: (value: string) => Checked<T>) =>
  z.string().transform((value, ctx): T => {
    const checked = check(value);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: checked.reason });
    return z.NEVER;
  });

const lineSchema = z
  .object({
    reference: text<string>((v) => {
      const reference = toHalfWidth(v).trim().toUpperCase();
      if (reference === '') return { ok: false, reason: '必填项，不能为空' };
      return REFERENCE_PATTERN.test(reference) ? { ok: true, value: reference } : { ok: false, reason: `“${v}”不是本系统的付款参考号（应为 NL 加16位数字或字母）` };
    }),
    amount: text<number>((v) => {
      const amount = parseYuan(v);
      return amount.ok ? { ok: true, value: amount.fen } : amount;
    }),
    result: text<ResultLine['outcome']>((v) => {
      const outcome = OUTCOMES[v.replace(/\s+/g, '')];
      return outcome ? { ok: true, value: outcome } : { ok: false, reason: v === '' ? '必填项，不能为空' : `“${v}”不是可识别的处理结果，请填写“成功”或“失败”` };
    }),
    reason: z.string(),
  })
  .superRefine((line, ctx) => {
    if (line.result === 'failed' && line.reason.trim() === '') ctx.addIssue({ code: 'custom', path: ['reason'], message: '处理结果为失败时，请填写失败原因' });
  });

/** Reads and checks the file; `fileName` tells CSV from XLSX. */
export async function readResultFile(data: Buffer, fileName: string): Promise<ResultFile> {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase() ?? '';
  const grid = extension === 'xlsx' ? await xlsxGrid(data) : extension === 'csv' ? csvGrid(data) : '请上传银行返回的 .csv 或 .xlsx 结果文件';
  if (typeof grid === 'string') return { ok: false, errors: [{ row: 0, column: '文件', reason: grid }] };
  return checkGrid(grid);
}

/** Checks rows of text (the first is the header). */
export function checkGrid(grid: readonly (readonly string[])[]): ResultFile {
  const [header = [], ...rows] = grid;
  const canonical = (h: string) => toHalfWidth(h).replace(/\s+/g, '');
  const index = Object.fromEntries((Object.keys(RESULT_COLUMNS) as ResultColumn[]).map((k) => [k, header.findIndex((h) => canonical(h) === canonical(RESULT_COLUMNS[k]))])) as Record<ResultColumn, number>;
  const missing = (Object.keys(RESULT_COLUMNS) as ResultColumn[]).filter((k) => index[k] < 0);
  if (missing.length) return { ok: false, errors: missing.map((k) => ({ row: 1, column: RESULT_COLUMNS[k], reason: `表头缺少“${RESULT_COLUMNS[k]}”列` })) };

  const lines: ResultLine[] = [];
  const errors: ResultError[] = [];
  const firstRow = new Map<string, number>();
  rows.forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((c) => c.trim() === '')) return;
    const cell = (k: ResultColumn) => String(cells[index[k]] ?? '').trim();
    const parsed = lineSchema.safeParse({ reference: cell('reference'), amount: cell('amount'), result: cell('result'), reason: cell('reason') });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row, column: RESULT_COLUMNS[issue.path[0] as ResultColumn], reason: issue.message });
    }
    // A reference twice in one file is flagged on the later row, whatever else is wrong with either.
    const said = toHalfWidth(cell('reference')).toUpperCase();
    const earlier = firstRow.get(said);
    if (said && earlier !== undefined) errors.push({ row, column: RESULT_COLUMNS.reference, reason: `付款参考号与第${earlier}行重复` });
    else if (said) firstRow.set(said, row);
    if (!parsed.success || earlier !== undefined) return;
    const { reference, amount, result, reason } = parsed.data;
    lines.push({ row, reference, amountFen: amount, outcome: result, ...(result === 'failed' ? { reason: reason.trim() } : {}) });
  });
  if (errors.length) return { ok: false, errors };
  if (lines.length === 0) return { ok: false, errors: [{ row: 0, column: '文件', reason: '文件中没有结果行（第2行起为数据行）' }] };
  return { ok: true, lines };
}

function csvGrid(data: Buffer): string[][] | string {
  const decoded = decodeCsv(data);
  if ('problem' in decoded) return decoded.problem;
  try {
    return parseCsv(decoded.text, { bom: true, record_delimiter: CSV_LINE_ENDINGS, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch {
    return 'CSV 文件格式有误（例如引号未闭合），无法读取';
  }
}

async function xlsxGrid(data: Buffer): Promise<string[][] | string> {
  const workbook = await loadUploadedXlsx(data);
  if (typeof workbook === 'string') return workbook;
  const sheet = workbook.worksheets[0];
  if (!sheet) return 'Excel 文件中没有工作表';
  // A cell far to the right (column XFD) would make every row that wide.
  if (sheet.columnCount > MAX_COLUMNS) return TOO_WIDE;
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    grid[n - 1] = Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).text ?? '');
  });
  return Array.from(grid, (r) => r ?? []);
}
