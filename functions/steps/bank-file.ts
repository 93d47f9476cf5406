import { openPayee } from '../core/payee.js';
import type { BankChannel, PaymentMethod } from '../core/payment-methods.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import { beneficiaryKey, listPayeeEntries, type PayeeEntry } from '../data/exclusions.js';
import type { Campaign } from '../data/campaigns.js';
import { attemptOf, listPayments, statusOf, type Payment } from '../data/payments.js';
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

/** A payment with the beneficiary it pays (undefined if that is gone), its channel and unit. */
export interface PaymentView {
  payment: Payment;
  beneficiary?: PayeeEntry;
  channel?: PaymentMethod;
  unit: string;
}

/**
 * Every payment of a campaign with its beneficiary. Payments recorded before channels were kept take
 * the beneficiary's. Both partitions are read whole (a bank file pays most of the register), the
 * beneficiaries for their payee fields only.
 */
export async function loadPayments(table: Table, campaignId: string): Promise<PaymentView[]> {
  const [payments, payees] = await Promise.all([listPayments(table, campaignId), listPayeeEntries(table, campaignId)]);
  const byKey = new Map(payees.map((b) => [beneficiaryKey(b), b]));
  return payments.map((payment) => {
    const beneficiary = byKey.get(beneficiaryKey(payment));
    return { payment, beneficiary, channel: payment.paymentMethod ?? beneficiary?.paymentMethod, unit: payment.unit ?? beneficiary?.unit ?? '' };
  });
}

/** Whether a payment waits for the bank in this channel. */
export const waitsInChannel = (view: PaymentView, channel: BankChannel) => view.channel === channel && statusOf(view.payment) === 'issued';

/** A payment whose payee has no sealed details for its channel (stored before they were sealed): it cannot be in a bank file. */
export const lacksPayee = ({ payment, beneficiary, channel }: PaymentView) => !beneficiary?.sealedId || (channel === '银行转账' && !accountOf(payment, beneficiary));

/** The account to pay: a retried attempt's correction, else the beneficiary's. */
const accountOf = (payment: Payment, beneficiary: PayeeEntry) => payment.sealedAccount || beneficiary.sealedAccount || '';

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
    const { payment, beneficiary, unit } = view;
    if (lacksPayee(view) || !beneficiary?.sealedId) {
      missing.push(view);
      continue;
    }
    const payee = openPayee(keys, payment, { sealedId: beneficiary.sealedId, sealedAccount: accountOf(payment, beneficiary) });
    rows.push({
      reference: paymentReference(keys, payment, attemptOf(payment)),
      name: beneficiary.name,
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
