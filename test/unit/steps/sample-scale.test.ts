import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitment } from '../../../functions/core/sampling.js';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { getSample, getStaffList, LIST_PART_KEYS, saveSample } from '../../../functions/data/samples.js';
import type { Table } from '../../../functions/data/table.js';
import type { Mail } from '../../../functions/shared/mailer.js';
import { payBatches, planPayments } from '../../../functions/steps/payments.js';
import { commitSamplingSeed, drawCallbackSample } from '../../../functions/steps/sampling.js';
import { startTable } from '../../support/table.js';

/** A district's sample (112,800 paid × 5% ≈ 5,640) in one stratum: all 6,000 paid drawn (rate 1). */
const PAID = 6000;
const person = (n: number) => n.toString(16).padStart(64, '0');
const STAFF = 'caller@mzj.example.cn';

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;
const mails: Mail[] = [];

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '抽样规模测试', coordinator: 'coordinator@mzj.example.cn', units: ['莘庄镇'], categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '项目MZ01', amountFen: 50000 }], approvers: ['chief@mzj.example.cn'], callbackStaff: [STAFF],
    callbackSampling: { rate: 1 },
  });
  const people: Beneficiary[] = Array.from({ length: PAID }, (_, n) => ({
    campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), idMasked: '310***********0000', name: `对象${n}`,
    phone: '13800138000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 2,
  }));
  await insertBeneficiaries(table, people);
  const plan = await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table });
  await payBatches({ campaignId: campaign.id, batches: plan.batches, executionId: 'x' }, { table });
}, 120_000);
afterAll(() => close());

const deps = () => ({ table, linkKey: 'k'.repeat(64), sendMail: async (m: Mail) => void mails.push(m), publicUrl: 'http://localhost' });

describe('a district-sized sample', () => {
  it('would not fit in one item (dynalite enforces the 400 KB limit)', async () => {
    const keys = Array.from({ length: PAID }, (_, n) => `MZ01#${person(n)}`);
    expect(JSON.stringify(keys).length).toBeGreaterThan(400 * 1024);
    const whole = saveSample(table, {
      campaignId: 'f'.repeat(8) + '-0000-4000-8000-' + '0'.repeat(12), commitment: 'c'.repeat(64), seed: 'e'.repeat(64), drawnAt: new Date().toISOString(),
      population: PAID, assignments: { [STAFF]: keys },
    });
    await expect(whole).rejects.toThrow(/size/i);
  });

  it('is stored as list parts apart from a small sample item, and reads back whole', async () => {
    await commitSamplingSeed({ campaignId: campaign.id }, deps());
    const result = await drawCallbackSample({ campaignId: campaign.id }, deps());
    expect(result.size).toBe(PAID);
    const sample = (await getSample(table, campaign.id))!;
    expect(sample.commitment).toBe(commitment(sample.seed));
    expect(JSON.stringify(sample).length).toBeLessThan(4 * 1024);
    const list = await getStaffList(table, sample, STAFF);
    expect(list).toHaveLength(PAID);
    expect(new Set(list).size).toBe(PAID);
    expect(Math.ceil(PAID / LIST_PART_KEYS)).toBe(3);
    expect(mails.filter((m) => m.to === STAFF)).toHaveLength(1);
    expect(mails.find((m) => m.to === STAFF)!.subject).toContain(`${PAID} 户`);
  }, 60_000);
});
