import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../functions/core/plan.js';
import type { Campaign } from '../../../functions/data/campaigns.js';
import type { Conflict } from '../../../functions/data/conflicts.js';
import { acceptsResolutions, startReasons, type CampaignFacts } from '../../../functions/web/campaign-facts.js';

const campaign: Campaign = {
  id: 'c', name: '测试', coordinator: 'a@b.cn', units: ['莘庄镇'], categories: ['低保家庭'], projects: [{ code: 'MZ01', name: '慰问金', amountFen: 50000 }],
  exclusivePairs: [], approvers: ['x@y.cn'], callbackStaff: ['z@y.cn'], phase: 'deploy', phaseStatus: 'awaiting', createdAt: '2025-12-01T00:00:00Z',
};
const gate = { campaignId: 'c', phase: 'deploy' as const, taskToken: 't', openedAt: '2025-12-02T00:00:00Z' };
const conflict = { id: 'x', status: 'open' } as Conflict;

const PASSING = { ok: true, problems: [] };

function facts(open: number, resolved = 0, plan: CampaignFacts['plan'] = PASSING): CampaignFacts {
  return {
    campaign, gates: { deploy: gate }, uploads: [],
    beneficiaries: { count: 10, totalFen: 500000, projects: [], excluded: resolved },
    payments: { count: 0, totalFen: 0 },
    conflicts: { list: Array.from({ length: open + resolved }, () => conflict), open, resolved },
    plan,
  };
}

describe('the 部署 precondition on conflicts', () => {
  it('refuses 部署 while any conflict is open, saying how many, in zh-CN', () => {
    expect(startReasons('deploy', facts(2, 1))).toEqual(['还有 2 个互斥项目冲突待处理：同一人被申报了互斥的两个项目，请在本页逐一选择保留的项目并填写原因']);
  });

  it('lets 部署 start once every conflict is resolved', () => {
    expect(startReasons('deploy', facts(0, 3))).toEqual([]);
  });
});

describe('the 部署 precondition on the plan', () => {
  const entry = (n: number) => ({ projectCode: 'MZ01', idHash: String(n).padStart(64, '0'), idMasked: '310***********1234', name: '张三', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen: 50000 });

  it('refuses 部署 while the plan is refused, with its reasons in zh-CN', () => {
    const plan = computePlan(campaign.projects, [entry(1)]);
    expect(startReasons('deploy', facts(0, 0, plan))).toEqual(['资金计划未通过核对：项目MZ01「慰问金」未设置资金来源（市级、部门预算、区级、街镇配套、条线自筹、社会募集），请在帮困项目页填写']);
  });

  it('lists the first five problems and counts the rest', () => {
    const projects = Array.from({ length: 7 }, (_, i) => ({ code: `P${i}`, name: `项目${i}`, amountFen: 100 }));
    const reasons = startReasons('deploy', facts(0, 0, computePlan(projects, [])));
    expect(reasons).toHaveLength(6);
    expect(reasons[5]).toBe('资金计划还有 2 个问题，请在「资金计划」页查看');
  });

  it('lets 部署 start once the plan passes', () => {
    const funded = [{ ...campaign.projects[0], funding: { by: 'amount' as const, amounts: { district: 50000 } } }];
    const plan = computePlan(funded, [entry(1)]);
    expect(plan.ok).toBe(true);
    expect(startReasons('deploy', facts(0, 0, plan))).toEqual([]);
  });
});

describe('when conflicts can be resolved', () => {
  it('from 排摸 close until 部署 starts, and again after an approver returns the register', () => {
    expect(acceptsResolutions({ ...campaign, phase: 'survey', phaseStatus: 'awaiting' }, undefined)).toBe(false);
    expect(acceptsResolutions({ ...campaign, phase: 'survey', phaseStatus: 'running' }, undefined)).toBe(false);
    expect(acceptsResolutions({ ...campaign, phase: 'survey', phaseStatus: 'done' }, undefined)).toBe(true);
    expect(acceptsResolutions(campaign, gate)).toBe(true);
    expect(acceptsResolutions(campaign, { ...gate, passedAt: '2025-12-03T00:00:00Z' })).toBe(false);
    expect(acceptsResolutions({ ...campaign, phaseStatus: 'running' }, { ...gate, passedAt: '2025-12-03T00:00:00Z' })).toBe(false);
    expect(acceptsResolutions({ ...campaign, phase: 'implement' }, undefined)).toBe(false);
  });
});

describe('a phase whose workflow failed', () => {
  it('says it did not finish and is going back to its gate, to be started again', () => {
    const failed = { ...facts(0), campaign: { ...campaign, phase: 'survey' as const, phaseStatus: 'failed' as const }, gates: {} };
    expect(startReasons('survey', failed)).toEqual(['「排摸」阶段未完成，工作流正在回到启动点，请稍候刷新页面后重新启动']);
  });
});
