/**
 * 付款参考号: the reference a bank file gives each payment attempt and the bank's result file gives
 * back. Opaque and carrying no personal data: a keyed hash of the payment's key and attempt, so
 * it can be derived again to match a result line, and a retry (the next attempt) gets a new one.
 */
import { createHmac } from 'node:crypto';
import type { SealKeys } from './seal.js';

export const REFERENCE_PATTERN = /^NL[0-9A-F]{16}$/;

export interface PaymentRef {
  campaignId: string;
  projectCode: string;
  idHash: string;
}

export function paymentReference(keys: Pick<SealKeys, 'reference'>, payment: PaymentRef, attempt: number): string {
  const mac = createHmac('sha256', keys.reference).update(`${payment.campaignId}/${payment.projectCode}/${payment.idHash}/${attempt}`, 'utf8');
  return `NL${mac.digest('hex').slice(0, 16).toUpperCase()}`;
}
