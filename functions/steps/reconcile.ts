import type { ResultLine } from '../core/bank-result.js';
import { formatYuan } from '../core/money.js';
import { lineLabel } from '../core/plan.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import { beneficiaryKey } from '../data/exclusions.js';
import { attemptOf, getPayment, getPaymentStandings, listPaymentStandings, recordOutcomes, statusOf, withPayees, type PaymentStanding } from '../data/payments.js';
import type { Table } from '../data/table.js';
import { inFlight } from '../data/in-flight.js';
import { LatestCampaigns } from '../shared/latest-campaigns.js';

/** What one line of a result file did: matched as paid or failed (changed, or recorded before), or unknown, and why. */
export type LineOutcome = { row: number; reference: string; amountFen: number } & (
  | { kind: 'paid' | 'failed'; who: string; attempt: number; reason?: string; changed: boolean }
  | { kind: 'unknown'; why: string }
);

const OUTCOME_TEXT = { paid: '成功', failed: '失败' } as const;

type Match = { payment: PaymentStanding; attempt: number };
type Reference = { projectCode: string; idHash: string; attempt: number };
/** A payment as far as its references go. */
type Attempted = Pick<PaymentStanding, 'campaignId' | 'projectCode' | 'idHash' | 'attempt'>;

/**
 * References of a campaign's payment attempts: a reference names one attempt of one payment for
 * good, so a warm sandbox keeps them between result files (the latest few campaigns). A bank file
 * adds its payments' (rememberReferences); a result file naming a reference the index lacks reads
 * every payment and indexes them all.
 */
const referenceIndexes = new LatestCampaigns<Map<string, Reference>>(4);

/** Adds every attempt's reference of each payment to `index`. */
function addReferences(index: Map<string, Reference>, keys: SealKeys, payments: readonly Attempted[]) {
  for (const payment of payments) {
    const { projectCode, idHash } = payment;
    for (let attempt = 1; attempt <= attemptOf(payment); attempt++) index.set(paymentReference(keys, payment, attempt), { projectCode, idHash, attempt });
  }
  return index;
}

/** The payments of a bank file just made: the bank's results will name them, and need not read every payment to find them. */
export function rememberReferences(keys: SealKeys, campaignId: string, payments: readonly Attempted[]): void {
  referenceIndexes.keep(campaignId, addReferences(referenceIndexes.get(campaignId) ?? new Map(), keys, payments));
}

/** Each line's payment, as it stands now, and the attempt its reference names; undefined for a reference of no payment. */
async function matchLines(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[]): Promise<(Match | undefined)[]> {
  const kept = referenceIndexes.get(campaignId);
  const all = kept && lines.every((l) => kept.has(l.reference)) ? undefined : await listPaymentStandings(table, campaignId);
  const index = all ? referenceIndexes.keep(campaignId, addReferences(new Map(), keys, all)) : kept!;
  const named = () => [...new Map(lines.flatMap((l) => index.get(l.reference) ?? []).map((r) => [beneficiaryKey(r), r])).values()];
  const standings = all ?? (await getPaymentStandings(table, campaignId, named())).filter((p) => p !== undefined);
  const byKey = new Map(standings.map((p) => [beneficiaryKey(p), p]));
  return lines.map((l) => {
    const reference = index.get(l.reference);
    const payment = reference && byKey.get(beneficiaryKey(reference));
    return payment && { payment, attempt: reference.attempt };
  });
}

/** Who each matched payment pays, as lines name them (masked). */
async function whoIsPaid(table: Table, campaignId: string, payments: readonly PaymentStanding[]): Promise<Map<string, string>> {
  const payees = await withPayees(table, campaignId, payments);
  return new Map(payees.map(({ unit = '', name = '', idMasked, ...p }) => [beneficiaryKey(p), idMasked === undefined ? unit : lineLabel({ unit, name, idMasked })]));
}

/**
 * Applies a bank's result lines: each line is matched to the current attempt of one payment by its
 * reference and amount, and that attempt goes from issued to paid or failed with one conditional
 * write. A reference of no payment, of an older attempt, or an amount that differs is unknown and
 * changes nothing. Reading the same file again changes nothing: its lines were recorded before.
 * The writes go many to a request; a payment changed since it was read is read again and judged again.
 */
export async function reconcile(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[], now: Date): Promise<LineOutcome[]> {
  const found = await matchLines(table, keys, campaignId, lines);
  const matched = [...new Map(found.flatMap((m) => (m ? [[beneficiaryKey(m.payment), m.payment] as const] : []))).values()];
  const names = await whoIsPaid(table, campaignId, matched);
  const at = now.toISOString();
  const verdicts = lines.map((line, i) => judge(line, found[i]));

  // One request holds each payment once: a second line naming it goes the one-by-one way below.
  const batched: number[] = [];
  const writing = new Set<string>();
  verdicts.forEach((verdict, i) => {
    const key = verdict === 'record' ? beneficiaryKey(found[i]!.payment) : undefined;
    if (key && !writing.has(key)) {
      batched.push(i);
      writing.add(key);
    }
  });
  const recorded = await recordOutcomes(table, batched.map((i) => ({ payment: found[i]!.payment, outcome: outcomeOf(lines[i], at) })));
  const recordedAt = new Set(batched.filter((_, n) => recorded[n]));

  return inFlight(lines, async (line, i): Promise<LineOutcome> => {
    const base = { row: line.row, reference: line.reference, amountFen: line.amountFen };
    const verdict = verdicts[i];
    const applied =
      verdict !== 'record' ? verdict
      : recordedAt.has(i) ? { kind: line.outcome, ...reasonOf(line), changed: true }
      : await applyAgain(table, found[i]!.payment, line, at);
    if (applied.kind === 'unknown') return { ...base, ...applied };
    const { payment, attempt } = found[i]!;
    return { ...base, ...applied, who: names.get(beneficiaryKey(payment)) ?? '', attempt };
  });
}

type Verdict = { kind: 'paid' | 'failed'; reason?: string; changed: false } | { kind: 'unknown'; why: string };

const reasonOf = (line: ResultLine) => (line.outcome === 'failed' ? { reason: line.reason } : {});
const outcomeOf = (line: ResultLine, at: string) => ({ reference: line.reference, outcome: line.outcome, ...reasonOf(line), at });

/** What a line means for the payment as read: recorded already, refused and why, or to be recorded. */
function judge(line: ResultLine, found: Match | undefined): Verdict | 'record' {
  if (!found) return { kind: 'unknown', why: '本活动没有这个付款参考号' };
  const { payment, attempt } = found;
  const current = attemptOf(payment);
  if (attempt < current) {
    return { kind: 'unknown', why: `该参考号属于第${attempt}次发放，这笔付款已改为第${current}次发放（新的参考号），本行不予处理` };
  }
  if (line.amountFen !== payment.amountFen) {
    return { kind: 'unknown', why: `金额不符：结果文件为 ${formatYuan(line.amountFen)}，应付 ${formatYuan(payment.amountFen)}` };
  }
  const status = statusOf(payment);
  if (status === line.outcome) return { kind: line.outcome, ...reasonOf(line), changed: false };
  if (status !== 'issued') {
    return { kind: 'unknown', why: `这笔付款第${attemptOf(payment)}次发放已记为“${OUTCOME_TEXT[status]}”，与本行“${OUTCOME_TEXT[line.outcome]}”不符，未更改` };
  }
  return 'record';
}

/** A line whose write found the payment changed since it was read (the same file read at once, or a retry): read again and judged again. */
async function applyAgain(table: Table, read: PaymentStanding, line: ResultLine, at: string): Promise<{ kind: 'paid' | 'failed'; reason?: string; changed: boolean } | { kind: 'unknown'; why: string }> {
  for (let tries = 0; tries < 2; tries++) {
    const payment = await getPayment(table, read.campaignId, read.projectCode, read.idHash);
    if (!payment) break;
    if (attemptOf(payment) !== attemptOf(read)) return { kind: 'unknown', why: `这笔付款已改为第${attemptOf(payment)}次发放，本行不予处理` };
    const verdict = judge(line, { payment, attempt: attemptOf(read) });
    if (verdict !== 'record') return verdict;
    const [recorded] = await recordOutcomes(table, [{ payment, outcome: outcomeOf(line, at) }]);
    if (recorded) return { kind: line.outcome, ...reasonOf(line), changed: true };
  }
  return { kind: 'unknown', why: '这笔付款的状态正在变化，请稍后重新上传本文件' };
}
