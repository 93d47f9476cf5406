import { describe, expect, it } from 'vitest';
import { formatChain, parseChain } from '../../../functions/web/chain-form.js';

describe('the approval-chain form', () => {
  it('reads one step a line, full-width punctuation included, and writes it back the same', () => {
    const text = '街镇审核, a@x.cn; B@x.cn, d@x.cn, 3, 0.5\n部门审批，c@x.cn，e@x.cn，5，0.4\n\n区民政局终审, f@x.cn, g@x.cn, 2, 0.5';
    const parsed = parseChain(text);
    expect(parsed).toEqual({
      ok: true,
      steps: [
        { name: '街镇审核', approvers: ['a@x.cn', 'b@x.cn'], deputy: 'd@x.cn', deadlineDays: 3, reminderFraction: 0.5 },
        { name: '部门审批', approvers: ['c@x.cn'], deputy: 'e@x.cn', deadlineDays: 5, reminderFraction: 0.4 },
        { name: '区民政局终审', approvers: ['f@x.cn'], deputy: 'g@x.cn', deadlineDays: 2, reminderFraction: 0.5 },
      ],
    });
    expect(parseChain(formatChain(parsed.ok ? parsed.steps : []))).toEqual(parsed);
  });

  it('names each bad line with its reason', () => {
    const parsed = parseChain('审核, a@x.cn, a@x.cn, 3, 0.5\n审批, nobody, d@x.cn, 0, 1\n终审, f@x.cn');
    expect(parsed).toEqual({
      ok: false,
      errors: ['第1行：代理审批人不能同时是本级审批人', '第2行：“nobody”不是有效的邮箱地址', expect.stringMatching(/^第3行：应有 5 项/)],
    });
    expect(parseChain('审批, a@x.cn, d@x.cn, 61, 0.5')).toEqual({ ok: false, errors: ['第1行：期限应为 1 至 60 个工作日'] });
    expect(parseChain('审批, a@x.cn, d@x.cn, 5, 1')).toEqual({ ok: false, errors: ['第1行：提醒比例应大于 0、小于 1（如 0.5）'] });
  });

  it('treats an empty textarea as no chain', () => {
    expect(parseChain(' \n ')).toEqual({ ok: true, steps: [] });
  });
});
