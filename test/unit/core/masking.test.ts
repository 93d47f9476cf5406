import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskIdNumber, maskName, maskPhone } from '../../../functions/core/masking.js';
import { makeId } from './fixtures.js';

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters', () => {
    const id = makeId('310104', '19560315', '123');
    const masked = maskIdNumber(id);
    expect(masked).toBe(`310***********${id.slice(-4)}`);
    expect(masked).toHaveLength(18);
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskIdNumber('310104560315023')).toBe('310********5023');
  });

  it('hides short values completely', () => {
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('maskName', () => {
  it('keeps the first and last character', () => {
    expect(maskName('张明')).toBe('张*');
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName(' 张小明 ')).toBe('张*明');
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('keeps the middle dot of transliterated names and handles characters outside the BMP', () => {
    expect(maskName('阿依古丽·买买提')).toBe('阿***·**提');
    expect(maskName('𠮷野家')).toBe('𠮷*家');
  });
});

describe('maskPhone', () => {
  it('masks the middle of mobiles and the local number of landlines', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('021-12345678')).toBe('021-****5678');
    expect(maskPhone('0571-8765432')).toBe('0571-***5432');
    expect(maskPhone('021-12345678转123')).toBe('021-****5678转123');
  });

  it('masks all but the last 4 digits of anything else', () => {
    expect(maskPhone('12345')).toBe('*2345');
    expect(maskPhone('+86 138 1234 5678')).toBe('+** *** **** 5678');
  });
});

describe('maskName, as a property', () => {
  const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
  const names = (min: number, max: number) => fc.array(hanzi, { minLength: min, maxLength: max }).map((cs) => cs.join(''));

  it('keeps the first and last characters of a name of 3 or more, and masks every other one', () => {
    fc.assert(
      fc.property(names(3, 12), (name) => {
        const chars = Array.from(name);
        const masked = Array.from(maskName(name));
        expect(masked).toHaveLength(chars.length);
        expect(masked[0]).toBe(chars[0]);
        expect(masked.at(-1)).toBe(chars.at(-1));
        expect(masked.slice(1, -1).every((ch) => ch === '*')).toBe(true);
      }),
    );
  });

  it('keeps only the surname of a 2-character name, and nothing of a 1-character one', () => {
    fc.assert(fc.property(names(2, 2), (name) => maskName(name) === `${Array.from(name)[0]}*`));
    fc.assert(fc.property(names(1, 1), (name) => maskName(name) === '*'));
  });

  it('never shows a character of the middle, whatever the name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 20, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && !s.includes('·')), (name) => {
        const masked = maskName(name);
        expect(masked.slice(1, -1)).toBe('*'.repeat(name.length - 2));
      }),
    );
  });
});
