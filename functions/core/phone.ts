/**
 * Contact phone numbers: mainland mobiles (1[3-9] + 9 digits, "+86"/"0086" allowed) and landlines
 * with an area code (010 and 02X have 3 digits, every other area code 4) plus a 7- or 8-digit local
 * number and an optional extension. Canonical forms: "13800138000", "021-62345678", "021-62345678转123".
 */
import { toHalfWidth } from './half-width.js';

export type PhoneResult =
  | { ok: true; value: string; kind: 'mobile' | 'landline' }
  | { ok: false; reason: string };

const SEPARATORS = /[\s\-()\u2010-\u2015]+/;
const EXTENSION = /\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i;
const COUNTRY_CODE = /^(?:\+\s*86|0086|\(\+?86\))[\s-]*/;

export function normalizePhone(raw: string): PhoneResult {
  let text = toHalfWidth(raw).trim();
  if (text === '') return fail('联系电话为空');

  let extension: string | undefined;
  const marked = EXTENSION.exec(text);
  if (marked) {
    extension = marked[1];
    text = text.slice(0, marked.index);
  }
  const country = COUNTRY_CODE.exec(text);
  if (country) text = text.slice(country[0].length);
  if (/[^\d\s\-()\u2010-\u2015]/.test(text)) {
    return fail('联系电话只能包含数字、空格、短横线和括号');
  }
  const groups = text.split(SEPARATORS).filter(Boolean);
  let digits = groups.join('');
  if (digits === '') return fail('联系电话格式不正确');

  if (digits.startsWith('1')) {
    if (extension !== undefined) return fail('手机号码不能带分机号');
    if (digits.length !== 11) return fail(`手机号码应为11位，实际为${digits.length}位`);
    if (!/^1[3-9]\d{9}$/.test(digits)) return fail('手机号码第二位应为3至9');
    return { ok: true, value: digits, kind: 'mobile' };
  }

  // Internationally written landlines drop the trunk prefix 0: "+86 21 62345678".
  if (country && !digits.startsWith('0')) digits = `0${digits}`;
  if (!digits.startsWith('0')) {
    return digits.length === 7 || digits.length === 8
      ? fail('固定电话请加区号，例如 021-62345678')
      : fail('联系电话格式不正确：手机号码为11位，固定电话需带区号');
  }

  const whole = landline(digits);
  if (whole) return landlineResult(whole, extension);
  // "021-62345678-123": a trailing group after a complete number is its extension.
  if (extension === undefined && groups.length >= 2 && /^\d{1,6}$/.test(groups[groups.length - 1])) {
    const head = landline(groups.slice(0, -1).join(''));
    if (head) return landlineResult(head, groups[groups.length - 1]);
  }
  const area = areaCodeLength(digits);
  if (area === undefined) return fail('固定电话区号无效');
  return fail('固定电话号码（区号后）应为7至8位，且不以0或1开头');
}

function areaCodeLength(digits: string): 3 | 4 | undefined {
  if (/^0(10|2\d)/.test(digits)) return 3;
  if (/^0[3-9]\d\d/.test(digits)) return 4;
  return undefined;
}

function landline(digits: string): { area: string; local: string } | undefined {
  const length = areaCodeLength(digits);
  if (length === undefined) return undefined;
  const local = digits.slice(length);
  return /^[2-9]\d{6,7}$/.test(local) ? { area: digits.slice(0, length), local } : undefined;
}

function landlineResult(number: { area: string; local: string }, extension: string | undefined): PhoneResult {
  const value = `${number.area}-${number.local}${extension === undefined ? '' : `转${extension}`}`;
  return { ok: true, value, kind: 'landline' };
}

function fail(reason: string): PhoneResult {
  return { ok: false, reason };
}
