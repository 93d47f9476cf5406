import { keys } from './keys.js';
import type { Table } from './table.js';

export interface Payment {
  campaignId: string;
  projectCode: string;
  idHash: string;
  amountFen: number;
  paidAt: string;
  executionId: string;
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
