import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../functions/core/phone.js';

const valueOf = (raw: string) => {
  const result = normalizePhone(raw);
  return result.ok ? result.value : undefined;
};

describe('normalizePhone: mobiles', () => {
  it('accepts 1[3-9] + 9 digits with spaces, dashes, +86 or 0086', () => {
    expect(normalizePhone('13800138000')).toEqual({ ok: true, value: '13800138000', kind: 'mobile' });
    for (const raw of ['138 0013 8000', '138-0013-8000', ' 13800138000 ', '+86 138 0013 8000', '+8613800138000',
      '0086-13800138000', '(+86)13800138000', '１３８００１３８０００', '+86－138－0013－8000']) {
      expect(valueOf(raw), raw).toBe('13800138000');
    }
    expect(valueOf('19962345678')).toBe('19962345678');
  });

  it('every 1[3-9]xxxxxxxxx number is accepted as itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (mobile) => {
        expect(normalizePhone(mobile)).toEqual({ ok: true, value: mobile, kind: 'mobile' });
      }),
    );
  });

  it('rejects wrong length, a second digit of 0-2, and extensions, with reasons', () => {
    expect(normalizePhone('1380013800')).toEqual({ ok: false, reason: '手机号码应为11位，实际为10位' });
    expect(normalizePhone('138001380001')).toMatchObject({ ok: false, reason: expect.stringContaining('11位') });
    expect(normalizePhone('12800138000')).toEqual({ ok: false, reason: '手机号码第二位应为3至9' });
    expect(normalizePhone('10800138000').ok).toBe(false);
    expect(normalizePhone('13800138000转12')).toEqual({ ok: false, reason: '手机号码不能带分机号' });
  });
});

describe('normalizePhone: landlines', () => {
  it('accepts area code + 7/8-digit local number in common spellings', () => {
    expect(normalizePhone('021-62345678')).toEqual({ ok: true, value: '021-62345678', kind: 'landline' });
    for (const raw of ['02162345678', '021 6234 5678', '(021)62345678', '（021）62345678', '021－62345678',
      '021—62345678', '+86 21 62345678', '0086-21-62345678', '+86 021 62345678']) {
      expect(valueOf(raw), raw).toBe('021-62345678');
    }
    expect(valueOf('010-62345678')).toBe('010-62345678');
    expect(normalizePhone('021-12345678')).toMatchObject({ ok: false, reason: expect.stringContaining('不以0或1开头') });
    expect(valueOf('0571-87654321')).toBe('0571-87654321');
    expect(valueOf('0571 8765432')).toBe('0571-8765432');
    expect(valueOf('0898-3123456')).toBe('0898-3123456');
  });

  it('keeps an extension, marked or as a trailing group', () => {
    for (const raw of ['021-62345678-123', '021-62345678转123', '021-62345678 分机 123', '021-62345678 ext. 123',
      '021-62345678x123', '021-62345678#123', '(021) 6234 5678 转 123']) {
      expect(valueOf(raw), raw).toBe('021-62345678转123');
    }
  });

  it('rejects missing area codes, bad area codes and bad local numbers', () => {
    expect(normalizePhone('12345678')).toMatchObject({ ok: false, reason: expect.stringContaining('11位') });
    expect(normalizePhone('62345678')).toEqual({ ok: false, reason: '固定电话请加区号，例如 021-62345678' });
    expect(normalizePhone('6234567')).toMatchObject({ ok: false, reason: expect.stringContaining('区号') });
    expect(normalizePhone('011-62345678')).toEqual({ ok: false, reason: '固定电话区号无效' });
    expect(normalizePhone('021-02345678')).toMatchObject({ ok: false, reason: expect.stringContaining('7至8位') });
    expect(normalizePhone('021-623456789')).toMatchObject({ ok: false, reason: expect.stringContaining('7至8位') });
    expect(normalizePhone('021-623456')).toMatchObject({ ok: false });
  });

  it('rejects empty input, letters and symbols', () => {
    expect(normalizePhone('')).toEqual({ ok: false, reason: '联系电话为空' });
    expect(normalizePhone('  ')).toEqual({ ok: false, reason: '联系电话为空' });
    expect(normalizePhone('138abc38000')).toMatchObject({ ok: false, reason: expect.stringContaining('只能包含数字') });
    expect(normalizePhone('13800138000/13900139000').ok).toBe(false);
    expect(normalizePhone('---').ok).toBe(false);
  });
});
