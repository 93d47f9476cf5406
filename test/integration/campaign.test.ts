import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink } from '../../functions/data/links.js';
import { Table } from '../../functions/data/table.js';
import { getAppSecrets } from '../../functions/shared/secrets.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign, runDemoCampaign, unitCsv } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';

describe('a whole campaign on the local cloud', () => {
  const dataDir = tempDir('nuanliu-cloud-');
  let cloud: LocalCloud;
  let demo: Awaited<ReturnType<typeof runDemoCampaign>>;
  const fnNamed = (prefix: string) => cloud.lambda.names().find((n) => n.startsWith(prefix))!;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
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
    expect(demo.sample?.size).toBe(10);
  }, 180_000);

  it('a retried payment Lambda pays nobody twice', async () => {
    const plan = (await cloud.lambda.invoke(fnNamed('PaymentPlanFunction'), { campaignId: demo.campaignId })) as { batches: { keys: string[] }[] };
    const batch = { campaignId: demo.campaignId, keys: plan.batches[0].keys, executionId: 'a-retry' };
    const first = await cloud.lambda.invoke(fnNamed('PaymentFunction'), batch);
    const second = await cloud.lambda.invoke(fnNamed('PaymentFunction'), batch);
    expect(first).toEqual({ paid: 0, alreadyPaid: batch.keys.length, missing: 0 });
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
    const table = new Table(DynamoDBDocumentClient.from(localDynamoClient(cloud.endpoints.dynamodb)), await tableName(cloud));
    const credential = await createLink(table, linkKey, { kind: 'approval', email: DEMO.approvers[0], campaignId: demo.campaignId, taskToken: 'not-a-real-token', subject: {} }, 1, new Date(Date.now() - 2 * 3600_000));
    expect((await client.request(`/approve/${credential}`)).status).toBe(410);
    expect((await client.post(`/approve/${credential}`, { decision: 'approve' })).status).toBe(410);
  });

  it('answers a malformed upload with row-level reasons and stores none of its bad rows', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    const id = await campaign.create('坏文件测试');
    const good = unitCsv(0).split('\n').slice(0, 6); // header and five rows: rows 2 and 3 are planted errors
    const bad = [...good, '张三,31011219800101123,13900000000,莘庄镇,低保家庭,MZ01,1', '李四,,13900000001,不存在的单位,低保家庭,MZ01,1'].join('\n');
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
    expect(csv).toMatch(/^\uFEFF?"?行号"?,"?列"?,"?原因"?/);
    expect(csv.split('\n').filter((l) => /^\d+,/.test(l)).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('carries on after a restart on the same data directory', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    await campaign.create('重启测试');
    await campaign.survey();
    const [seenByFirst, seenBySecond] = await Promise.all(DEMO.approvers.map((a) => campaign.client.links(a)));
    await campaign.startDeploy();
    await campaign.client.mailedLink(DEMO.approvers[0], '/approve/', seenByFirst);
    await cloud.close();

    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const client = new DemoClient(cloud.url);
    const after = new DemoCampaign(client);
    after.campaignId = campaign.campaignId;
    await client.signIn(DEMO.coordinator);
    // The approval mailed before the restart still works, once; the chain goes on after it.
    await after.approve(DEMO.approvers[0], seenByFirst);
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
