import { StartExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitCallbackClose, getCallbackClose } from '../../../functions/data/callback-close.js';
import { getCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { listFollowUps, openFollowUp } from '../../../functions/data/follow-ups.js';
import { paidCampaign } from '../../support/paid-campaign.js';
import { eventually, signedIn, startWeb, type Browser, type Web } from './harness.js';

const COORDINATOR = 'coordinator@mzj.example.cn';
const [A, B] = ['caller.a@mzj.example.cn', 'caller.b@mzj.example.cn'];

let web: Web;
let coordinator: Browser;
let campaign: Campaign;

beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web, COORDINATOR);
  campaign = await paidCampaign(web.table, { name: '回访设置测试', coordinator: COORDINATOR, staff: [A, B], perUnit: 5 });
});
afterAll(() => web.close());

describe('callback settings', () => {
  it('shows the defaults: evenly, replaced after 3 unanswered calls', async () => {
    const html = await (await coordinator.get(`/campaigns/${campaign.id}/callback-settings`)).text();
    expect(html).toContain('value="even" checked');
    expect(html).toContain('id="maxAttempts" name="maxAttempts" value="3"');
    for (const text of ['按单位（街镇）分配', '莘庄镇', '七宝镇', A, B]) expect(html).toContain(text);
  });

  it('saves towns mapped to staff and the number of calls, with the campaign', async () => {
    const res = await coordinator.form(`/campaigns/${campaign.id}/callback-settings`, { assignment: 'byUnit', unit0: B, unit1: '', maxAttempts: '5' });
    expect(res.status).toBe(303);
    expect((await getCampaign(web.table, campaign.id))!.callbackSettings).toEqual({ assignment: 'byUnit', unitStaff: { 莘庄镇: B }, maxAttempts: 5 });
  });

  it('refuses a staff member not of the campaign and a number out of range, in zh-CN, and keeps what was saved', async () => {
    const res = await coordinator.form(`/campaigns/${campaign.id}/callback-settings`, { assignment: 'byUnit', unit0: 'someone@else.cn', maxAttempts: '0' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('「莘庄镇」的回访人员不在本活动的回访人员中');
    expect(html).toContain('替换次数须为 1 到 10 之间的整数');
    expect((await getCampaign(web.table, campaign.id))!.callbackSettings?.maxAttempts).toBe(5);
  });
});

describe('ending the callbacks once every case is closed', () => {
  it('needs no reason, closes cases once, and the workflow succeeds', async () => {
    const { executionArn } = await web.sfn.send(new StartExecutionCommand({ stateMachineArn: web.reviewWorkflowArn, input: JSON.stringify({ campaignId: campaign.id }) }));
    await eventually(() => getCallbackClose(web.table, campaign.id), 'the callbacks awaited');
    await openFollowUp(web.table, {
      campaignId: campaign.id, caseId: `MZ01#${'0'.repeat(64)}`, beneficiaryKey: `MZ01#${'0'.repeat(64)}`, unit: '莘庄镇',
      reason: '电话回访：未收到', openedBy: A, openedAt: new Date().toISOString(), status: 'open',
    });
    const [open] = await listFollowUps(web.table, campaign.id);
    const closed = await coordinator.form(`/campaigns/${campaign.id}/follow-ups/close`, { caseId: open.caseId, resolution: '银行退票，已重新发放' });
    expect(closed.headers.get('location')).toContain('notice=closed');
    const again = await coordinator.form(`/campaigns/${campaign.id}/follow-ups/close`, { caseId: open.caseId, resolution: '再次办结' });
    expect(again.headers.get('location')).toContain('notice=already-closed');
    expect((await listFollowUps(web.table, campaign.id))[0]).toMatchObject({ status: 'closed', resolution: '银行退票，已重新发放', closedBy: COORDINATOR });
    const page = await (await coordinator.get(`/campaigns/${campaign.id}`)).text();
    expect(page).toContain('所有异常核查案件均已办结，可以结束回访');
    // A stale token (as if the wait had been re-issued): nothing ends, and the coordinator may try again.
    const waiting = (await getCallbackClose(web.table, campaign.id))!;
    await awaitCallbackClose(web.table, { ...waiting, taskToken: 'stale-token' });
    const stale = await coordinator.form(`/campaigns/${campaign.id}/callbacks/finish`, {});
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('本次未结束回访');
    expect((await getCallbackClose(web.table, campaign.id))!.closedAt).toBeUndefined();
    await awaitCallbackClose(web.table, waiting);
    const ended = await coordinator.form(`/campaigns/${campaign.id}/callbacks/finish`, {});
    expect(ended.headers.get('location')).toContain('notice=callbacks-finished');
    expect(await getCallbackClose(web.table, campaign.id)).toMatchObject({ openCases: 0, closedBy: COORDINATOR });
    expect((await getCallbackClose(web.table, campaign.id))!.reason).toBeUndefined();
    await eventually(async () => (await web.sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED', 'the review workflow to succeed');
    expect(await (await coordinator.get(`/campaigns/${campaign.id}`)).text()).toContain('回访已于');
  });
});
