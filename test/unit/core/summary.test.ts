import { describe, expect, it } from 'vitest';
import { FUNDING_SOURCE_KEYS, zeroSources } from '../../../functions/core/funding.js';
import { computePlan, type PlanEntry } from '../../../functions/core/plan.js';
import type { Project } from '../../../functions/core/project.js';
import { computeSummary, rateText, type SummaryFacts } from '../../../functions/core/summary.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const entry = (n: number, over: Partial<PlanEntry>): PlanEntry => ({
  projectCode: 'MZ01', idHash: hash(n), idMasked: '310***********0001', name: '张三明', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, ...over,
});
const PROJECTS: Project[] = [
  { code: 'MZ01', name: '低保家庭春节慰问', amountFen: 50000, unit: '区民政局', funding: { by: 'amount', amounts: { district: 60000, town: 40000 } } },
  { code: 'GH02', name: '困难职工慰问', amountFen: 25000, unit: '区总工会', funding: { by: 'share', budgetFen: 100000, perMille: { city: 333, line: 667 } } },
];
const REGISTER: PlanEntry[] = [
  entry(1, { amountFen: 33333 }),
  entry(2, { unit: '七宝镇', category: '困难老人', amountFen: 33333 }),
  entry(3, { amountFen: 33334 }),
  entry(4, { projectCode: 'GH02', amountFen: 25001 }),
  entry(5, { projectCode: 'GH02', unit: '七宝镇', amountFen: 24999 }),
  // Excluded by a conflict's resolution: neither counted nor paid.
  entry(6, { projectCode: 'GH02', amountFen: 25000, excludedBy: 'c'.repeat(32) }),
];

function facts(over: Partial<SummaryFacts> = {}): SummaryFacts {
  return {
    campaignId: 'c1',
    campaignName: '2025年元旦春节帮困送温暖',
    units: ['莘庄镇', '七宝镇'],
    categories: ['低保家庭', '困难老人'],
    projects: PROJECTS,
    plan: computePlan(PROJECTS, REGISTER),
    coverage: [{ unit: '莘庄镇', registered: 4, covered: 3 }, { unit: '七宝镇', registered: 2, covered: 2 }],
    duplicateRowsAtIntake: 2,
    excludedByConflict: 1,
    // Two visits to one household of 莘庄镇, one to another household there.
    visits: [{ unit: '莘庄镇', idHash: hash(1) }, { unit: '莘庄镇', idHash: hash(1) }, { unit: '莘庄镇', idHash: hash(3) }],
    callOutcomes: [
      { beneficiaryKey: `MZ01#${hash(1)}`, unit: '莘庄镇', category: '低保家庭', attempts: 1, reached: true, receivedRightAmount: true },
      { beneficiaryKey: `GH02#${hash(4)}`, unit: '莘庄镇', category: '低保家庭', attempts: 2, reached: true, receivedRightAmount: false },
      { beneficiaryKey: `MZ01#${hash(2)}`, unit: '七宝镇', category: '困难老人', attempts: 3, reached: false, receivedRightAmount: null },
      { beneficiaryKey: `GH02#${hash(5)}`, unit: '七宝镇', category: '低保家庭', attempts: 0, reached: false, receivedRightAmount: null },
    ],
    followUps: [{ unit: '莘庄镇', status: 'open' }, { unit: '七宝镇', status: 'closed' }],
    payments: [
      { projectCode: 'MZ01', idHash: hash(1), status: 'paid' },
      { projectCode: 'MZ01', idHash: hash(2), status: 'failed' },
      { projectCode: 'MZ01', idHash: hash(3) },
      { projectCode: 'GH02', idHash: hash(4), status: 'paid' },
    ],
    ...over,
  };
}

describe('the campaign summary', () => {
  const summary = computeSummary(facts(), new Date('2026-02-20T08:00:00Z'));

  it('takes people and money from the plan, exact to the fen per source', () => {
    const plan = facts().plan;
    expect(summary.people).toBe(5);
    expect(summary.totalFen).toBe(150_000);
    expect(summary.bySource).toEqual({ ...zeroSources(), district: 60_000, town: 40_000, city: 16_650, line: 33_350 });
    expect(summary.bySource).toEqual(plan.bySource);
    // Every breakdown adds up, per source, to the plan's totals.
    for (const rows of [summary.byCategoryProject, summary.byCategory, summary.byUnit, summary.byProject]) {
      for (const k of FUNDING_SOURCE_KEYS) expect(rows.reduce((n, r) => n + r.bySource[k], 0)).toBe(plan.bySource[k]);
      expect(rows.reduce((n, r) => n + r.totalFen, 0)).toBe(plan.totalFen);
      expect(rows.reduce((n, r) => n + r.people, 0)).toBe(plan.count);
    }
    expect(summary.bySourceRows.map((r) => [r.source, r.people, r.totalFen]).filter(([, p]) => p)).toEqual([
      ['city', 2, 16_650], ['district', 3, 60_000], ['town', 3, 40_000], ['line', 2, 33_350],
    ]);
  });

  it('lays out 附表1: per category and project, with the owner, the standard and the split', () => {
    expect(summary.byCategoryProject.map((r) => [r.category, r.projectName, r.owner, r.standard, r.people, r.totalFen])).toEqual([
      ['低保家庭', '低保家庭春节慰问', '区民政局', '¥500.00/人', 2, 66_667],
      ['低保家庭', '困难职工慰问', '区总工会', '¥250.00/人', 2, 50_000],
      ['困难老人', '低保家庭春节慰问', '区民政局', '¥500.00/人', 1, 33_333],
    ]);
  });

  it('measures coverage, duplicates prevented, callbacks and anomalies, per unit and in all', () => {
    expect(summary.coverage).toEqual({ registered: 6, covered: 5 });
    expect(summary.duplicates).toEqual({ atIntake: 2, byExclusion: 1 });
    expect(summary.visits).toEqual({ visits: 3, households: 2 });
    // The person not yet called (0 attempts) is not counted as called.
    expect(summary.callbacks).toEqual({ called: 3, reached: 2, verified: 1, mismatches: 1 });
    expect(summary.anomalies).toEqual({ mismatches: 1, followUpsOpen: 1, followUpsClosed: 1, paymentsFailed: 1, paymentsUnconfirmed: 1, unpaid: 1 });
    expect(summary.byCategory.map((c) => [c.key, c.callbacks])).toEqual([
      ['低保家庭', { called: 2, reached: 2, verified: 1, mismatches: 1 }],
      ['困难老人', { called: 1, reached: 0, verified: 0, mismatches: 0 }],
    ]);
    expect(summary.byProject.map((p) => [p.key, p.callbacks])).toEqual([
      ['MZ01', { called: 2, reached: 1, verified: 1, mismatches: 0 }],
      ['GH02', { called: 1, reached: 1, verified: 0, mismatches: 1 }],
    ]);
    const [xinzhuang, qibao] = summary.byUnit;
    expect(xinzhuang).toMatchObject({
      key: '莘庄镇', people: 3, totalFen: 91_668, registered: 4, covered: 3, visits: { visits: 3, households: 2 },
      callbacks: { called: 2, reached: 2, verified: 1, mismatches: 1 },
      anomalies: { mismatches: 1, followUpsOpen: 1, followUpsClosed: 0, paymentsFailed: 0, paymentsUnconfirmed: 1, unpaid: 0 },
    });
    expect(qibao).toMatchObject({
      key: '七宝镇', people: 2, totalFen: 58_332, registered: 2, covered: 2, visits: { visits: 0, households: 0 },
      callbacks: { called: 1, reached: 0, verified: 0, mismatches: 0 },
      anomalies: { mismatches: 0, followUpsOpen: 0, followUpsClosed: 1, paymentsFailed: 1, paymentsUnconfirmed: 0, unpaid: 1 },
    });
  });

  it('holds counts only: no name, masked ID or hash of anyone', () => {
    const text = JSON.stringify(summary);
    expect(text).not.toContain('张三明');
    expect(text).not.toContain('310***');
    expect(text).not.toContain(hash(1));
  });

  it('reads rates to one decimal, and a dash when nothing was counted', () => {
    expect(rateText(5, 6)).toBe('83.3%');
    expect(rateText(2, 3)).toBe('66.7%');
    expect(rateText(1, 2)).toBe('50.0%');
    expect(rateText(0, 0)).toBe('—');
  });
});
