import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBeneficiary, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import type { CallOutcome } from '../../../functions/data/callbacks.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { conflictIdOf, resolveConflict } from '../../../functions/data/conflicts.js';
import type { FollowUp } from '../../../functions/data/follow-ups.js';
import { keys } from '../../../functions/data/keys.js';
import { payOnce } from '../../../functions/data/payments.js';
import { loadPlan } from '../../../functions/data/plan.js';
import { storeRegisteredHousehold } from '../../../functions/data/registers.js';
import { getSummary } from '../../../functions/data/summaries.js';
import type { Table } from '../../../functions/data/table.js';
import { saveUpload } from '../../../functions/data/uploads.js';
import { storeVisit } from '../../../functions/data/visits.js';
import type { Mail } from '../../../functions/shared/mailer.js';
import { summariseCampaign } from '../../../functions/steps/campaign-summary.js';
import { findConflicts } from '../../../functions/steps/survey-dedup.js';
import { startTable } from '../../support/table.js';

const person = (n: number) => n.toString(16).padStart(64, '0');
const AT = new Date('2026-02-20T08:00:00Z');

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;
const mails: Mail[] = [];

async function nominate(n: number, projectCode: string, unit: string, amountFen: number) {
  const b: Beneficiary = {
    campaignId: campaign.id, projectCode, idHash: person(n), idMasked: `310***********${String(n).padStart(4, '0')}`, name: `对象${n}`,
    phone: '13800138000', unit, category: '低保家庭', householdSize: 1, amountFen, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 1,
  };
  await storeBeneficiary(table, b);
}

const outcome = (n: number, projectCode: string, unit: string, over: Partial<CallOutcome>): CallOutcome => ({
  campaignId: campaign.id, beneficiaryKey: `${projectCode}#${person(n)}`, unit, category: '低保家庭', staff: 'caller@mzj.example.cn',
  attempts: 1, reached: true, receivedRightAmount: true, visited: true, satisfaction: '满意', notes: '', recordedAt: AT.toISOString(), ...over,
});

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '测试活动', coordinator: 'coordinator@mzj.example.cn',
    units: ['莘庄镇', '七宝镇'], categories: ['低保家庭'],
    projects: [
      { code: 'MZ01', name: '低保慰问', amountFen: 50000, unit: '区民政局', funding: { by: 'amount', amounts: { district: 70001, town: 29999 } } },
      { code: 'MZ02', name: '低保补充', amountFen: 30000, unit: '区民政局', funding: { by: 'amount', amounts: { city: 100000 } } },
    ],
    exclusivePairs: [['MZ01', 'MZ02']],
    approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
  });
  await nominate(1, 'MZ01', '莘庄镇', 33333);
  await nominate(2, 'MZ01', '七宝镇', 33333);
  await nominate(3, 'MZ01', '莘庄镇', 33334);
  await nominate(3, 'MZ02', '莘庄镇', 30000); // exclusive with MZ01: resolved below, MZ02 excluded
  await nominate(4, 'MZ02', '七宝镇', 30000);
  await findConflicts({ campaignId: campaign.id }, { table });
  await resolveConflict(table, {
    campaignId: campaign.id, conflictId: conflictIdOf(person(3), ['MZ01', 'MZ02']), keep: `MZ01#${person(3)}`, reason: '就高', by: 'coordinator@mzj.example.cn', at: AT, exclusivePairs: campaign.exclusivePairs,
  });
  for (const [n, unit] of [[1, '莘庄镇'], [3, '莘庄镇'], [9, '莘庄镇'], [2, '七宝镇']] as const) {
    await storeRegisteredHousehold(table, { campaignId: campaign.id, register: '低保', idHash: person(n), idMasked: '310***', name: `对象${n}`, unit, uploadId: 'r'.repeat(64), row: n });
  }
  await saveUpload(table, {
    campaignId: campaign.id, id: 'a'.repeat(64), fileName: 'list.csv', uploadedAt: AT.toISOString(), uploadedBy: 'coordinator@mzj.example.cn',
    chunkCount: 0, rowCount: 7, acceptedCount: 7, duplicateCount: 2, errors: [],
  });
  for (const [n, code, status] of [[1, 'MZ01', 'paid'], [2, 'MZ01', 'failed'], [3, 'MZ01', 'issued']] as const) {
    await payOnce(table, { campaignId: campaign.id, projectCode: code, idHash: person(n), amountFen: 1, paidAt: AT.toISOString(), executionId: 'e', status });
  }
  await table.put(keys.callOutcome(campaign.id, `MZ01#${person(1)}`), { ...outcome(1, 'MZ01', '莘庄镇', {}) });
  await table.put(keys.callOutcome(campaign.id, `MZ01#${person(3)}`), { ...outcome(3, 'MZ01', '莘庄镇', { receivedRightAmount: false }) });
  await table.put(keys.callOutcome(campaign.id, `MZ01#${person(2)}`), { ...outcome(2, 'MZ01', '七宝镇', { attempts: 2, reached: false, receivedRightAmount: null, visited: null, satisfaction: null }) });
  const followUp: FollowUp = {
    campaignId: campaign.id, caseId: 'case-1', beneficiaryKey: `MZ01#${person(3)}`, unit: '莘庄镇', reason: '金额不符', openedBy: 'caller@mzj.example.cn', openedAt: AT.toISOString(), status: 'open',
  };
  await table.put(keys.followUp(campaign.id, followUp.caseId), { ...followUp });
  for (const leader of ['张书记', '李区长']) {
    await storeVisit(table, {
      campaignId: campaign.id, idHash: person(2), idMasked: '310***', name: '对象2', unit: '七宝镇', date: '2026-01-20', leader, title: '', note: '',
      recordedBy: 'coordinator@mzj.example.cn', recordedAt: AT.toISOString(),
    });
  }
});
afterAll(() => close());

describe('summarising the campaign at the end of 回访', () => {
  it('stores the summary from the stored data, its money equal to the plan\'s per source, and mails the coordinator its link', async () => {
    const result = await summariseCampaign({ campaignId: campaign.id }, { table, sendMail: async (m) => void mails.push(m), publicUrl: 'https://nuanliu.example.cn', now: AT });
    const plan = await loadPlan(table, campaign);
    expect(result).toEqual({ campaignId: campaign.id, people: 4, totalFen: 130_000 });
    const stored = (await getSummary(table, campaign.id))!;
    expect(stored).toMatchObject({ campaignId: campaign.id, computedAt: AT.toISOString(), people: plan.count, totalFen: plan.totalFen, bySource: plan.bySource });
    expect(stored.bySource).toMatchObject({ district: 70_001, town: 29_999, city: 30_000 });
    expect(stored.coverage).toEqual({ registered: 4, covered: 3 });
    expect(stored.duplicates).toEqual({ atIntake: 2, byExclusion: 1 });
    expect(stored.visits).toEqual({ visits: 2, households: 1 });
    expect(stored.byUnit.map((u) => u.visits)).toEqual([{ visits: 0, households: 0 }, { visits: 2, households: 1 }]);
    expect(stored.callbacks).toEqual({ called: 3, reached: 2, verified: 1, mismatches: 1 });
    expect(stored.anomalies).toEqual({ mismatches: 1, followUpsOpen: 1, followUpsClosed: 0, paymentsFailed: 1, paymentsUnconfirmed: 1, unpaid: 1 });
    expect(stored.byUnit.map((u) => [u.key, u.people, u.totalFen, u.registered, u.covered])).toEqual([['莘庄镇', 2, 66_667, 3, 2], ['七宝镇', 2, 63_333, 1, 1]]);
    // Counts only: nobody's name or hash in the stored item.
    expect(JSON.stringify(stored)).not.toMatch(/对象\d|[0-9a-f]{64}/);

    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'coordinator@mzj.example.cn', subject: '活动总结已生成：测试活动' });
    expect(mails[0].text).toContain(`https://nuanliu.example.cn/campaigns/${campaign.id}/summary`);
    expect(mails[0].text).toContain('名册覆盖率（不遗漏）：75.0%');
    expect(mails[0].text).toContain('接通率 66.7%，核实率 50.0%');
    expect(mails[0].text).toContain('领导走访慰问 1 户（2 次）');
  });

  it('summarises again on a retry, replacing the stored summary with the same figures', async () => {
    const first = await getSummary(table, campaign.id);
    await summariseCampaign({ campaignId: campaign.id }, { table, sendMail: async (m) => void mails.push(m), publicUrl: 'https://nuanliu.example.cn', now: AT });
    expect(await getSummary(table, campaign.id)).toEqual(first);
  });
});
