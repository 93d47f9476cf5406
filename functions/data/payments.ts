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
  /** The beneficiary's channel and unit when issued, so channel files and reconciliation group without a join (absent on older payments). */
  paymentMethod?: PaymentMethod;
  unit?: string;
}

/**
 * Records a payment with one conditional put keyed by (campaign, project, beneficiary):
 * a retried or duplicated invocation pays nobody twice. True if this call paid.
 */
export const payOnce = (table: Table, payment: Payment) =>
  table.putIfAbsent(keys.payment(payment.campaignId, payment.projectCode, payment.idHash), { ...payment });

/** insertMany requests in flight for one call of issuePayments. */
const PARALLEL_REQUESTS = 4;

/**
 * Records many payments as payOnce does, each one conditional write keyed by (campaign, project,
 * beneficiary), 25 to a request (PartiQL INSERT), a few requests in flight: a retried or
 * duplicated invocation pays nobody twice. Per payment, in order: true if this call recorded it,
 * false if it was there already. The payments must name distinct beneficiaries.
 */
export async function issuePayments(table: Table, payments: readonly Payment[]): Promise<boolean[]> {
  const items = payments.map((p) => ({ ...p, ...keys.payment(p.campaignId, p.projectCode, p.idHash) }));
  const share = Math.ceil(items.length / PARALLEL_REQUESTS / 25) * 25 || 25;
  const parts = Array.from({ length: Math.ceil(items.length / share) }, (_, i) => items.slice(i * share, (i + 1) * share));
  return (await Promise.all(parts.map((part) => table.insertMany(part)))).flat();
}

export const listPayments = (table: Table, campaignId: string) => table.all<Payment>(keys.paymentPartition(campaignId).pk);

/** Writes batch n of a payment plan: the keys (`projectCode#idHash`) it pays. A retried plan writes it again, the same. */
export const savePaymentBatch = (table: Table, campaignId: string, n: number, beneficiaryKeys: readonly string[]) =>
  table.put(keys.paymentBatch(campaignId, n), { keys: [...beneficiaryKeys] });

export async function getPaymentBatch(table: Table, campaignId: string, n: number): Promise<string[] | undefined> {
  return (await table.get<{ keys: string[] }>(keys.paymentBatch(campaignId, n)))?.keys;
}
