import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { checkLink, type Link } from '../../../functions/data/links.js';
import { keys } from '../../../functions/data/keys.js';
import { listDecisions } from '../../../functions/data/decisions.js';
import {
  browser,
  createCampaignVia,
  eventually,
  linkIn,
  SECRETS,
  signedIn,
  startWeb,
  type Browser,
  type Web,
} from './harness.js';

let web: Web;
let coordinator: Browser;
beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web);
});
afterAll(() => web.close());

const APPROVER = 'chief@mzj.example.cn';
let n = 0;

/** A campaign with two beneficiaries and a deploy-approval task waiting on its approver's link. */
async function approvalRequested() {
  const campaignId = await createCampaignVia(web, coordinator, { name: `<i>审批测试</i> ${++n}` });
  for (const [i, projectCode, amountFen] of [[1, 'MZ01', 50000], [2, 'GH02', 80050]] as const) {
    await storeBeneficiary(web.table, {
      campaignId, projectCode, idHash: String(i).repeat(64), idMasked: '310***********0011', name: `对象${i}`,
      phone: '13800138000', unit: '莘庄镇', category: '低保家庭', householdSize: 1, amountFen, paymentMethod: '银行转账', uploadId: 'u', row: i + 1,
    });
  }
  const mailed = web.mails.length;
  const { executionArn } = await web.sfn.send(
    new StartExecutionCommand({ stateMachineArn: web.approvalWorkflowArn, input: JSON.stringify({ campaignId, approver: APPROVER }) }),
  );
  await eventually(async () => web.mails.length > mailed, 'the approval mail');
  const path = linkIn(web, APPROVER);
  return { campaignId, executionArn: executionArn!, path, credential: path.slice('/approve/'.length) };
}

const status = async (executionArn: string) => web.sfn.send(new DescribeExecutionCommand({ executionArn }));
const settled = (executionArn: string) =>
  eventually(async () => {
    const x = await status(executionArn);
    return x.status !== 'RUNNING' ? x : undefined;
  }, 'the approval execution to end');
const taskCalls = () => web.sent.filter((c) => c === 'SendTaskSuccessCommand' || c === 'SendTaskFailureCommand').length;

describe('approval links', () => {
  it('GET shows the decision and changes nothing; POST approves once; a second POST sends nothing', async () => {
    const { executionArn, path, credential, campaignId } = await approvalRequested();
    const approver = browser(web);

    const page = await approver.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('第 <b>1</b>/1 级审批');
    expect(html).toContain('春节帮困慰问金');
    expect(html).toContain('¥500.00');
    expect(html).toContain('¥1,300.50');
    expect(html).toContain('&lt;i&gt;审批测试&lt;/i&gt;');
    expect(html).not.toContain(credential);
    const link = await web.table.get<Link>(keys.link(credential.split('.')[0]));
    expect(html).not.toContain(link!.taskToken!);
    await approver.get(path);
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await status(executionArn)).status).toBe('RUNNING');

    const before = taskCalls();
    const approved = await approver.form(path, { decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('已同意');
    const done = await settled(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ decision: 'approved', approver: APPROVER });
    expect(taskCalls()).toBe(before + 1);

    const again = await approver.form(path, { decision: 'approve' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('已处理');
    const later = await approver.get(path);
    expect(await later.text()).toMatch(/已处理[\s\S]*已同意/);
    expect(taskCalls()).toBe(before + 1);

    expect(await listDecisions(web.table, campaignId)).toMatchObject([{ approver: APPROVER, decision: 'approved', step: 1, steps: 1 }]);
    const campaignPage = await (await coordinator.get(`/campaigns/${campaignId}`)).text();
    expect(campaignPage).toContain('审批记录');
    expect(campaignPage).toContain(APPROVER);
  });

  it('requires a reason to reject, then fails the task with it', async () => {
    const { executionArn, path, credential } = await approvalRequested();
    const approver = browser(web);
    const noReason = await approver.form(path, { decision: 'reject', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('退回时必须填写原因');
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await status(executionArn)).status).toBe('RUNNING');

    const rejected = await approver.form(path, { decision: 'reject', reason: '名单中有重复人员，请核实' });
    expect(rejected.status).toBe(200);
    expect(await rejected.text()).toContain('已退回');
    const done = await settled(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: '名单中有重复人员，请核实' });
  });

  it('refuses a forged credential with 403 and an expired one with 410', async () => {
    const { path, executionArn } = await approvalRequested();
    const approver = browser(web);
    const forged = `${path.slice(0, -6)}AAAAAA`;
    const bad = await approver.get(forged);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('链接无效');
    expect((await approver.form(forged, { decision: 'approve' })).status).toBe(403);
    expect((await approver.get('/approve/nonsense')).status).toBe(403);

    web.clock.offsetMs = 73 * 3600_000;
    try {
      const expired = await approver.get(path);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('链接已过期');
      expect((await approver.form(path, { decision: 'approve' })).status).toBe(410);
    } finally {
      web.clock.offsetMs = 0;
    }
    expect((await status(executionArn)).status).toBe('RUNNING');
  });

  it('tells the approver when the approval is no longer open', async () => {
    const { path, executionArn } = await approvalRequested();
    web.engine.stopExecution(executionArn);
    const res = await browser(web).form(path, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('此项审批已不再等待决定');
    expect(await (await browser(web).get(path)).text()).toContain('决定未生效');
  });

  it('gives the link back when the decision could not be delivered', async () => {
    const { path, executionArn, credential } = await approvalRequested();
    const approver = browser(web);
    web.failOnce.add('SendTaskSuccessCommand');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const failed = await approver.form(path, { decision: 'approve' });
      expect(failed.status).toBe(500);
      expect(await failed.text()).toContain('系统出现了问题');
    } finally {
      errors.mockRestore();
    }
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await approver.form(path, { decision: 'approve' })).status).toBe(200);
    expect((await settled(executionArn)).status).toBe('SUCCEEDED');
  });

  it('refuses a decision posted from another site', async () => {
    const { path, executionArn, credential } = await approvalRequested();
    const res = await browser(web).request(path, { method: 'POST', headers: { origin: 'https://evil.example' }, body: new URLSearchParams({ decision: 'approve' }) });
    expect(res.status).toBe(403);
    expect((await checkLink(web.table, SECRETS.linkKey, credential, 'approval')).ok).toBe(true);
    expect((await status(executionArn)).status).toBe('RUNNING');
  });
});
