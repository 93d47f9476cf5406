/**
 * Money is an integer number of fen (分) everywhere in code and storage; yuan (元) text appears only at
 * the edges. Parsing is exact decimal string arithmetic, never floating point.
 */
import { toHalfWidth } from './half-width.js';

export type ParseYuanResult = { ok: true; fen: number } | { ok: false; reason: string };

const PLAIN = /^(\d+)(?:\.(\d+))?$/;
const GROUPED = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/;

/** Parses "300", "300.5", "300.50", "1,100", "¥300", "300元" into fen. */
export function parseYuan(text: string): ParseYuanResult {
  let s = toHalfWidth(text).trim();
  if (s === '') return { ok: false, reason: '金额为空' };
  const negative = /^[-\u2212]/.test(s);
  s = s.replace(/^[-+\u2212]\s*/, '').replace(/^[¥\uFFE5]\s*/, '').replace(/\s*元$/, '');

  const match = PLAIN.exec(s) ?? GROUPED.exec(s);
  if (!match) {
    return /^[\d,]+(\.\d+)?$/.test(s)
      ? { ok: false, reason: '金额的千位分隔符位置不正确（例如 1,100）' }
      : { ok: false, reason: '金额格式不正确，请填写数字，例如 300 或 300.50' };
  }
  if (negative) return { ok: false, reason: '金额不能为负数' };
  const fraction = match[2] ?? '';
  if (fraction.length > 2) return { ok: false, reason: '金额最多保留两位小数（精确到分）' };

  const fen = BigInt(match[1].replace(/,/g, '')) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: '金额过大' };
  return { ok: true, fen: Number(fen) };
}

/** "¥1,100.00"; negative amounts as "-¥5.00". */
export function formatYuan(fen: number): string {
  assertFen(fen);
  const grouped = fenToYuanText(Math.abs(fen)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${grouped}`;
}

/** Plain yuan text with two decimals and no symbol or grouping, e.g. "1100.00" (bank files, CSV). */
export function fenToYuanText(fen: number): string {
  assertFen(fen);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Whole yuan to fen, for standards written in code or configuration (e.g. 300 → 30000). */
export function yuanToFen(wholeYuan: number): number {
  if (!Number.isSafeInteger(wholeYuan) || !Number.isSafeInteger(wholeYuan * 100)) {
    throw new RangeError('yuanToFen: expected a whole number of yuan; parse decimal text with parseYuan');
  }
  return wholeYuan * 100;
}

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function assertFen(fen: number): void {
  if (!isFen(fen)) throw new RangeError('expected an integer number of fen');
}
