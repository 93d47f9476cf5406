import { payeeOf } from '../data/beneficiaries.js';
import { getCampaign } from '../data/campaigns.js';
import { beneficiaryKey, getPaymentEntries, isExcluded, listRegisterEntries, parseBeneficiaryKey, type PaymentEntry, type RegisterEntry } from '../data/exclusions.js';
import { inFlight } from '../data/in-flight.js';
import { heldLineKeys } from '../data/objections.js';
import { paymentBatches } from '../core/payment-batches.js';
import { getPaymentBatch, issuePayments, savePaymentBatch, savePaymentPlan, saveTally, type Payment } from '../data/payments.js';
import type { Table } from '../data/table.js';

export const PAYMENT_BATCH_SIZE = 100;

/** The payment rule: a beneficiary is paid unless excluded or held by an open objection from the posting. */
const isPayable = (b: RegisterEntry, held: ReadonlySet<string>) => !isExcluded(b) && !held.has(beneficiaryKey(b));

/** The register as it may be paid (only what the plan reads of each beneficiary). */
async function payableBeneficiaries(table: Table, campaignId: string) {
  const [records, held] = await Promise.all([listRegisterEntries(table, campaignId), heldLineKeys(table, campaignId)]);
  const holds = new Set(held);
  return records.filter((b) => isPayable(b, holds));
}

/** Batch items written at the same time by the plan. */
const CONCURRENCY = 8;

/**
 * Splits the payable register into payment batches (see paymentBatches: one (unit, project) pair
 * each, at most PAYMENT_BATCH_SIZE keys, the same cut for the same register, so a retried plan
 * writes the same batches), written as items, and answers only their numbers: the workflow's
 * payload stays small whatever the register's size. Excluded and held beneficiaries are in no
 * batch. Batches of an earlier, longer plan stay behind, unread (keys only). Last, the plan is
 * recorded with its execution (`executionId`), so that the batches' tallies show its progress.
 */
export async function planPayments(input: { campaignId: string; executionId: string }, deps: { table: Table }) {
  const campaign = await getCampaign(deps.table, input.campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${input.campaignId}`);
  const payable = await payableBeneficiaries(deps.table, campaign.id);
  const planned = paymentBatches(payable, PAYMENT_BATCH_SIZE).map((batch) => batch.map(beneficiaryKey));
  const batches = planned.map((_, n) => n);
  await inFlight(batches, (n) => savePaymentBatch(deps.table, campaign.id, n, planned[n]), CONCURRENCY);
  await savePaymentPlan(deps.table, campaign.id, { executionId: input.executionId, batches: batches.length, payable: countOf(payable) });
  return { campaignId: campaign.id, beneficiaries: payable.length, batches };
}

const countOf = (people: readonly Pick<PaymentEntry, 'amountFen'>[]) => ({ count: people.length, totalFen: people.reduce((sum, b) => sum + b.amountFen, 0) });

/**
 * Pays the keys of some planned batches (a distributed Map's group of batch numbers), as payBatch
 * does: each key once; the batches at once, the open objections read once for all of them. A
 * batch that is not there fails the step: the plan did not write it. Once paid, the batches record
 * their tally (their payees, paid now or before), which the campaign page adds up while 实施 pays.
 */
export async function payBatches(input: { campaignId: string; batches: number[]; executionId: string }, deps: { table: Table; now?: Date }) {
  const [batches, held] = await Promise.all([
    Promise.all(input.batches.map(async (n) => {
      const batch = await getPaymentBatch(deps.table, input.campaignId, n);
      if (!batch) throw new Error(`Payment batch ${n} of campaign ${input.campaignId} was not planned`);
      return batch;
    })),
    heldLineKeys(deps.table, input.campaignId),
  ]);
  const holds = new Set(held);
  const paidAt = (deps.now ?? new Date()).toISOString();
  const results = await Promise.all(batches.map((keys) => payKeys({ ...input, keys }, holds, paidAt, deps.table)));
  await saveTally(deps.table, input.campaignId, input.batches, { executionId: input.executionId, ...countOf(results.flatMap((r) => r.payees)) });
  return results.reduce((total, r) => ({ paid: total.paid + r.paid, alreadyPaid: total.alreadyPaid + r.alreadyPaid, missing: total.missing + r.missing }), { paid: 0, alreadyPaid: 0, missing: 0 });
}

/**
 * Pays the given keys. Each payment is one conditional write keyed by (campaign, project,
 * beneficiary) (issuePayments: conditional INSERTs, 25 to a request), so a retried or duplicated
 * invocation pays nobody twice: a payment already there counts as alreadyPaid. A new payment is
 * 'issued', attempt 1, with the beneficiary's amount (fen) and payee (channel, unit, who, sealed ID
 * number and account). A key whose beneficiary is absent, excluded (a resolved conflict, an upheld
 * objection) or held by an open objection is not paid: it counts as missing.
 */
export async function payBatch(input: { campaignId: string; keys: string[]; executionId: string }, deps: { table: Table; now?: Date }) {
  const held = new Set(await heldLineKeys(deps.table, input.campaignId));
  const { payees: _payees, ...result } = await payKeys(input, held, (deps.now ?? new Date()).toISOString(), deps.table);
  return result;
}

async function payKeys(input: { campaignId: string; keys: string[]; executionId: string }, holds: ReadonlySet<string>, paidAt: string, table: Table) {
  const people = [...new Set(input.keys)].map(parseBeneficiaryKey).filter((p) => p !== undefined);
  // Only the beneficiaries named, by key: a child execution reads its own thousand, not the register.
  const records = await getPaymentEntries(table, input.campaignId, people);
  const beneficiaries = records.filter((b): b is PaymentEntry => b !== undefined && isPayable(b, holds));
  const payments: Payment[] = beneficiaries.map((b) => ({
    campaignId: input.campaignId, projectCode: b.projectCode, idHash: b.idHash, amountFen: b.amountFen, paidAt, executionId: input.executionId,
    status: 'issued', attempt: 1, ...payeeOf(b),
  }));
  const fresh = await issuePayments(table, payments);
  const paid = fresh.filter(Boolean).length;
  // Every payable key has its payment now, made by this call or before: these are the payees.
  return { paid, alreadyPaid: fresh.length - paid, missing: input.keys.length - beneficiaries.length, payees: beneficiaries };
}
