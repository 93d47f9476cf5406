/**
 * A payee's details as a bank needs them: the full ID number (社保卡 is credited by ID number and
 * name) and, for 银行转账, the account and its bank. Stored only sealed (core/seal.ts), bound to the
 * beneficiary they belong to; whether the account changed is told by a keyed digest.
 */
import { toHalfWidth } from './half-width.js';
import { keyedDigest, openSeal, seal, type SealKeys } from './seal.js';

/** The beneficiary a sealed value belongs to. */
export interface PayeeOwner {
  campaignId: string;
  projectCode: string;
  idHash: string;
}

export interface BankAccount {
  account: string;
  bank: string;
}

/** The sealed fields stored on a beneficiary. `sealedAccount` is '' when there is no account. */
export interface SealedPayee {
  sealedId: string;
  sealedAccount: string;
  accountDigest: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Digits only, spaces and hyphens between groups allowed: "6222 0212 3456 7890". */
export function normalizeAccount(text: string): Checked<string> {
  const digits = toHalfWidth(text).replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return { ok: false, reason: '银行账号只能包含数字' };
  if (digits.length < 12 || digits.length > 30) return { ok: false, reason: `银行账号应为12至30位数字（现为${digits.length}位）` };
  return { ok: true, value: digits };
}

export function normalizeBank(text: string): Checked<string> {
  const bank = toHalfWidth(text).replace(/\s+/g, ' ').trim();
  if (bank === '') return { ok: false, reason: '开户银行不能为空' };
  if (Array.from(bank).length > 60) return { ok: false, reason: '开户银行过长（最多60个字）' };
  return { ok: true, value: bank };
}

const contextOf = (owner: PayeeOwner, field: 'id' | 'account') => `payee/${field}/${owner.campaignId}/${owner.projectCode}/${owner.idHash}`;

export const sealIdNumber = (keys: SealKeys, owner: PayeeOwner, idNumber: string) => seal(keys, contextOf(owner, 'id'), idNumber);

/** The account sealed with its digest; no account seals to '' (its digest still tells it apart). */
export function sealAccount(keys: SealKeys, owner: PayeeOwner, account: BankAccount | undefined): Pick<SealedPayee, 'sealedAccount' | 'accountDigest'> {
  const text = account ? JSON.stringify([account.account, account.bank]) : '';
  const context = contextOf(owner, 'account');
  return { sealedAccount: text ? seal(keys, context, text) : '', accountDigest: keyedDigest(keys, context, text) };
}

export const sealPayee = (keys: SealKeys, owner: PayeeOwner, idNumber: string, account: BankAccount | undefined): SealedPayee => ({
  sealedId: sealIdNumber(keys, owner, idNumber),
  ...sealAccount(keys, owner, account),
});

/** The full details: for the bank file only. */
export function openPayee(keys: SealKeys, owner: PayeeOwner, sealed: Pick<SealedPayee, 'sealedId' | 'sealedAccount'>): { idNumber: string; account?: BankAccount } {
  const idNumber = openSeal(keys, contextOf(owner, 'id'), sealed.sealedId);
  if (!sealed.sealedAccount) return { idNumber };
  const [account, bank] = JSON.parse(openSeal(keys, contextOf(owner, 'account'), sealed.sealedAccount)) as [string, string];
  return { idNumber, account: { account, bank } };
}
