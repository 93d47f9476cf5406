/**
 * 居民身份证号码 (GB 11643-1999): 6-digit region code, 8-digit birth date, 3-digit sequence
 * (odd = male), and an ISO 7064 MOD 11-2 check character (0-9 or X).
 * Old 15-digit numbers (region + YYMMDD + sequence, all born 19xx) are upgraded to 18.
 * A wrong number is rejected with a reason; it is never "fixed". Reasons do not echo the digits.
 */
import { toHalfWidth } from './half-width.js';

export type IdProblem = 'empty' | 'length' | 'characters' | 'region' | 'birth-date' | 'check';

export type IdNumberResult =
  | { ok: true; value: string; upgradedFrom15: boolean }
  | { ok: false; code: IdProblem; reason: string };

export interface IdNumberOptions {
  /** The instant that counts as "now" for the future-birth-date rule (default: the current time). */
  today?: Date;
}

/** Weight of position i (0-based, left to right) is 2^(17-i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character indexed by (weighted sum mod 11). */
const CHECK_CHARACTERS = '10X98765432';

/** Province-level codes (first two digits of the region code). */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

const ID18 = /^\d{17}[\dX]$/;
const EARLIEST_BIRTH = '19000101';

/** The check character for the first 17 digits of an 18-character number. */
export function checkCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('checkCharacter: expected exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

/** Birth date of a normalised 18-character number, as YYYY-MM-DD. */
export function birthDateOf(id18: string): string {
  assertId18(id18);
  return `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`;
}

/** The sequence code (digit 17) is odd for men and even for women. */
export function isMale(id18: string): boolean {
  assertId18(id18);
  return Number(id18[16]) % 2 === 1;
}

export function normalizeIdNumber(raw: string, options: IdNumberOptions = {}): IdNumberResult {
  const text = toHalfWidth(raw).trim().replace(/x/g, 'X');
  if (text === '') return reject('empty', '身份证号码为空');
  if (/\s/.test(text)) return reject('characters', '身份证号码中间不能有空格');

  const length = Array.from(text).length;
  if (length !== 18 && length !== 15) {
    return reject('length', `身份证号码应为18位（旧版为15位），实际为${length}位`);
  }
  const today = chinaDate(options.today ?? new Date());

  if (length === 15) {
    if (!/^\d{15}$/.test(text)) return reject('characters', '15位旧版身份证号码必须全部是数字');
    const problem = regionProblem(text.slice(0, 6)) ?? birthProblem(`19${text.slice(6, 12)}`, '第7-12位', today);
    if (problem) return problem;
    const first17 = `${text.slice(0, 6)}19${text.slice(6)}`;
    return { ok: true, value: first17 + checkCharacter(first17), upgradedFrom15: true };
  }

  if (!ID18.test(text)) return reject('characters', '身份证号码前17位必须是数字，最后一位是数字或X');
  const problem = regionProblem(text.slice(0, 6)) ?? birthProblem(text.slice(6, 14), '第7-14位', today);
  if (problem) return problem;
  if (checkCharacter(text.slice(0, 17)) !== text[17]) {
    return reject('check', '校验位错误：号码中有数字填写有误，请对照身份证原件核对');
  }
  return { ok: true, value: text, upgradedFrom15: false };
}

function regionProblem(region: string): IdNumberResult | undefined {
  if (!PROVINCE_CODES.has(region.slice(0, 2))) {
    return reject('region', '地址码（前6位）无效：前两位不是有效的省级行政区划代码');
  }
  if (region.endsWith('0000')) {
    return reject('region', '地址码（前6位）无效：不能是省级代码（第3-6位不能全为0）');
  }
  return undefined;
}

function birthProblem(yyyymmdd: string, where: string, today: string): IdNumberResult | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) return reject('birth-date', `出生日期（${where}）不是有效日期`);
  if (yyyymmdd < EARLIEST_BIRTH) return reject('birth-date', `出生日期（${where}）早于1900年`);
  if (yyyymmdd > today) return reject('birth-date', `出生日期（${where}）晚于今天`);
  return undefined;
}

/** YYYYMMDD of an instant in China Standard Time (UTC+8, no daylight saving). */
function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function reject(code: IdProblem, reason: string): IdNumberResult {
  return { ok: false, code, reason };
}

function assertId18(id18: string): void {
  if (!ID18.test(id18)) throw new RangeError('expected a normalised 18-character ID number');
}
