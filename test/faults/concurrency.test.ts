// Concurrency and load on the local cloud, over real HTTP: many people (or one impatient one)
// acting at once on the same link, phase or payment, and a second process loading the pages
// approvers and callback staff open. One demo campaign goes through it all, in order; the concurrent
// payments get a campaign of their own, seeded straight into the store.
import fs from 'node:fs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { listApprovalTasks } from '../../functions/data/approval-tasks.js';
import { insertBeneficiaries, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign } from '../../functions/data/campaigns.js';
import { beneficiaryKey } from '../../functions/data/exclusions.js';
import { getPaymentBatch, listPayments } from '../../functions/data/payments.js';
import { registerCoordinator } from '../../functions/data/sessions.js';
import { Table } from '../../functions/data/table.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign, fundDemoProjects } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';
import { approvalLinks, callbackLinkOf, decide, seenHash } from '../support/load/campaign-pages.js';
import { loadFromChildProcess } from '../support/load/spawn-load.js';

/** A bounded load: 32 keep-alive connections for 10 seconds. */
const LOAD = { seconds: 10, connections: 32 };
/**
 * The p99 latency the pages must stay under at that load. With 32 connections each waiting for its
 * answer, it also bounds throughput (about 11 pages a second at least). On the shared 2-core machine,
 * at a load average of 7.5, the p99 measured was 1.4 s (approval) and 0.5 s (callback): room for a
 * busier CI run, not for a page that reads the register once per list again (it was 1.7–2.8 s).
 */
const P99_MS = 3_000;

/** A load run every request of which was answered 200, more than one a second, p99 under P99_MS. */
function expectServedUnderLoad(report: Awaited<ReturnType<typeof loadFromChildProcess>>) {
  expect(report.errors).toBe(0);
  expect(report.serverErrors).toBe(0);
  expect(report.statuses).toEqual({ 200: report.requests });
  expect(report.requests).toBeGreaterThan(LOAD.seconds);
  expect(report.latencyMs.p99).toBeLessThan(P99_MS);
}

describe('concurrency and load on the local cloud', () => {
  const dataDir = tempDir('nuanliu-concurrency-');
  let cloud: LocalCloud;
  let table: Table;
  let demo: DemoCampaign;
  const log = (line: string) => console.log(line);

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true });
    const ddb = localDynamoClient(cloud.endpoints.dynamodb);
    table = new Table(ddb, (await ddb.send(new ListTablesCommand({}))).TableNames![0]);
    demo = new DemoCampaign(new DemoClient(cloud.url));
    await demo.create('并发与负载测试');
    await demo.survey();
    expect(demo.checks.filter((c) => !c.ok)).toEqual([]);
  }, 180_000);
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each answer as status and where it sends the browser (or its text when it does not redirect). */
  const answer = async (res: Response) => ({ status: res.status, location: res.headers.get('location') ?? '', text: res.status === 303 ? '' : await res.text() });

  it('two coordinators start 部署 at the same moment, three times each: it starts once, the others are told it already started', async () => {
    const second = 'deputy.coordinator@nuanliu.local';
    await registerCoordinator(table, { email: second, name: '区民政局副协调员' });
    const other = new DemoClient(cloud.url);
    await other.signIn(second);
    const id = demo.campaignId;
    await demo.client.atGate(id, 'deploy');
    expect((await fundDemoProjects(demo.client, id)).status).toBe(303);

    const answers = await Promise.all([demo.client, other, demo.client, other, demo.client, other].map(async (c) => answer(await c.startPhase(id, 'deploy'))));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.location.endsWith('notice=started'))).toHaveLength(1);
    // The others: the notice that says so (a redirect to the campaign page), or a refusal in words.
    const refused = answers.filter((a) => !a.location.endsWith('notice=started'));
    for (const a of refused) expect(a.location.endsWith('notice=already-started') || (a.status === 409 && /[\u4e00-\u9fff]/.test(a.text)), JSON.stringify(a)).toBe(true);
    const page = await (await other.request(refused.find((a) => a.location)!.location)).text();
    expect(page).toContain('该阶段已经启动过，本次操作未重复启动。');

    // One trigger: the workflow went on once, so each unit's list was sent to the first approver once.
    await approvalLinks(demo.client, DEMO.approvers[0], DEMO.units.length);
    const tasks = await until('every list to wait at step 1', async () => {
      const all = await listApprovalTasks(table, id);
      return all.length === DEMO.units.length && all.every((t) => t.taskToken) ? all : undefined;
    });
    expect(tasks.map((t) => [t.unit, t.round, t.step]).sort()).toEqual(DEMO.units.map((u) => [u, 1, 1]).sort());
    expect((await demo.client.status(id)).phase).toBe('deploy');
  });

  it('100 POSTs on one approval link at once: one decision, the workflow advances once, the other 99 are told 已处理', async () => {
    const id = demo.campaignId;
    const [link] = await approvalLinks(demo.client, DEMO.approvers[0], DEMO.units.length);
    const seen = await seenHash(cloud.url, link);
    const answers = await Promise.all(Array.from({ length: 100 }, () => decide(cloud.url, link, { decision: 'approve', seen })));

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const won = answers.filter((a) => a.text.includes('您的审批意见（同意）已提交'));
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.text.includes('已处理'))).toHaveLength(99);

    const decided = (await listApprovalTasks(table, id)).filter((t) => t.decision);
    expect(decided).toHaveLength(1);
    expect(decided[0].decision).toMatchObject({ outcome: 'approved', by: DEMO.approvers[0] });
    // Advanced once: the approved list (and only it) is posted, once.
    const postings = await until('the approved list to be posted', async () => {
      const open = (await demo.client.status(id)).postings;
      return open.length ? open : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await demo.client.status(id)).postings).toEqual(postings);
    expect(postings.map((p) => p.unit)).toEqual([decided[0].unit]);
    // A replay later still changes nothing.
    expect((await decide(cloud.url, link, { decision: 'reject', reason: '重放', seen })).text).toContain('已处理');
    expect((await listApprovalTasks(table, id)).filter((t) => t.decision)).toEqual(decided);
  });

  it(`a second process loads the approval pages (${LOAD.connections} connections, ${LOAD.seconds} s): no errors, p99 under ${P99_MS} ms`, async () => {
    const [, ...pending] = await approvalLinks(demo.client, DEMO.approvers[0], DEMO.units.length);
    const report = await loadFromChildProcess({ ...LOAD, urls: pending.map((l) => `${cloud.url}${l}`) });
    log(`approval page load: ${JSON.stringify(report)}`);
    expectServedUnderLoad(report);
    // Looking is not deciding: the pages stay undecided.
    expect((await listApprovalTasks(table, demo.campaignId)).filter((t) => t.decision)).toHaveLength(1);
    for (const link of pending) expect((await decide(cloud.url, link, { decision: 'approve', seen: await seenHash(cloud.url, link) })).text).toContain('您的审批意见（同意）已提交');
  });

  it('the coordinator double-clicks 实施 (10 clicks at once): it starts once and every beneficiary is paid once', async () => {
    const id = demo.campaignId;
    await demo.passPostings();
    await demo.approve(DEMO.approvers[1]);
    await demo.client.atGate(id, 'implement');
    const answers = await Promise.all(Array.from({ length: 10 }, async () => answer(await demo.client.startPhase(id, 'implement'))));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.location.endsWith('notice=started'))).toHaveLength(1);
    expect(answers.filter((a) => a.location.endsWith('notice=already-started') || a.status === 409)).toHaveLength(9);
    const paid = await demo.client.atGate(id, 'review');
    expect(paid.payments.count).toBe(paid.beneficiaries.count);
    expect(paid.payments.totalFen).toBe(paid.beneficiaries.totalFen);
    expect(demo.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('50 invocations of the real payment function at once for each of 120 beneficiaries (4 batches, 200 invocations): one payment each', async () => {
    const units = ['莘庄镇', '七宝镇'];
    const projects = [{ code: 'MZ01', name: '低保家庭春节慰问', amountFen: 50000 }, { code: 'MZ02', name: '困难老人关爱礼包', amountFen: 30000 }];
    const campaign = await createCampaign(table, {
      name: '并发发放测试', coordinator: cloud.coordinatorEmail, units, categories: ['低保家庭'], projects, exclusivePairs: [],
      approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
    });
    const people: Beneficiary[] = Array.from({ length: 120 }, (_, n) => ({
      campaignId: campaign.id, projectCode: projects[n % 2].code, idHash: (n + 1).toString(16).padStart(64, '0'), idMasked: '310***********0000',
      name: `对象${n}`, phone: '13800138000', unit: units[(n >> 1) % 2], category: '低保家庭', householdSize: 1, amountFen: projects[n % 2].amountFen,
      paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length], uploadId: 'u'.repeat(64), row: n + 2,
    }));
    await insertBeneficiaries(table, people);
    const fn = (prefix: string) => cloud.lambda.names().find((n) => n.startsWith(prefix))!;
    const plan = (await cloud.lambda.invoke(fn('PaymentPlanFunction'), { campaignId: campaign.id, executionId: 'implement' })) as { beneficiaries: number; batches: number[] };
    // One batch per (unit, project) pair.
    expect(plan).toMatchObject({ beneficiaries: 120, batches: [0, 1, 2, 3] });

    const invocations = plan.batches.flatMap((batch) => Array.from({ length: 50 }, (_, i) => ({ campaignId: campaign.id, batches: [batch], executionId: `e${batch}-${i}` })));
    const results = (await Promise.all(invocations.map((event) => cloud.lambda.invoke(fn('PaymentFunction'), event)))) as { paid: number; alreadyPaid: number; missing: number }[];
    const total = (k: 'paid' | 'alreadyPaid' | 'missing') => results.reduce((n, r) => n + r[k], 0);
    expect([total('paid'), total('alreadyPaid'), total('missing')]).toEqual([120, 49 * 120, 0]);

    const payments = await listPayments(table, campaign.id);
    expect(payments).toHaveLength(120);
    expect(new Set(payments.map(beneficiaryKey))).toEqual(new Set(people.map(beneficiaryKey)));
    expect(payments.every((p) => p.attempt === 1 && p.status === 'issued')).toBe(true);
    expect(payments.reduce((n, p) => n + p.amountFen, 0)).toBe(people.reduce((n, p) => n + p.amountFen, 0));
    // Each payment was written by one of the invocations of its own batch.
    for (const batch of plan.batches) {
      const keys = new Set(await getPaymentBatch(table, campaign.id, batch));
      expect(keys.size).toBe(30);
      for (const p of payments.filter((p) => keys.has(beneficiaryKey(p)))) expect(p.executionId).toMatch(new RegExp(`^e${batch}-\\d+$`));
    }
  });

  it(`a second process loads the callback page (${LOAD.connections} connections, ${LOAD.seconds} s): no errors, p99 under ${P99_MS} ms`, async () => {
    const link = await callbackLinkOf(demo);
    const report = await loadFromChildProcess({ ...LOAD, urls: [`${cloud.url}${link}`] });
    log(`callback page load: ${JSON.stringify(report)}`);
    expectServedUnderLoad(report);
    // The page served under load is the real list: phone numbers, no ID number.
    const page = await (await fetch(`${cloud.url}${link}`)).text();
    expect(page).toMatch(/139\d{8}/);
    expect(page).not.toMatch(/310112\d{11}[\dX]/);
  });
});
