import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decideTask, listApprovalTasks } from '../../../functions/data/approval-tasks.js';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { keys } from '../../../functions/data/keys.js';
import { checkLink, type Link } from '../../../functions/data/links.js';
import { browser, createCampaignVia, eventually, linkIn, SECRETS, signedIn, startWeb, type Browser, type Web } from './harness.js';

let web: Web;
let coordinator: Browser;
beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web);
});
afterAll(() => web.close());

// The campaign form's approvers, in order; no chain configured, so each is one step.
const [FIRST, SECOND] = ['chief@mzj.example.cn', 'director@mzj.example.cn'];
let n = 0;

/** Puts a beneficiary of `unit` in the campaign's register. */
const nominate = (campaignId: string, i: number, unit: string, projectCode = 'MZ01', amountFen = 50000) =>
  storeBeneficiary(web.table, {
    campaignId, projectCode, idHash: String(i % 10).repeat(63) + String(i).slice(-1), idMasked: '310***********0011', name: `对象${i}`,
    phone: '13800138000', unit, category: '低保家庭', householdSize: 1, amountFen, paymentMethod: '银行转账', uploadId: 'u', row: i + 1,
  });

/** The newest /approve/ link mailed to `to` after `after` mails. */
async function mailedLink(to: string, after: number): Promise<string> {
  await eventually(async () => web.mails.slice(after).some((m) => m.to === to && m.text.includes('/approve/')), `an approval mail to ${to}`);
  return linkIn(web, to);
}

/** A campaign whose deploy workflow asks for the first step's decision on 莘庄镇's list (and `more` units'). */
async function approvalRequested(more: string[] = []) {
  const campaignId = await createCampaignVia(web, coordinator, { name: `<i>审批测试</i> ${++n}`, units: ['莘庄镇', ...more].join('\n') });
  await nominate(campaignId, 1, '莘庄镇', 'MZ01', 50000);
  await nominate(campaignId, 2, '莘庄镇', 'GH02', 80050);
  for (const [i, unit] of more.entries()) await nominate(campaignId, 3 + i, unit);
  const mailed = web.mails.length;
  const { executionArn } = await web.sfn.send(new StartExecutionCommand({ stateMachineArn: web.approvalWorkflowArn, input: JSON.stringify({ campaignId }) }));
  await eventually(async () => web.mails.slice(mailed).filter((m) => m.to === FIRST).length === 1 + more.length, 'the approval mails');
  const path = web.mails.slice(mailed).find((m) => m.to === FIRST && m.subject.includes('莘庄镇'))!.text.match(/https?:\/\/\S+/)![0].replace(/^https?:\/\/[^/]+/, '');
  return { campaignId, executionArn: executionArn!, path, credential: path.slice('/approve/'.length), mailed };
}

const status = async (executionArn: string) => web.sfn.send(new DescribeExecutionCommand({ executionArn }));
const settled = (executionArn: string) =>
  eventually(async () => {
    const x = await status(executionArn);
    return x.status !== 'RUNNING' ? x : undefined;
  }, 'the deploy execution to end');
const seenOf = async (res: Response) => /name="seen" value="([a-f0-9]{64})"/.exec(await res.text())![1];

describe('approval links', () => {
  it('GET shows the unit\'s list and changes nothing; POST approves once; the next step is asked; a second POST changes nothing', async () => {
    const { executionArn, path, credential, campaignId } = await approvalRequested();
    const approver = browser(web);
    const page = await approver.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of ['第 <b>1</b>/2 级', '莘庄镇', '春节帮困慰问金', '¥500.00', '¥1,300.50', '&lt;i&gt;审批测试&lt;/i&gt;']) expect(html).toContain(text);
    expect(html).not.toContain(credential);
    const [task] = await listApprovalTasks(web.table, campaignId);
    expect(html).not.toContain(task.taskToken!);
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);

    const seen = /name="seen" value="([a-f0-9]{64})"/.exec(html)![1];
    const mailed = web.mails.length;
    const approved = await approver.form(path, { decision: 'approve', seen });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('已同意');
    const second = await mailedLink(SECOND, mailed);
    expect(await (await approver.form(path, { decision: 'approve', seen })).text()).toContain('已处理');
    expect(await (await approver.get(path)).text()).toMatch(/已处理[\s\S]*已同意/);

    const other = browser(web);
    await other.form(second, { decision: 'approve', seen: await seenOf(await other.get(second)) });
    expect((await settled(executionArn)).status).toBe('SUCCEEDED');
    const tasks = await listApprovalTasks(web.table, campaignId);
    expect(tasks.map((t) => [t.step, t.decision?.outcome, t.decision?.by, t.decision?.summaryHash.length])).toEqual([[1, 'approved', FIRST, 64], [2, 'approved', SECOND, 64]]);
    expect(tasks[0].decision!.summaryHash).toBe(seen);
    expect(tasks[0].decision!.linkId).toBe(credential.split('.')[0]);

    const audit = await (await coordinator.get(`/campaigns/${campaignId}/approvals`)).text();
    expect(audit).toContain('审批记录');
    expect(audit).toContain(seen);
  });

  it('a reject needs a reason; it sends the list back; the coordinator resubmits and round 2 starts at the first step', async () => {
    const { executionArn, path, campaignId } = await approvalRequested();
    const approver = browser(web);
    const seen = await seenOf(await approver.get(path));
    const noReason = await approver.form(path, { decision: 'reject', reason: '  ', seen });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('退回时必须填写原因');

    const mailed = web.mails.length;
    expect(await (await approver.form(path, { decision: 'reject', reason: '=HYPERLINK("x") 名单有重复人员', seen })).text()).toContain('已退回');
    await eventually(async () => web.mails.slice(mailed).some((m) => m.to === 'coordinator@mzj.example.cn' && m.subject.startsWith('名单被退回')), 'the sent-back mail');
    expect((await status(executionArn)).status).toBe('RUNNING');

    const page = await (await coordinator.get(`/campaigns/${campaignId}/approvals`)).text();
    expect(page).toContain('待重新提交的名单');
    const resubmitted = await coordinator.form(`/campaigns/${campaignId}/approvals/resubmit`, { unit: '莘庄镇', round: '1', note: '已删除重复人员' });
    expect(resubmitted.status).toBe(303);
    const again = await coordinator.form(`/campaigns/${campaignId}/approvals/resubmit`, { unit: '莘庄镇', round: '1', note: '再次提交' });
    expect(again.headers.get('location')).toContain('already-resubmitted');
    const round2 = await mailedLink(FIRST, mailed);
    expect(await (await browser(web).get(round2)).text()).toContain('第 2 轮');

    const csv = await (await coordinator.get(`/campaigns/${campaignId}/approvals/audit.csv`)).text();
    expect(csv).toContain(`"'=HYPERLINK(""x"") 名单有重复人员"`);
    expect(csv).toContain('"退回"');
  });

  it('refuses a forged credential with 403, an expired one with 410, and another person\'s session with 403', async () => {
    const { path, executionArn, credential } = await approvalRequested();
    const approver = browser(web);
    const forged = `${path.slice(0, -6)}AAAAAA`;
    expect((await approver.get(forged)).status).toBe(403);
    expect((await approver.form(forged, { decision: 'approve' })).status).toBe(403);
    expect((await approver.get('/approve/nonsense')).status).toBe(403);
    // The coordinator's own signed-in browser is not the approver's.
    const wrong = await coordinator.form(path, { decision: 'approve', seen: 'x' });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('属于另一位审批人');

    web.clock.offsetMs = 40 * 24 * 3600_000;
    try {
      expect((await approver.get(path)).status).toBe(410);
      expect((await approver.form(path, { decision: 'approve' })).status).toBe(410);
    } finally {
      web.clock.offsetMs = 0;
    }
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await status(executionArn)).status).toBe('RUNNING');
  });

  it('refuses a decision on a summary that changed after the page was shown', async () => {
    const { path, campaignId, credential } = await approvalRequested();
    const approver = browser(web);
    const seen = await seenOf(await approver.get(path));
    await nominate(campaignId, 9, '莘庄镇');
    const res = await approver.form(path, { decision: 'approve', seen });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('名单在您打开页面后有变化');
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await listApprovalTasks(web.table, campaignId))[0].decision).toBeUndefined();
  });

  it('two concurrent POSTs: exactly one decides', async () => {
    const { path, campaignId } = await approvalRequested();
    const seen = await seenOf(await browser(web).get(path));
    const taskCalls = () => web.sent.filter((c) => c === 'SendTaskSuccessCommand' || c === 'SendTaskFailureCommand').length;
    const before = taskCalls();
    const answers = await Promise.all([browser(web).form(path, { decision: 'approve', seen }), browser(web).form(path, { decision: 'reject', reason: '不同意', seen })]);
    const texts = await Promise.all(answers.map((r) => r.text()));
    expect(texts.filter((t) => t.includes('已处理')).length).toBe(1);
    const tasks = await listApprovalTasks(web.table, campaignId);
    expect(tasks.filter((t) => t.step === 1 && t.decision)).toHaveLength(1);
    expect(taskCalls()).toBe(before + 1);
  });

  it('approves every pending list of the approver in one action, one recorded decision per list', async () => {
    const { path, campaignId } = await approvalRequested(['七宝镇', '江川路街道']);
    const approver = browser(web);
    const page = await approver.get(path);
    const html = await page.text();
    expect(html).toContain('您还有 2 份名单待审批');
    const batch = [...html.matchAll(/name="batch" value="([^"]+)"/g)].map((m) => m[1].replaceAll('&quot;', '"'));
    const body = new URLSearchParams({ decision: 'approve-all', seen: /name="seen" value="([a-f0-9]{64})"/.exec(html)![1] });
    for (const b of batch) body.append('batch', b);
    const done = await approver.request(path, { method: 'POST', body });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('共 3 份名单');
    const decided = (await listApprovalTasks(web.table, campaignId)).filter((t) => t.step === 1 && t.decision);
    expect(decided.map((t) => t.unit).sort()).toEqual(['七宝镇', '江川路街道', '莘庄镇']);
    expect(new Set(decided.map((t) => t.decision!.summaryHash)).size).toBe(3);
    expect(decided.every((t) => t.decision!.batch)).toBe(true);
  });

  it('gives the link back when the decision could not be delivered', async () => {
    const { path, credential, campaignId } = await approvalRequested();
    const approver = browser(web);
    const seen = await seenOf(await approver.get(path));
    web.failOnce.add('SendTaskSuccessCommand');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await approver.form(path, { decision: 'approve', seen })).status).toBe(500);
    } finally {
      errors.mockRestore();
    }
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await listApprovalTasks(web.table, campaignId))[0].decision).toBeUndefined();
    expect((await approver.form(path, { decision: 'approve', seen })).status).toBe(200);
    const link = await web.table.get<Link>(keys.link(credential.split('.')[0]));
    expect(link?.outcome).toBe('approved');
  });

  it('hands a decision recorded but lost on its way to the workflow (the server died between) to it when the link is opened again', async () => {
    const { path, campaignId, mailed } = await approvalRequested();
    const [task] = await listApprovalTasks(web.table, campaignId);
    const at = new Date(Date.now() - 60_000).toISOString();
    expect(await decideTask(web.table, task, { outcome: 'approved', by: FIRST, at, linkId: 'lost', summaryHash: 'f'.repeat(64), batch: false })).toBe(true);
    expect(await (await browser(web).get(path)).text()).toContain('已处理');
    // The workflow got the decision: it asks the next step.
    await mailedLink(SECOND, mailed);
    expect((await listApprovalTasks(web.table, campaignId))[0].delivered).toBe('sent');
  });

  it('hands a lost decision to the workflow when the coordinator looks at the campaign in 部署', async () => {
    const { campaignId, mailed } = await approvalRequested();
    const [task] = await listApprovalTasks(web.table, campaignId);
    const decision = { outcome: 'approved' as const, by: FIRST, at: new Date(Date.now() - 60_000).toISOString(), linkId: 'lost', summaryHash: 'f'.repeat(64), batch: false };
    expect(await decideTask(web.table, task, decision)).toBe(true);
    await web.table.update(keys.campaign(campaignId), { phase: 'deploy', phaseStatus: 'running' });
    expect((await coordinator.get(`/api/campaigns/${campaignId}`)).status).toBe(200);
    await mailedLink(SECOND, mailed);
    expect((await listApprovalTasks(web.table, campaignId))[0].delivered).toBe('sent');
  });

  it('refuses a decision posted from another site', async () => {
    const { path, credential } = await approvalRequested();
    const res = await browser(web).request(path, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ decision: 'approve' }) });
    expect(res.status).toBe(403);
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
  });
});
