import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitment } from '../../../functions/core/sampling.js';
import { drawStratified, stratumKey } from '../../../functions/core/strata.js';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { payOnce } from '../../../functions/data/payments.js';
import { getReplacements, getSample, getSeedCommitment, getStaffList } from '../../../functions/data/samples.js';
import type { Table } from '../../../functions/data/table.js';
import type { Mail } from '../../../functions/shared/mailer.js';
import { commitSamplingSeed, drawCallbackSample } from '../../../functions/steps/sampling.js';
import { startTable } from '../../support/table.js';

const person = (n: number) => n.toString(16).padStart(64, '0');
const UNITS = ['莘庄镇', '七宝镇'];
const CATEGORIES = ['低保家庭', '困难老人'];
/** 130 people: unit and category by n; n ≥ 120 nominated but not paid. */
const PEOPLE = 130;
const PAID = 120;
const STAFF_RELATIVE = `MZ01#${person(3)}`;

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;
const mails: Mail[] = [];

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '抽样测试', coordinator: 'coordinator@mzj.example.cn', units: UNITS, categories: CATEGORIES,
    projects: [{ code: 'MZ01', name: '项目MZ01', amountFen: 50000 }],
    approvers: ['chief@mzj.example.cn'], callbackStaff: ['a@mzj.example.cn', 'b@mzj.example.cn'],
    callbackSampling: { rate: 0.05, minimum: 3, overrides: [{ ids: [STAFF_RELATIVE], rate: 1 }] },
  });
  const people: Beneficiary[] = Array.from({ length: PEOPLE }, (_, n) => ({
    campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), idMasked: '310***********0000', name: `对象${n}`,
    phone: '13800138000', unit: UNITS[n % 2], category: CATEGORIES[n % 5 === 0 ? 1 : 0], householdSize: 1, amountFen: 50000,
    paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 2,
  }));
  await insertBeneficiaries(table, people);
  for (let n = 0; n < PAID; n++) {
    await payOnce(table, { campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), amountFen: 50000, paidAt: '2025-12-20T00:00:00Z', executionId: 'x' });
  }
}, 60_000);
afterAll(() => close());

const deps = () => ({ table, linkKey: 'k'.repeat(64), sendMail: async (m: Mail) => void mails.push(m), publicUrl: 'http://localhost', now: new Date('2025-12-21T00:00:00Z') });

/** The paid list as anyone re-drawing it would build it. */
const paidPopulation = () => Array.from({ length: PAID }, (_, n) => ({
  id: `MZ01#${person(n)}`, stratum: stratumKey(UNITS[n % 2], CATEGORIES[n % 5 === 0 ? 1 : 0]),
}));

/** Everyone on the staff lists, per staff member. */
const lists = async () => {
  const sample = (await getSample(table, campaign.id))!;
  return Object.fromEntries(await Promise.all(campaign.callbackStaff.map(async (s) => [s, await getStaffList(table, sample, s)] as const)));
};

describe('commitSamplingSeed', () => {
  it('commits a seed, mails the coordinator its SHA-256 only, and keeps it on retry', async () => {
    expect(await drawCallbackSample({ campaignId: campaign.id }, deps()).catch((e: Error) => e.message)).toContain('No seed committed');
    const first = await commitSamplingSeed({ campaignId: campaign.id }, deps());
    const committed = (await getSeedCommitment(table, campaign.id))!;
    expect(first.commitment).toBe(commitment(committed.seed));
    expect(committed.committedAt).toBe('2025-12-21T00:00:00.000Z');
    // Not drawn yet: the sample is not there, so no page can show the seed.
    expect(await getSample(table, campaign.id)).toBeUndefined();
    expect(mails.map((m) => m.to)).toEqual(['coordinator@mzj.example.cn']);
    expect(mails[0].text).toContain(first.commitment);
    expect(mails[0].text + mails[0].html).not.toContain(committed.seed);
    const again = await commitSamplingSeed({ campaignId: campaign.id }, deps());
    expect(again.commitment).toBe(first.commitment);
    expect((await getSeedCommitment(table, campaign.id))!.seed).toBe(committed.seed);
    expect(mails).toHaveLength(1);
  });
});

describe('drawCallbackSample', () => {
  it('draws with the committed seed; stores strata counts, the rules and a sample anyone can redraw', async () => {
    const committed = (await getSeedCommitment(table, campaign.id))!;
    const result = await drawCallbackSample({ campaignId: campaign.id }, deps());
    const sample = (await getSample(table, campaign.id))!;
    expect(sample.seed).toBe(committed.seed);
    expect(sample.commitment).toBe(commitment(sample.seed));
    expect(sample.rules).toEqual(campaign.callbackSampling);
    // 莘庄镇: n even (60 paid): 12 困难老人 (n % 10 = 0), 48 低保家庭; 七宝镇 likewise.
    expect(sample.strata).toEqual([
      { stratum: '七宝镇|低保家庭', unit: '七宝镇', category: '低保家庭', population: 48, quota: 3, drawn: 4, extra: 1, replacementsStored: 8 },
      { stratum: '七宝镇|困难老人', unit: '七宝镇', category: '困难老人', population: 12, quota: 3, drawn: 3, extra: 0, replacementsStored: 6 },
      { stratum: '莘庄镇|低保家庭', unit: '莘庄镇', category: '低保家庭', population: 48, quota: 3, drawn: 3, extra: 0, replacementsStored: 6 },
      { stratum: '莘庄镇|困难老人', unit: '莘庄镇', category: '困难老人', population: 12, quota: 3, drawn: 3, extra: 0, replacementsStored: 6 },
    ]);
    expect(result).toEqual({ campaignId: campaign.id, commitment: sample.commitment, population: PAID, size: 13 });

    const redrawn = drawStratified(sample.seed, paidPopulation().reverse(), sample.rules);
    const assigned = Object.values(await lists()).flat();
    expect(assigned.sort()).toEqual(redrawn.flatMap((d) => d.drawn).sort());
    expect(assigned).toContain(STAFF_RELATIVE);
    for (const d of redrawn) {
      expect(await getReplacements(table, campaign.id, d.stratum)).toEqual(d.replacements.slice(0, 2 * d.drawn.length));
    }
  });

  it('splits the sample evenly among the staff and mails each once; a retry draws nothing new', async () => {
    const sample = (await getSample(table, campaign.id))!;
    const before = await lists();
    expect(Object.values(before).map((l) => l.length).sort()).toEqual([6, 7]);
    expect(sample.staffCounts).toEqual(Object.fromEntries(Object.entries(before).map(([s, l]) => [s, l.length])));
    expect(mails.slice(1).map((m) => m.to).sort()).toEqual(['a@mzj.example.cn', 'b@mzj.example.cn']);
    const again = await drawCallbackSample({ campaignId: campaign.id }, deps());
    expect(again.commitment).toBe(sample.commitment);
    expect(await getSample(table, campaign.id)).toEqual(sample);
    expect(await lists()).toEqual(before);
    expect(mails).toHaveLength(3);
  });
});
