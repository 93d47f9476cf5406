/**
 * A 走访记录 file: leaders' visits to households, one row each: 身份证号, 姓名, 走访日期, 走访领导,
 * 职务, 备注. Every row is either accepted (its ID number normalised, its date as YYYY-MM-DD) or
 * reported with its row, column and a zh-CN reason. Reasons never echo an ID number. Whether the
 * person is a beneficiary is checked after hashing (see web/visit-import.ts).
 */
import { z } from 'zod';
import { toHalfWidth } from './half-width.js';
import { normalizeIdNumber } from './id-number.js';

export type VisitColumnKey = 'idNumber' | 'name' | 'date' | 'leader' | 'title' | 'note';

export const VISIT_COLUMNS: readonly { key: VisitColumnKey; header: string; aliases: readonly string[]; required: boolean }[] = [
  { key: 'idNumber', header: '身份证号', aliases: ['身份证号码', '身份证', '公民身份号码'], required: true },
  { key: 'name', header: '姓名', aliases: [], required: true },
  { key: 'date', header: '走访日期', aliases: ['日期', '慰问日期'], required: true },
  { key: 'leader', header: '走访领导', aliases: ['领导', '走访人'], required: true },
  { key: 'title', header: '职务', aliases: [], required: false },
  { key: 'note', header: '备注', aliases: [], required: false },
];

/** One visit as typed, before the ID number is checked against the register. */
export interface VisitRow {
  row: number;
  /** Normalised 18-character ID number: hash and mask it, never store it. */
  idNumber: string;
  name: string;
  date: string;
  leader: string;
  title: string;
  note: string;
}

export interface VisitRowError {
  row: number;
  column: string;
  reason: string;
}

const headerOf = (key: VisitColumnKey) => VISIT_COLUMNS.find((c) => c.key === key)!.header;
const canonical = (header: string) => toHalfWidth(header).replace(/\s+/g, '').replace(/^\*+/, '');
const columnOf = (header: string) => VISIT_COLUMNS.find((c) => [c.header, ...c.aliases].some((h) => canonical(h) === canonical(header)));

/** 2026-01-15, 2026/1/15, 2026.1.15 or 2026年1月15日, as YYYY-MM-DD; undefined if not a real date. */
export function parseVisitDate(text: string): string | undefined {
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(toHalfWidth(text).trim());
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

const text = (max: number, label: string) => z.string().trim().max(max, `${label}最多${max}个字`);
const fieldRules: Record<Exclude<VisitColumnKey, 'idNumber' | 'date'>, z.ZodType<string>> = {
  name: text(30, '姓名'),
  leader: text(30, '走访领导'),
  title: text(30, '职务'),
  note: text(200, '备注'),
};

/**
 * Checks one visit's cells. `today` (YYYY-MM-DD, China time) bounds the date: a visit is not
 * recorded before it happens.
 */
export function checkVisit(cells: Partial<Record<VisitColumnKey, string>>, row: number, today: string): { visit?: VisitRow; errors: VisitRowError[] } {
  const errors: VisitRowError[] = [];
  const problem = (key: VisitColumnKey, reason: string) => errors.push({ row, column: headerOf(key), reason });
  const values: Partial<Record<VisitColumnKey, string>> = {};
  for (const column of VISIT_COLUMNS) {
    const value = (cells[column.key] ?? '').trim().replace(/\s+/g, ' ');
    if (column.required && value === '') problem(column.key, '必填项，不能为空');
    else if (column.key in fieldRules) {
      const parsed = fieldRules[column.key as keyof typeof fieldRules].safeParse(value);
      if (!parsed.success) problem(column.key, parsed.error.issues[0].message);
    }
    values[column.key] = value;
  }
  const id = values.idNumber ? normalizeIdNumber(values.idNumber) : undefined;
  if (id && !id.ok) problem('idNumber', id.reason);
  const date = values.date ? parseVisitDate(values.date) : undefined;
  if (values.date && !date) problem('date', '日期格式不正确，请填写如 2026-01-15 的日期');
  else if (date && date > today) problem('date', '走访日期不能晚于今天');
  // In the order of the columns, as people read the row.
  const rank = (column: string) => VISIT_COLUMNS.findIndex((c) => c.header === column);
  errors.sort((a, b) => rank(a.column) - rank(b.column));
  if (errors.length || !id?.ok || !date) return { errors };
  return { errors, visit: { row, idNumber: id.value, name: values.name!, date, leader: values.leader!, title: values.title ?? '', note: values.note ?? '' } };
}

/** Checks every row of a visits file; all problems at once. A missing column refuses the file. */
export function validateVisitRows(rows: readonly Record<string, string>[], rowNumbers: readonly number[], today: string): { accepted: VisitRow[]; errors: VisitRowError[] } {
  const sources = new Map<VisitColumnKey, string>();
  for (const header of new Set(rows.flatMap((r) => Object.keys(r)))) {
    const column = columnOf(header);
    if (column && !sources.has(column.key)) sources.set(column.key, header);
  }
  const missing = VISIT_COLUMNS.filter((c) => c.required && !sources.has(c.key));
  if (rows.length && missing.length) {
    return { accepted: [], errors: missing.map((c) => ({ row: 1, column: c.header, reason: `表头缺少“${c.header}”列，请使用走访记录模板` })) };
  }
  const accepted: VisitRow[] = [];
  const errors: VisitRowError[] = [];
  rows.forEach((cells, index) => {
    const row = rowNumbers[index] ?? index + 2;
    const picked = Object.fromEntries([...sources].map(([key, header]) => [key, String(cells[header] ?? '')]));
    const checked = checkVisit(picked, row, today);
    errors.push(...checked.errors);
    if (checked.visit) accepted.push(checked.visit);
  });
  return { accepted, errors };
}
