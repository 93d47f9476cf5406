/**
 * Test data for the core: made-up ID numbers (never real people's), built with the ISO 7064 MOD 11-2
 * recursive method, which is independent of the weight table used by functions/core/id-number.ts.
 */
import fc from 'fast-check';
import type { IntakeRules } from '../../../functions/core/intake-row.js';

export const PROVINCES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
];

/** ISO 7064 MOD 11-2, recursive form: p = 2(p + d) mod 11 over 17 digits; check = (12 - p) mod 11. */
export function isoCheck(first17: string): string {
  let p = 0;
  for (const d of first17) p = ((p + Number(d)) * 2) % 11;
  const value = (12 - p) % 11;
  return value === 10 ? 'X' : String(value);
}

/** The whole 18-character number satisfies Σ aᵢ·2^(i-1) ≡ 1 (mod 11), counting i from the right. */
export function satisfiesIso7064(id18: string): boolean {
  let sum = 0;
  Array.from(id18).reverse().forEach((ch, i) => {
    sum += (ch === 'X' ? 10 : Number(ch)) * (2 ** i % 11);
  });
  return sum % 11 === 1;
}

export function makeId(region: string, yyyymmdd: string, sequence: string): string {
  const first17 = region + yyyymmdd + sequence;
  return first17 + isoCheck(first17);
}

/** Fixed "today" for tests of the future-birth-date rule. */
export const TODAY = new Date('2025-06-30T12:00:00+08:00');

const DAY = 86_400_000;
const FIRST = Date.UTC(1900, 0, 1);
const LAST = Date.UTC(2025, 5, 30);

export const regionArb = fc
  .tuple(fc.constantFrom(...PROVINCES), fc.integer({ min: 1, max: 9999 }))
  .map(([p, rest]) => p + String(rest).padStart(4, '0'));

export const birthDateArb = fc
  .integer({ min: 0, max: (LAST - FIRST) / DAY })
  .map((days) => new Date(FIRST + days * DAY).toISOString().slice(0, 10).replace(/-/g, ''));

export const sequenceArb = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));

export const validIdArb = fc.tuple(regionArb, birthDateArb, sequenceArb).map(([r, b, s]) => makeId(r, b, s));

/** Valid 18-digit numbers of people born 1900-1999, i.e. those that also have a 15-digit form. */
export const validId19xxArb = fc
  .tuple(regionArb, birthDateArb.filter((b) => b.startsWith('19')), sequenceArb)
  .map(([r, b, s]) => makeId(r, b, s));

export const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

export function toFullWidth(text: string): string {
  return text.replace(/\d/g, (d) => FULL_WIDTH_DIGITS[Number(d)]).replace(/X/g, 'Ｘ');
}

export const RULES: IntakeRules = {
  units: ['莘庄镇', '古美路街道', '区民政局'],
  categories: ['低保家庭', '特困供养', '困难职工'],
  projects: [
    { code: 'MZ-01', name: '春节帮困慰问金', amountFen: 50_000 },
    { code: 'GH-02', name: '困难职工送温暖', amountFen: 80_000 },
    { code: 'XZ-03', name: '节日慰问', amountFen: 20_000 },
    { code: 'JD-04', name: '节日慰问', amountFen: 30_000 },
  ],
};

/** Made-up people for intake tests. */
export const PEOPLE = {
  a: makeId('310112', '19560315', '023'),
  b: makeId('310104', '19481102', '118'),
  c: makeId('320581', '19700730', '046'),
};
