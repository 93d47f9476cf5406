// Sealed payee details: AES-256-GCM bound to its beneficiary, opened only with the right key and context.
import { describe, expect, it } from 'vitest';
import { normalizeAccount, openPayee, sealAccount, sealPayee } from '../../../functions/core/payee.js';
import { keyedDigest, openSeal, seal, SealError, sealKeys } from '../../../functions/core/seal.js';
import { PEOPLE } from './fixtures.js';

const KEYS = sealKeys('s'.repeat(64));
const OWNER = { campaignId: 'c1', projectCode: 'MZ01', idHash: 'a'.repeat(64) };
const ACCOUNT = { account: '6222021234567890123', bank: '中国工商银行莘庄支行' };

describe('seal', () => {
  it('opens what it sealed; every seal of one value differs, its keyed digest does not', () => {
    const a = seal(KEYS, 'ctx', '秘密');
    const b = seal(KEYS, 'ctx', '秘密');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(openSeal(KEYS, 'ctx', a)).toBe('秘密');
    expect(keyedDigest(KEYS, 'ctx', '秘密')).toBe(keyedDigest(KEYS, 'ctx', '秘密'));
    expect(keyedDigest(KEYS, 'ctx', '秘密')).not.toBe(keyedDigest(KEYS, 'ctx', '秘密2'));
    expect(keyedDigest(sealKeys('t'.repeat(64)), 'ctx', '秘密')).not.toBe(keyedDigest(KEYS, 'ctx', '秘密'));
  });

  it('gives every seal an IV of its own, across the blocks its IVs are drawn in', () => {
    const ivs = Array.from({ length: 3000 }, () => seal(KEYS, 'ctx', '秘密').split('.')[1]);
    expect(new Set(ivs).size).toBe(ivs.length);
    expect(ivs.every((iv) => Buffer.from(iv, 'base64url').length === 12)).toBe(true);
  });

  it('refuses another key, another context (a value moved to another record) and any altered byte', () => {
    const sealed = seal(KEYS, 'ctx', PEOPLE.a);
    expect(() => openSeal(sealKeys('t'.repeat(64)), 'ctx', sealed)).toThrow(SealError);
    expect(() => openSeal(KEYS, 'other', sealed)).toThrow(SealError);
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => openSeal(KEYS, 'ctx', [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(SealError);
    expect(() => openSeal(KEYS, 'ctx', 'plain text')).toThrow(SealError);
    expect(() => sealKeys('short')).toThrow(RangeError);
  });
});

describe('payee', () => {
  it('holds the ID number and account only sealed, and opens them for the same beneficiary only', () => {
    const sealed = sealPayee(KEYS, OWNER, PEOPLE.a, ACCOUNT);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain(PEOPLE.a);
    expect(text).not.toContain(ACCOUNT.account);
    expect(text).not.toContain('工商');
    expect(openPayee(KEYS, OWNER, sealed)).toEqual({ idNumber: PEOPLE.a, account: ACCOUNT });
    expect(() => openPayee(KEYS, { ...OWNER, idHash: 'b'.repeat(64) }, sealed)).toThrow(SealError);
  });

  it('tells a changed account by its digest; no account seals to an empty value', () => {
    const first = sealAccount(KEYS, OWNER, ACCOUNT);
    expect(sealAccount(KEYS, OWNER, { ...ACCOUNT }).accountDigest).toBe(first.accountDigest);
    expect(sealAccount(KEYS, OWNER, { ...ACCOUNT, account: '6222021234567890124' }).accountDigest).not.toBe(first.accountDigest);
    const none = sealPayee(KEYS, OWNER, PEOPLE.a, undefined);
    expect(none.sealedAccount).toBe('');
    expect(none.accountDigest).not.toBe(first.accountDigest);
    expect(openPayee(KEYS, OWNER, none)).toEqual({ idNumber: PEOPLE.a });
  });

  it('takes 12 to 30 digits, with spaces or hyphens between groups, and says why otherwise', () => {
    expect(normalizeAccount('6222 0212-3456 7890 123')).toEqual({ ok: true, value: '6222021234567890123' });
    expect(normalizeAccount('６２２２０２１２３４５６')).toEqual({ ok: true, value: '622202123456' });
    expect(normalizeAccount('12345678901')).toEqual({ ok: false, reason: '银行账号应为12至30位数字（现为11位）' });
    expect(normalizeAccount('1'.repeat(31))).toMatchObject({ ok: false });
    expect(normalizeAccount('6.22202E+18')).toEqual({ ok: false, reason: '银行账号只能包含数字' });
  });
});
