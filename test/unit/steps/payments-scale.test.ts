import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { excludeBeneficiary } from '../../../functions/data/exclusions.js';
import { getPaymentBatch, listPayments } from '../../../functions/data/payments.js';
import type { Table } from '../../../functions/data/table.js';
import { PAYMENT_BATCH_SIZE, payBatches, planPayments } from '../../../functions/steps/payments.js';
import { PAYMENT_BATCHES_PER_CHILD } from '../../../workflows/phases.js';
import { startTable } from '../../support/table.js';

const PEOPLE = 25_001;
const person = (n: number) => n.toString(16).padStart(64, '0');

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '规模测试', coordinator: 'coordinator@mzj.example.cn', units: ['莘庄镇'], categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '项目MZ01', amountFen: 50000 }], exclusivePairs: [],
    approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
  });
  const people: Beneficiary[] = Array.from({ length: PEOPLE }, (_, n) => ({
    campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), idMasked: '310***********0000', name: `对象${n}`,
    phone: '13800138000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 2,
  }));
  await insertBeneficiaries(table, people);
  // One excluded: 25,000 payable.
  await excludeBeneficiary(table, campaign.id, `MZ01#${person(7)}`, 'test');
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

  it('plans 25,000 payable beneficiaries into batch items and answers under 10 KB, the same when retried', async () => {
    plan = await planPayments({ campaignId: campaign.id }, { table });
    const size = Buffer.byteLength(JSON.stringify(plan));
    expect(size).toBeLessThan(10_000);
    expect(plan.beneficiaries).toBe(25_000);
    expect(plan.batches).toEqual(Array.from({ length: 25_000 / PAYMENT_BATCH_SIZE }, (_, n) => n));
    const first = await getPaymentBatch(table, campaign.id, 0);
    expect(first).toHaveLength(PAYMENT_BATCH_SIZE);
    expect(first).not.toContain(`MZ01#${person(7)}`);
    const planned = (await Promise.all(plan.batches.map((n) => getPaymentBatch(table, campaign.id, n)))).flat();
    expect(new Set(planned).size).toBe(25_000);

    const retried = await planPayments({ campaignId: campaign.id }, { table });
    expect(retried).toEqual(plan);
    expect((await Promise.all(plan.batches.map((n) => getPaymentBatch(table, campaign.id, n)))).flat()).toEqual(planned);
    console.info(`payment plan of ${plan.beneficiaries}: ${plan.batches.length} batches, state payload ${size} bytes`);
  }, 120_000);

  it('pays every planned beneficiary exactly once, all batches paid twice', async () => {
    expect(await payAll(plan.batches, 'first')).toEqual({ paid: 25_000, alreadyPaid: 0, missing: 0 });
    expect(await payAll(plan.batches, 'second')).toEqual({ paid: 0, alreadyPaid: 25_000, missing: 0 });
    const payments = await listPayments(table, campaign.id);
    expect(payments).toHaveLength(25_000);
    expect(new Set(payments.map((p) => p.idHash)).size).toBe(25_000);
    expect(payments.every((p) => p.executionId === 'first')).toBe(true);
    expect(payments.map((p) => p.idHash)).not.toContain(person(7));
  }, 300_000);

  it('fails a child whose batch was never planned', async () => {
    await expect(payBatches({ campaignId: campaign.id, batches: [plan.batches.length], executionId: 'x' }, { table })).rejects.toThrow(/not planned/);
  });
});
