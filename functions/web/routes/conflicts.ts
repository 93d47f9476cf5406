import type { Hono } from 'hono';
import { z } from 'zod';
import { CONFLICT_ID, getConflict, resolveConflict } from '../../data/conflicts.js';
import { getGate } from '../../data/gates.js';
import { acceptsResolutions } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { campaignOf } from './campaigns.js';
import { formBody } from './util.js';

const resolution = z.object({
  /** The project code of the nomination kept (the page never carries the person's hash). */
  keep: z.string({ error: '请选择要保留的项目' }).regex(/^[\w-]{1,32}$/, '请选择要保留的项目'),
  reason: z.string({ error: '处理冲突必须填写原因' }).trim().min(1, '处理冲突必须填写原因').max(500, '原因最多500个字'),
});

/** The coordinator settles a conflict: keeps one nomination, with a reason; the other is excluded. */
export function conflictRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.post('/campaigns/:id/conflicts/:conflictId/resolve', async (c) => {
    const campaign = await campaignOf(c, deps);
    const conflictId = c.req.param('conflictId');
    if (!CONFLICT_ID.test(conflictId)) throw new NotFound('没有找到这个冲突。');
    if (!acceptsResolutions(campaign, await getGate(deps.table, campaign.id, 'deploy'))) {
      throw new Conflict('只有在「排摸」阶段结束后、「部署」阶段启动前才能处理冲突。');
    }
    const conflict = await getConflict(deps.table, campaign.id, conflictId);
    if (!conflict) throw new NotFound('没有找到这个冲突。');
    const parsed = resolution.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('冲突未处理：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const outcome = await resolveConflict(deps.table, {
      campaignId: campaign.id,
      conflictId,
      keep: conflict.beneficiaries[conflict.projects.indexOf(parsed.data.keep)] ?? '',
      reason: parsed.data.reason,
      by: c.var.coordinator.email,
      at: deps.now(),
      exclusivePairs: campaign.exclusivePairs,
    });
    const back = `/campaigns/${campaign.id}`;
    switch (outcome) {
      case 'not-found':
        throw new NotFound('没有找到这个冲突。');
      case 'invalid-keep':
        throw new BadRequest('冲突未处理：请选择该冲突中的一个项目保留。');
      case 'kept-excluded':
        throw new Conflict('冲突未处理：要保留的项目已在处理其他冲突时排除，请选择另一个项目。');
      case 'already-resolved':
        return c.redirect(`${back}?notice=conflict-already-resolved#conflicts`, 303);
      case 'resolved':
        return c.redirect(`${back}?notice=conflict-resolved#conflicts`, 303);
    }
  });
}
