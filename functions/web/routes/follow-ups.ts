import type { Hono } from 'hono';
import { z } from 'zod';
import { getBeneficiaries } from '../../data/beneficiaries.js';
import { getCallbackClose, markCallbacksClosed, releaseCallbackClose } from '../../data/callback-close.js';
import { parseBeneficiaryKey } from '../../data/exclusions.js';
import { closeFollowUp, getFollowUp, listFollowUps } from '../../data/follow-ups.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { followUpsPage } from '../pages/follow-ups.js';
import { completeTask } from '../workflows.js';
import { campaignOf } from './campaigns.js';
import { formBody } from './util.js';

const closing = z.object({
  caseId: z.string().regex(/^[\w-]+#[a-f0-9]{64}$/, '案件无效，请刷新页面后重试'),
  resolution: z.string({ error: '请填写核查结果与处理' }).trim().min(1, '请填写核查结果与处理').max(500, '核查结果最多500个字'),
});

const finishing = z.object({ reason: z.string().trim().max(500, '提前结束原因最多500个字').default('') });

/** The coordinator's follow-up cases (异常核查) and the end of the callbacks (结束回访). */
export function followUpRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/follow-ups', async (c) => {
    const campaign = await campaignOf(c, deps);
    const cases = await listFollowUps(deps.table, campaign.id);
    const people = await getBeneficiaries(deps.table, campaign.id, cases.map((f) => parseBeneficiaryKey(f.beneficiaryKey)!));
    const projects = new Map(campaign.projects.map((p) => [p.code, p.name]));
    const views = cases.map((f, i) => ({ ...f, name: people[i]?.name ?? '', project: projects.get(people[i]?.projectCode ?? '') ?? '' }));
    return c.html(followUpsPage(c.var.coordinator.email, campaign, views, c.req.query('notice')));
  });

  /** Closes an open case with its resolution, once. */
  app.post('/campaigns/:id/follow-ups/close', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = closing.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('案件未办结：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    if (!(await getFollowUp(deps.table, campaign.id, parsed.data.caseId))) throw new NotFound('没有找到这个案件。');
    const closed = await closeFollowUp(deps.table, campaign.id, parsed.data.caseId, { resolution: parsed.data.resolution, closedBy: c.var.coordinator.email, closedAt: deps.now().toISOString() });
    return c.redirect(`/campaigns/${campaign.id}/follow-ups?notice=${closed ? 'closed' : 'already-closed'}`, 303);
  });

  /**
   * 结束回访: completes the review workflow's wait, once. Allowed when every case is closed, or,
   * with a reason (recorded), while some are still open.
   */
  app.post('/campaigns/:id/callbacks/finish', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = finishing.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('未结束回访：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const back = `/campaigns/${campaign.id}`;
    const waiting = await getCallbackClose(deps.table, campaign.id);
    if (!waiting) throw new Conflict('回访尚未开始等待结束（抽样完成后才能结束回访），请稍候刷新页面。');
    if (waiting.closedAt) return c.redirect(`${back}?notice=callbacks-already-finished`, 303);
    const openCases = (await listFollowUps(deps.table, campaign.id)).filter((f) => f.status === 'open').length;
    const reason = parsed.data.reason;
    if (openCases > 0 && !reason) throw new BadRequest('未结束回访：', [`还有 ${openCases} 个异常核查案件未办结：请先办结，或填写提前结束的原因`]);
    const at = deps.now().toISOString();
    const by = c.var.coordinator.email;
    if (!(await markCallbacksClosed(deps.table, campaign.id, { closedAt: at, closedBy: by, openCases, ...(openCases > 0 ? { reason } : {}) }))) {
      return c.redirect(`${back}?notice=callbacks-already-finished`, 303);
    }
    let sent: 'sent' | 'closed';
    try {
      sent = await completeTask(deps, waiting.taskToken, { output: { finishedBy: by, at, openCases } });
    } catch (err) {
      await releaseCallbackClose(deps.table, campaign.id, at);
      throw err;
    }
    if (sent === 'closed') {
      // A stale token (the wait was re-issued meanwhile), or the wait is over: nothing ended; the coordinator may try again.
      await releaseCallbackClose(deps.table, campaign.id, at);
      throw new Conflict('工作流暂未在等待结束回访（可能正在重试，或已超时、已停止）：本次未结束回访。请稍后刷新页面重试；如问题持续，请联系系统管理员。');
    }
    return c.redirect(`${back}?notice=callbacks-finished`, 303);
  });
}
