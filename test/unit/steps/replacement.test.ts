import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawStratified, stratumKey } from '../../../functions/core/strata.js';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { payOnce } from '../../../functions/data/payments.js';
import { getReplacements, getSample, getStaffList, type Sample } from '../../../functions/data/samples.js';
import type { Table } from '../../../functions/data/table.js';
import { replaceUnreached } from '../../../functions/steps/replacement.js';
import { commitSamplingSeed, drawCallbackSample } from '../../../functions/steps/sampling.js';
import { startTable } from '../../support/table.js';

/** One stratum of 12 paid: 3 drawn, 6 stored as the replacement order's head, 3 more follow from the seed. */
const PAID = 12;
const STRATUM = stratumKey('莘庄镇', '低保家庭');
const person = (n: number) => n.toString(16).padStart(64, '0');
const [A, B] = ['a@mzj.example.cn', 'b@mzj.example.cn'];

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;
let sample: Sample;
let order: string[];

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '替换测试', coordinator: 'coordinator@mzj.example.cn', units: ['莘庄镇'], categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '项目MZ01', amountFen: 50000 }], approvers: ['chief@mzj.example.cn'], callbackStaff: [A, B],
    callbackSampling: { rate: 0.05, minimum: 3 },
  });
  const people: Beneficiary[] = Array.from({ length: PAID }, (_, n) => ({
    campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), idMasked: '310***********0000', name: `对象${n}`,
    phone: '13800138000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 2,
  }));
  await insertBeneficiaries(table, people);
  for (const p of people) await payOnce(table, { campaignId: campaign.id, projectCode: 'MZ01', idHash: p.idHash, amountFen: 50000, paidAt: '2026-01-20T00:00:00Z', executionId: 'x' });
  const deps = { table, linkKey: 'k'.repeat(64), sendMail: async () => undefined, publicUrl: 'http://localhost' };
  await commitSamplingSeed({ campaignId: campaign.id }, deps);
  await drawCallbackSample({ campaignId: campaign.id }, deps);
  sample = (await getSample(table, campaign.id))!;
  const population = Array.from({ length: PAID }, (_, n) => ({ id: `MZ01#${person(n)}`, stratum: STRATUM }));
  order = drawStratified(sample.seed, population, sample.rules)[0].replacements;
}, 30_000);
afterAll(() => close());

const replace = (replacedKey: string, staff: string) => replaceUnreached({ sample, replacedKey, stratum: STRATUM, staff }, { table, now: new Date('2026-02-10T00:00:00Z') });

describe('replaceUnreached', () => {
  it('stores only the head of the order', async () => {
    expect(order).toHaveLength(PAID - 3);
    expect(await getReplacements(table, campaign.id, STRATUM)).toEqual(order.slice(0, 6));
  });

  it('gives two staff members replacing in the same stratum at once different people, the first of the order', async () => {
    const [a] = await getStaffList(table, sample, A);
    const [b] = await getStaffList(table, sample, B);
    const [ra, rb] = await Promise.all([replace(a, A), replace(b, B)]);
    expect(ra.replacementKey).not.toBe(rb.replacementKey);
    expect([ra.replacementKey, rb.replacementKey].sort()).toEqual(order.slice(0, 2).sort());
    expect(ra.staff).toBe(A);
    expect(rb.staff).toBe(B);
    // Asked again (a retried request), the same answer; nobody else is taken.
    expect((await replace(a, A)).replacementKey).toBe(ra.replacementKey);
  });

  it('goes on in order past the stored head, from the seed, until the stratum has no one left', async () => {
    // A's second person, the one drawn person not replaced yet.
    const [, second] = await getStaffList(table, sample, A);
    const third = await replace(second, A);
    expect(third.replacementKey).toBe(order[2]);
    // Replacements can themselves go unanswered: each takes the next of the order.
    const taken = [third.replacementKey!];
    for (let i = 3; i < order.length; i++) {
      const r = await replace(taken.at(-1)!, A);
      expect(r.replacementKey).toBe(order[i]);
      taken.push(r.replacementKey!);
    }
    expect(taken.slice(4)).toEqual(order.slice(6)); // beyond the stored head
    const last = await replace(taken.at(-1)!, A);
    expect(last.exhausted).toBe(true);
    expect(last.replacementKey).toBeUndefined();
  });
});
