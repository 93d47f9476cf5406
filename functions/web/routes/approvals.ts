import type { Hono } from 'hono';
import { z } from 'zod';
import { getApprovalChains, saveApprovalChains, type ChainStep } from '../../data/approval-chains.js';
import { listApprovalTasks } from '../../data/approval-tasks.js';
import { isSentBack, NOT_SENT_BACK } from '../../core/upload-window.js';
import { getBeneficiary } from '../../data/beneficiaries.js';
import { beneficiaryKey, includedUnitFields, parseBeneficiaryKey } from '../../data/exclusions.js';
import { listRemovals, removeLine } from '../../data/removals.js';
import { getResubmission, listResubmissions, markResubmitted, releaseResubmission, type Resubmission } from '../../data/resubmissions.js';
import { unitsTakingUploadsNow } from '../../data/upload-window.js';
import { listUploads } from '../../data/uploads.js';
import { auditCsv, auditWorkbook, decisionsOf } from '../audit-trail.js';
import { uploadView } from '../campaign-facts.js';
import { formatChain, parseChain } from '../chain-form.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound } from '../errors.js';
import { approvalsPage, chainsPage, SENT_BACK_LINE_FIELDS } from '../pages/approvals.js';
import { completeTask } from '../workflows.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

const NOTICES: Record<string, string> = {
  resubmitted: '名单已重新提交，将从第一级重新审批。',
  'already-resubmitted': '该名单此前已重新提交，本次操作未重复提交。',
  removed: '所选人员已移出名单，重新提交后审批人看到的名单不再包含他们。',
  'already-removed': '所选人员此前已移出名单，本次操作未重复移出。',
};

const LINE_KEY = /^[\w-]+#[a-f0-9]{64}$/;

const removal = z.object({
  unit: z.string().min(1).max(200),
  round: z.coerce.number().int().positive(),
  line: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().regex(LINE_KEY, '所选人员无效，请刷新页面后重试')).min(1, '请选择要移出名单的人员').max(1000, '一次最多移出1000人'),
  ),
  reason: z.string({ error: '请填写移出原因' }).trim().min(1, '请填写移出原因').max(200, '移出原因最多200个字'),
});

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
    const [tasks, resubmissions, removals, openUnits] = await Promise.all([
      listApprovalTasks(deps.table, campaign.id),
      listResubmissions(deps.table, campaign.id),
      listRemovals(deps.table, campaign.id),
      unitsTakingUploadsNow(deps.table, campaign),
    ]);
    // The lines of each sent-back list, for the coordinator to remove some (shown masked).
    const sentBack = [...new Set(resubmissions.filter(isSentBack).map((r) => r.unit))];
    const lines = Object.fromEntries(await Promise.all(sentBack.map(async (unit) => [unit, await includedUnitFields(deps.table, campaign.id, unit, SENT_BACK_LINE_FIELDS)] as const)));
    const notice = NOTICES[c.req.query('notice') ?? ''];
    return c.html(approvalsPage({ user: c.var.coordinator.email, campaign, tasks, resubmissions, decisions: decisionsOf(tasks), removals, lines, openUnits, notice }));
  });

  /** The coordinator, for the unit, removes lines from its sent-back list, with a reason: each is excluded once. */
  app.post('/campaigns/:id/approvals/remove', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = removal.safeParse(await formBody(c, { all: true }));
    if (!parsed.success) throw new BadRequest('未移出：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const { unit, round, reason } = parsed.data;
    await sentBackList(campaign.id, unit, round);
    const lines = await Promise.all([...new Set(parsed.data.line)].map(async (lineKey) => {
      const { projectCode, idHash } = parseBeneficiaryKey(lineKey)!;
      const line = await getBeneficiary(deps.table, campaign.id, projectCode, idHash);
      if (!line || line.unit !== unit) throw new BadRequest('未移出：', ['所选人员不在该单位的名单中，请刷新页面后重试']);
      return line;
    }));
    const at = deps.now();
    let removed = 0;
    for (const line of lines) {
      if ((await removeLine(deps.table, { line, lineKey: beneficiaryKey(line), round, reason, by: c.var.coordinator.email, at })) === 'removed') removed++;
    }
    return c.redirect(`/campaigns/${campaign.id}/approvals?notice=${removed ? 'removed' : 'already-removed'}`, 303);
  });

  /** The unit's list sent back in `round` and not yet resubmitted; refused otherwise. */
  async function sentBackList(campaignId: string, unit: string, round: number): Promise<Resubmission> {
    const waiting = await getResubmission(deps.table, { campaignId, unit, round });
    if (!waiting) throw new NotFound('没有找到待重新提交的名单。');
    if (!isSentBack(waiting)) throw new Conflict(`${NOT_SENT_BACK}。`);
    return waiting;
  }

  /** The unit's fixed list goes back into its chain: completes the resubmission wait, once. */
  app.post('/campaigns/:id/approvals/resubmit', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = resubmission.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('未重新提交：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const ref = { campaignId: campaign.id, unit: parsed.data.unit, round: parsed.data.round };
    const waiting = await getResubmission(deps.table, ref);
    if (!waiting?.taskToken) throw new NotFound('没有找到待重新提交的名单。');
    // A corrected file still being read would change the list after the approvers were asked.
    if (!waiting.resubmittedAt && (await correctionsProcessing(campaign.id, waiting.sentBackAt))) {
      throw new Conflict('该名单被退回后上传的文件还在处理中，请处理完成后再重新提交。');
    }
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

  /** Whether a file uploaded since the list was sent back is still being read. */
  async function correctionsProcessing(campaignId: string, since: string): Promise<boolean> {
    const recent = (await listUploads(deps.table, campaignId)).filter((u) => u.uploadedAt >= since && !u.processedAt);
    return (await Promise.all(recent.map((u) => uploadView(deps, u)))).some((u) => u.state === 'processing');
  }

  app.get('/campaigns/:id/approvals/audit.csv', async (c) => {
    const campaign = await campaignOf(c, deps);
    const csv = auditCsv(decisionsOf(await listApprovalTasks(deps.table, campaign.id)), await listRemovals(deps.table, campaign.id));
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`${campaign.name}-审批记录.csv`, 'approvals.csv') });
  });

  app.get('/campaigns/:id/approvals/audit.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const xlsx = await auditWorkbook(decisionsOf(await listApprovalTasks(deps.table, campaign.id)), await listRemovals(deps.table, campaign.id));
    return c.body(new Uint8Array(xlsx), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`${campaign.name}-审批记录.xlsx`, 'approvals.xlsx') });
  });
}
