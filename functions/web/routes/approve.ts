import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { recordDecision } from '../../data/decisions.js';
import { checkLink, releaseLink, setLinkOutcome, useLink, type Link } from '../../data/links.js';
import type { ApprovalSummary } from '../../mail/messages.js';
import type { AppDeps, WebEnv } from '../context.js';
import { Forbidden, Gone } from '../errors.js';
import { alreadyHandledPage, approvalClosedPage, decisionDonePage, decisionPage } from '../pages/approve.js';
import { completeTask } from '../workflows.js';
import { formBody } from './util.js';

const summarySchema = z.object({
  campaignName: z.string(),
  step: z.number(),
  steps: z.number(),
  beneficiaries: z.number(),
  totalFen: z.number().int(),
  projects: z.array(z.object({ name: z.string(), count: z.number(), totalFen: z.number().int() })),
});

const decisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve') }),
  z.object({
    decision: z.literal('reject'),
    reason: z.string().trim().min(1, '退回时必须填写原因').max(500, '原因最多500个字'),
  }),
]);

const summaryOf = (link: Link): ApprovalSummary => {
  const parsed = summarySchema.safeParse(link.subject);
  if (!parsed.success) throw new Error('approval link without a readable subject');
  return parsed.data;
};

/**
 * An approver's link: an opaque, signed, expiring credential bound to one approver and one
 * decision. GET shows what is to be decided; only POST decides, and only once.
 */
export function approvalRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  /** The link, or the page that answers instead of it. */
  const linkOf = async (c: Context): Promise<{ link: Link } | { page: Response }> => {
    const { linkKey } = await deps.secrets();
    const result = await checkLink(deps.table, linkKey, c.req.param('credential') ?? '', 'approval', deps.now());
    if (result.ok) return { link: result.link };
    if (result.problem === 'used') return { page: await c.html(alreadyHandledPage(result.link?.outcome)) };
    if (result.problem === 'expired') throw new Gone('此审批链接已过期。如仍需审批，请联系活动协调员。');
    throw new Forbidden('链接无效。请使用邮件中的完整链接。', '链接无效');
  };

  app.get('/approve/:credential', async (c) => {
    const found = await linkOf(c);
    if ('page' in found) return found.page;
    return c.html(decisionPage(found.link.email, summaryOf(found.link)));
  });

  app.post('/approve/:credential', async (c) => {
    const found = await linkOf(c);
    if ('page' in found) return found.page;
    const { link } = found;
    const body = await formBody(c);
    const parsed = decisionSchema.safeParse({ decision: body.decision, reason: typeof body.reason === 'string' ? body.reason : '' });
    if (!parsed.success) {
      const reasonIssue = parsed.error.issues.find((i) => i.path[0] === 'reason');
      const error = reasonIssue?.message ?? '请选择“同意”或“退回”';
      return c.html(decisionPage(link.email, summaryOf(link), { reason: typeof body.reason === 'string' ? body.reason : '', error }), 400);
    }
    const decision = parsed.data.decision === 'approve' ? 'approved' : 'rejected';
    const usedAt = deps.now();
    // Spend the link first: of two concurrent posts only one reaches the workflow.
    if (!(await useLink(deps.table, link.id, decision, usedAt))) {
      const again = await checkLink(deps.table, (await deps.secrets()).linkKey, c.req.param('credential'), 'approval', deps.now());
      return c.html(alreadyHandledPage(again.ok ? undefined : again.link?.outcome));
    }
    if (!link.taskToken) throw new Error('approval link without a task');
    const at = usedAt.toISOString();
    let sent: 'sent' | 'closed';
    try {
      sent = await completeTask(
        deps,
        link.taskToken,
        parsed.data.decision === 'approve'
          ? { output: { decision: 'approved', approver: link.email, at } }
          : { error: 'Rejected', cause: parsed.data.reason },
      );
    } catch (err) {
      // Not delivered: give the approver the link back, to try again.
      await releaseLink(deps.table, link.id, usedAt.toISOString());
      throw err;
    }
    if (sent === 'closed') {
      await setLinkOutcome(deps.table, link.id, 'closed');
      return c.html(approvalClosedPage(), 409);
    }
    const subject = summaryOf(link);
    if (link.campaignId) {
      await recordDecision(deps.table, {
        campaignId: link.campaignId,
        linkId: link.id,
        approver: link.email,
        step: subject.step,
        steps: subject.steps,
        decision,
        reason: parsed.data.decision === 'reject' ? parsed.data.reason : undefined,
        at,
      });
    }
    return c.html(decisionDonePage(decision));
  });
}
