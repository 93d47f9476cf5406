import type { ResultLine } from '../core/bank-result.js';
import { formatYuan } from '../core/money.js';
import { lineLabel } from '../core/plan.js';
import { paymentReference } from '../core/payment-reference.js';
import type { SealKeys } from '../core/seal.js';
import { beneficiaryKey } from '../data/exclusions.js';
import { attemptOf, getPayment, getPaymentStandings, listPaymentStandings, recordOutcomes, statusOf, withPayees, type PaymentAttempt, type PaymentStanding } from '../data/payments.js';
import type { Table } from '../data/table.js';
import { inFlight } from '../data/in-flight.js';
import { LatestCampaigns } from '../shared/latest-campaigns.js';

/** What one line of a result file did: matched as paid or failed (changed, or recorded before), or unknown, and why. */
export type LineOutcome = { row: number; reference: string; amountFen: number } & (
  | { kind: 'paid' | 'failed'; who: string; attempt: number; reason?: string; changed: boolean }
  | { kind: 'unknown'; why: string }
);

const OUTCOME_TEXT = { paid: '成功', failed: '失败' } as const;
const NO_SUCH_REFERENCE = '本活动没有这个付款参考号';

/**
 * One attempt of one payment, as its reference names it. While that attempt waited for the bank
 * when the reference was kept, also how it stood then (`waiting`): a line for it is recorded by a
 * write conditional on that, with no read first.
 */
interface Reference {
  projectCode: string;
  idHash: string;
  attempt: number;
  waiting?: { amountFen: number; attempts?: PaymentAttempt[]; who: string };
}
/** A payment as far as its references go. */
type Attempted = Pick<PaymentStanding, 'campaignId' | 'projectCode' | 'idHash' | 'attempt' | 'attempts' | 'amountFen' | 'status' | 'unit' | 'name' | 'idMasked'>;
/** A payment as a line's write needs it. */
type Recordable = Pick<PaymentStanding, 'campaignId' | 'projectCode' | 'idHash' | 'amountFen' | 'attempt' | 'attempts'>;

/**
 * References of a campaign's payment attempts: a reference names one attempt of one payment for
 * good, so a warm sandbox keeps them between result files (the latest few campaigns). A bank file
 * adds its payments' (rememberReferences); a result file naming a reference the index lacks reads
 * every payment and indexes them all.
 */
const referenceIndexes = new LatestCampaigns<Map<string, Reference>>(4);

/** Whom a payment pays, as lines name them (masked); its unit only for a payment issued without its payee. */
const whoOf = ({ unit = '', name = '', idMasked }: Pick<PaymentStanding, 'unit' | 'name' | 'idMasked'>) => (idMasked === undefined ? unit : lineLabel({ unit, name, idMasked }));

/** Adds every attempt's reference of each payment to `index`, with how the current attempt stands while it waits. */
function addReferences(index: Map<string, Reference>, keys: SealKeys, payments: readonly Attempted[]) {
  for (const payment of payments) {
    const { projectCode, idHash, amountFen, attempts } = payment;
    const current = attemptOf(payment);
    for (let attempt = 1; attempt <= current; attempt++) {
      const reference: Reference = { projectCode, idHash, attempt };
      // Only with its payee (older payments read it from the beneficiary: see withPayees).
      if (attempt === current && statusOf(payment) === 'issued' && payment.idMasked !== undefined) reference.waiting = { amountFen, attempts, who: whoOf(payment) };
      index.set(paymentReference(keys, payment, attempt), reference);
    }
  }
  return index;
}

/** The payments of a bank file just made: the bank's results will name them, and need not read every payment to find them. */
export function rememberReferences(keys: SealKeys, campaignId: string, payments: readonly Attempted[]): void {
  referenceIndexes.keep(campaignId, addReferences(referenceIndexes.get(campaignId) ?? new Map(), keys, payments));
}

/** The index that knows every line's reference, if any does: the kept one, or one made from every payment. */
async function referencesFor(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[]) {
  const kept = referenceIndexes.get(campaignId);
  if (kept && lines.every((l) => kept.has(l.reference))) return kept;
  return referenceIndexes.keep(campaignId, addReferences(new Map(), keys, await listPaymentStandings(table, campaignId)));
}

/** The line's reference as it waited, for the line's amount: recorded as it stood, unread. */
const waitingFor = (line: ResultLine, reference: Reference | undefined) => (reference?.waiting?.amountFen === line.amountFen ? reference.waiting : undefined);

/** Who each payment pays, by beneficiary key. */
async function whoIsPaid(table: Table, campaignId: string, payments: readonly PaymentStanding[]): Promise<Map<string, string>> {
  const payees = await withPayees(table, campaignId, payments);
  return new Map(payees.map((p) => [beneficiaryKey(p), whoOf(p)]));
}

/** What a line comes to before any write: a verdict, or the payment to record it on, with whom it pays. */
type Judged = { verdict: Verdict; who?: string } | { record: Recordable; who: string };

/**
 * Applies a bank's result lines: each line is matched to the current attempt of one payment by its
 * reference and amount, and that attempt goes from issued to paid or failed with one conditional
 * write. A reference of no payment, of an older attempt, or an amount that differs is unknown and
 * changes nothing. Reading the same file again changes nothing: its lines were recorded before.
 * A line whose reference was kept while it waited is written as it stood then; the others are
 * judged as their payments stand now, read by key. The writes go many to a request; a line whose
 * write finds its payment changed is read and judged again.
 */
export async function reconcile(table: Table, keys: SealKeys, campaignId: string, lines: readonly ResultLine[], now: Date): Promise<LineOutcome[]> {
  const index = await referencesFor(table, keys, campaignId, lines);
  const references = lines.map((l) => index.get(l.reference));
  const unread = [...new Map(references.flatMap((r, i) => (r && !waitingFor(lines[i], r) ? [[beneficiaryKey(r), r] as const] : []))).values()];
  const read = unread.length > 0 ? (await getPaymentStandings(table, campaignId, unread)).filter((p) => p !== undefined) : [];
  const standings = new Map(read.map((p) => [beneficiaryKey(p), p]));
  const names = await whoIsPaid(table, campaignId, read);

  const judged = lines.map((line, i): Judged => {
    const reference = references[i];
    if (!reference) return { verdict: { kind: 'unknown', why: NO_SUCH_REFERENCE } };
    const key = beneficiaryKey(reference);
    const waiting = waitingFor(line, reference);
    if (waiting) return { record: { campaignId, projectCode: reference.projectCode, idHash: reference.idHash, amountFen: waiting.amountFen, attempt: reference.attempt, attempts: waiting.attempts }, who: waiting.who };
    const payment = standings.get(key);
    const verdict = judge(line, payment && { payment, attempt: reference.attempt });
    return verdict === 'record' ? { record: payment!, who: names.get(key) ?? '' } : { verdict, who: names.get(key) };
  });

  // One request holds each payment once: a second line naming it goes the one-by-one way below.
  const batched: { i: number; payment: Recordable }[] = [];
  const writing = new Set<string>();
  judged.forEach((j, i) => {
    if (!('record' in j) || writing.has(beneficiaryKey(j.record))) return;
    batched.push({ i, payment: j.record });
    writing.add(beneficiaryKey(j.record));
  });
  const at = now.toISOString();
  const recorded = await recordOutcomes(table, batched.map(({ i, payment }) => ({ payment, outcome: outcomeOf(lines[i], at) })));
  const recordedAt = new Set(batched.filter((_, n) => recorded[n]).map(({ i }) => i));
  // Written or found changed, a payment no longer waits as kept: a later line for it reads how it stands.
  for (const { i } of batched) delete references[i]!.waiting;

  return inFlight(lines, async (line, i): Promise<LineOutcome> => {
    const base = { row: line.row, reference: line.reference, amountFen: line.amountFen };
    const j = judged[i];
    const { applied, who } =
      'verdict' in j ? { applied: j.verdict, who: j.who }
      : recordedAt.has(i) ? { applied: { kind: line.outcome, ...reasonOf(line), changed: true }, who: j.who }
      : await applyAgain(table, campaignId, references[i]!, line, at);
    if (applied.kind === 'unknown') return { ...base, ...applied };
    return { ...base, ...applied, who: who ?? '', attempt: references[i]!.attempt };
  });
}

type Verdict = { kind: 'paid' | 'failed'; reason?: string; changed: false } | { kind: 'unknown'; why: string };
type Applied = { kind: 'paid' | 'failed'; reason?: string; changed: boolean } | { kind: 'unknown'; why: string };

const reasonOf = (line: ResultLine) => (line.outcome === 'failed' ? { reason: line.reason } : {});
const outcomeOf = (line: ResultLine, at: string) => ({ reference: line.reference, outcome: line.outcome, ...reasonOf(line), at });

/** What a line means for the payment as read (at the attempt its reference names): recorded already, refused and why, or to be recorded. */
function judge(line: ResultLine, found: { payment: PaymentStanding; attempt: number } | undefined): Verdict | 'record' {
  if (!found) return { kind: 'unknown', why: NO_SUCH_REFERENCE };
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

/**
 * A line whose write found its payment changed since it stood as judged (the same file read at
 * once, a retry), or that named a payment a line before it wrote: read, judged and written again.
 */
async function applyAgain(table: Table, campaignId: string, reference: Reference, line: ResultLine, at: string): Promise<{ applied: Applied; who?: string }> {
  for (let tries = 0; tries < 2; tries++) {
    const payment = await getPayment(table, campaignId, reference.projectCode, reference.idHash);
    if (!payment) break;
    const who = (await whoIsPaid(table, campaignId, [payment])).get(beneficiaryKey(payment));
    const verdict = judge(line, { payment, attempt: reference.attempt });
    if (verdict !== 'record') return { applied: verdict, who };
    const [recorded] = await recordOutcomes(table, [{ payment, outcome: outcomeOf(line, at) }]);
    if (recorded) return { applied: { kind: line.outcome, ...reasonOf(line), changed: true }, who };
  }
  return { applied: { kind: 'unknown', why: '这笔付款的状态正在变化，请稍后重新上传本文件' } };
}
