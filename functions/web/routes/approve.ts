import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { getApprovalTask, listApprovalTasks, roleOf, type ApprovalTask, type Outcome, type TaskDecision } from '../../data/approval-tasks.js';
import { getCampaign, type Campaign } from '../../data/campaigns.js';
import { checkLink, releaseLink, setLinkOutcome, useLink, type Link } from '../../data/links.js';
import { getSession } from '../../data/sessions.js';
import { shownFor } from '../../steps/approval.js';
import { shownHash } from '../../steps/list-summary.js';
import { decideAndDeliver, redeliverLostDecision } from '../approval-delivery.js';
import { registerInputs } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Forbidden, Gone } from '../errors.js';
import { alreadyHandledPage, approvalClosedPage, decisionDonePage, decisionPage, otherApproverPage, taskDecidedPage, type PendingList } from '../pages/approve.js';
import { keptListSummaries } from '../register-tally.js';
import { sessionIdOf } from '../security.js';

type KeptLists = Awaited<ReturnType<typeof keptListSummaries>>;

const reason = z.string().trim().min(1, '退回时必须填写原因').max(500, '原因最多500个字');
const decisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve') }),
  z.object({ decision: z.literal('approve-all') }),
  z.object({ decision: z.literal('reject'), reason }),
  z.object({ decision: z.literal('return'), reason }),
]);
const OUTCOMES = { approve: 'approved', 'approve-all': 'approved', reject: 'rejected', return: 'returned' } as const;
const batchItem = z.tuple([z.string().min(1).max(200), z.number().int().positive(), z.number().int().positive(), z.string().regex(/^[a-f0-9]{64}$/)]);

/** The form's fields, repeated ones (batch) as lists. */
async function fields(c: Context): Promise<Record<string, string[]>> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw new BadRequest('提交的表单无法读取，请返回页面后重试。');
  }
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')]));
}

/** What a link opens: its approval task and the summary as shown now (with its hash). */
interface Opened {
  link: Link;
  campaign: Campaign;
  task: ApprovalTask;
  hash: string;
  page: Parameters<typeof decisionPage>[1];
}

/**
 * An approver's link: an opaque, signed, expiring credential bound to one approver and one
 * approval task. GET shows what is to be decided; only POST decides, and only once. A link is
 * refused in another person's signed-in session.
 */
export function approvalRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  /** The pending lists this approver may decide besides `task`, as they would be shown. */
  const othersOf = async (campaign: Campaign, email: string, task: ApprovalTask, lists: KeptLists): Promise<PendingList[]> => {
    const pending = (await listApprovalTasks(deps.table, campaign.id)).filter(
      (t) => !t.decision && t.taskToken && roleOf(t, email) && !(t.unit === task.unit && t.round === task.round && t.step === task.step),
    );
    return Promise.all(pending.map(async (t) => {
      const shown = await shownFor(deps.table, t, campaign, lists?.get(t.unit));
      return { task: t, shown, hash: shownHash(shown) };
    }));
  };

  /** The lists' summaries this sandbox keeps for the register as it is now, if it does (see register-tally.ts). */
  const keptLists = (campaign: Campaign): Promise<KeptLists> => keptListSummaries(campaign, () => registerInputs(deps, campaign));

  /** The link's task and page, or the response that answers instead. */
  const open = async (c: Context): Promise<Opened | Response> => {
    const { linkKey } = await deps.secrets();
    const result = await checkLink(deps.table, linkKey, c.req.param('credential') ?? '', 'approval', deps.now());
    if (!result.ok && result.problem === 'used') {
      if (result.link?.task && result.link.campaignId) await redeliverLostDecision(deps, { campaignId: result.link.campaignId, ...result.link.task });
      return c.html(alreadyHandledPage(result.link?.outcome));
    }
    if (!result.ok && result.problem === 'expired') throw new Gone('此审批链接已过期。如仍需审批，请联系活动协调员。');
    if (!result.ok || !result.link.task || !result.link.campaignId) throw new Forbidden('链接无效。请使用邮件中的完整链接。', '链接无效');
    const { link } = result;
    const [campaignId, ref] = [result.link.campaignId, result.link.task];
    const sessionId = sessionIdOf(c);
    const session = sessionId ? await getSession(deps.table, sessionId, deps.now()) : undefined;
    if (session && session.email.toLowerCase() !== link.email.toLowerCase()) return c.html(otherApproverPage(), 403);
    const [task, campaign] = await Promise.all([getApprovalTask(deps.table, { campaignId, ...ref }), getCampaign(deps.table, campaignId)]);
    if (!task || !campaign) throw new Gone('此审批已不存在。如有疑问，请联系活动协调员。', '审批已关闭');
    if (task.decision) {
      await redeliverLostDecision(deps, task);
      return c.html(taskDecidedPage(task.decision.outcome, task.decision.by));
    }
    if (!roleOf(task, link.email)) throw new Forbidden('您不是这份名单此级的审批人。');
    // Each list shown is the kept summary of the register as it is now, or read from its unit's index entries.
    const lists = await keptLists(campaign);
    const shown = await shownFor(deps.table, task, campaign, lists?.get(task.unit));
    const hash = shownHash(shown);
    return { link, campaign, task, hash, page: { task, shown, hash, others: await othersOf(campaign, link.email, task, lists) } };
  };

  app.get('/approve/:credential', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    return c.html(decisionPage(opened.link.email, opened.page));
  });

  app.post('/approve/:credential', async (c) => {
    const opened = await open(c);
    if (opened instanceof Response) return opened;
    const { link, task, hash, page } = opened;
    const form = await fields(c);
    const one = (name: string) => form[name]?.at(-1) ?? '';
    const parsed = decisionSchema.safeParse({ decision: one('decision'), reason: one('reason') });
    if (!parsed.success) {
      const error = parsed.error.issues.find((i) => i.path[0] === 'reason')?.message ?? '请选择“同意”或“退回”';
      return c.html(decisionPage(link.email, page, { reason: one('reason'), error }), 400);
    }
    // What the approver saw must be what is decided: the summaries are recomputed and compared.
    const targets: { task: ApprovalTask; hash: string }[] = [{ task, hash }];
    let changed = one('seen') !== hash;
    if (parsed.data.decision === 'approve-all') {
      for (const value of form.batch ?? []) {
        const item = batchItem.safeParse((() => { try { return JSON.parse(value); } catch { return undefined; } })());
        const other = item.success ? page.others.find((o) => o.task.unit === item.data[0] && o.task.round === item.data[1] && o.task.step === item.data[2]) : undefined;
        if (!other || other.hash !== item.data?.[3]) changed = true;
        else targets.push({ task: other.task, hash: other.hash });
      }
    }
    if (changed) return c.html(decisionPage(link.email, page, { changed: true, reason: one('reason') }), 409);

    const outcome: Outcome = OUTCOMES[parsed.data.decision];
    const at = deps.now().toISOString();
    // Spend the link first: of two concurrent posts only one goes on.
    if (!(await useLink(deps.table, link.id, outcome, new Date(at)))) return c.html(alreadyHandledPage(undefined));
    const decided: string[] = [];
    try {
      for (const target of targets) {
        const decision: TaskDecision = {
          outcome, reason: 'reason' in parsed.data ? parsed.data.reason : undefined, by: link.email, at, linkId: link.id,
          summaryHash: target.hash, batch: targets.length > 1,
        };
        const result = await decideAndDeliver(deps, target.task, decision);
        if (result === 'taken' && target.task === task) {
          await setLinkOutcome(deps.table, link.id, 'already-decided');
          const now = await getApprovalTask(deps.table, task);
          return c.html(taskDecidedPage(now!.decision!.outcome, now!.decision!.by));
        }
        if (result === 'closed' && target.task === task) {
          await setLinkOutcome(deps.table, link.id, 'closed');
          return c.html(approvalClosedPage(), 409);
        }
        if (result === 'sent') decided.push(target.task.unit);
      }
    } catch (err) {
      // Not delivered: give the approver the link back, to try again (lists already decided stay so).
      if (!decided.length) await releaseLink(deps.table, link.id, at);
      throw err;
    }
    return c.html(decisionDonePage(outcome, decided));
  });
}
