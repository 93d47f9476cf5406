import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink } from '../../functions/data/links.js';
import { Table } from '../../functions/data/table.js';
import { getAppSecrets } from '../../functions/shared/secrets.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign, demoIdNumber, fundDemoProjects, runDemoCampaign, unitCsv } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';

describe('a whole campaign on the local cloud', () => {
  const dataDir = tempDir('nuanliu-cloud-');
  let cloud: LocalCloud;
  let demo: Awaited<ReturnType<typeof runDemoCampaign>>;
  const fnNamed = (prefix: string) => cloud.lambda.names().find((n) => n.startsWith(prefix))!;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true });
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the demo campaign from sign-in to callback list, through pages and mailed links only', async () => {
    demo = await runDemoCampaign(cloud.url);
    expect(demo.failed).toEqual([]);
    expect(demo.beneficiaries).toBe(194);
    expect(demo.rejected).toBe(6);
    expect(demo.payments).toBe(194);
    // Stratified by town × category (3 × 2 strata, 5% rounded up per stratum): 12; 10 before stratification.
    expect(demo.sample?.size).toBe(12);
  }, 180_000);

  it('ends 回访 with the summary, mailed to the coordinator, and archives the campaign read-only', async () => {
    const mail = await until('the summary mail', async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(DEMO.coordinator)}`)).json()) as { subject: string; text: string }[];
      return mails.find((m) => m.subject.startsWith('活动总结已生成：'));
    });
    expect(mail.text).toContain(`/campaigns/${demo.campaignId}/summary`);
    expect(mail.text).toContain(`帮困 ${demo.beneficiaries} 人次`);
    const client = new DemoClient(cloud.url);
    await client.signIn(DEMO.coordinator);
    const page = await (await client.request(`/campaigns/${demo.campaignId}/summary`)).text();
    expect(page).toContain('帮困项目汇总（附表1）');
    expect(page).toContain('<b>已归档</b>');
    const refused = await client.post(`/campaigns/${demo.campaignId}/posting-days`, { days: '7' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('本活动已结束并归档，只读');
  });

  it('a retried payment Lambda pays nobody twice', async () => {
    const plan = (await cloud.lambda.invoke(fnNamed('PaymentPlanFunction'), { campaignId: demo.campaignId, executionId: 'a-retry' })) as { beneficiaries: number; batches: number[] };
    // One batch per (unit, project) pair: 3 towns × 2 projects.
    expect(plan).toMatchObject({ beneficiaries: 194, batches: [0, 1, 2, 3, 4, 5] });
    const batch = { campaignId: demo.campaignId, batches: plan.batches, executionId: 'a-retry' };
    const first = await cloud.lambda.invoke(fnNamed('PaymentFunction'), batch);
    const second = await cloud.lambda.invoke(fnNamed('PaymentFunction'), batch);
    expect(first).toEqual({ paid: 0, alreadyPaid: 194, missing: 0 });
    expect(second).toEqual(first);
    const client = new DemoClient(cloud.url);
    await client.signIn(DEMO.coordinator);
    expect((await client.status(demo.campaignId)).payments.count).toBe(194);
  });

  it('a forged, expired or reused approval link changes nothing', async () => {
    const client = new DemoClient(cloud.url);
    const used = (await client.links(DEMO.approvers[0])).find((l) => l.includes('/approve/'))!;
    const usedPath = new URL(used).pathname;
    const forged = usedPath.slice(0, -2) + (usedPath.endsWith('AA') ? 'BB' : 'AA');
    expect((await client.request(forged)).status).toBe(403);
    expect((await client.post(forged, { decision: 'approve' })).status).toBe(403);
    expect(await (await client.post(usedPath, { decision: 'reject', reason: '测试' })).text()).toContain('已处理');

    // A link that expired: made the way the approval step makes them, with its expiry past.
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    const appSecret = Object.values(secrets).find((v) => JSON.parse(v).key)!;
    const { linkKey } = await getAppSecrets({ APP_SECRETS: appSecret });
    const table = new Table(localDynamoClient(cloud.endpoints.dynamodb), await tableName(cloud));
    const credential = await createLink(table, linkKey, { kind: 'approval', email: DEMO.approvers[0], campaignId: demo.campaignId, taskToken: 'not-a-real-token', subject: {} }, 1, new Date(Date.now() - 2 * 3600_000));
    expect((await client.request(`/approve/${credential}`)).status).toBe(410);
    expect((await client.post(`/approve/${credential}`, { decision: 'approve' })).status).toBe(410);
  });

  it('answers a malformed upload with row-level reasons and stores none of its bad rows', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    const id = await campaign.create('坏文件测试');
    const good = unitCsv(0).split('\n').slice(0, 6); // header and five rows: rows 2 and 3 are planted errors
    const bad = [...good, '张三,31011219800101123,13900000000,莘庄镇,低保家庭,MZ01,1,现金', '李四,,13900000001,不存在的单位,低保家庭,MZ01,1,现金'].join('\n');
    expect((await campaign.client.upload(id, 'bad.csv', bad)).status).toBe(303);
    const status = await until('the upload to be processed', async () => {
      const s = await campaign.client.status(id);
      return s.uploads[0]?.state === 'done' ? s : undefined;
    });
    expect(status.beneficiaries.count).toBe(3);
    expect(status.uploads[0]).toMatchObject({ rowCount: 7, storedCount: 3 });
    const uploadPage = await (await campaign.client.request(`/campaigns/${id}`)).text();
    const uploadLink = /\/campaigns\/[0-9a-f-]+\/uploads\/[0-9a-f]{64}/.exec(uploadPage)![0];
    const page = await (await campaign.client.request(uploadLink)).text();
    for (const reason of ['校验位错误', '所属单位']) expect(page).toContain(reason);
    const csv = await (await campaign.client.request(`${uploadLink}/errors.csv`)).text();
    // The error file: the rejected rows as sent, plus 错误原因.
    expect(csv).toMatch(/^\uFEFF?"姓名","身份证号码",.*"错误原因"/);
    const lines = csv.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(5); // the header and the four rejected rows, each ending with its reasons
    expect(lines.slice(3).map((l) => l.split(',')[0])).toEqual(['"张三"', '"李四"']);
  }, 60_000);

  it('closes 排摸 with de-duplication across units, a coverage check and a summary mail; 部署 waits for the conflict', async () => {
    const client = new DemoClient(cloud.url);
    await client.signIn(DEMO.coordinator);
    const created = await client.post('/campaigns', {
      name: '互斥冲突测试',
      units: DEMO.units.join('\n'),
      categories: DEMO.categories.join('\n'),
      projects: DEMO.projects.map((p) => `${p.code},${p.name},${p.yuan}`).join('\n'),
      exclusivePairs: 'MZ01,MZ02',
      approvers: DEMO.approvers.join('\n'),
      callbackStaff: DEMO.staff,
    });
    const id = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')![1];
    await client.atGate(id, 'survey');

    // Two units nominate the same person, one for each of the two exclusive projects.
    const [both, second, third, unlisted] = [9001, 9002, 9003, 9004].map(demoIdNumber);
    // One row mistyped in its sequence digits: refused for its check character.
    const mistyped = demoIdNumber(9005).slice(0, 15) + ((Number(demoIdNumber(9005)[15]) + 1) % 10) + demoIdNumber(9005).slice(16);
    const header = '姓名,身份证号码,联系电话,所属单位,帮困类别,帮困项目,家庭人数,发放方式,银行账号,开户银行';
    const files = {
      '莘庄镇.csv': [header, `张三,${both},13900000001,莘庄镇,低保家庭,MZ01,2,银行转账,6222021234567890123,中国工商银行上海市莘庄支行`, `李四,${second},13900000002,莘庄镇,低保家庭,MZ01,1,银行转账,6222021234567890123,中国工商银行上海市莘庄支行`, `王五,${mistyped},13900000003,莘庄镇,低保家庭,MZ01,1,现金`],
      '七宝镇.csv': [header, `张三,${both},13900000001,七宝镇,困难老人,MZ02,2,粮油卡`, `赵六,${third},13900000004,七宝镇,困难老人,MZ02,1,粮油卡`],
    };
    for (const [name, lines] of Object.entries(files)) expect((await client.upload(id, name, lines.join('\n'))).status).toBe(303);
    // The base register: one household (江川路街道) that nobody nominated.
    const register = new FormData();
    register.set('file', new Blob([['姓名,身份证号码,所属单位,登记类别', `张三,${both},莘庄镇,低保`, `李四,${second},莘庄镇,低保`, `孙八,${unlisted},江川路街道,特困`].join('\n')], { type: 'text/csv' }), '名册.csv');
    expect((await client.request(`/campaigns/${id}/registers`, { method: 'POST', body: register })).status).toBe(303);
    await until('both uploads to be processed', async () => {
      const s = await client.status(id);
      return s.uploads.length === 2 && s.uploads.every((u) => u.state === 'done') ? s : undefined;
    });

    // Closing 排摸 runs de-duplication, the coverage check and the summary, then waits at 部署.
    expect((await client.startPhase(id, 'survey')).status).toBe(303);
    await client.atGate(id, 'deploy');
    const summary = await until('the summary mail', async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(DEMO.coordinator)}`)).json()) as { subject: string; text: string }[];
      return mails.find((m) => m.subject === '排摸阶段汇总：互斥冲突测试');
    });
    for (const line of ['收到 2 个文件，共 5 行', '入库 4 人', '退回 1 行', '校验位错误：1 处', '重复申报 1 人（可兼得的项目组合 0 对）',
      '互斥冲突 1 个：已处理 0 个，待处理 1 个', '名册共 3 户，未被任何项目覆盖 1 户', '江川路街道：1 户']) {
      expect(summary.text).toContain(line);
    }

    const refused = await client.startPhase(id, 'deploy');
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('还有 1 个互斥项目冲突待处理');
    const page = await (await client.request(`/campaigns/${id}`)).text();
    expect(page).not.toContain(both);
    expect(page).toContain('孙八');
    const action = /\/campaigns\/[0-9a-f-]+\/conflicts\/[a-f0-9]{32}\/resolve/.exec(page)![0];
    expect((await client.post(action, { keep: 'MZ01', reason: '低保家庭春节慰问优先，困难老人礼包名额退回' })).status).toBe(303);

    // 部署 also needs a plan within budget: the projects' funding.
    expect(await (await client.startPhase(id, 'deploy')).text()).toContain('资金计划未通过核对');
    expect((await fundDemoProjects(client, id)).status).toBe(303);
    const seen = await client.links(DEMO.approvers[0]);
    expect((await client.startPhase(id, 'deploy')).status).toBe(303);
    await client.mailedLink(DEMO.approvers[0], '/approve/', seen);
    const status = await client.status(id) as Awaited<ReturnType<DemoClient['status']>> & { conflicts: unknown; beneficiaries: { excluded: number } };
    expect(status).toMatchObject({ phase: 'deploy', conflicts: { open: 0, resolved: 1 }, beneficiaries: { count: 3, excluded: 1 } });
    // Each unit's list is approved on its own; the excluded nomination does not count.
    const approvals = await until('the approval mails', async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(DEMO.approvers[0])}`)).json()) as { text: string }[];
      const mine = mails.filter((m) => m.text.startsWith('互斥冲突测试（'));
      return mine.length === 2 ? mine.map((m) => m.text) : undefined;
    });
    expect(approvals.some((t) => t.startsWith('互斥冲突测试（莘庄镇）：共 2 人，合计 ¥1,000.00'))).toBe(true);
    expect(approvals.some((t) => t.startsWith('互斥冲突测试（七宝镇）：共 1 人，合计 ¥300.00'))).toBe(true);
  }, 180_000);

  it('carries on after a restart on the same data directory', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    await campaign.create('重启测试');
    await campaign.survey();
    const [seenByFirst, seenBySecond] = await Promise.all(DEMO.approvers.map((a) => campaign.client.links(a)));
    await campaign.startDeploy();
    await campaign.client.mailedLink(DEMO.approvers[0], '/approve/', seenByFirst);
    await cloud.close();

    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true });
    const client = new DemoClient(cloud.url);
    const after = new DemoCampaign(client);
    after.campaignId = campaign.campaignId;
    await client.signIn(DEMO.coordinator);
    // The approval mailed before the restart still works, once; the chain goes on after it.
    await after.approve(DEMO.approvers[0], seenByFirst);
    await after.passPostings();
    await after.approve(DEMO.approvers[1], seenBySecond);
    await client.atGate(campaign.campaignId, 'implement');
    expect(after.checks.filter((c) => !c.ok)).toEqual([]);
  }, 180_000);
});

async function tableName(cloud: LocalCloud): Promise<string> {
  const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const { TableNames } = await localDynamoClient(cloud.endpoints.dynamodb).send(new ListTablesCommand({}));
  return TableNames![0];
}
