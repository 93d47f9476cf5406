import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { birthDateOf, checkCharacter, isMale, normalizeIdNumber } from '../../../functions/core/id-number.js';
import {
  isoCheck, makeId, PEOPLE, satisfiesIso7064, TODAY, toFullWidth, validId19xxArb, validIdArb,
} from './fixtures.js';

const normalize = (raw: string) => normalizeIdNumber(raw, { today: TODAY });
const codeOf = (raw: string) => {
  const result = normalize(raw);
  return result.ok ? 'ok' : result.code;
};

describe('checkCharacter (ISO 7064 MOD 11-2)', () => {
  it('matches the examples printed in GB 11643-1999', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  it('agrees with the recursive ISO 7064 computation and the whole-number equation', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        const check = checkCharacter(first17);
        expect(check).toBe(isoCheck(first17));
        expect(satisfiesIso7064(first17 + check)).toBe(true);
      }),
    );
  });

  it('refuses anything but 17 digits', () => {
    expect(() => checkCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => checkCharacter('1101051949123100X')).toThrow(RangeError);
  });
});

describe('normalizeIdNumber: accepted forms', () => {
  it('accepts a valid 18-character number unchanged', () => {
    expect(normalize('11010519491231002X')).toEqual({ ok: true, value: '11010519491231002X', upgradedFrom15: false });
    expect(normalize(PEOPLE.a)).toEqual({ ok: true, value: PEOPLE.a, upgradedFrom15: false });
  });

  it('every valid generated number survives normalisation unchanged', () => {
    fc.assert(
      fc.property(validIdArb, (id) => {
        expect(normalize(id)).toEqual({ ok: true, value: id, upgradedFrom15: false });
      }),
    );
  });

  it('folds full-width digits, a lowercase or full-width x, and surrounding whitespace', () => {
    const expected = { ok: true, value: '11010519491231002X', upgradedFrom15: false };
    expect(normalize('11010519491231002x')).toEqual(expected);
    expect(normalize('１１０１０５１９４９１２３１００２Ｘ')).toEqual(expected);
    expect(normalize('１１０１０５１９４９１２３１００２ｘ')).toEqual(expected);
    expect(normalize(' \t11010519491231002x\u3000\n')).toEqual(expected);
  });

  it('every valid number written in full-width or with a lowercase x normalises to itself', () => {
    fc.assert(
      fc.property(validIdArb, (id) => {
        expect(normalize(toFullWidth(id))).toMatchObject({ ok: true, value: id });
        expect(normalize(id.toLowerCase())).toMatchObject({ ok: true, value: id });
      }),
    );
  });
});

describe('normalizeIdNumber: 15-digit numbers', () => {
  it('upgrades known pairs (region + 19 + YYMMDD + sequence + check)', () => {
    // The GB 11643-1999 example, and one worked by hand: Σ weights = 186, 186 mod 11 = 10 → "2".
    expect(normalize('110105491231002')).toEqual({ ok: true, value: '11010519491231002X', upgradedFrom15: true });
    expect(normalize('310104560315023')).toEqual({ ok: true, value: '310104195603150232', upgradedFrom15: true });
    expect(normalize('１１０１０５４９１２３１００２')).toMatchObject({ ok: true, value: '11010519491231002X' });
  });

  it('the 15-digit form of every number born in 19xx upgrades to that number', () => {
    fc.assert(
      fc.property(validId19xxArb, (id18) => {
        const id15 = id18.slice(0, 6) + id18.slice(8, 17);
        expect(normalize(id15)).toEqual({ ok: true, value: id18, upgradedFrom15: true });
      }),
    );
  });

  it('checks region and birth date of 15-digit numbers', () => {
    expect(codeOf('990105491231002')).toBe('region');
    expect(codeOf('110105491331002')).toBe('birth-date');
    expect(codeOf('11010549123100X')).toBe('characters');
  });
});

describe('normalizeIdNumber: rejections', () => {
  it('rejects empty input', () => {
    expect(normalize('')).toMatchObject({ ok: false, code: 'empty', reason: '身份证号码为空' });
    expect(codeOf('   ')).toBe('empty');
  });

  it('rejects wrong lengths with the length in the reason', () => {
    expect(normalize('1101051949123100')).toMatchObject({ ok: false, code: 'length', reason: expect.stringContaining('实际为16位') });
    expect(codeOf('11010519491231002X1')).toBe('length');
    expect(codeOf('123')).toBe('length');
  });

  it('rejects letters, symbols, inner spaces and an X anywhere but last', () => {
    expect(codeOf('1101051949123100A2')).toBe('characters');
    expect(codeOf('X10105194912310024')).toBe('characters');
    expect(codeOf('110105-94912310024')).toBe('characters');
    expect(normalize('110105 19491231002X')).toMatchObject({ ok: false, code: 'characters', reason: '身份证号码中间不能有空格' });
  });

  it('rejects region codes whose province is not real, and bare province codes', () => {
    for (const region of ['000101', '100101', '160101', '240101', '300101', '380101', '470101', '550101', '660101', '720101', '830101', '990101']) {
      expect(codeOf(makeId(region, '19800101', '001'))).toBe('region');
    }
    for (const region of ['310000', '110000', '820000']) {
      expect(normalize(makeId(region, '19800101', '001'))).toMatchObject({ ok: false, code: 'region', reason: expect.stringContaining('省级代码') });
    }
    expect(codeOf(makeId('310100', '19800101', '001'))).toBe('ok');
  });

  it('rejects impossible, pre-1900 and future birth dates', () => {
    expect(codeOf(makeId('310104', '19801301', '001'))).toBe('birth-date');
    expect(codeOf(makeId('310104', '19800230', '001'))).toBe('birth-date');
    expect(codeOf(makeId('310104', '19000229', '001'))).toBe('birth-date'); // 1900 was not a leap year
    expect(codeOf(makeId('310104', '20000229', '001'))).toBe('ok');
    expect(normalize('440524188001010014')).toMatchObject({ ok: false, code: 'birth-date', reason: expect.stringContaining('早于1900年') });
    expect(codeOf(makeId('310104', '18991231', '001'))).toBe('birth-date');
    expect(codeOf(makeId('310104', '19000101', '001'))).toBe('ok');
    expect(codeOf(makeId('310104', '20250630', '001'))).toBe('ok'); // born today (China time)
    expect(normalize(makeId('310104', '20250701', '001'))).toMatchObject({ ok: false, code: 'birth-date', reason: expect.stringContaining('晚于今天') });
  });

  it('uses the China date for "today"', () => {
    const id = makeId('310104', '20250701', '001');
    // 2025-06-30T16:30Z is already 1 July in Shanghai.
    expect(normalizeIdNumber(id, { today: new Date('2025-06-30T16:30:00Z') }).ok).toBe(true);
    expect(normalizeIdNumber(id, { today: new Date('2025-06-30T15:30:00Z') }).ok).toBe(false);
  });

  it('rejects a wrong check character with 校验位错误 and does not reveal the expected one', () => {
    const result = normalize('110105194912310021');
    expect(result).toMatchObject({ ok: false, code: 'check', reason: expect.stringContaining('校验位错误') });
    expect(result.ok ? '' : result.reason).not.toMatch(/X|应为/);
  });

  it('never echoes the digits of the number in a reason', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 17 }), (id, position) => {
        const wrong = id.slice(0, position) + 'A' + id.slice(position + 1);
        for (const raw of [wrong, id.slice(0, 17), id.slice(0, 14) + '99' + id.slice(16)]) {
          const result = normalize(raw);
          if (!result.ok) expect(result.reason).not.toContain(id.slice(0, 6));
        }
      }),
    );
  });
});

describe('normalizeIdNumber: error detection guaranteed by GB 11643 (ISO 7064 MOD 11-2)', () => {
  // Weights are 2^k mod 11 (k = 0 for the check character). 11 is prime and no weight is 0 mod 11, so
  // changing one character changes the sum by (difference × weight) ≢ 0; swapping neighbours changes it
  // by (difference × 2^k × (2 - 1)) ≢ 0; swapping characters two apart by (difference × 2^k × 3) ≢ 0.
  // This covers the check character too (its weight is 1). When the check character is X, swapping it
  // with digit 17 puts an X into a digit position, which is refused on format rather than by the sum.
  // Changes that break the region code or birth date may be refused by those rules first.
  const CHARACTERS = '0123456789X';

  it('rejects every single-character substitution', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, position, shift) => {
        const alphabet = position === 17 ? CHARACTERS : CHARACTERS.slice(0, 10);
        const old = alphabet.indexOf(id[position]);
        const replacement = alphabet[(old + (shift % alphabet.length || 1)) % alphabet.length];
        fc.pre(replacement !== id[position]);
        const changed = id.slice(0, position) + replacement + id.slice(position + 1);
        expect(normalize(changed).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every change of one digit of the sequence code or of the check character as 校验位错误', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 14, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, position, shift) => {
        const alphabet = position === 17 ? CHARACTERS : CHARACTERS.slice(0, 10);
        const replacement = alphabet[(alphabet.indexOf(id[position]) + shift) % alphabet.length];
        fc.pre(replacement !== id[position]);
        expect(codeOf(id.slice(0, position) + replacement + id.slice(position + 1))).toBe('check');
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every transposition of two different adjacent characters, the check character included', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 16 }), (id, i) => {
        fc.pre(id[i] !== id[i + 1]);
        const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
        const code = codeOf(swapped);
        expect(code).not.toBe('ok');
        if (i >= 14) expect(code).toBe(id[17] === 'X' && i === 16 ? 'characters' : 'check');
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every transposition of two different characters two apart', () => {
    fc.assert(
      fc.property(validIdArb, fc.integer({ min: 0, max: 15 }), (id, i) => {
        fc.pre(id[i] !== id[i + 2]);
        const swapped = id.slice(0, i) + id[i + 2] + id[i + 1] + id[i] + id.slice(i + 3);
        expect(normalize(swapped).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('birthDateOf and isMale', () => {
  it('reads birth date and sex from a normalised number', () => {
    expect(birthDateOf('11010519491231002X')).toBe('1949-12-31');
    expect(isMale('11010519491231002X')).toBe(false); // sequence 002: even
    expect(isMale(makeId('310104', '19800101', '001'))).toBe(true);
    expect(isMale(makeId('310104', '19800101', '010'))).toBe(false);
  });

  it('refuses numbers that are not normalised', () => {
    expect(() => birthDateOf('11010519491231002x')).toThrow(RangeError);
    expect(() => isMale('110105491231002')).toThrow(RangeError);
  });
});
