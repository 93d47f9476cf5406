import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBeneficiary, storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { conflictIdOf, listConflicts } from '../../../functions/data/conflicts.js';
import { excludeBeneficiary, includedUnitPlanEntries } from '../../../functions/data/exclusions.js';
import { keys } from '../../../functions/data/keys.js';
import { listObjections } from '../../../functions/data/objections.js';
import { listRemovals, removeLine } from '../../../functions/data/removals.js';
import { loadPlan } from '../../../functions/data/plan.js';
import { payOnce, saveTally, savePaymentPlan } from '../../../functions/data/payments.js';
import { Table } from '../../../functions/data/table.js';
import { findConflicts } from '../../../functions/steps/survey-dedup.js';
import { currentPlan, keeping, keptListSummaries, paymentTally, registerTally, type RegisterInputs, type UploadSeen } from '../../../functions/web/register-tally.js';
import { summariseList } from '../../../functions/steps/list-summary.js';
import { startTable } from '../../support/table.js';

/** A table that counts the whole-partition reads of the register and of the payments. */
class CountingTable extends Table {
  reads = { register: 0, payments: 0 };
  override allInRanges<T>(pk: string, bounds: readonly string[], attributes?: readonly string[]): Promise<T[]> {
    if (pk.endsWith('#BENEFICIARIES')) this.reads.register++;
    if (pk.endsWith('#PAYMENTS')) this.reads.payments++;
    return super.allInRanges<T>(pk, bounds, attributes);
  }
}

const person = (n: number) => n.toString(16).padStart(64, '0');
let table: CountingTable;
let close: () => Promise<void>;
let campaign: Campaign;

const nominate = (n: number, projectCode: string, amountFen: number) =>
  storeBeneficiary(table, {
    campaignId: campaign.id, projectCode, idHash: person(n), idMasked: '310***********0000', name: `对象${n}`, phone: '13800138000',
    unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 1,
  });
const done: UploadSeen[] = [{ id: 'u'.repeat(64), state: 'done', storedCount: 3 }];
/** Both files processed: the second added person 3 to MZ02 (the first test). */
const withSecond: UploadSeen[] = [{ id: 'v'.repeat(64), state: 'done', storedCount: 1 }, ...done];
/** The register's inputs as the campaign page reads them, with these uploads. */
const inputsOf = async (uploads: UploadSeen[]): Promise<RegisterInputs> => ({
  uploads, conflicts: await listConflicts(table, campaign.id), objections: await listObjections(table, campaign.id), removals: await listRemovals(table, campaign.id),
});
const tally = async (uploads: UploadSeen[] = withSecond) => registerTally(table, campaign, await inputsOf(uploads));

describe('the campaign totals kept between looks', () => {
  beforeAll(async () => {
    ({ table, close } = await startTable((client, name) => new CountingTable(client, name)));
    campaign = await createCampaign(table, {
      name: '测试活动', coordinator: 'coordinator@mzj.example.cn', units: ['莘庄镇'], categories: ['低保家庭'],
      projects: [{ code: 'MZ01', name: '慰问金', amountFen: 50000 }, { code: 'MZ02', name: '补助', amountFen: 30000 }],
      exclusivePairs: [['MZ01', 'MZ02']], approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
    });
    await nominate(1, 'MZ01', 50000);
    await nominate(1, 'MZ02', 30000);
    await nominate(2, 'MZ01', 50000);
    await findConflicts({ campaignId: campaign.id }, { table });
  });
  afterAll(() => close());

  it('reads the register once while nothing that changes it has changed; while a file is processed, shows that tally as settling', async () => {
    const first = await tally(done);
    expect(first.beneficiaries).toMatchObject({ count: 3, totalFen: 130000, excluded: 0 });
    expect(first.beneficiaries.settling).toBeUndefined();
    expect(first.beneficiaries.projects.map((p) => [p.code, p.count, p.totalFen])).toEqual([['MZ01', 2, 100000], ['MZ02', 1, 30000]]);
    const reads = table.reads.register;
    expect(await tally(done)).toEqual(first);
    expect(table.reads.register).toBe(reads);

    const second = 'v'.repeat(64);
    await nominate(3, 'MZ02', 30000);
    const during = await tally([{ id: second, state: 'processing' }, ...done]);
    expect(during.beneficiaries).toEqual({ ...first.beneficiaries, settling: true });
    expect(table.reads.register).toBe(reads);
    const after = await tally(withSecond);
    expect(after.beneficiaries).toMatchObject({ count: 4, totalFen: 160000, excluded: 0 });
    expect(after.beneficiaries.settling).toBeUndefined();
    expect(table.reads.register).toBe(reads + 1);
  });

  it('keeps the plan\'s totals and problems, as computing the plan afresh gives them', async () => {
    const kept = (await tally()).plan;
    const { lines, ...fresh } = await loadPlan(table, campaign);
    expect(kept).toEqual(fresh);
    expect(kept.count).toBe(lines.length);
    expect(kept.byProject.map((p) => [p.key, p.count])).toEqual([['MZ01', 2], ['MZ02', 2]]);
    expect(kept.problems.map((p) => p.projectCode)).toEqual(['MZ01', 'MZ02']);
  });

  it('counts an exclusion once its mark is written, never keeping a tally taken before it', async () => {
    // The decision is recorded, its mark not yet: what a look sees in between is not kept.
    const conflictId = conflictIdOf(person(1), ['MZ01', 'MZ02']);
    await table.update(keys.conflict(campaign.id, conflictId), {
      status: 'resolved', resolution: { keep: `MZ01#${person(1)}`, reason: '就高', by: 'coordinator@mzj.example.cn', at: '2025-12-10T02:00:00Z' },
    });
    expect((await tally()).beneficiaries).toMatchObject({ count: 4, excluded: 0 });
    await excludeBeneficiary(table, campaign.id, `MZ02#${person(1)}`, conflictId);
    const after = await tally();
    expect(after.beneficiaries).toMatchObject({ count: 3, totalFen: 130000, excluded: 1 });
    const reads = table.reads.register;
    expect(await tally()).toEqual(after);
    expect(table.reads.register).toBe(reads);
  });

  it('gives each unit\'s list summary from the kept register, as the unit\'s list read afresh gives it, until the register changes', async () => {
    const deploying = { ...campaign, phase: 'deploy' as const, phaseStatus: 'awaiting' as const };
    const look = async (uploads: UploadSeen[]) => {
      await registerTally(table, deploying, await inputsOf(uploads));
      return keptListSummaries(deploying, () => inputsOf(uploads));
    };
    const afresh = async () => summariseList(deploying, '莘庄镇', await includedUnitPlanEntries(table, campaign.id, '莘庄镇'));
    // The register kept from 排摸 gives the lists without a read: it has not changed.
    const reads = table.reads.register;
    const fromKept = await look(withSecond);
    expect(table.reads.register).toBe(reads);
    expect([...fromKept!.keys()]).toEqual(['莘庄镇']);
    expect(fromKept!.get('莘庄镇')).toEqual(await afresh());
    expect(fromKept!.get('莘庄镇')).toMatchObject({ count: 3, totalFen: 130000 });
    expect(await look(withSecond)).toBe(fromKept);

    // A file in processing: no lists are given, and none are read for.
    const third: UploadSeen = { id: 'w'.repeat(64), state: 'processing' };
    await nominate(4, 'MZ01', 50000);
    expect(await look([third, ...withSecond])).toBeUndefined();
    expect(table.reads.register).toBe(reads);
    const after = await look([{ ...third, state: 'done', storedCount: 1 }, ...withSecond]);
    expect(table.reads.register).toBe(reads + 1);
    expect(after!.get('莘庄镇')).toEqual(await afresh());
    expect(after!.get('莘庄镇')).toMatchObject({ count: 4, totalFen: 180000 });
  });

  it('gives the tally, the lists and the plan\'s lines for new projects from the kept register, without reading it again', async () => {
    const uploads: UploadSeen[] = [{ id: 'w'.repeat(64), state: 'done', storedCount: 1 }, ...withSecond];
    const inputs = () => inputsOf(uploads);
    const before = await registerTally(table, campaign, await inputs());
    const reads = table.reads.register;
    const renamed = { ...campaign, projects: campaign.projects.map((p) => (p.code === 'MZ01' ? { ...p, name: '春节慰问金' } : p)) };
    const plan = await currentPlan(table, renamed, inputs);
    const tally = await registerTally(table, renamed, await inputs());
    const lists = await keptListSummaries(renamed, inputs);
    expect(table.reads.register).toBe(reads);
    expect(plan).toEqual(await loadPlan(table, renamed));
    const { lines: _lines, ...totals } = plan;
    expect(tally.plan).toEqual(totals);
    expect(tally.beneficiaries.projects.map((p) => p.name)).toEqual(['春节慰问金', '补助']);
    expect(before.beneficiaries.projects.map((p) => p.name)).toEqual(['慰问金', '补助']);
    expect(lists!.get('莘庄镇')!.projects[0].name).toBe('春节慰问金');
    expect(lists!.get('莘庄镇')).toEqual(summariseList(renamed, '莘庄镇', await includedUnitPlanEntries(table, campaign.id, '莘庄镇')));
    // A register changed since it was kept is read afresh for the plan's lines.
    await nominate(5, 'MZ02', 30000);
    const changed: UploadSeen[] = [{ id: 'z'.repeat(64), state: 'done', storedCount: 1 }, ...uploads];
    const fresh = await currentPlan(table, renamed, () => inputsOf(changed));
    expect(fresh.lines.length).toBe(plan.lines.length + 1);
  });

  it('reads in only the beneficiaries a decision taken since the register was kept names, as a whole read would give them', async () => {
    const uploads: UploadSeen[] = [{ id: 'z'.repeat(64), state: 'done', storedCount: 1 }, { id: 'w'.repeat(64), state: 'done', storedCount: 1 }, ...withSecond];
    const inputs = () => inputsOf(uploads);
    const before = await registerTally(table, campaign, await inputs());
    const line = (await getBeneficiary(table, campaign.id, 'MZ01', person(4)))!;
    expect(await removeLine(table, { line, lineKey: `MZ01#${person(4)}`, round: 1, reason: '已迁出', by: 'coordinator@mzj.example.cn', at: new Date() })).toBe('removed');

    const reads = table.reads.register;
    const after = await registerTally(table, campaign, await inputs());
    const plan = await currentPlan(table, campaign, inputs);
    expect(table.reads.register).toBe(reads);
    expect(after.beneficiaries).toMatchObject({ count: before.beneficiaries.count - 1, totalFen: before.beneficiaries.totalFen - 50000, excluded: before.beneficiaries.excluded + 1 });
    const fresh = await loadPlan(table, campaign);
    expect(plan).toEqual(fresh);
    const { lines: _lines, ...totals } = fresh;
    expect(after.plan).toEqual(totals);
    expect(await keptListSummaries(campaign, inputs)).toEqual(new Map([['莘庄镇', summariseList(campaign, '莘庄镇', await includedUnitPlanEntries(table, campaign.id, '莘庄镇'))]]));

    // With an upload changed as well, the whole register is read.
    const more: UploadSeen[] = [{ id: 'y'.repeat(64), state: 'done', storedCount: 0 }, ...uploads];
    const reading = table.reads.register;
    expect(await registerTally(table, campaign, await inputsOf(more))).toEqual(after);
    expect(table.reads.register).toBe(reading + 1);
  });

  it('past its limit keeps only the tally: new projects, the plan\'s lines and the lists read the register again', async () => {
    const limit = keeping.entriesLimit;
    keeping.entriesLimit = 2;
    try {
      const uploads: UploadSeen[] = [{ id: 'l'.repeat(64), state: 'done', storedCount: 0 }, { id: 'z'.repeat(64), state: 'done', storedCount: 1 }, { id: 'w'.repeat(64), state: 'done', storedCount: 1 }, ...withSecond];
      const inputs = () => inputsOf(uploads);
      const reads = table.reads.register;
      const first = await registerTally(table, campaign, await inputs());
      expect(await registerTally(table, campaign, await inputs())).toEqual(first);
      expect(table.reads.register).toBe(reads + 1);
      expect(await keptListSummaries(campaign, inputs)).toBeUndefined();
      expect(await currentPlan(table, campaign, inputs)).toEqual(await loadPlan(table, campaign));
      expect(table.reads.register).toBe(reads + 3);
      const renamed = { ...campaign, projects: campaign.projects.map((p) => (p.code === 'MZ02' ? { ...p, name: '春节补助' } : p)) };
      expect((await registerTally(table, renamed, await inputs())).beneficiaries.projects.map((p) => p.name)).toEqual(['慰问金', '春节补助']);
      expect(table.reads.register).toBe(reads + 4);
    } finally {
      keeping.entriesLimit = limit;
    }
  });

  it('reads no payment before 实施, nor in 实施 before its first plan (payments are made for planned batches only)', async () => {
    const reads = table.reads.payments;
    for (const phase of ['survey', 'deploy'] as const) {
      expect(await paymentTally(table, { ...campaign, phase, phaseStatus: 'running' })).toEqual({ count: 0, totalFen: 0 });
    }
    expect(await paymentTally(table, { ...campaign, phase: 'implement', phaseStatus: 'running' })).toEqual({ count: 0, totalFen: 0 });
    expect(table.reads.payments).toBe(reads);
  });

  it('reads the payments on every look while 实施 is back at its gate, and keeps their totals once it has ended well', async () => {
    await savePaymentPlan(table, campaign.id, { executionId: 'x', batches: 1, payable: { count: 2, totalFen: 100000 } });
    await payOnce(table, { campaignId: campaign.id, projectCode: 'MZ01', idHash: person(2), amountFen: 50000, paidAt: '2026-01-20T00:00:00Z', executionId: 'x' });
    const failed = { ...campaign, phase: 'implement' as const, phaseStatus: 'failed' as const };
    expect(await paymentTally(table, failed)).toEqual({ count: 1, totalFen: 50000 });
    await payOnce(table, { campaignId: campaign.id, projectCode: 'MZ01', idHash: person(1), amountFen: 50000, paidAt: '2026-01-20T00:00:00Z', executionId: 'x' });
    expect(await paymentTally(table, failed)).toEqual({ count: 2, totalFen: 100000 });
    const ended = { ...campaign, phase: 'implement' as const, phaseStatus: 'done' as const };
    expect(await paymentTally(table, ended)).toEqual({ count: 2, totalFen: 100000 });
    const reads = table.reads.payments;
    expect(await paymentTally(table, ended)).toEqual({ count: 2, totalFen: 100000 });
    expect(await paymentTally(table, { ...campaign, phase: 'review', phaseStatus: 'awaiting' })).toEqual({ count: 2, totalFen: 100000 });
    expect(table.reads.payments).toBe(reads);
  });

  it('while 实施 pays, adds up the tallies of its plan\'s batches paid so far, reading no payment', async () => {
    const paying = { ...campaign, id: '00000000-0000-4000-8000-00000000beef', phase: 'implement' as const, phaseStatus: 'running' as const };
    const reads = table.reads.payments;
    await savePaymentPlan(table, paying.id, { executionId: 'second', batches: 3, payable: { count: 250, totalFen: 9_000_000 } });
    expect(await paymentTally(table, paying)).toEqual({ count: 0, totalFen: 0, planned: { count: 250, totalFen: 9_000_000 } });
    await saveTally(table, paying.id, [0], { executionId: 'second', count: 100, totalFen: 4_000_000 });
    await saveTally(table, paying.id, [2], { executionId: 'second', count: 50, totalFen: 1_000_000 });
    // An earlier execution's tally of batch 1, and one naming batches past this plan's three, do not count.
    await saveTally(table, paying.id, [1], { executionId: 'first', count: 100, totalFen: 4_000_000 });
    await saveTally(table, paying.id, [3, 4], { executionId: 'second', count: 100, totalFen: 4_000_000 });
    expect(await paymentTally(table, paying)).toEqual({ count: 150, totalFen: 5_000_000, planned: { count: 250, totalFen: 9_000_000 } });
    await saveTally(table, paying.id, [1], { executionId: 'second', count: 100, totalFen: 4_000_000 });
    // A retried group's tally is the one already there.
    await saveTally(table, paying.id, [1], { executionId: 'second', count: 100, totalFen: 4_000_000 });
    expect(await paymentTally(table, paying)).toEqual({ count: 250, totalFen: 9_000_000, planned: { count: 250, totalFen: 9_000_000 } });
    expect(table.reads.payments).toBe(reads);
    // Once 实施 is no longer running, the payments themselves are read (there are none here).
    expect(await paymentTally(table, { ...paying, phaseStatus: 'failed' })).toEqual({ count: 0, totalFen: 0 });
    expect(table.reads.payments).toBe(reads + 1);
  });
});
