import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../../functions/data/campaigns.js';
import type { Conflict } from '../../../functions/data/conflicts.js';
import { acceptsResolutions, startReasons, type CampaignFacts } from '../../../functions/web/campaign-facts.js';

const campaign: Campaign = {
  id: 'c', name: '测试', coordinator: 'a@b.cn', units: ['莘庄镇'], categories: ['低保家庭'], projects: [{ code: 'MZ01', name: '慰问金', amountFen: 50000 }],
  exclusivePairs: [], approvers: ['x@y.cn'], callbackStaff: ['z@y.cn'], phase: 'deploy', phaseStatus: 'awaiting', createdAt: '2025-12-01T00:00:00Z',
};
const gate = { campaignId: 'c', phase: 'deploy' as const, taskToken: 't', openedAt: '2025-12-02T00:00:00Z' };
const conflict = { id: 'x', status: 'open' } as Conflict;

function facts(open: number, resolved = 0): CampaignFacts {
  return {
    campaign, gates: { deploy: gate }, uploads: [],
    beneficiaries: { count: 10, totalFen: 500000, projects: [], excluded: resolved },
    payments: { count: 0, totalFen: 0 },
    conflicts: { list: Array.from({ length: open + resolved }, () => conflict), open, resolved },
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
