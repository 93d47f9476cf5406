/**
 * A base register file (低保、特困 rolls …): columns 姓名, 身份证号码, 所属单位 (town or street) and
 * 登记类别. Every row is either accepted, its ID number normalised, or reported with its row,
 * column and a zh-CN reason. Reasons never echo an ID number.
 */
import { toHalfWidth } from './half-width.js';
import { normalizeIdNumber } from './id-number.js';

export type RegisterColumnKey = 'name' | 'idNumber' | 'unit' | 'register';

export const REGISTER_COLUMNS: readonly { key: RegisterColumnKey; header: string; aliases: readonly string[] }[] = [
  { key: 'name', header: '姓名', aliases: [] },
  { key: 'idNumber', header: '身份证号码', aliases: ['身份证号', '身份证', '公民身份号码'] },
  { key: 'unit', header: '所属单位', aliases: ['单位', '街镇', '所属街镇'] },
  { key: 'register', header: '登记类别', aliases: ['类别', '名册', '登记名册'] },
];

export interface RegisterRow {
  row: number;
  name: string;
  /** Normalised 18-character ID number: hash and mask it, never store it. */
  idNumber: string;
  unit: string;
  register: string;
}

export interface RegisterRowError {
  row: number;
  column: string;
  reason: string;
}

const canonical = (header: string) => toHalfWidth(header).replace(/\s+/g, '').replace(/^\*+/, '');

const columnOf = (header: string) => REGISTER_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => canonical(h) === canonical(header)));

/** Validates every row of a register file against the campaign's units; all problems at once. */
export function validateRegisterRows(
  rows: readonly Record<string, string>[],
  units: readonly string[],
  rowNumbers: readonly number[] = [],
): { accepted: RegisterRow[]; errors: RegisterRowError[] } {
  const sources = new Map<RegisterColumnKey, string>();
  for (const header of new Set(rows.flatMap((r) => Object.keys(r)))) {
    const column = columnOf(header);
    if (column && !sources.has(column.key)) sources.set(column.key, header);
  }
  const missing = REGISTER_COLUMNS.filter((c) => !sources.has(c.key));
  if (missing.length) {
    return { accepted: [], errors: missing.map((c) => ({ row: 1, column: c.header, reason: `表头缺少“${c.header}”列，名册应有 姓名、身份证号码、所属单位、登记类别 四列` })) };
  }

  const knownUnits = new Set(units.map((u) => u.trim()));
  const accepted: RegisterRow[] = [];
  const errors: RegisterRowError[] = [];
  const firstSeen = new Map<string, number>();
  rows.forEach((cells, index) => {
    const row = rowNumbers[index] ?? index + 2;
    const text = (key: RegisterColumnKey) => String(cells[sources.get(key)!] ?? '').trim();
    const problems: RegisterRowError[] = [];
    const problem = (key: RegisterColumnKey, reason: string) => problems.push({ row, column: REGISTER_COLUMNS.find((c) => c.key === key)!.header, reason });

    const name = text('name').replace(/\s+/g, ' ');
    if (name === '') problem('name', '必填项，不能为空');
    else if (Array.from(name).length > 30) problem('name', '姓名过长（最多30个字符）');
    const id = normalizeIdNumber(text('idNumber'));
    if (!id.ok) problem('idNumber', id.code === 'empty' ? '必填项，不能为空' : id.reason);
    const unit = text('unit');
    if (unit === '') problem('unit', '必填项，不能为空');
    else if (!knownUnits.has(unit)) problem('unit', `“${unit}”不在单位名单中`);
    const register = text('register');
    if (register === '') problem('register', '必填项，不能为空');
    else if (Array.from(register).length > 20) problem('register', '登记类别过长（最多20个字）');

    if (id.ok && register !== '') {
      const key = `${register}\u0000${id.value}`;
      const earlier = firstSeen.get(key);
      if (earlier !== undefined) problem('idNumber', `同一登记类别中，身份证号码与第${earlier}行重复`);
      else firstSeen.set(key, row);
    }
    if (problems.length) errors.push(...problems);
    else if (id.ok) accepted.push({ row, name, idNumber: id.value, unit, register });
  });
  return { accepted, errors };
}
