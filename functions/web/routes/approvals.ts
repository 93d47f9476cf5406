import type { Hono } from 'hono';
import { z } from 'zod';
import { getApprovalChains, saveApprovalChains, type ChainStep } from '../../data/approval-chains.js';
import { listApprovalTasks } from '../../data/approval-tasks.js';
import { getResubmission, listResubmissions, markResubmitted, releaseResubmission } from '../../data/resubmissions.js';
import { auditCsv, auditWorkbook, decisionsOf } from '../audit-trail.js';
import { formatChain, parseChain } from '../chain-form.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { approvalsPage, chainsPage } from '../pages/approvals.js';
import { completeTask } from '../workflows.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

const NOTICES: Record<string, string> = {
  resubmitted: '名单已重新提交，将从第一级重新审批。',
  'already-resubmitted': '该名单此前已重新提交，本次操作未重复提交。',
};

const resubmission = z.object({
  unit: z.string().min(1).max(200),
  round: z.coerce.number().int().positive(),
  note: z.string({ error: '请填写修改说明' }).trim().min(1, '请填写修改说明').max(500, '修改说明最多500个字'),
});

/** The coordinator's approval pages: the chains, each unit's progress, resubmission, and the audit trail. */
export function approvalPagesRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/chains', async (c) => {
    const campaign = await campaignOf(c, deps);
    const chains = await getApprovalChains(deps.table, campaign.id);
    const values = { default: formatChain(chains?.defaultChain ?? []), units: Object.fromEntries(Object.entries(chains?.units ?? {}).map(([u, s]) => [u, formatChain(s)])) };
    return c.html(chainsPage(c.var.coordinator.email, campaign, values));
  });

  app.post('/campaigns/:id/chains', async (c) => {
    const campaign = await campaignOf(c, deps);
    const body = await formBody(c);
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const values = { default: text('default'), units: Object.fromEntries(campaign.units.map((u, i) => [u, text(`unit${i}`)])) };
    const errors: Record<string, string[]> = {};
    const parse = (name: string, value: string): ChainStep[] => {
      const parsed = parseChain(value);
      if (parsed.ok) return parsed.steps;
      errors[name] = parsed.errors;
      return [];
    };
    const defaultChain = parse('default', values.default);
    const units = Object.fromEntries(campaign.units.map((u, i) => [u, parse(`unit${i}`, values.units[u])]).filter(([, steps]) => steps.length));
    if (Object.keys(errors).length) return c.html(chainsPage(c.var.coordinator.email, campaign, values, errors), 400);
    await saveApprovalChains(deps.table, { campaignId: campaign.id, defaultChain, units, updatedAt: deps.now().toISOString(), updatedBy: c.var.coordinator.email });
    return c.html(chainsPage(c.var.coordinator.email, campaign, values, {}, true));
  });

  app.get('/campaigns/:id/approvals', async (c) => {
    const campaign = await campaignOf(c, deps);
    const [tasks, resubmissions] = await Promise.all([listApprovalTasks(deps.table, campaign.id), listResubmissions(deps.table, campaign.id)]);
    const notice = NOTICES[c.req.query('notice') ?? ''];
    return c.html(approvalsPage({ user: c.var.coordinator.email, campaign, tasks, resubmissions, decisions: decisionsOf(tasks), notice }));
  });

  /** The unit's fixed list goes back into its chain: completes the resubmission wait, once. */
  app.post('/campaigns/:id/approvals/resubmit', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = resubmission.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('未重新提交：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const ref = { campaignId: campaign.id, unit: parsed.data.unit, round: parsed.data.round };
    const waiting = await getResubmission(deps.table, ref);
    if (!waiting?.taskToken) throw new NotFound('没有找到待重新提交的名单。');
    const back = `/campaigns/${campaign.id}/approvals`;
    const at = deps.now().toISOString();
    if (!(await markResubmitted(deps.table, ref, c.var.coordinator.email, parsed.data.note, at))) return c.redirect(`${back}?notice=already-resubmitted`, 303);
    let sent: 'sent' | 'closed';
    try {
      sent = await completeTask(deps, waiting.taskToken, { output: { resubmitted: true, by: c.var.coordinator.email, at } });
    } catch (err) {
      await releaseResubmission(deps.table, ref, at);
      throw err;
    }
    if (sent === 'closed') throw new Conflict('该名单的审批流程已结束，无法重新提交。请在活动页面查看「部署」阶段的状态。');
    return c.redirect(`${back}?notice=resubmitted`, 303);
  });

  app.get('/campaigns/:id/approvals/audit.csv', async (c) => {
    const campaign = await campaignOf(c, deps);
    const csv = auditCsv(decisionsOf(await listApprovalTasks(deps.table, campaign.id)));
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`${campaign.name}-审批记录.csv`, 'approvals.csv') });
  });

  app.get('/campaigns/:id/approvals/audit.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const xlsx = await auditWorkbook(decisionsOf(await listApprovalTasks(deps.table, campaign.id)));
    return c.body(new Uint8Array(xlsx), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`${campaign.name}-审批记录.xlsx`, 'approvals.xlsx') });
  });
}
