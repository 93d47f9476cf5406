/**
 * One row of the intake template (附件3 帮困对象录入或导入模板): its columns, and the validation
 * that turns spreadsheet text into a normalised beneficiary, reporting every problem of every row.
 */
import { z } from 'zod';
import { toHalfWidth } from './half-width.js';
import { normalizeIdNumber } from './id-number.js';
import { parseYuan } from './money.js';
import { normalizeAccount, normalizeBank } from './payee.js';
import { PAYMENT_METHODS, paymentMethodOf, type PaymentMethod } from './payment-methods.js';
import { normalizePhone } from './phone.js';
import { isEligible, standardAmountFen, type Project } from './project.js';
import { NOT_SENT_BACK } from './upload-window.js';

export type IntakeColumnKey =
  | 'name' | 'idNumber' | 'phone' | 'unit' | 'category' | 'project' | 'householdSize' | 'amount' | 'paymentMethod' | 'account' | 'bank';

export interface IntakeColumn {
  key: IntakeColumnKey;
  /** The zh-CN header in the template, and the column named in errors. */
  header: string;
  required: boolean;
  example: string;
  note: string;
  /** Other headers accepted for this column in files not made from the template. */
  aliases: readonly string[];
}

/** The payment method that needs a bank account. */
const BANK_TRANSFER: PaymentMethod = '银行转账';

export const INTAKE_COLUMNS: readonly IntakeColumn[] = [
  { key: 'name', header: '姓名', required: true, example: '张三',
    note: '与身份证上的姓名一致', aliases: [] },
  { key: 'idNumber', header: '身份证号码', required: true, example: '11010519491231002X',
    note: '18位居民身份证号码，末位X大小写均可；旧版15位号码自动升级为18位。请以文本格式填写，不要设为数字格式',
    aliases: ['身份证号', '身份证', '公民身份号码'] },
  { key: 'phone', header: '联系电话', required: true, example: '13800138000',
    note: '11位手机号码，或带区号的固定电话，如 021-62345678；回访时使用', aliases: ['电话', '手机号码', '联系方式'] },
  { key: 'unit', header: '所属单位', required: true, example: '莘庄镇',
    note: '从下拉列表选择，须与单位名单一致', aliases: ['单位'] },
  { key: 'category', header: '帮困类别', required: true, example: '低保家庭',
    note: '从下拉列表选择', aliases: ['类别'] },
  { key: 'project', header: '帮困项目', required: true, example: '春节帮困慰问金',
    note: '填写项目编号或项目名称，可从下拉列表选择', aliases: ['项目', '项目编号', '项目名称'] },
  { key: 'householdSize', header: '家庭人数', required: true, example: '3',
    note: '1至20的整数', aliases: ['家庭人口', '家庭人口数'] },
  { key: 'amount', header: '发放金额(元)', required: false, example: '500',
    note: '可不填，不填时按项目标准发放（按户的项目另加每增加一人补助）；最多两位小数', aliases: ['发放金额', '金额(元)', '金额'] },
  { key: 'paymentMethod', header: '发放方式', required: true, example: '银行转账',
    note: `从下拉列表选择：${PAYMENT_METHODS.join('、')}`, aliases: [] },
  { key: 'account', header: '银行账号', required: false, example: '6222021234567890123',
    note: `发放方式为${BANK_TRANSFER}时必填：收款人本人的银行卡号或账号，12至30位数字。请以文本格式填写，不要设为数字格式`,
    aliases: ['银行卡号', '收款账号', '账号'] },
  { key: 'bank', header: '开户银行', required: false, example: '中国工商银行上海市莘庄支行',
    note: `发放方式为${BANK_TRANSFER}时必填：银行账号的开户银行（网点）`, aliases: ['开户行'] },
];


/** What intake needs of a project: its standard (used when 发放金额 is left empty) and eligible categories. */
export type IntakeProject = Pick<Project, 'code' | 'name' | 'amountFen' | 'basis' | 'supplementFen' | 'categories'>;

export interface IntakeRules {
  units: readonly string[];
  categories: readonly string[];
  projects: readonly IntakeProject[];
  /** The units whose lists may be changed now (see core/upload-window.ts); every unit when absent. */
  openUnits?: readonly string[];
}

export interface IntakeError {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  /** zh-CN column header. */
  column: string;
  reason: string;
}

export interface ValidateIntakeOptions {
  /** Row number of rows[0] (default 2: the row after the header). */
  firstRowNumber?: number;
  /** Row number of each row, when rows were skipped while reading (see readIntakeFile). */
  rowNumbers?: readonly number[];
}

/** Finds the column a header names, tolerating full-width brackets, spaces, a "*" required mark and aliases. */
export function intakeColumnOf(header: string): IntakeColumn | undefined {
  const wanted = canonicalHeader(header);
  return INTAKE_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => canonicalHeader(h) === wanted));
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };
type RowInput = Record<IntakeColumnKey, string> & { row: number };

/** The zod schema of one row (its number and trimmed cells: RowInput), for the given units, categories and projects. */
export function intakeRowSchema(rules: IntakeRules) {
  const units = new Set(rules.units.map((u) => u.trim()));
  const openUnits = rules.openUnits && new Set(rules.openUnits.map((u) => u.trim()));
  const checkUnit = (text: string): Checked<string> => {
    const known = oneOf(units, '单位名单')(text);
    return known.ok && openUnits && !openUnits.has(text) ? fail(NOT_SENT_BACK) : known;
  };
  const categories = new Set(rules.categories.map((c) => c.trim()));
  const findProject = projectFinder(rules.projects);
  const cell = <T>(check: (text: string) => Checked<T>) =>
    z.string().transform((text, ctx): T => {
      const result = check(text);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.reason });
      return z.NEVER;
    });

  return z
    .object({
      /** Spreadsheet row the beneficiary came from, so every stored record can be traced to its file. */
      row: z.number().int(),
      name: cell(required(checkName)),
      idNumber: cell(required((text) => {
        const id = normalizeIdNumber(text);
        return id.ok ? ok(id.value) : id;
      })),
      phone: cell(required((text) => {
        const phone = normalizePhone(text);
        return phone.ok ? ok(phone.value) : phone;
      })),
      unit: cell(required(checkUnit)),
      category: cell(required(oneOf(categories, '帮困类别名单'))),
      project: cell(required(findProject)),
      householdSize: cell(required(checkHouseholdSize)),
      amount: cell(checkOptionalAmount),
      paymentMethod: cell(required(checkPaymentMethod)),
      account: cell(optional(normalizeAccount)),
      bank: cell(optional(normalizeBank)),
    })
    .transform(({ project, amount, account, bank, ...rest }) => ({
      ...rest,
      projectCode: project.code,
      amountFen: amount ?? standardAmountFen(project, rest.householdSize),
      // Only 银行转账 pays into an account; an account given with another method is not kept.
      ...(rest.paymentMethod === BANK_TRANSFER && account && bank ? { account: { account, bank } } : {}),
    }));
}

export type IntakeBeneficiary = z.output<ReturnType<typeof intakeRowSchema>>;

/** Validates every row and reports every problem at once; only rows without any problem are accepted. */
export function validateIntakeRows(
  rows: readonly Record<string, string>[],
  rules: IntakeRules,
  options: ValidateIntakeOptions = {},
): { accepted: IntakeBeneficiary[]; errors: IntakeError[] } {
  const firstRowNumber = options.firstRowNumber ?? 2;
  const rowNumberOf = (index: number) => options.rowNumbers?.[index] ?? firstRowNumber + index;
  const schema = intakeRowSchema(rules);
  const findProject = projectFinder(rules.projects);
  const knownCategories = new Set(rules.categories.map((c) => c.trim()));
  const { sources, errors } = locateColumns(rows, firstRowNumber - 1);
  const missing = new Set(INTAKE_COLUMNS.filter((c) => c.required && !sources.has(c.key)).map((c) => c.key));

  const accepted: IntakeBeneficiary[] = [];
  const firstSeen = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowNumber = rowNumberOf(index);
    const cells = Object.fromEntries(INTAKE_COLUMNS.map((c) => {
      const source = sources.get(c.key);
      return [c.key, source === undefined ? '' : String(row[source] ?? '').trim()];
    })) as Record<IntakeColumnKey, string>;
    const input: RowInput = { ...cells, row: rowNumber };
    const parsed = schema.safeParse(input);
    let duplicate = false;
    const project = findProject(cells.project);
    // The project's eligible categories, checked whatever else is wrong with the row.
    const ineligible = project.ok && knownCategories.has(cells.category) && !isEligible(project.value, cells.category);
    if (ineligible) errors.push({ row: rowNumber, column: headerOf('category'), reason: ineligibleReason(project.value, cells.category) });
    // 银行转账 needs the account and its bank, whatever else is wrong with the row.
    const unbanked = paymentMethodOf(cells.paymentMethod) === BANK_TRANSFER ? (['account', 'bank'] as const).filter((k) => cells[k] === '') : [];
    for (const key of unbanked) errors.push({ row: rowNumber, column: headerOf(key), reason: `发放方式为${BANK_TRANSFER}时必填` });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as IntakeColumnKey;
        if (!missing.has(key)) errors.push({ row: rowNumber, column: headerOf(key), reason: issue.message });
      }
    }

    // One person once per project within a file: flag the later row, whatever else is wrong with either.
    const id = parsed.success ? { ok: true as const, value: parsed.data.idNumber } : normalizeIdNumber(cells.idNumber);
    if (id.ok && project.ok) {
      const key = `${id.value}\u0000${project.value.code}`;
      const earlier = firstSeen.get(key);
      if (earlier === undefined) firstSeen.set(key, rowNumber);
      else {
        duplicate = true;
        errors.push({ row: rowNumber, column: headerOf('idNumber'), reason: `同一帮困项目中，身份证号码与第${earlier}行重复` });
      }
    }
    if (parsed.success && !duplicate && !ineligible && unbanked.length === 0) accepted.push(parsed.data);
  });

  const order = (column: string) => INTAKE_COLUMNS.findIndex((c) => c.header === column);
  errors.sort((a, b) => a.row - b.row || order(a.column) - order(b.column));
  return { accepted, errors };
}

/** Which key of the row objects holds each column; header problems are reported against the header row. */
function locateColumns(rows: readonly Record<string, string>[], headerRow: number) {
  const sources = new Map<IntakeColumnKey, string>();
  const errors: IntakeError[] = [];
  const headers = new Set(rows.flatMap((row) => Object.keys(row)));
  for (const header of headers) {
    const column = intakeColumnOf(header);
    if (!column) continue;
    const taken = sources.get(column.key);
    if (taken === undefined) sources.set(column.key, header);
    else errors.push({ row: headerRow, column: column.header, reason: `表头“${taken}”与“${header}”是同一列，请只保留一列` });
  }
  if (rows.length > 0) {
    for (const column of INTAKE_COLUMNS) {
      if (column.required && !sources.has(column.key)) {
        errors.push({ row: headerRow, column: column.header, reason: `表头缺少“${column.header}”列，请使用录入模板` });
      }
    }
  }
  return { sources, errors };
}

function projectFinder(projects: readonly IntakeProject[]) {
  const byCode = new Map(projects.map((p) => [toHalfWidth(p.code.trim()).toUpperCase(), p]));
  return (text: string): Checked<IntakeProject> => {
    const project = byCode.get(toHalfWidth(text).toUpperCase());
    if (project) return ok(project);
    const named = projects.filter((p) => p.name.trim() === text);
    if (named.length === 1) return ok(named[0]);
    if (named.length > 1) return fail(`项目名称“${text}”对应多个项目，请改填项目编号`);
    return fail(`“${text}”不是已登记的帮困项目（可填写项目编号或名称）`);
  };
}

function ineligibleReason(project: IntakeProject, category: string): string {
  return `“${category}”不是项目${project.code}「${project.name}」的帮困类别（可享受的类别：${project.categories?.join('、')}）`;
}

function checkName(text: string): Checked<string> {
  // People pad two-character names with spaces ("张  三"); spaces between Chinese characters go.
  const name = /^[\p{Script=Han}\s]+$/u.test(text) ? text.replace(/\s+/g, '') : text.replace(/\s+/g, ' ');
  if (!/^[\p{L}\p{M}·•.' -]+$/u.test(name)) return fail('姓名不能包含数字或符号');
  // Kana, Greek, Cyrillic and the like are what a file in the wrong encoding turns names into.
  if (!/^[\p{Script=Han}\p{Script=Latin}\p{M}·•.' -]+$/u.test(name)) return fail('姓名只能包含汉字、英文字母和间隔号“·”，请检查是否有乱码');
  if (Array.from(name).length > 30) return fail('姓名过长（最多30个字符）');
  return ok(name);
}

function checkHouseholdSize(text: string): Checked<number> {
  const match = /^(\d+)\s*人?$/.exec(toHalfWidth(text));
  const size = match ? Number(match[1]) : NaN;
  return size >= 1 && size <= 20 ? ok(size) : fail('家庭人数应为1至20的整数');
}

function checkOptionalAmount(text: string): Checked<number | undefined> {
  if (text === '') return ok(undefined);
  const amount = parseYuan(text);
  if (!amount.ok) return amount;
  return amount.fen > 0 ? ok(amount.fen) : fail('发放金额应大于0');
}

function checkPaymentMethod(text: string): Checked<PaymentMethod> {
  const method = paymentMethodOf(text);
  return method ? ok(method) : fail(`“${text}”不是可选的发放方式，请从下拉列表选择：${PAYMENT_METHODS.join('、')}`);
}

function oneOf(allowed: ReadonlySet<string>, listName: string) {
  return (text: string): Checked<string> =>
    allowed.has(text) ? ok(text) : fail(`“${text}”不在${listName}中，请从下拉列表选择`);
}

function optional<T>(check: (text: string) => Checked<T>) {
  return (text: string): Checked<T | undefined> => (text === '' ? ok(undefined) : check(text));
}

function required<T>(check: (text: string) => Checked<T>) {
  return (text: string): Checked<T> => (text === '' ? fail('必填项，不能为空') : check(text));
}

function headerOf(key: IntakeColumnKey): string {
  return INTAKE_COLUMNS.find((c) => c.key === key)?.header ?? key;
}

function canonicalHeader(header: string): string {
  return toHalfWidth(header).replace(/\s+/g, '').replace(/^\*+/, '');
}

function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

function fail<T>(reason: string): Checked<T> {
  return { ok: false, reason };
}
