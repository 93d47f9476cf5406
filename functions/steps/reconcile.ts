import type { ResultLine } from '../core/bank-result.js';
import { formatYuan } from '../core/money.js';
import { lineLabel } from '../core/plan.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import { attemptOf, getPayment, recordOutcome, statusOf, type Payment } from '../data/payments.js';
import type { Table } from '../data/table.js';
import { inWaves } from '../data/waves.js';
import { loadPayments, type PaymentView } from './bank-file.js';

/** What one line of a result file did: matched as paid or failed (changed, or recorded before), or unknown, and why. */
export type LineOutcome = { row: number; reference: string; amountFen: number } & (
  | { kind: 'paid' | 'failed'; who: string; attempt: number; reason?: string; changed: boolean }
  | { kind: 'unknown'; why: string }
);

const OUTCOME_TEXT = { paid: '成功', failed: '失败' } as const;

/** Every reference any attempt of the campaign's payments was given, with its payment and attempt. */
function referenceIndex(keys: SealKeys, views: readonly PaymentView[]) {
  const index = new Map<string, { view: PaymentView; attempt: number }>();
  for (const view of views) {
    for (let attempt = 1; attempt <= attemptOf(view.payment); attempt++) index.set(paymentReference(keys, view.payment, attempt), { view, attempt });
  }
  return index;
}

/**
 * Applies a bank's result lines: each line is matched to the current attempt of one payment by its
 * reference and amount, and that attempt goes from issued to paid or failed with one conditional
 * write. A reference of no payment, of an older attempt, or an amount that differs is unknown and
 * changes nothing. Reading the same file again changes nothing: its lines were recorded before.
 * Lines are applied a wave at a time; the same reference twice in one file is recorded once.
 */
export async function reconcile(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[], now: Date): Promise<LineOutcome[]> {
  const index = referenceIndex(keys, await loadPayments(table, campaignId));
  return inWaves(lines, async (line): Promise<LineOutcome> => {
    const base = { row: line.row, reference: line.reference, amountFen: line.amountFen };
    const found = index.get(line.reference);
    if (!found) return { ...base, kind: 'unknown', why: '本活动没有这个付款参考号' };
    const { view, attempt } = found;
    const current = attemptOf(view.payment);
    if (attempt < current) {
      return { ...base, kind: 'unknown', why: `该参考号属于第${attempt}次发放，这笔付款已改为第${current}次发放（新的参考号），本行不予处理` };
    }
    if (line.amountFen !== view.payment.amountFen) {
      return { ...base, kind: 'unknown', why: `金额不符：结果文件为 ${formatYuan(line.amountFen)}，应付 ${formatYuan(view.payment.amountFen)}` };
    }
    const who = view.beneficiary ? lineLabel({ ...view.beneficiary, unit: view.unit }) : view.unit;
    const applied = await apply(table, view.payment, line, now);
    return applied.kind === 'unknown' ? { ...base, ...applied } : { ...base, ...applied, who, attempt };
  });
}

/** Records the line's outcome on the payment read, or says why it was recorded before or cannot be. */
async function apply(table: Table, read: Payment, line: ResultLine, now: Date): Promise<{ kind: 'paid' | 'failed'; reason?: string; changed: boolean } | { kind: 'unknown'; why: string }> {
  let payment: Payment | undefined = read;
  for (let tries = 0; payment && tries < 2; tries++) {
    const status = statusOf(payment);
    const reason = line.outcome === 'failed' ? { reason: line.reason } : {};
    if (status === line.outcome) return { kind: line.outcome, ...reason, changed: false };
    if (status !== 'issued') {
      return { kind: 'unknown', why: `这笔付款第${attemptOf(payment)}次发放已记为“${OUTCOME_TEXT[status]}”，与本行“${OUTCOME_TEXT[line.outcome]}”不符，未更改` };
    }
    const recorded = await recordOutcome(table, payment, { reference: line.reference, outcome: line.outcome, ...reason, at: now.toISOString() });
    if (recorded) return { kind: line.outcome, ...reason, changed: true };
    // Changed meanwhile (the same file read at once, or a retry): read again and judge again.
    payment = await getPayment(table, read.campaignId, read.projectCode, read.idHash);
    if (payment && attemptOf(payment) !== attemptOf(read)) return { kind: 'unknown', why: `这笔付款已改为第${attemptOf(payment)}次发放，本行不予处理` };
  }
  return { kind: 'unknown', why: '这笔付款的状态正在变化，请稍后重新上传本文件' };
}
