import type { PaymentMethod } from '../core/payment-methods.js';
import { getBeneficiaries, PAYEE_FIELDS, type Payee } from './beneficiaries.js';
import { beneficiaryKey } from './exclusions.js';
import { keys } from './keys.js';
import { allInProjectPartition } from './project-partition.js';
import { conditionOf, type FieldsHold, type Table } from './table.js';

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
  /**
   * Whom it pays, as the beneficiary stood when it was issued: channel, unit, name, masked and sealed
   * ID number, category, so that bank files, result files and the sample read the payments alone
   * (absent on older payments: withPayees reads them from the beneficiary).
   */
  paymentMethod?: PaymentMethod;
  unit?: string;
  name?: string;
  idMasked?: string;
  category?: string;
  sealedId?: string;
  /**
   * The account this attempt pays, sealed as the beneficiary's is (core/payee.ts): the beneficiary's
   * when issued, or a retry's correction, set in the same conditional write that makes the attempt,
   * so the retry that won is the one paid.
   */
  sealedAccount?: string;
  accountDigest?: string;
  /** Every attempt that has an outcome, oldest first: its bank reference, what the bank said, and when. */
  attempts?: PaymentAttempt[];
}

/** One finished attempt of a payment. */
export interface PaymentAttempt {
  attempt: number;
  reference: string;
  outcome: Exclude<PaymentStatus, 'issued'>;
  reason?: string;
  at: string;
}

export const statusOf = (p: Pick<Payment, 'status'>): PaymentStatus => p.status ?? 'issued';
export const attemptOf = (p: Pick<Payment, 'attempt'>): number => p.attempt ?? 1;

/** That the payment still stands at `status`, attempt `attempt` (items without them read as 'issued', 1). */
const standsAt = (status: PaymentStatus, attempt: number): FieldsHold => ({
  status: { equals: status, orMissing: status === 'issued' },
  attempt: { equals: attempt, orMissing: attempt === 1 },
});

const keyOf = (p: Pick<Payment, 'campaignId' | 'projectCode' | 'idHash'>) => keys.payment(p.campaignId, p.projectCode, p.idHash);

export const getPayment = (table: Table, campaignId: string, projectCode: string, idHash: string) =>
  table.get<Payment>(keys.payment(campaignId, projectCode, idHash));

/** What a bank's result lines are judged by: a payment's key, amount, unit and payee (masked), where it stands, and its attempts so far. */
export type PaymentStanding = Pick<Payment, 'campaignId' | 'projectCode' | 'idHash' | 'amountFen' | 'unit' | 'name' | 'idMasked' | 'status' | 'attempt' | 'attempts'>;
const STANDING_FIELDS = ['campaignId', 'projectCode', 'idHash', 'amountFen', 'unit', 'name', 'idMasked', 'status', 'attempt', 'attempts'] as const satisfies readonly (keyof PaymentStanding)[];

/**
 * Records the bank's outcome of each payment's current attempt: issued → paid or failed, only
 * while it is still issued at that attempt for that amount, so a result file read twice changes
 * nothing the second time. Each payment as read (or as it stood when its reference was kept); 25
 * to a request. Per outcome, in order: true if this call recorded it. The payments must be distinct.
 */
export function recordOutcomes(table: Table, outcomes: readonly { payment: Pick<PaymentStanding, 'campaignId' | 'projectCode' | 'idHash' | 'amountFen' | 'attempt' | 'attempts'>; outcome: Omit<PaymentAttempt, 'attempt'> }[]): Promise<boolean[]> {
  return table.updateMany(
    outcomes.map(({ payment, outcome }) => {
      const attempt = attemptOf(payment);
      return {
        key: keyOf(payment),
        fields: {
          status: outcome.outcome,
          attempt,
          failure: outcome.outcome === 'failed' ? (outcome.reason ?? '') : undefined,
          // The attempts as read: they change only with the status this write requires to be 'issued'.
          attempts: [...(payment.attempts ?? []), { ...outcome, attempt }],
        },
        where: { ...standsAt('issued', attempt), amountFen: { equals: payment.amountFen } },
      };
    }),
  );
}

/**
 * Issues a failed payment again as its next attempt, only while it is failed at the attempt read:
 * of two retries at once, one makes the attempt. The same item: a retry is never a second payment.
 */
export function reissue(table: Table, payment: Payment, at: Date, corrected?: Pick<Payment, 'sealedAccount' | 'accountDigest'>): Promise<boolean> {
  const attempt = attemptOf(payment);
  const { failure: _failure, ...rest } = payment;
  return table.replaceIf(keyOf(payment), { ...rest, ...corrected, status: 'issued', attempt: attempt + 1, reissuedAt: at.toISOString() }, conditionOf(standsAt('failed', attempt)));
}

/**
 * Records payments, each one conditional write keyed by (campaign, project, beneficiary), 25 to a
 * request (PartiQL INSERT), a few requests in flight: a retried or duplicated invocation pays
 * nobody twice. Per payment, in order: true if this call recorded it, false if it was there
 * already. The payments must name distinct beneficiaries.
 */
export function issuePayments(table: Table, payments: readonly Payment[]): Promise<boolean[]> {
  return table.insertMany(payments.map((p) => ({ ...p, ...keys.payment(p.campaignId, p.projectCode, p.idHash) })));
}

/** One payment, as issuePayments records it. True if this call paid. */
export const payOnce = async (table: Table, payment: Payment) => (await issuePayments(table, [payment]))[0];

export const listPayments = (table: Table, campaignId: string) => allInProjectPartition<Payment>(table, campaignId, keys.paymentPartition(campaignId).pk);

/**
 * A payment as the payments page and the bank files read it: where it stands, its channel, its
 * sealed payee and why it failed; not its execution, times or account digest.
 */
export type PaymentListing = PaymentStanding & Pick<Payment, 'paymentMethod' | 'sealedId' | 'sealedAccount' | 'failure'>;
const LISTED_FIELDS = [...STANDING_FIELDS, 'paymentMethod', 'sealedId', 'sealedAccount', 'failure'] as const satisfies readonly (keyof PaymentListing)[];

/** Every payment of a campaign as a PaymentListing. */
export const listPaymentListings = (table: Table, campaignId: string) => allInProjectPartition<PaymentListing>(table, campaignId, keys.paymentPartition(campaignId).pk, LISTED_FIELDS);

/**
 * The payments still issued that may wait in `channel`: those issued to it, and older ones whose
 * channel only their beneficiary holds (see withPayees). What a bank file reads: no other is sent.
 */
export const listPaymentsWaitingIn = (table: Table, campaignId: string, channel: PaymentMethod) =>
  allInProjectPartition<PaymentListing>(table, campaignId, keys.paymentPartition(campaignId).pk, LISTED_FIELDS, {
    status: { equals: 'issued', orMissing: true },
    paymentMethod: { equals: channel, orMissing: true },
  });

/** Every payment of a campaign as PaymentStanding: without its account, execution and times. */
export const listPaymentStandings = (table: Table, campaignId: string) => allInProjectPartition<PaymentStanding>(table, campaignId, keys.paymentPartition(campaignId).pk, STANDING_FIELDS);

/** The standings of the named payments, in their order; undefined where there is none. */
export const getPaymentStandings = (table: Table, campaignId: string, payments: readonly Pick<Payment, 'projectCode' | 'idHash'>[]) =>
  table.getMany<PaymentStanding>(payments.map((p) => keys.payment(campaignId, p.projectCode, p.idHash)), STANDING_FIELDS);

/** Whose every payment of a campaign is, where it stands, and its payee's unit and category: what the sample reads (see withPayees). */
export const listPaymentStrata = (table: Table, campaignId: string) =>
  allInProjectPartition<Pick<Payment, 'projectCode' | 'idHash' | 'status' | 'unit' | 'category' | 'idMasked'>>(table, campaignId, keys.paymentPartition(campaignId).pk, ['projectCode', 'idHash', 'status', 'unit', 'category', 'idMasked']);

/** Whose every payment of a campaign is and where it stands, and nothing else: what the summary reads. */
export const listPaymentStatuses = (table: Table, campaignId: string) =>
  allInProjectPartition<Pick<Payment, 'projectCode' | 'idHash' | 'status'>>(table, campaignId, keys.paymentPartition(campaignId).pk, ['projectCode', 'idHash', 'status']);

/** Whether a payment was issued with its payee (every beneficiary has a masked ID number). */
const issuedWithPayee = (p: Pick<Payment, 'idMasked'>) => p.idMasked !== undefined;

/**
 * The payments with their payees: each as issued, or, for a payment issued before payments kept
 * them, filled from its beneficiary (read by key, those only); its own fields (a retry's corrected
 * account) win. A payment whose beneficiary is gone stays without. Read payments with `idMasked`.
 */
export async function withPayees<P extends Pick<Payment, 'projectCode' | 'idHash' | 'idMasked'>>(table: Table, campaignId: string, payments: readonly P[]): Promise<(P & Payee)[]> {
  const older = payments.filter((p) => !issuedWithPayee(p));
  if (older.length === 0) return [...payments];
  const read = await getBeneficiaries(table, campaignId, older, [...PAYEE_FIELDS, 'projectCode', 'idHash']);
  const payees = new Map(read.flatMap((b) => (b ? [[beneficiaryKey(b), b] as const] : [])));
  return payments.map((p) => (issuedWithPayee(p) ? p : { ...payees.get(beneficiaryKey(p)), ...p }));
}

/** The amount of every payment of a campaign, and nothing else: what totals read. */
export const listPaymentAmounts = (table: Table, campaignId: string) => allInProjectPartition<Pick<Payment, 'amountFen'>>(table, campaignId, keys.paymentPartition(campaignId).pk, ['amountFen']);

/** Writes batch n of a payment plan: the keys (`projectCode#idHash`) it pays. A retried plan writes it again, the same. */
export const savePaymentBatch = (table: Table, campaignId: string, n: number, beneficiaryKeys: readonly string[]) =>
  table.put(keys.paymentBatch(campaignId, n), { keys: [...beneficiaryKeys] });

export async function getPaymentBatch(table: Table, campaignId: string, n: number): Promise<string[] | undefined> {
  return (await table.get<{ keys: string[] }>(keys.paymentBatch(campaignId, n)))?.keys;
}

/** Counts and money, no one named. */
export interface PaymentCount {
  count: number;
  totalFen: number;
}

/** A payment plan as 实施 records it: the execution that made it, its number of batches, and what it pays in all. */
export interface PaymentPlanRecord {
  executionId: string;
  batches: number;
  payable: PaymentCount;
}

/** Records a campaign's payment plan; a retried plan step records the same again. */
export const savePaymentPlan = (table: Table, campaignId: string, plan: PaymentPlanRecord) => table.put(keys.paymentPlan(campaignId), { campaignId, ...plan });

/**
 * Records what a group of batches (a child execution's) paid in one execution: their payees, paid
 * by it or before. Written only if absent (PartiQL INSERT, as payments are: the payment function
 * never overwrites an item); a retried group would record the same.
 */
export async function saveTally(table: Table, campaignId: string, batches: readonly number[], tally: PaymentCount & { executionId: string }): Promise<void> {
  await table.insertMany([{ ...keys.paymentTally(campaignId, tally.executionId, Math.min(...batches)), batches: [...batches], ...tally }]);
}

/**
 * How far the latest payment plan has paid, from its execution's tallies (a few fields per group
 * of batches, not every payment): the payments of the batches paid so far, and what the plan pays
 * in all. A tally naming a batch past the plan's does not count. Undefined without a plan.
 */
export async function paymentProgress(table: Table, campaignId: string): Promise<(PaymentCount & { planned: PaymentCount }) | undefined> {
  const plan = await table.get<PaymentPlanRecord>(keys.paymentPlan(campaignId));
  if (!plan) return undefined;
  const { pk, skPrefix } = keys.paymentTallyPrefix(campaignId, plan.executionId);
  const paid = (await table.all<PaymentCount & { batches: number[] }>(pk, skPrefix)).filter((t) => t.batches.every((n) => n < plan.batches));
  return { count: paid.reduce((sum, t) => sum + t.count, 0), totalFen: paid.reduce((sum, t) => sum + t.totalFen, 0), planned: plan.payable };
}
