import { sealAccount, type BankAccount } from '../core/payee.js';
import type { SealKeys } from '../core/seal.js';
import { getBeneficiary, replaceSealedAccount } from '../data/beneficiaries.js';
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
 * A corrected retry of a failed payment: the beneficiary's sealed account is replaced by the
 * corrected one, then the payment becomes its next attempt, 'issued' again, conditional on being
 * failed at the attempt seen, so that two retries at once make one attempt. The same payment
 * item: a retry never pays a second time. The sealed ID number is not opened.
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
  if (account) {
    if (!(await replaceSealedAccount(table, beneficiary, sealAccount(keys, payment, account), now))) return 'stale';
  }
  return (await reissue(table, payment, now)) ? 'reissued' : 'stale';
}
