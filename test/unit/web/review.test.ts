import { createHmac } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commitment } from '../../../functions/core/sampling.js';
import { getCallbackClose } from '../../../functions/data/callback-close.js';
import { getCallOutcome, listCallOutcomes } from '../../../functions/data/callbacks.js';
import type { Campaign } from '../../../functions/data/campaigns.js';
import { listFollowUps } from '../../../functions/data/follow-ups.js';
import { getSample, getSeedCommitment, getStaffList } from '../../../functions/data/samples.js';
import { commitSamplingSeed } from '../../../functions/steps/sampling.js';
import { PAID_UNITS, paidCampaign, personOf } from '../../support/paid-campaign.js';
import { browser, eventually, linkIn, signedIn, startWeb, type Browser, type Web } from './harness.js';

const COORDINATOR = 'coordinator@mzj.example.cn';
const [A, B] = ['caller.a@mzj.example.cn', 'caller.b@mzj.example.cn'];
const PER_UNIT = 20;

let web: Web;
let coordinator: Browser;
let campaign: Campaign;
let executionArn: string;

const paid = (name: string) => paidCampaign(web.table, {
  name, coordinator: COORDINATOR, staff: [A, B], perUnit: PER_UNIT,
  // 莘庄镇's people all go to A; 七宝镇 is not mapped: shared out evenly.
  settings: { assignment: 'byUnit', unitStaff: { 莘庄镇: A }, maxAttempts: 3 },
});

/** The people a staff page offers a form for: key and the attempts it shows. */
const forms = (html: string) => [...html.matchAll(/name="person" value="([^"]+)">\s*<input type="hidden" name="seen" value="(\d+)">/g)].map((m) => ({ key: m[1], seen: m[2] }));

beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web, COORDINATOR);
  campaign = await paid('2026年春节帮困（回访）');
  ({ executionArn } = await web.sfn.send(new StartExecutionCommand({ stateMachineArn: web.reviewWorkflowArn, input: JSON.stringify({ campaignId: campaign.id }) })) as { executionArn: string });
  await eventually(() => getCallbackClose(web.table, campaign.id), 'the review workflow to wait for the callbacks');
}, 30_000);
afterAll(() => web.close());

describe('the review workflow', () => {
  it('shows the commitment before the draw and the seed only after it', async () => {
    const other = await paid('只封存种子');
    await commitSamplingSeed({ campaignId: other.id }, { table: web.table, sendMail: async () => undefined, publicUrl: 'http://localhost' });
    const committed = (await getSeedCommitment(web.table, other.id))!;
    const before = await (await coordinator.get(`/campaigns/${other.id}`)).text();
    expect(before).toContain(committed.commitment);
    expect(before).toContain('种子已封存，抽样完成后公开');
    expect(before).not.toContain(committed.seed);

    const sample = (await getSample(web.table, campaign.id))!;
    const after = await (await coordinator.get(`/campaigns/${campaign.id}`)).text();
    expect(sample.commitment).toBe(commitment(sample.seed));
    expect(after).toContain(sample.commitment);
    expect(after).toContain(`种子：<code>${sample.seed}</code>`);
    expect(after).toContain('openssl dgst -sha256 -hmac');
    expect(after).toContain('结束回访');
    // The coordinator was mailed the commitment, never the seed.
    const mail = web.mails.find((m) => m.to === COORDINATOR && m.subject.includes('种子承诺'))!;
    expect(mail.text).toContain(sample.commitment);
    expect(mail.text + mail.html).not.toContain(sample.seed);
  });

  it('assigns by town: every 莘庄镇 person to A, 七宝镇 shared out evenly', async () => {
    const sample = (await getSample(web.table, campaign.id))!;
    const [a, b] = await Promise.all([getStaffList(web.table, sample, A), getStaffList(web.table, sample, B)]);
    const unitOf = (key: string) => PAID_UNITS[personOf(key) % 2];
    // 3 of each town drawn: 3 of 莘庄镇 to A; of 七宝镇's 3, round robin from A.
    expect(a.filter((k) => unitOf(k) === '莘庄镇')).toHaveLength(3);
    expect(b.filter((k) => unitOf(k) === '莘庄镇')).toHaveLength(0);
    expect([a.filter((k) => unitOf(k) === '七宝镇').length, b.length]).toEqual([2, 1]);
  });

  it('offers the population drawn from, and re-drawing it by hand from the revealed seed gives the same people', async () => {
    const sample = (await getSample(web.table, campaign.id))!;
    const response = await coordinator.get(`/campaigns/${campaign.id}/sample/population.csv`);
    expect(response.status).toBe(200);
    const rows = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')));
    expect(rows[0]).toEqual(['分层（单位|类别）', '对象编号（项目编码#对象编号）', '是否抽中']);
    const population = rows.slice(1);
    expect(population).toHaveLength(sample.population);
    // As the campaign page tells anyone to: HMAC-SHA256 keyed by the seed, lowest first, per stratum.
    const hmac = (id: string) => createHmac('sha256', sample.seed).update(id).digest('hex');
    const redrawn = new Set(sample.strata!.flatMap((s) => population.filter((r) => r[0] === s.stratum).map((r) => r[1])
      .sort((x, y) => (hmac(x) < hmac(y) ? -1 : 1)).slice(0, s.quota)));
    expect(redrawn.size).toBe(6);
    expect(new Set(population.filter((r) => r[2] === '是').map((r) => r[1]))).toEqual(redrawn);
    const lists = await Promise.all([A, B].map((s) => getStaffList(web.table, sample, s)));
    expect(new Set(lists.flat())).toEqual(redrawn);
  });
});

describe('a callback staff member records calls', () => {
  let staff: Browser;
  let link: string;
  let list: { key: string; seen: string }[];
  const call = (key: string, seen: string | number, fields: Record<string, string>) => staff.form(link, { person: key, seen: String(seen), notes: '', ...fields });

  beforeAll(async () => {
    staff = browser(web);
    link = linkIn(web, A);
    list = forms(await (await staff.get(link)).text());
  });

  it('shows A their five people, with the questions and no ID number', async () => {
    expect(list).toHaveLength(5);
    const html = await (await staff.get(link)).text();
    for (const text of ['是否接通', '是否足额收到', '是否走访', '满意度', '备注', '基本满意']) expect(html).toContain(text);
    expect(html).not.toContain('310***');
  });

  it('saves a reached call once: a second send of the same form writes nothing', async () => {
    const res = await call(list[0].key, 0, { reached: 'yes', received: 'right', visited: 'yes', satisfaction: '满意', notes: '已核实' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('notice=recorded');
    const again = await call(list[0].key, 0, { reached: 'yes', received: 'right', visited: 'no', satisfaction: '不满意' });
    expect(again.headers.get('location')).toContain('notice=already-recorded');
    expect(await getCallOutcome(web.table, campaign.id, list[0].key)).toMatchObject({
      attempts: 1, reached: true, receivedRightAmount: true, visited: true, satisfaction: '满意', notes: '已核实', staff: A,
    });
  });

  it('refuses incomplete answers in zh-CN, and people not on the list', async () => {
    const incomplete = await call(list[1].key, 0, { reached: 'yes' });
    expect(incomplete.status).toBe(400);
    const text = await incomplete.text();
    for (const message of ['已接通时请选择是否足额收到', '已接通时请选择是否走访', '已接通时请选择满意度']) expect(text).toContain(message);
    const sample = (await getSample(web.table, campaign.id))!;
    const bs = await getStaffList(web.table, sample, B);
    const notMine = await call(bs[0], 0, { reached: 'no' });
    expect(notMine.status).toBe(403);
    expect(await notMine.text()).toContain('不在您的回访名单中');
    expect(await getCallOutcome(web.table, campaign.id, bs[0])).toBeUndefined();
  });

  it('reads only the person a call names, not the whole list, and goes back to their place on it', async () => {
    const reads = vi.spyOn(web.table, 'getMany');
    const again = await call(list[0].key, 0, { reached: 'yes', received: 'right', visited: 'yes', satisfaction: '满意' });
    const keysRead = reads.mock.calls.map(([keys]) => keys.length);
    reads.mockRestore();
    expect(again.headers.get('location')).toMatch(/\?notice=already-recorded#person-1$/);
    expect(keysRead).toEqual([1]);
  });

  it('opens one follow-up case for the unit on a mismatch', async () => {
    await call(list[1].key, 0, { reached: 'yes', received: 'wrong', visited: 'no', satisfaction: '不满意' });
    await call(list[1].key, 1, { reached: 'yes', received: 'wrong', visited: 'no', satisfaction: '不满意', notes: '少了100元' });
    const cases = await listFollowUps(web.table, campaign.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ beneficiaryKey: list[1].key, status: 'open', reason: '电话回访：金额不符', openedBy: A });
  });

  it('replaces a person not reached after three calls with the next of their stratum, on the same list', async () => {
    const key = list[2].key;
    for (const seen of [0, 1]) expect((await call(key, seen, { reached: 'no' })).headers.get('location')).toContain('notice=recorded');
    expect((await call(key, 2, { reached: 'no' })).headers.get('location')).toContain('notice=replaced');
    const html = await (await staff.get(link)).text();
    const now = forms(html);
    expect(now).toHaveLength(5); // the replaced person has no form any more; the replacement has one.
    expect(now.map((f) => f.key)).not.toContain(key);
    const name = `对象${personOf(key)}`;
    expect(html).toContain(`替换：${name}`);
    expect(html).toMatch(/3 次未接通，已由 <b>对象\d+<\/b> 替换/);
    expect((await call(key, 3, { reached: 'no' })).status).toBe(409);
  });
});

describe('the coordinator', () => {
  it('lists the cases per unit with masked names and closes one with a required resolution', async () => {
    const page = await (await coordinator.get(`/campaigns/${campaign.id}/follow-ups`)).text();
    const [open] = await listFollowUps(web.table, campaign.id);
    const n = personOf(open.beneficiaryKey);
    expect(page).toContain(`${open.unit}（待办结 1 件）`);
    expect(page).toContain('电话回访：金额不符');
    expect(page).not.toContain(`对象${n}<`);
    expect(page).not.toContain('310***');
    const empty = await coordinator.form(`/campaigns/${campaign.id}/follow-ups/close`, { caseId: open.caseId, resolution: ' ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('请填写核查结果与处理');
    const progress = await (await coordinator.get(`/campaigns/${campaign.id}`)).text();
    // Called 3 people (reached 2, one mismatch), one open case.
    expect(progress).toContain('<td class="num">3</td><td class="num">2</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>');
  });

  it('ends the callbacks with open cases only with a recorded reason; the workflow then succeeds', async () => {
    const refused = await coordinator.form(`/campaigns/${campaign.id}/callbacks/finish`, { reason: '' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('还有 1 个异常核查案件未办结');
    const ended = await coordinator.form(`/campaigns/${campaign.id}/callbacks/finish`, { reason: '该户已由街道当面核实，另案处理' });
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toContain('notice=callbacks-finished');
    expect(await getCallbackClose(web.table, campaign.id)).toMatchObject({ closedBy: COORDINATOR, openCases: 1, reason: '该户已由街道当面核实，另案处理' });
    await eventually(async () => (await web.sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED', 'the review workflow to succeed');
    const again = await coordinator.form(`/campaigns/${campaign.id}/callbacks/finish`, { reason: 'x' });
    expect(again.headers.get('location')).toContain('notice=callbacks-already-finished');
    expect((await listCallOutcomes(web.table, campaign.id)).length).toBe(3);
  });
});
