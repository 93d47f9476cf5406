/**
 * One row of the project sheet (帮困项目表, like Minhang's 附表1), and the same fields of the
 * project form: the columns, and the validation that turns their text into a Project, reporting
 * every problem with its column and a zh-CN reason.
 */
import { FUNDING_SOURCES, sumSources, type FundingSource, type SourceAmounts } from './funding.js';
import { toHalfWidth } from './half-width.js';
import { fenToYuanText, formatYuan, parseYuan } from './money.js';
import { BASIS_NAMES, basisOf, PROJECT_CODE, WHOLE_SHARE, type Funding, type Project, type StandardBasis } from './project.js';

export type ProjectColumnKey = 'code' | 'name' | 'unit' | 'categories' | 'basis' | 'amount' | 'supplement' | 'quota' | 'budget' | FundingSource;

export interface ProjectColumn {
  key: ProjectColumnKey;
  header: string;
  required: boolean;
  note: string;
  example: string;
  aliases: readonly string[];
}

const SOURCE_NOTE = '填金额（元），或填比例（如 40%）；同一行各来源只能都填金额或都填比例，比例合计应为100%';

export const PROJECT_COLUMNS: readonly ProjectColumn[] = [
  { key: 'code', header: '项目编号', required: true, example: 'MZ01', note: '字母、数字、- 和 _，最长32位；与已有项目编号相同时更新该项目', aliases: ['项目编码', '编号'] },
  { key: 'name', header: '项目名称', required: true, example: '低保家庭春节慰问', note: '最多60个字', aliases: ['名称'] },
  { key: 'unit', header: '责任单位', required: false, example: '区民政局', note: '从下拉列表选择，须在单位名单中；不填表示不指定', aliases: ['实施单位', '牵头单位'] },
  { key: 'categories', header: '帮困类别', required: false, example: '低保家庭、低收入困难家庭', note: '可享受本项目的类别，多个用顿号分隔；不填表示全部类别', aliases: ['适用类别', '类别'] },
  { key: 'basis', header: '标准类型(按人/按户)', required: true, example: '按户', note: '按人 或 按户', aliases: ['标准类型'] },
  { key: 'amount', header: '标准金额(元)', required: true, example: '800', note: '每人或每户的金额，最多两位小数', aliases: ['标准金额', '标准(元)'] },
  { key: 'supplement', header: '每增加一人补助(元)', required: false, example: '200', note: '仅按户：家庭每多一人增加的金额；不填为0', aliases: ['每增加一人补助'] },
  { key: 'quota', header: '名额', required: false, example: '1200', note: '按人为人数，按户为户数；不填表示不限', aliases: ['名额(人或户)'] },
  { key: 'budget', header: '预算总额(元)', required: false, example: '', note: '按比例填写资金来源时必填；按金额填写时可不填，填写时应等于各来源之和', aliases: ['预算总额', '预算(元)'] },
  ...FUNDING_SOURCES.map((s): ProjectColumn => ({
    key: s.key, header: s.name, required: false, example: s.key === 'district' ? '60%' : s.key === 'town' ? '40%' : '', note: SOURCE_NOTE, aliases: [`${s.name}(元)`, `${s.name}资金`],
  })),
];

export const headerOfProjectColumn = (key: ProjectColumnKey) => PROJECT_COLUMNS.find((c) => c.key === key)!.header;

export type ProjectCells = Record<ProjectColumnKey, string>;
export interface ProjectCellError {
  column: string;
  reason: string;
}
export interface ProjectRules {
  units: readonly string[];
  categories: readonly string[];
}

const canonical = (header: string) => toHalfWidth(header).replace(/\s+/g, '').replace(/^\*+/, '');

export function projectColumnOf(header: string): ProjectColumn | undefined {
  const wanted = canonical(header);
  return PROJECT_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => canonical(h) === wanted));
}

const BASES: Record<string, StandardBasis> = { 按人: 'person', 每人: 'person', 人: 'person', 按户: 'household', 每户: 'household', 户: 'household' };

/** A source cell: '' (nothing), an amount in fen, or a share in per-mille ("40%", "400‰"). */
type SourceCell = { kind: 'none' } | { kind: 'amount'; fen: number } | { kind: 'share'; perMille: number } | { kind: 'bad'; reason: string };

function parseSourceCell(text: string): SourceCell {
  const s = toHalfWidth(text).trim();
  if (s === '' || s === '0') return s === '' ? { kind: 'none' } : { kind: 'amount', fen: 0 };
  const share = /^(\d+(?:\.\d+)?)\s*([%‰])$/.exec(s.replace('％', '%'));
  if (share) {
    const [whole, fraction = ''] = share[1].split('.');
    if (fraction.length > (share[2] === '%' ? 1 : 0)) return { kind: 'bad', reason: '比例最多精确到0.1%' };
    const perMille = share[2] === '%' ? Number(whole) * 10 + Number(fraction || '0') : Number(whole);
    return perMille > WHOLE_SHARE ? { kind: 'bad', reason: '比例不能超过100%' } : { kind: 'share', perMille };
  }
  const amount = parseYuan(s);
  return amount.ok ? { kind: 'amount', fen: amount.fen } : { kind: 'bad', reason: amount.reason };
}

/** Parses one project's cells (trimmed text) against the campaign's units and categories. */
export function parseProjectCells(cells: ProjectCells, rules: ProjectRules): { ok: true; project: Project } | { ok: false; errors: ProjectCellError[] } {
  const errors: ProjectCellError[] = [];
  const problem = (key: ProjectColumnKey, reason: string) => errors.push({ column: headerOfProjectColumn(key), reason });
  const text = (key: ProjectColumnKey) => (cells[key] ?? '').trim();
  const required = (key: ProjectColumnKey) => {
    if (text(key) === '') problem(key, '必填项，不能为空');
    return text(key);
  };

  const code = toHalfWidth(required('code'));
  if (code && !PROJECT_CODE.test(code)) problem('code', `项目编号“${code}”无效：只能由字母、数字、- 和 _ 组成，最长32位`);
  const name = required('name');
  if (Array.from(name).length > 60) problem('name', '项目名称过长（最多60个字）');

  const unit = text('unit');
  if (unit && !rules.units.includes(unit)) problem('unit', `“${unit}”不在单位名单中，请从下拉列表选择`);
  const categories = text('categories') === '全部' ? [] : [...new Set(text('categories').split(/[、,，;；\s]+/).filter((c) => c !== ''))];
  const unknown = categories.filter((c) => !rules.categories.includes(c));
  if (unknown.length) problem('categories', `${unknown.map((c) => `“${c}”`).join('、')}不在帮困类别名单中（可选：${rules.categories.join('、')}）`);

  const basisText = required('basis');
  const basis = BASES[basisText.replace(/\s+/g, '')];
  if (basisText && !basis) problem('basis', '标准类型应为“按人”或“按户”');

  const amountText = required('amount');
  const amount = amountText ? parseYuan(amountText) : undefined;
  if (amount && !amount.ok) problem('amount', amount.reason);
  else if (amount?.ok && amount.fen <= 0) problem('amount', '标准金额应大于0');

  const supplementText = text('supplement');
  const supplement = supplementText ? parseYuan(supplementText) : undefined;
  if (supplement && !supplement.ok) problem('supplement', supplement.reason);
  else if (supplement?.ok && supplement.fen > 0 && basis === 'person') problem('supplement', '按人发放的项目不能填写每增加一人补助，请改为按户或清空此列');

  const quotaText = toHalfWidth(text('quota')).replace(/[人户名]$/, '').trim();
  const quota = quotaText === '' ? undefined : /^\d+$/.test(quotaText) ? Number(quotaText) : NaN;
  if (quota !== undefined && !(Number.isSafeInteger(quota) && quota > 0)) problem('quota', '名额应为正整数，不填表示不限');

  const funding = parseFunding(cells, problem, errors);

  if (errors.length || !amount?.ok || !basis) return { ok: false, errors };
  const project: Project = {
    code, name, amountFen: amount.fen, basis,
    ...(basis === 'household' && supplement?.ok && supplement.fen > 0 ? { supplementFen: supplement.fen } : {}),
    ...(unit ? { unit } : {}),
    ...(categories.length ? { categories } : {}),
    ...(quota !== undefined ? { quota } : {}),
    ...(funding ? { funding } : {}),
  };
  return { ok: true, project };
}

/** The column errors about the sources taken together are reported against. */
export const SOURCES_COLUMN = '资金来源';

function parseFunding(cells: ProjectCells, problem: (key: ProjectColumnKey, reason: string) => void, errors: ProjectCellError[]): Funding | undefined {
  const sourcesProblem = (reason: string) => errors.push({ column: SOURCES_COLUMN, reason });
  const amounts: SourceAmounts = {};
  const perMille: SourceAmounts = {};
  let bad = false;
  for (const { key } of FUNDING_SOURCES) {
    const cell = parseSourceCell(cells[key] ?? '');
    if (cell.kind === 'bad') {
      problem(key, cell.reason);
      bad = true;
    } else if (cell.kind === 'amount') amounts[key] = cell.fen;
    else if (cell.kind === 'share') perMille[key] = cell.perMille;
  }
  const budgetText = (cells.budget ?? '').trim();
  const budget = budgetText ? parseYuan(budgetText) : undefined;
  if (budget && !budget.ok) problem('budget', budget.reason);
  const byAmount = Object.keys(amounts).length > 0;
  const byShare = Object.keys(perMille).length > 0;
  if (bad) return undefined;
  if (byAmount && byShare) {
    sourcesProblem('各资金来源不能同时按金额和按比例填写，请统一填写金额或统一填写比例');
    return undefined;
  }
  if (byShare) {
    const total = sumSources(perMille);
    if (total !== WHOLE_SHARE) sourcesProblem(`各资金来源比例合计应为100%，当前为${total / 10}%`);
    if (!budget) problem('budget', '按比例填写资金来源时必须填写预算总额');
    else if (budget.ok && budget.fen <= 0) problem('budget', '预算总额应大于0');
    return total === WHOLE_SHARE && budget?.ok && budget.fen > 0 ? { by: 'share', budgetFen: budget.fen, perMille } : undefined;
  }
  if (byAmount) {
    const total = sumSources(amounts);
    if (total <= 0) sourcesProblem('各资金来源金额合计应大于0');
    if (budget?.ok && budget.fen !== total) problem('budget', `预算总额应等于各资金来源金额之和（${formatYuan(total)}），或不填`);
    return total > 0 ? { by: 'amount', amounts } : undefined;
  }
  if (budget?.ok) sourcesProblem('填写了预算总额，但没有填写资金来源');
  return undefined;
}

/** A project as the sheet's and the form's cells, so that parsing them gives the project back. */
export function projectCells(p: Project): ProjectCells {
  const basis = basisOf(p);
  const cells = {
    code: p.code, name: p.name, unit: p.unit ?? '', categories: (p.categories ?? []).join('、'),
    basis: BASIS_NAMES[basis], amount: fenToYuanText(p.amountFen), supplement: p.supplementFen ? fenToYuanText(p.supplementFen) : '',
    quota: p.quota ? String(p.quota) : '', budget: p.funding?.by === 'share' ? fenToYuanText(p.funding.budgetFen) : '',
  } as ProjectCells;
  for (const { key } of FUNDING_SOURCES) {
    const f = p.funding;
    const value = f?.by === 'amount' ? f.amounts[key] : f?.by === 'share' ? f.perMille[key] : undefined;
    cells[key] = value === undefined ? '' : f?.by === 'amount' ? fenToYuanText(value) : `${value / 10}%`;
  }
  return cells;
}

export interface ProjectRowError extends ProjectCellError {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
}

/** Validates every row of a project sheet; the file is taken whole or not at all, so any error refuses it. */
export function validateProjectRows(rows: readonly Record<string, string>[], rules: ProjectRules, rowNumbers: readonly number[] = []): { projects: Project[]; errors: ProjectRowError[] } {
  const sources = new Map<ProjectColumnKey, string>();
  const errors: ProjectRowError[] = [];
  for (const header of new Set(rows.flatMap((r) => Object.keys(r)))) {
    const column = projectColumnOf(header);
    if (column && !sources.has(column.key)) sources.set(column.key, header);
  }
  const missing = PROJECT_COLUMNS.filter((c) => c.required && !sources.has(c.key));
  if (missing.length) return { projects: [], errors: missing.map((c) => ({ row: 1, column: c.header, reason: `表头缺少“${c.header}”列，请使用帮困项目模板` })) };
  if (rows.length === 0) return { projects: [], errors: [{ row: 2, column: '文件', reason: '文件中没有项目数据行' }] };

  const projects: Project[] = [];
  const firstSeen = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowNumber = rowNumbers[index] ?? index + 2;
    const cells = Object.fromEntries(PROJECT_COLUMNS.map((c) => [c.key, String(row[sources.get(c.key) ?? ''] ?? '').trim()])) as ProjectCells;
    const parsed = parseProjectCells(cells, rules);
    const code = toHalfWidth(cells.code).toUpperCase();
    const earlier = code ? firstSeen.get(code) : undefined;
    if (earlier !== undefined) errors.push({ row: rowNumber, column: headerOfProjectColumn('code'), reason: `项目编号与第${earlier}行重复` });
    else if (code) firstSeen.set(code, rowNumber);
    if (!parsed.ok) errors.push(...parsed.errors.map((e) => ({ row: rowNumber, ...e })));
    else if (earlier === undefined) projects.push(parsed.project);
  });
  return { projects: errors.length ? [] : projects, errors };
}

/**
 * The campaign's projects after an import or an edit: a project of the same code (in any case) is
 * replaced where it stands, keeping the code as first spelled (pairs and beneficiaries name it);
 * new ones are added at the end.
 */
export function mergeProjects(existing: readonly Project[], incoming: readonly Project[]): Project[] {
  const merged = [...existing];
  for (const p of incoming) {
    const at = merged.findIndex((q) => q.code.toUpperCase() === p.code.toUpperCase());
    if (at >= 0) merged[at] = { ...p, code: merged[at].code };
    else merged.push(p);
  }
  return merged;
}
