import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_METHODS } from '../../../functions/core/payment-methods.js';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { beneficiaryKey, excludeBeneficiary } from '../../../functions/data/exclusions.js';
import { getPaymentBatch, listPayments, paymentProgress } from '../../../functions/data/payments.js';
import type { Table } from '../../../functions/data/table.js';
import { PAYMENT_BATCH_SIZE, payBatch, payBatches, planPayments } from '../../../functions/steps/payments.js';
import { PAYMENT_BATCHES_PER_CHILD } from '../../../workflows/phases.js';
import { startTable } from '../../support/table.js';

const PEOPLE = 25_001;
const person = (n: number) => n.toString(16).padStart(64, '0');
const UNITS = ['莘庄镇', '七宝镇', '浦江镇'];
const PROJECTS = [{ code: 'MZ01', amountFen: 50000 }, { code: 'MZ02', amountFen: 30050 }];
/** Person n's unit and project: uneven shares, so that pairs end in part-filled batches. */
const unitOf = (n: number) => UNITS[n % 7 < 4 ? 0 : n % 7 < 6 ? 1 : 2];
const projectOf = (n: number) => PROJECTS[n % 3 === 0 ? 1 : 0];

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;
let people: Beneficiary[];
const byKey = new Map<string, Beneficiary>();

const newCampaign = (name: string) => createCampaign(table, {
  name, coordinator: 'coordinator@mzj.example.cn', units: UNITS, categories: ['低保家庭', '困难老人'],
  projects: PROJECTS.map((p) => ({ code: p.code, name: `项目${p.code}`, amountFen: p.amountFen })), exclusivePairs: [],
  approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
});
const beneficiary = (campaignId: string, n: number): Beneficiary => ({
  campaignId, projectCode: projectOf(n).code, idHash: person(n), idMasked: '310***********0000', name: `对象${n}`,
  phone: '13800138000', unit: unitOf(n), category: n % 2 ? '低保家庭' : '困难老人', householdSize: 1 + (n % 3), amountFen: projectOf(n).amountFen,
  paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length], uploadId: 'u'.repeat(64), row: n + 2,
});

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await newCampaign('规模测试');
  people = Array.from({ length: PEOPLE }, (_, n) => beneficiary(campaign.id, n));
  for (const b of people) byKey.set(beneficiaryKey(b), b);
  await insertBeneficiaries(table, people);
  // One excluded: 25,000 payable.
  await excludeBeneficiary(table, campaign.id, beneficiaryKey(people[7]), 'test');
}, 120_000);
afterAll(() => close());

/** Every planned batch paid as the distributed Map would: PAYMENT_BATCHES_PER_CHILD numbers per child. */
async function payAll(batches: number[], executionId: string) {
  const total = { paid: 0, alreadyPaid: 0, missing: 0 };
  for (let i = 0; i < batches.length; i += PAYMENT_BATCHES_PER_CHILD) {
    const child = await payBatches({ campaignId: campaign.id, batches: batches.slice(i, i + PAYMENT_BATCHES_PER_CHILD), executionId }, { table });
    // A child's result is a few counts, whatever its batches hold.
    expect(JSON.stringify(child).length).toBeLessThan(100);
    total.paid += child.paid;
    total.alreadyPaid += child.alreadyPaid;
    total.missing += child.missing;
  }
  return total;
}

describe('payments at scale', () => {
  let plan: Awaited<ReturnType<typeof planPayments>>;

  it('plans 25,000 payable beneficiaries into batches of one (unit, project) pair each, answers under 10 KB, the same when retried', async () => {
    plan = await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table });
    const size = Buffer.byteLength(JSON.stringify(plan));
    expect(size).toBeLessThan(10_000);
    expect(plan.beneficiaries).toBe(25_000);
    const batches = await Promise.all(plan.batches.map(async (n) => (await getPaymentBatch(table, campaign.id, n))!));
    expect(plan.batches).toEqual(batches.map((_, n) => n));

    // Each pair's people fill whole batches, then one part-filled batch: no batch mixes two pairs.
    const pairOf = (key: string) => `${byKey.get(key)!.unit}/${byKey.get(key)!.projectCode}`;
    const perPair = new Map<string, number>();
    for (const b of people.slice(0, 7).concat(people.slice(8))) perPair.set(`${b.unit}/${b.projectCode}`, (perPair.get(`${b.unit}/${b.projectCode}`) ?? 0) + 1);
    expect(perPair.size).toBe(6);
    expect(batches).toHaveLength([...perPair.values()].reduce((n, count) => n + Math.ceil(count / PAYMENT_BATCH_SIZE), 0));
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(PAYMENT_BATCH_SIZE);
      expect(new Set(batch.map(pairOf)).size).toBe(1);
    }
    const planned = batches.flat();
    expect(new Set(planned).size).toBe(25_000);
    expect(planned).not.toContain(beneficiaryKey(people[7]));

    const retried = await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table });
    expect(retried).toEqual(plan);
    expect((await Promise.all(plan.batches.map((n) => getPaymentBatch(table, campaign.id, n)))).flat()).toEqual(planned);
    console.info(`payment plan of ${plan.beneficiaries}: ${plan.batches.length} batches, state payload ${size} bytes`);
  }, 120_000);

  it('pays every planned beneficiary exactly once, issued at attempt 1 with amount, method and unit; all batches paid twice', async () => {
    expect(await payAll(plan.batches, 'implement')).toEqual({ paid: 25_000, alreadyPaid: 0, missing: 0 });
    // Each batch recorded its tally: together, every payment and the plan's whole amount.
    const payable = people.filter((_, i) => i !== 7);
    const whole = { count: 25_000, totalFen: payable.reduce((sum, b) => sum + b.amountFen, 0) };
    expect(await paymentProgress(table, campaign.id)).toEqual({ ...whole, planned: whole });
    expect(await payAll(plan.batches, 'implement')).toEqual({ paid: 0, alreadyPaid: 25_000, missing: 0 });
    expect(await paymentProgress(table, campaign.id)).toEqual({ ...whole, planned: whole });
    const payments = await listPayments(table, campaign.id);
    expect(payments).toHaveLength(25_000);
    expect(new Set(payments.map((p) => beneficiaryKey(p))).size).toBe(25_000);
    expect(payments.map((p) => p.idHash)).not.toContain(person(7));
    for (const p of payments) {
      const b = byKey.get(beneficiaryKey(p))!;
      expect(p).toMatchObject({ executionId: 'implement', status: 'issued', attempt: 1, amountFen: b.amountFen, paymentMethod: b.paymentMethod, unit: b.unit });
      expect(Number.isInteger(p.amountFen)).toBe(true);
    }
  }, 300_000);

  it('fails a child whose batch was never planned', async () => {
    await expect(payBatches({ campaignId: campaign.id, batches: [plan.batches.length], executionId: 'x' }, { table })).rejects.toThrow(/not planned/);
  });
});

describe('the same beneficiary paid by 50 invocations at once', () => {
  it('records one payment: one invocation pays, 49 find it already paid', async () => {
    const own = await newCampaign('并发测试');
    const b = beneficiary(own.id, 1);
    await insertBeneficiaries(table, [b]);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => payBatch({ campaignId: own.id, keys: [beneficiaryKey(b)], executionId: `e${i}` }, { table })));
    expect(results.filter((r) => r.paid === 1)).toHaveLength(1);
    expect(results.filter((r) => r.alreadyPaid === 1)).toHaveLength(49);
    expect(results.every((r) => r.paid + r.alreadyPaid === 1 && r.missing === 0)).toBe(true);
    const payments = await listPayments(table, own.id);
    expect(payments).toHaveLength(1);
    // The one recorded is the winner's.
    expect(payments[0].executionId).toBe(`e${results.findIndex((r) => r.paid === 1)}`);
  });
});
