import { sealAccount, type BankAccount } from '../core/payee.js';
import type { SealKeys } from '../core/seal.js';
import { getBeneficiary, replaceSealedAccount, type Beneficiary } from '../data/beneficiaries.js';
import { attemptOf, getPayment, reissue, statusOf } from '../data/payments.js';
import type { Table } from '../data/table.js';

export interface RetryInput {
  campaignId: string;
  projectCode: string;
  idHash: string;
  /** The failed attempt the coordinator saw. */
  attempt: number;
  /** The corrected account, for 银行转账; absent to send the same details again (社保卡). */
  account?: BankAccount;
}

/**
 * 'reissued': attempt n+1 waits for the next bank file; 'stale': it was retried or changed meanwhile;
 * 'missing': no such payment; 'account-required': a 银行转账 payment is retried only with a corrected account.
 */
export type RetryOutcome = 'reissued' | 'stale' | 'missing' | 'account-required';

/**
 * A corrected retry of a failed payment: the payment becomes its next attempt, 'issued' again, with
 * the corrected account sealed on it, in one write conditional on being failed at the attempt seen:
 * of two retries at once, one makes the attempt, and its account is the one paid. The winner then
 * replaces the beneficiary's sealed account too. The same payment item: a retry never pays a second
 * time. The sealed ID number is not opened.
 */
export async function retryPayment(table: Table, keys: SealKeys, input: RetryInput, now: Date): Promise<RetryOutcome> {
  const payment = await getPayment(table, input.campaignId, input.projectCode, input.idHash);
  if (!payment) return 'missing';
  if (statusOf(payment) !== 'failed' || attemptOf(payment) !== input.attempt) return 'stale';
  const beneficiary = await getBeneficiary(table, input.campaignId, input.projectCode, input.idHash);
  if (!beneficiary) return 'missing';
  // Only 银行转账 pays into an account: a 社保卡 payment is sent again as it was.
  const account = (payment.paymentMethod ?? beneficiary.paymentMethod) === '银行转账' ? input.account ?? null : undefined;
  if (account === null) return 'account-required';
  const corrected = account ? sealAccount(keys, payment, account) : undefined;
  if (!(await reissue(table, payment, now, corrected))) return 'stale';
  if (corrected) await keepOnBeneficiary(table, beneficiary, corrected, now);
  return 'reissued';
}

/** The winning correction, on the beneficiary too (read again if it changed meanwhile). */
async function keepOnBeneficiary(table: Table, read: Beneficiary, corrected: Pick<Beneficiary, 'sealedAccount' | 'accountDigest'>, now: Date) {
  let beneficiary: Beneficiary | undefined = read;
  for (let tries = 0; beneficiary && tries < 5; tries++) {
    if (await replaceSealedAccount(table, beneficiary, corrected, now)) return;
    beneficiary = await getBeneficiary(table, read.campaignId, read.projectCode, read.idHash);
  }
}
