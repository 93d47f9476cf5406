import type { ResultLine } from '../core/bank-result.js';
import { formatYuan } from '../core/money.js';
import { lineLabel } from '../core/plan.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import { getBeneficiaries } from '../data/beneficiaries.js';
import { beneficiaryKey } from '../data/exclusions.js';
import { attemptOf, getPayment, listPayments, recordOutcome, statusOf, type Payment } from '../data/payments.js';
import type { Table } from '../data/table.js';
import { inFlight } from '../data/in-flight.js';

/** What one line of a result file did: matched as paid or failed (changed, or recorded before), or unknown, and why. */
export type LineOutcome = { row: number; reference: string; amountFen: number } & (
  | { kind: 'paid' | 'failed'; who: string; attempt: number; reason?: string; changed: boolean }
  | { kind: 'unknown'; why: string }
);

const OUTCOME_TEXT = { paid: '成功', failed: '失败' } as const;

/** Every reference any attempt of the campaign's payments was given, with its payment and attempt. */
function referenceIndex(keys: SealKeys, payments: readonly Payment[]) {
  const index = new Map<string, { payment: Payment; attempt: number }>();
  for (const payment of payments) {
    for (let attempt = 1; attempt <= attemptOf(payment); attempt++) index.set(paymentReference(keys, payment, attempt), { payment, attempt });
  }
  return index;
}

/** Who each matched payment pays, as lines name them (masked): read for the file's lines only, not the whole register. */
async function whoIsPaid(table: Table, campaignId: string, payments: readonly Payment[]): Promise<Map<string, string>> {
  const people = await getBeneficiaries(table, campaignId, payments);
  return new Map(payments.map((p, i) => {
    const b = people[i];
    return [beneficiaryKey(p), b ? lineLabel({ ...b, unit: p.unit ?? b.unit }) : (p.unit ?? '')];
  }));
}

/**
 * Applies a bank's result lines: each line is matched to the current attempt of one payment by its
 * reference and amount, and that attempt goes from issued to paid or failed with one conditional
 * write. A reference of no payment, of an older attempt, or an amount that differs is unknown and
 * changes nothing. Reading the same file again changes nothing: its lines were recorded before.
 * Lines are applied a few at once; the same reference twice in one file is recorded once.
 */
export async function reconcile(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[], now: Date): Promise<LineOutcome[]> {
  const index = referenceIndex(keys, await listPayments(table, campaignId));
  const matched = [...new Map(lines.flatMap((l) => index.get(l.reference) ?? []).map((m) => [beneficiaryKey(m.payment), m.payment])).values()];
  const names = await whoIsPaid(table, campaignId, matched);
  return inFlight(lines, async (line): Promise<LineOutcome> => {
    const base = { row: line.row, reference: line.reference, amountFen: line.amountFen };
    const found = index.get(line.reference);
    if (!found) return { ...base, kind: 'unknown', why: '本活动没有这个付款参考号' };
    const { payment, attempt } = found;
    const current = attemptOf(payment);
    if (attempt < current) {
      return { ...base, kind: 'unknown', why: `该参考号属于第${attempt}次发放，这笔付款已改为第${current}次发放（新的参考号），本行不予处理` };
    }
    if (line.amountFen !== payment.amountFen) {
      return { ...base, kind: 'unknown', why: `金额不符：结果文件为 ${formatYuan(line.amountFen)}，应付 ${formatYuan(payment.amountFen)}` };
    }
    const applied = await apply(table, payment, line, now);
    return applied.kind === 'unknown' ? { ...base, ...applied } : { ...base, ...applied, who: names.get(beneficiaryKey(payment)) ?? '', attempt };
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
