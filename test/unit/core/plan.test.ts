import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUNDING_SOURCE_KEYS, splitByWeights, splitEach, sumSources, type SourceAmounts } from '../../../functions/core/funding.js';
import { computePlan, unitPlan, type PlanEntry } from '../../../functions/core/plan.js';
import type { Project } from '../../../functions/core/project.js';

const entry = (n: number, over: Partial<PlanEntry> = {}): PlanEntry => ({
  projectCode: 'MZ01', idHash: n.toString(16).padStart(64, '0'), idMasked: `310***********${String(1000 + n).slice(-4)}`,
  name: '张三明', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000, ...over,
});
const MZ01: Project = { code: 'MZ01', name: '低保家庭春节慰问', amountFen: 50000, funding: { by: 'amount', amounts: { district: 60000, town: 40000 } } };

describe('splitting fen across funding sources', () => {
  it('splits by largest remainder, ties to the earlier source, exactly', () => {
    expect(splitByWeights(100, { district: 1, town: 1, donation: 1 })).toMatchObject({ district: 34, town: 33, donation: 33, city: 0 });
    expect(splitByWeights(1, { district: 600, town: 400 })).toMatchObject({ district: 1, town: 0 });
    expect(splitByWeights(99_999, { city: 333, district: 667 })).toMatchObject({ city: 33_300, district: 66_699 });
  });

  const weights = fc.record(Object.fromEntries(FUNDING_SOURCE_KEYS.map((k) => [k, fc.integer({ min: 0, max: 1_000_000 })])) as Record<string, fc.Arbitrary<number>>)
    .filter((w) => sumSources(w as SourceAmounts) > 0) as fc.Arbitrary<SourceAmounts>;

  it('property: every line\'s split adds up to the line, and each source\'s total to the sum of its line splits and to the project split', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 60 }), weights, (amounts, w) => {
      const splits = splitEach(amounts, w);
      splits.forEach((s, i) => {
        expect(sumSources(s)).toBe(amounts[i]);
        for (const k of FUNDING_SOURCE_KEYS) expect(s[k]).toBeGreaterThanOrEqual(0);
      });
      const whole = splitByWeights(amounts.reduce((n, a) => n + a, 0), w);
      for (const k of FUNDING_SOURCE_KEYS) expect(splits.reduce((n, s) => n + s[k], 0)).toBe(whole[k]);
    }));
  });

  /** Largest remainder in BigInt throughout, ties to the earlier source: what splitByWeights must give. */
  const exactSplit = (totalFen: number, w: SourceAmounts) => {
    const sum = BigInt(sumSources(w));
    const shares = FUNDING_SOURCE_KEYS.map((k, order) => ({ k, order, exact: BigInt(totalFen) * BigInt(w[k] ?? 0) }));
    const parts = Object.fromEntries(shares.map((s) => [s.k, Number(s.exact / sum)]));
    const byRemainder = [...shares].sort((a, b) => (a.exact % sum === b.exact % sum ? a.order - b.order : a.exact % sum > b.exact % sum ? -1 : 1));
    for (let left = totalFen - sumSources(parts), i = 0; left > 0; left--, i++) parts[byRemainder[i].k]++;
    return parts;
  };
  const wide = (small: number, large: number) => fc.oneof(fc.integer({ min: 0, max: small }), fc.integer({ min: 0, max: large }));

  it('property: is the exact split, whether the shares fit in a Number\'s exact integers or not', () => {
    const anyWeights = fc.record(Object.fromEntries(FUNDING_SOURCE_KEYS.map((k) => [k, wide(1_000_000, 2 ** 44)])) as Record<string, fc.Arbitrary<number>>)
      .filter((w) => sumSources(w as SourceAmounts) > 0) as fc.Arbitrary<SourceAmounts>;
    fc.assert(fc.property(wide(10_000_000, Number.MAX_SAFE_INTEGER), anyWeights, (totalFen, w) => {
      expect(splitByWeights(totalFen, w)).toEqual(exactSplit(totalFen, w));
    }), { numRuns: 3000 });
    // At the edge of a Number's exact integers, and just past it.
    for (const totalFen of [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1]) {
      const w = { city: 1, district: 2 ** 20 - 1 };
      expect(splitByWeights(totalFen, w)).toEqual(exactSplit(totalFen, w));
    }
  });

  it('property: within the budget, no source goes over its own budget', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 40 }), weights, (amounts, budgets) => {
      const total = amounts.reduce((n, a) => n + a, 0);
      fc.pre(total <= sumSources(budgets));
      const splits = splitEach(amounts, budgets);
      for (const k of FUNDING_SOURCE_KEYS) expect(splits.reduce((n, s) => n + s[k], 0)).toBeLessThanOrEqual(budgets[k] ?? 0);
    }));
  });
});

describe('the plan', () => {
  it('splits each line, leaves excluded beneficiaries out, and totals per project, unit, category and source', () => {
    const plan = computePlan([MZ01], [
      entry(1, { amountFen: 33333 }), entry(2, { unit: '七宝镇', amountFen: 33333, category: '困难老人' }), entry(3, { amountFen: 33334 }), entry(4, { excludedBy: 'c1' }),
    ]);
    expect(plan.ok).toBe(true);
    expect(plan.count).toBe(3);
    expect(plan.totalFen).toBe(100_000);
    expect(plan.bySource).toMatchObject({ district: 60_000, town: 40_000, city: 0 });
    for (const l of plan.lines) expect(sumSources(l.split!)).toBe(l.amountFen);
    expect(plan.byUnit.map((u) => [u.key, u.count, u.totalFen])).toEqual([['七宝镇', 1, 33333], ['莘庄镇', 2, 66667]]);
    expect(plan.byCategory.map((c) => c.key)).toEqual(['低保家庭', '困难老人']);
    expect(plan.byProject[0]).toMatchObject({ key: 'MZ01', count: 3, totalFen: 100_000, bySource: { district: 60_000, town: 40_000 } });
    expect(unitPlan(plan, '莘庄镇')).toMatchObject({ count: 2, totalFen: 66667, projects: [{ key: 'MZ01', count: 2, name: '低保家庭春节慰问' }], problems: [] });
  });

  it('budget test: one fen over a source\'s budget is refused, naming the source, the excess and the line', () => {
    const plan = computePlan([{ ...MZ01, funding: { by: 'amount', amounts: { district: 100_000 } } }], [entry(1), entry(2, { name: '李四', amountFen: 50_001 })]);
    expect(plan.ok).toBe(false);
    expect(plan.problems).toEqual([{
      projectCode: 'MZ01',
      reason: '项目MZ01「低保家庭春节慰问」的区级资金超出预算 1 分（预算 ¥1,000.00，计划 ¥1,000.01）',
      lines: ['莘庄镇 李*（310***********1002）'],
    }]);
    // At the budget exactly, it passes.
    expect(computePlan([{ ...MZ01, funding: { by: 'amount', amounts: { district: 100_000 } } }], [entry(1), entry(2)]).ok).toBe(true);
  });

  it('with shares of a budget, the budget per source is the exact split of the budget', () => {
    const shared: Project = { ...MZ01, funding: { by: 'share', budgetFen: 100_000, perMille: { city: 333, district: 667 } } };
    expect(computePlan([shared], [entry(1), entry(2)]).ok).toBe(true);
    const over = computePlan([shared], [entry(1), entry(2), entry(3, { amountFen: 1 })]);
    expect(over.problems.map((p) => p.reason)).toEqual(['项目MZ01「低保家庭春节慰问」的区级资金超出预算 1 分（预算 ¥667.00，计划 ¥667.01）']);
  });

  it('refuses a project over its quota, naming the lines beyond it', () => {
    const plan = computePlan([{ ...MZ01, basis: 'household', quota: 2, funding: { by: 'amount', amounts: { district: 1_000_000 } } }], [entry(1), entry(2), entry(3)]);
    expect(plan.problems).toEqual([{ projectCode: 'MZ01', reason: '项目MZ01「低保家庭春节慰问」超出名额 1 户（名额 2 户，名单 3 户）', lines: ['莘庄镇 张*明（310***********1003）'] }]);
  });

  it('refuses a project without funding, lines of a category it does not serve, and lines of an unknown project', () => {
    const plan = computePlan([{ code: 'MZ01', name: '慰问金', amountFen: 50000, categories: ['低保家庭'] }], [entry(1), entry(2, { category: '困难老人' }), entry(3, { projectCode: 'XX9' })]);
    expect(plan.problems.map((p) => p.reason)).toEqual([
      '项目XX9不在本活动的帮困项目中，涉及 1 条',
      '项目MZ01「慰问金」未设置资金来源（市级、部门预算、区级、街镇配套、条线自筹、社会募集），请在帮困项目页填写',
      '项目MZ01「慰问金」不适用于帮困类别“困难老人”，涉及 1 条',
    ]);
    expect(plan.unfundedFen).toBe(100_000);
    expect(plan.lines.every((l) => l.split === undefined)).toBe(true);
  });
});
