import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getBeneficiary, storeBeneficiary, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { conflictIdOf, getConflict, listConflicts, resolveConflict } from '../../../functions/data/conflicts.js';
import { getCoverage } from '../../../functions/data/coverage.js';
import { excludeBeneficiary, type BeneficiaryRecord } from '../../../functions/data/exclusions.js';
import { storeRegisteredHousehold } from '../../../functions/data/registers.js';
import type { Table } from '../../../functions/data/table.js';
import { saveUpload } from '../../../functions/data/uploads.js';
import type { Mail } from '../../../functions/shared/mailer.js';
import { listSummaries } from '../../../functions/steps/list-summary.js';
import { getPaymentBatch } from '../../../functions/data/payments.js';
import { payBatch, planPayments } from '../../../functions/steps/payments.js';
import { checkRegister } from '../../../functions/steps/survey-checks.js';
import { checkCoverage, coverageCounts } from '../../../functions/steps/survey-coverage.js';
import { findConflicts } from '../../../functions/steps/survey-dedup.js';
import { rejectedByReason, summarizeSurvey } from '../../../functions/steps/survey-summary.js';
import { startTable } from '../../support/table.js';

const person = (n: number) => n.toString(16).padStart(64, '0');
const key = (project: string, n: number) => `${project}#${person(n)}`;
const AMOUNTS: Record<string, number> = { MZ01: 50000, MZ02: 30000, MZ03: 20000, GH01: 80000 };

let table: Table;
let close: () => Promise<void>;
let campaign: Campaign;

async function nominate(n: number, projectCode: string, unit: string) {
  const b: Beneficiary = {
    campaignId: campaign.id, projectCode, idHash: person(n), idMasked: `310***********${String(n).padStart(4, '0')}`, name: `对象${n}`,
    phone: '13800138000', unit, category: '低保家庭', householdSize: 1, amountFen: AMOUNTS[projectCode], paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 1,
  };
  await storeBeneficiary(table, b);
}

const record = async (project: string, n: number) => (await getBeneficiary(table, campaign.id, project, person(n))) as BeneficiaryRecord;
const resolve = (projects: [string, string], n: number, keep: string, reason = '按就高原则保留') =>
  resolveConflict(table, { campaignId: campaign.id, conflictId: conflictIdOf(person(n), projects), keep, reason, by: 'coordinator@mzj.example.cn', at: new Date('2025-12-10T02:00:00Z'), exclusivePairs: campaign.exclusivePairs });

beforeAll(async () => {
  ({ table, close } = await startTable());
  campaign = await createCampaign(table, {
    name: '测试活动', coordinator: 'coordinator@mzj.example.cn',
    units: ['莘庄镇', '七宝镇', '江川路街道'], categories: ['低保家庭'],
    projects: Object.entries(AMOUNTS).map(([code, amountFen]) => ({ code, name: `项目${code}`, amountFen })),
    exclusivePairs: [['MZ01', 'MZ02'], ['MZ02', 'MZ03']],
    approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
  });
  await nominate(1, 'MZ01', '莘庄镇'); // 1: exclusive projects, two units
  await nominate(1, 'MZ02', '七宝镇');
  await nominate(2, 'MZ01', '莘庄镇'); // 2: exclusive projects, one unit
  await nominate(2, 'MZ02', '莘庄镇');
  await nominate(3, 'MZ01', '莘庄镇'); // 3: combinable projects
  await nominate(3, 'GH01', '七宝镇');
  await nominate(4, 'MZ02', '江川路街道'); // 4: once
  await nominate(5, 'MZ01', '七宝镇'); // 5: three projects, two exclusive pairs and one combinable
  await nominate(5, 'MZ02', '七宝镇');
  await nominate(5, 'MZ03', '七宝镇');
});
afterAll(() => close());

describe('de-duplication at 排摸 close', () => {
  it('finds every exclusive double nomination across all units and projects, and counts the combinable ones', async () => {
    const counts = await findConflicts({ campaignId: campaign.id }, { table });
    expect(counts).toEqual({ campaignId: campaign.id, stored: 10, duplicatesFound: 4, combinable: 2, conflictsFound: 4, conflictsOpen: 4, conflictsResolved: 0 });
    const conflicts = await listConflicts(table, campaign.id);
    const across = conflicts.find((c) => c.idHash === person(1))!;
    expect(across).toMatchObject({ projects: ['MZ01', 'MZ02'], units: ['莘庄镇', '七宝镇'], beneficiaries: [key('MZ01', 1), key('MZ02', 1)], status: 'open', idMasked: '310***********0001' });
    expect(conflicts.find((c) => c.idHash === person(2))!.units).toEqual(['莘庄镇', '莘庄镇']);
    expect(conflicts.filter((c) => c.idHash === person(3))).toEqual([]);
  });

  it('is idempotent: a second run adds nothing', async () => {
    const again = await findConflicts({ campaignId: campaign.id }, { table });
    expect(again).toMatchObject({ conflictsFound: 4, conflictsOpen: 4 });
    expect(await listConflicts(table, campaign.id)).toHaveLength(4);
  });
});

describe('resolving a conflict', () => {
  it('keeps the chosen beneficiary and excludes the other, once', async () => {
    expect(await resolve(['MZ01', 'MZ02'], 1, key('MZ02', 1))).toBe('resolved');
    const conflictId = conflictIdOf(person(1), ['MZ01', 'MZ02']);
    expect((await record('MZ01', 1)).excludedBy).toBe(conflictId);
    expect((await record('MZ02', 1)).excludedBy).toBeUndefined();
    expect(await getConflict(table, campaign.id, conflictId)).toMatchObject({
      status: 'resolved',
      resolution: { keep: key('MZ02', 1), reason: '按就高原则保留', by: 'coordinator@mzj.example.cn', at: '2025-12-10T02:00:00.000Z' },
    });
    // A second submit, even choosing the other side, changes nothing.
    expect(await resolve(['MZ01', 'MZ02'], 1, key('MZ01', 1), '改主意')).toBe('already-resolved');
    expect((await record('MZ01', 1)).excludedBy).toBe(conflictId);
    expect((await record('MZ02', 1)).excludedBy).toBeUndefined();
  });

  it('refuses a beneficiary that is not part of the conflict, and an unknown conflict', async () => {
    expect(await resolve(['MZ01', 'MZ02'], 2, key('MZ01', 3))).toBe('invalid-keep');
    expect(await resolve(['MZ01', 'GH01'], 3, key('MZ01', 3))).toBe('not-found');
  });

  it('settles the other conflicts of the same person that the exclusion decides', async () => {
    expect(await resolve(['MZ01', 'MZ02'], 5, key('MZ01', 5))).toBe('resolved');
    expect((await record('MZ02', 5)).excludedBy).toBe(conflictIdOf(person(5), ['MZ01', 'MZ02']));
    const other = await getConflict(table, campaign.id, conflictIdOf(person(5), ['MZ02', 'MZ03']));
    expect(other).toMatchObject({ status: 'resolved', resolution: { keep: key('MZ03', 5), reason: '「MZ02」已在处理另一冲突时排除' } });
    expect((await record('MZ03', 5)).excludedBy).toBeUndefined();
    expect(await findConflicts({ campaignId: campaign.id }, { table })).toMatchObject({ duplicatesFound: 4, conflictsFound: 4, conflictsOpen: 1, conflictsResolved: 3 });
  });

  it('leaves approval totals and payments without the excluded beneficiaries', async () => {
    const lists = [...(await listSummaries(table, campaign)).values()];
    const project = (code: string) => lists.flatMap((l) => l.projects).filter((p) => p.code === code).reduce((t, p) => ({ count: t.count + p.count, totalFen: t.totalFen + p.totalFen }), { count: 0, totalFen: 0 });
    // 10 nominations, 2 excluded (person 1's MZ01, person 5's MZ02), across the units' lists.
    expect(lists.reduce((n, l) => n + l.count, 0)).toBe(8);
    expect(project('MZ01')).toEqual({ count: 3, totalFen: 150000 });
    expect(project('MZ02')).toEqual({ count: 3, totalFen: 90000 });
    expect(lists.reduce((n, l) => n + l.totalFen, 0)).toBe(50000 * 3 + 30000 * 3 + 20000 + 80000);

    const plan = await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table });
    const keys = (await Promise.all(plan.batches.map((n) => getPaymentBatch(table, campaign.id, n)))).flat();
    expect(plan.beneficiaries).toBe(8);
    expect(keys).not.toContain(key('MZ01', 1));
    expect(keys).not.toContain(key('MZ02', 5));
    // Even named in a batch, an excluded beneficiary is not paid.
    const paid = await payBatch({ campaignId: campaign.id, keys: [key('MZ01', 1), key('MZ02', 1)], executionId: 'test' }, { table });
    expect(paid).toEqual({ paid: 1, alreadyPaid: 0, missing: 1 });
  });

  it('will not keep a beneficiary already excluded elsewhere', async () => {
    await excludeBeneficiary(table, campaign.id, key('MZ01', 2), 'another-decision');
    expect(await resolve(['MZ01', 'MZ02'], 2, key('MZ01', 2))).toBe('kept-excluded');
    expect((await getConflict(table, campaign.id, conflictIdOf(person(2), ['MZ01', 'MZ02'])))?.status).toBe('open');
  });
});

describe('the coverage check at 排摸 close', () => {
  it('lists, per town, every registered household that no beneficiary still in the register covers', async () => {
    const household = (n: number, unit: string, register: string) =>
      storeRegisteredHousehold(table, { campaignId: campaign.id, register, idHash: person(n), idMasked: `310***********${String(n).padStart(4, '0')}`, name: `户主${n}`, unit, uploadId: 'r'.repeat(64), row: n });
    await household(1, '莘庄镇', '低保'); // covered by MZ02 (its MZ01 was excluded)
    await household(3, '莘庄镇', '低保'); // covered twice
    await household(20, '莘庄镇', '特困'); // nobody
    await household(21, '江川路街道', '低保'); // nobody
    await household(21, '江川路街道', '特困'); // the same household on a second register
    await household(22, '江川路街道', '特困'); // nobody
    await household(4, '江川路街道', '低保'); // covered

    const report = await checkCoverage({ campaignId: campaign.id }, { table, now: new Date('2025-12-10T03:00:00Z') });
    expect(report).toMatchObject({ registered: 6, covered: 3, uncovered: 3 });
    expect(report.units.map((u) => [u.unit, u.registered, u.uncovered])).toEqual([['莘庄镇', 3, 1], ['江川路街道', 3, 2]]);
    expect(report.units[1].listed).toEqual([
      { idMasked: '310***********0021', name: '户主21', registers: ['低保', '特困'] },
      { idMasked: '310***********0022', name: '户主22', registers: ['特困'] },
    ]);
    expect(await getCoverage(table, campaign.id)).toMatchObject(report);
    // The workflow carries counts only.
    expect(JSON.stringify(coverageCounts(report))).not.toContain('户主');

    // A household whose only beneficiary is excluded is not covered.
    await excludeBeneficiary(table, campaign.id, key('MZ02', 4), 'test');
    const again = await checkCoverage({ campaignId: campaign.id }, { table });
    expect(again.units.find((u) => u.unit === '江川路街道')?.uncovered).toBe(3);
    expect((await getCoverage(table, campaign.id))?.uncovered).toBe(4);
  });

  it('runs both checks from one read of the register, giving what each gives alone', async () => {
    const input = { campaignId: campaign.id };
    const alone = { dedup: await findConflicts(input, { table }), coverage: coverageCounts(await checkCoverage(input, { table })) };
    const registerReads = vi.spyOn(table, 'allInRanges');
    const both = await checkRegister(input, { table });
    expect(registerReads.mock.calls.filter(([pk]) => pk.endsWith('#BENEFICIARIES'))).toHaveLength(1);
    registerReads.mockRestore();
    expect(both).toEqual(alone);
    expect(both.dedup).toMatchObject({ stored: 10, conflictsFound: 4 });
    expect(both.coverage).toMatchObject({ registered: 6, uncovered: 4 });
  });
});

describe('the 排摸 summary mail', () => {
  it('groups rejected rows by reason before the first ：, whichever row a repeat names', () => {
    expect(rejectedByReason([
      { row: 2, column: '身份证号码', reason: '校验位错误：号码中有数字填写有误' },
      { row: 3, column: '身份证号码', reason: '校验位错误：号码中有数字填写有误' },
      { row: 3, column: '联系电话', reason: '联系电话格式不正确：手机号码为11位' },
      { row: 4, column: '所属单位', reason: '必填项，不能为空' },
      { row: 5, column: '身份证号码', reason: '同一帮困项目中，身份证号码与第2行重复' },
      { row: 6, column: '身份证号码', reason: '同一帮困项目中，身份证号码与第4行重复' },
      { row: 0, column: '文件', reason: '文件无法读取' },
    ])).toEqual([
      { reason: '同一帮困项目中，身份证号码与另一行重复', count: 2 },
      { reason: '校验位错误', count: 2 },
      { reason: '必填项，不能为空', count: 1 },
      { reason: '联系电话格式不正确', count: 1 },
    ]);
  });

  it('mails the coordinator rows received, stored, rejected by reason, duplicates and uncovered households per town', async () => {
    await saveUpload(table, {
      campaignId: campaign.id, id: 'a'.repeat(64), fileName: '莘庄镇.csv', uploadedAt: '2025-12-01T00:00:00Z', uploadedBy: 'coordinator@mzj.example.cn',
      chunkCount: 0, rowCount: 13, acceptedCount: 10, duplicateCount: 2, errors: [
        { row: 5, column: '身份证号码', reason: '校验位错误：号码中有数字填写有误，请对照身份证原件核对' },
        { row: 7, column: '身份证号码', reason: '校验位错误：号码中有数字填写有误，请对照身份证原件核对' },
        { row: 9, column: '所属单位', reason: '“外区”不在单位名单中，请从下拉列表选择' },
      ],
    });
    const mails: Mail[] = [];
    // The counts the de-duplication step passes on: the summary does not read the register again.
    const dedup = await findConflicts({ campaignId: campaign.id }, { table });
    const summary = await summarizeSurvey({ campaignId: campaign.id, dedup }, { table, sendMail: async (m) => void mails.push(m), publicUrl: 'https://nuanliu.example.cn' });
    expect(summary).toMatchObject({
      uploads: 1, rowsReceived: 13, stored: 10, rejected: 3,
      rejectedByReason: [{ reason: '校验位错误', count: 2 }, { reason: '“外区”不在单位名单中，请从下拉列表选择', count: 1 }],
      duplicates: { found: 4, combinable: 2, conflicts: 4, resolved: 3, open: 1, sameProject: 2 },
      coverage: { registered: 6, uncovered: 4, units: [{ unit: '莘庄镇', uncovered: 1 }, { unit: '江川路街道', uncovered: 3 }] },
    });
    expect(mails).toHaveLength(1);
    const { to, subject, text, html } = mails[0];
    expect(to).toBe('coordinator@mzj.example.cn');
    expect(subject).toBe('排摸阶段汇总：测试活动');
    for (const line of ['收到 1 个文件，共 13 行', '入库 10 人', '退回 3 行', '校验位错误：2 处', '重复申报 4 人（可兼得的项目组合 2 对）', '多个单位申报同一人同一项目 2 行',
      '互斥冲突 4 个：已处理 3 个，待处理 1 个', '不能启动「部署」阶段', '名册共 6 户，未被任何项目覆盖 4 户', '江川路街道：3 户']) {
      expect(text).toContain(line);
    }
    expect(html).toContain('<li>退回 3 行<ul><li>校验位错误：2 处</li>');
    expect(text).toContain(`https://nuanliu.example.cn/campaigns/${campaign.id}`);
  });
});
