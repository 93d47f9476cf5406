import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuanText, formatYuan, isFen, parseYuan, yuanToFen } from '../../../functions/core/money.js';

const fenOf = (text: string) => {
  const result = parseYuan(text);
  return result.ok ? result.fen : result.reason;
};

describe('parseYuan', () => {
  it('parses whole yuan, one or two decimals, grouping, currency signs and 元', () => {
    expect(parseYuan('300')).toEqual({ ok: true, fen: 30_000 });
    expect(fenOf('300.5')).toBe(30_050);
    expect(fenOf('300.50')).toBe(30_050);
    expect(fenOf('300.05')).toBe(30_005);
    expect(fenOf('1,100')).toBe(110_000);
    expect(fenOf('1,234,567.89')).toBe(123_456_789);
    expect(fenOf('¥300')).toBe(30_000);
    expect(fenOf('￥ 1,100.00')).toBe(110_000);
    expect(fenOf('300元')).toBe(30_000);
    expect(fenOf(' ３００．５０ ')).toBe(30_050);
    expect(fenOf('0')).toBe(0);
    expect(fenOf('0.01')).toBe(1);
    expect(fenOf('007')).toBe(700);
  });

  it('is exact where floating point is not (0.29 × 100 = 28.999999999999996)', () => {
    expect(fenOf('0.29')).toBe(29);
    expect(fenOf('1.15')).toBe(115);
    expect(fenOf('4.35')).toBe(435);
    expect(fenOf('90071992547409.91')).toBe(9_007_199_254_740_991);
  });

  it('rejects more than two decimals, negatives, bad grouping, junk and huge amounts', () => {
    expect(fenOf('300.505')).toBe('金额最多保留两位小数（精确到分）');
    expect(fenOf('300.500')).toBe('金额最多保留两位小数（精确到分）');
    expect(fenOf('-300')).toBe('金额不能为负数');
    expect(fenOf('-¥300')).toBe('金额不能为负数');
    expect(fenOf('1,10')).toContain('千位分隔符');
    expect(fenOf('11,00')).toContain('千位分隔符');
    expect(fenOf('')).toBe('金额为空');
    expect(fenOf('   ')).toBe('金额为空');
    for (const junk of ['abc', '300.', '.5', '3 00', '1e3', '300元整', '三百', 'NaN', '¥']) {
      expect(fenOf(junk), junk).toContain('金额格式不正确');
    }
    expect(fenOf('90071992547409.92')).toBe('金额过大');
  });

  it('round-trips every amount through formatYuan and fenToYuanText', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(parseYuan(formatYuan(fen))).toEqual({ ok: true, fen });
        expect(parseYuan(fenToYuanText(fen))).toEqual({ ok: true, fen });
      }),
    );
  });
});

describe('formatYuan and helpers', () => {
  it('formats fen as grouped yuan with two decimals', () => {
    expect(formatYuan(110_000)).toBe('¥1,100.00');
    expect(formatYuan(30_050)).toBe('¥300.50');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(0)).toBe('¥0.00');
    expect(formatYuan(7_322_830_000)).toBe('¥73,228,300.00');
    expect(formatYuan(-500)).toBe('-¥5.00');
    expect(fenToYuanText(110_000)).toBe('1100.00');
    expect(fenToYuanText(-1)).toBe('-0.01');
  });

  it('refuses fractional or unsafe fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(Number.NaN)).toThrow(RangeError);
    expect(() => fenToYuanText(2 ** 60)).toThrow(RangeError);
  });

  it('converts whole yuan only', () => {
    expect(yuanToFen(300)).toBe(30_000);
    expect(yuanToFen(0)).toBe(0);
    expect(() => yuanToFen(300.5)).toThrow(RangeError);
    expect(() => yuanToFen(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect(isFen(100)).toBe(true);
    expect(isFen(1.5)).toBe(false);
    expect(isFen('100')).toBe(false);
  });
});
