import { describe, expect, it } from 'vitest';
import { validateIntakeRows } from '../../../functions/core/intake-row.js';
import { NOT_SENT_BACK, surveyTakesLists, unitsTakingUploads } from '../../../functions/core/upload-window.js';
import { PEOPLE, RULES } from './fixtures.js';

const UNITS = ['莘庄镇', '古美路街道', '区民政局'];
const at = (phase: 'survey' | 'deploy' | 'implement', phaseStatus: 'awaiting' | 'running' | 'done' | 'failed') => ({ phase, phaseStatus, units: UNITS });
const sentBack = (unit: string, resubmittedAt?: string) => ({ unit, taskToken: 't', ...(resubmittedAt ? { resubmittedAt } : {}) });

describe('which units may upload', () => {
  it('every unit while 排摸 waits at its gate, none once the gate is passed', () => {
    expect(unitsTakingUploads(at('survey', 'awaiting'), undefined, [])).toEqual(UNITS);
    expect(unitsTakingUploads(at('survey', 'awaiting'), { passedAt: '2025-01-01T00:00:00Z' }, [])).toEqual([]);
    expect(unitsTakingUploads(at('survey', 'running'), undefined, [])).toEqual([]);
    expect(surveyTakesLists(at('survey', 'done'), undefined)).toBe(false);
  });

  it('in 部署, only the units whose list is sent back and not yet resubmitted', () => {
    const resubmissions = [sentBack('区民政局'), sentBack('莘庄镇'), sentBack('古美路街道', '2025-01-02T00:00:00Z'), { unit: '古美路街道' }];
    expect(unitsTakingUploads(at('deploy', 'running'), { passedAt: 'x' }, resubmissions)).toEqual(['莘庄镇', '区民政局']);
    expect(unitsTakingUploads(at('deploy', 'running'), { passedAt: 'x' }, [])).toEqual([]);
    expect(surveyTakesLists(at('deploy', 'running'), { passedAt: 'x' })).toBe(false);
  });

  it('none once 部署 is not running (failed back to its gate, or done), whatever waits', () => {
    for (const state of [at('deploy', 'awaiting'), at('deploy', 'failed'), at('implement', 'awaiting')]) {
      expect(unitsTakingUploads(state, { passedAt: 'x' }, [sentBack('莘庄镇')])).toEqual([]);
    }
  });
});

describe('intake rows of units whose lists are closed', () => {
  const row = (unit: string, id = PEOPLE.a) => ({ 姓名: '张小明', 身份证号码: id, 联系电话: '13800138000', 所属单位: unit, 帮困类别: '低保家庭', 帮困项目: RULES.projects[0].code, 家庭人数: '1', 发放方式: '社保卡' });

  it('accepts the open units\' rows and refuses another unit\'s with the reason', () => {
    const { accepted, errors } = validateIntakeRows([row('莘庄镇'), row('区民政局', PEOPLE.b)], { ...RULES, openUnits: ['莘庄镇'] });
    expect(accepted.map((b) => b.unit)).toEqual(['莘庄镇']);
    expect(errors).toEqual([{ row: 3, column: '所属单位', reason: NOT_SENT_BACK }]);
  });

  it('an unknown unit is still reported as unknown; without openUnits every unit is open', () => {
    expect(validateIntakeRows([row('火星镇')], { ...RULES, openUnits: ['莘庄镇'] }).errors[0].reason).toContain('不在单位名单中');
    expect(validateIntakeRows([row('区民政局')], RULES).accepted).toHaveLength(1);
  });
});
