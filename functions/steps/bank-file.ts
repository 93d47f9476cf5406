import { openPayee } from '../core/payee.js';
import type { BankChannel, PaymentMethod } from '../core/payment-methods.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import type { Campaign } from '../data/campaigns.js';
import { attemptOf, listPaymentListings, listPaymentsWaitingIn, statusOf, withPayees, type PaymentListing } from '../data/payments.js';
import type { Table } from '../data/table.js';
import { byZh } from '../core/zh-order.js';

/** One row of a bank file (see web/bank-file.ts for its layout). */
export interface BankFileRow {
  reference: string;
  name: string;
  idNumber: string;
  account: string;
  bank: string;
  amountFen: number;
  purpose: string;
  project: string;
  unit: string;
}

/** A payment with whom it pays (undefined fields if that beneficiary is gone), its channel and unit. */
export interface PaymentView {
  payment: PaymentListing;
  channel?: PaymentMethod;
  unit: string;
}

/**
 * Every payment of a campaign with whom it pays (see withPayees), as PaymentListing: one read of
 * the payments. With `channel`, only those that may wait in it are sent back (a bank file's).
 */
export async function loadPayments(table: Table, campaignId: string, channel?: BankChannel): Promise<PaymentView[]> {
  const read = channel ? listPaymentsWaitingIn(table, campaignId, channel) : listPaymentListings(table, campaignId);
  const payments = await withPayees(table, campaignId, await read);
  return payments.map((payment) => ({ payment, channel: payment.paymentMethod, unit: payment.unit ?? '' }));
}

/** Whether a payment waits for the bank in this channel. */
export const waitsInChannel = (view: PaymentView, channel: BankChannel) => view.channel === channel && statusOf(view.payment) === 'issued';

/** A payment whose payee has no sealed details for its channel (stored before they were sealed): it cannot be in a bank file. */
export const lacksPayee = ({ payment, channel }: PaymentView) => !payment.sealedId || (channel === '银行转账' && !payment.sealedAccount);

/**
 * The bank file's rows for one channel: every payment still 'issued', with the payee's full ID
 * number and account opened from their seals: the one place that opens them. A payment whose
 * payee has no sealed details cannot be in the file; it is answered apart.
 */
export function bankFileRows(keys: SealKeys, campaign: Pick<Campaign, 'id' | 'name' | 'projects'>, views: readonly PaymentView[], channel: BankChannel) {
  const projectNames = new Map(campaign.projects.map((p) => [p.code, p.name]));
  const rows: BankFileRow[] = [];
  const missing: PaymentView[] = [];
  for (const view of views) {
    if (!waitsInChannel(view, channel)) continue;
    const { payment, unit } = view;
    if (lacksPayee(view) || !payment.sealedId) {
      missing.push(view);
      continue;
    }
    const payee = openPayee(keys, payment, { sealedId: payment.sealedId, sealedAccount: payment.sealedAccount ?? '' });
    rows.push({
      reference: paymentReference(keys, payment, attemptOf(payment)),
      name: payment.name ?? '',
      idNumber: payee.idNumber,
      account: payee.account?.account ?? '',
      bank: payee.account?.bank ?? '',
      amountFen: payment.amountFen,
      purpose: `${campaign.name}帮困金`,
      project: `${payment.projectCode} ${projectNames.get(payment.projectCode) ?? ''}`.trim(),
      unit,
    });
  }
  rows.sort((a, b) => byZh(a.unit, b.unit) || a.project.localeCompare(b.project) || a.reference.localeCompare(b.reference));
  return { rows, missing };
}
