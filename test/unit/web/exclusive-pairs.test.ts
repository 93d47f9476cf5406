import { describe, expect, it } from 'vitest';
import { campaignFormValues, parseCampaignForm, parseExclusivePairs } from '../../../functions/web/campaign-form.js';

const FORM = {
  name: '2025年元旦春节帮困送温暖',
  units: '区民政局\n莘庄镇',
  categories: '低保家庭',
  projects: 'MZ01,春节帮困慰问金,500\nMZ02,低保家庭春节慰问,300\nGH02,困难职工慰问,800',
  approvers: 'chief@mzj.example.cn',
  callbackStaff: 'caller1@mzj.example.cn',
};

describe('互斥项目 on the campaign form', () => {
  it('is optional: no pairs, every pair of projects combines', () => {
    const parsed = parseCampaignForm(campaignFormValues(FORM));
    expect(parsed).toMatchObject({ ok: true, campaign: { exclusivePairs: [] } });
  });

  it('stores each pair in code order, spelled as the projects spell them, whatever the separator', () => {
    const parsed = parseCampaignForm(campaignFormValues({ ...FORM, exclusivePairs: 'mz02,MZ01\nGH02，MZ01\n' }));
    expect(parsed).toMatchObject({ ok: true, campaign: { exclusivePairs: [['MZ01', 'MZ02'], ['GH02', 'MZ01']] } });
  });

  it('refuses unknown codes, a project paired with itself, malformed lines and repeated pairs, line by line', () => {
    const result = parseExclusivePairs('MZ01,XX99\nMZ01,MZ01\nMZ01\nMZ01,MZ02\nMZ02,MZ01', ['MZ01', 'MZ02']);
    expect(result).toEqual({
      ok: false,
      errors: [
        '第1行：“XX99”不是本活动的帮困项目编码',
        '第2行：同一项目不能与自身互斥',
        '第3行：格式应为“编码A,编码B”，例如 MZ01,GH02',
        '第5行：与第4行重复',
      ],
    });
  });

  it('checks pairs against the project codes even when another project line is wrong, reporting both', () => {
    const parsed = parseCampaignForm(campaignFormValues({ ...FORM, projects: `${FORM.projects}\nXY01,坏金额,abc`, exclusivePairs: 'MZ01,ZZ01' }));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.projects?.[0]).toContain('第4行');
    expect(parsed.errors.exclusivePairs).toEqual(['第1行：“ZZ01”不是本活动的帮困项目编码']);
  });
});
