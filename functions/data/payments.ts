import type { PaymentMethod } from '../core/payment-methods.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/**
 * Where a payment stands. 'issued': recorded once by the implement workflow, handed to its channel
 * (a bank file, or a signature sheet); 'paid': the bank's result file (or the signed sheet) confirms
 * it; 'failed': the bank refused it (`failure` says why) and it waits for a corrected retry, which
 * is a new attempt of the same payment.
 */
export type PaymentStatus = 'issued' | 'paid' | 'failed';

export interface Payment {
  campaignId: string;
  projectCode: string;
  idHash: string;
  amountFen: number;
  paidAt: string;
  executionId: string;
  /** Absent on payments recorded before statuses: read as 'issued', attempt 1. */
  status?: PaymentStatus;
  attempt?: number;
  failure?: string;
  /** The channel it went through; absent: the beneficiary's own payment method. */
  paymentMethod?: PaymentMethod;
}

/**
 * Records a payment with one conditional put keyed by (campaign, project, beneficiary):
 * a retried or duplicated invocation pays nobody twice. True if this call paid.
 */
export const payOnce = (table: Table, payment: Payment) =>
  table.putIfAbsent(keys.payment(payment.campaignId, payment.projectCode, payment.idHash), { ...payment });

export const listPayments = (table: Table, campaignId: string) => table.all<Payment>(keys.paymentPartition(campaignId).pk);

/** Writes batch n of a payment plan: the keys (`projectCode#idHash`) it pays. A retried plan writes it again, the same. */
export const savePaymentBatch = (table: Table, campaignId: string, n: number, beneficiaryKeys: readonly string[]) =>
  table.put(keys.paymentBatch(campaignId, n), { keys: [...beneficiaryKeys] });

export async function getPaymentBatch(table: Table, campaignId: string, n: number): Promise<string[] | undefined> {
  return (await table.get<{ keys: string[] }>(keys.paymentBatch(campaignId, n)))?.keys;
}
