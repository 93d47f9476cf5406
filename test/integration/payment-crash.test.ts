// 实施 on the local cloud when the payment Lambda dies: the implement workflow as the stack defines
// it, on the real engine and the real Lambda host, with the payment function wrapped (by this test
// only) so that its worker thread exits right after the function has written its payments and
// before it answers, once for each child execution's batches. The workflow retries; at the end every
// payable beneficiary has exactly one payment, at attempt 1. And 50 invocations of the real payment
// function at once, for one beneficiary, record one payment.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { insertBeneficiaries, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign } from '../../functions/data/campaigns.js';
import { beneficiaryKey, excludeBeneficiary } from '../../functions/data/exclusions.js';
import { listPayments } from '../../functions/data/payments.js';
import { Table } from '../../functions/data/table.js';
import { planPayments } from '../../functions/steps/payments.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';
import { detailsOf } from '../support/history.js';

const UNITS = ['莘庄镇', '七宝镇'];
const PROJECTS = [{ code: 'MZ01', amountFen: 50000 }, { code: 'MZ02', amountFen: 30000 }];
/** 2,500 people: 4 (unit, project) pairs of 625, 7 batches each, 28 batches, 3 child executions. */
const PEOPLE = 2_500;
const EXCLUDED = [3, 1_000, 2_222];

const person = (n: number) => (n + 1).toString(16).padStart(64, '0');
const beneficiary = (campaignId: string, n: number): Beneficiary => ({
  campaignId, projectCode: PROJECTS[n % 2].code, idHash: person(n), idMasked: '310***********0000', name: `对象${n}`, phone: '13800138000',
  unit: UNITS[(n >> 1) % 2], category: '低保家庭', householdSize: 1, amountFen: PROJECTS[n % 2].amountFen,
  paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length], uploadId: 'u'.repeat(64), row: n + 2,
});

/**
 * The payment function's bundle, wrapped: after the real handler has returned (its payments
 * written), the first invocation for a given set of batches ends its worker thread (process.exit
 * in a worker ends the thread), as a crashed or killed runtime would, and never answers.
 */
const crashingWrapper = (bundle: string, markers: string) => `
import fs from 'node:fs';
import path from 'node:path';
import { handler as pay } from ${JSON.stringify(pathToFileURL(bundle).href)};
export const handler = async (event, context) => {
  const result = await pay(event, context);
  try {
    fs.writeFileSync(path.join(${JSON.stringify(markers)}, event.batches.join('-')), JSON.stringify(result), { flag: 'wx' });
  } catch {
    return result;
  }
  process.exit(1);
};
`;

describe('payments when the payment Lambda dies after writing', () => {
  const dataDir = tempDir('nuanliu-payment-crash-');
  const markers = path.join(dataDir, 'crashes');
  let cloud: LocalCloud;
  let table: Table;
  let paymentFunction: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const ddb = localDynamoClient(cloud.endpoints.dynamodb);
    table = new Table(ddb, (await ddb.send(new ListTablesCommand({}))).TableNames![0]);
    paymentFunction = cloud.lambda.names().find((n) => n.startsWith('PaymentFunction'))!;
    const real = cloud.lambda.configOf(paymentFunction)!;
    const bundle = ['index.mjs', 'index.js'].map((f) => path.join(real.codeDir, f)).find((f) => fs.existsSync(f))!;
    const wrapperDir = path.join(dataDir, 'crashing-payment');
    fs.mkdirSync(markers, { recursive: true });
    fs.mkdirSync(wrapperDir);
    fs.writeFileSync(path.join(wrapperDir, 'index.mjs'), crashingWrapper(bundle, markers));
    // The workflow's payment function, replaced before its first invocation; the real one stays reachable under another name.
    cloud.lambda.register({ ...real, codeDir: wrapperDir, handler: 'index.handler' });
    cloud.lambda.register({ ...real, name: `${paymentFunction}-unwrapped`, arn: undefined });
  }, 180_000);
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const newCampaign = (name: string) => createCampaign(table, {
    name, coordinator: 'coordinator@mzj.example.cn', units: UNITS, categories: ['低保家庭'],
    projects: PROJECTS.map((p) => ({ code: p.code, name: `项目${p.code}`, amountFen: p.amountFen })), exclusivePairs: [],
    approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
  });

  it('retries each crashed child: every payable beneficiary is paid exactly once, at attempt 1', async () => {
    const campaign = await newCampaign('崩溃测试');
    const people = Array.from({ length: PEOPLE }, (_, n) => beneficiary(campaign.id, n));
    await insertBeneficiaries(table, people);
    for (const n of EXCLUDED) await excludeBeneficiary(table, campaign.id, beneficiaryKey(people[n]), 'test');

    const machine = cloud.engine.listStateMachines({}).stateMachines.find((m) => m.name.startsWith('ImplementWorkflow'))!;
    const { executionArn } = cloud.engine.startExecution({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify({ campaignId: campaign.id }) });
    const done = await cloud.engine.awaitExecution(executionArn, AbortSignal.timeout(150_000));
    expect(done.status, done.cause).toBe('SUCCEEDED');

    // For each child, the first invocation that got through its batches had written them all, then
    // its worker died (taking any other invocation in that sandbox with it): three crashes.
    const payable = people.filter((_, n) => !EXCLUDED.includes(n));
    const crashed = fs.readdirSync(markers).map((f) => JSON.parse(fs.readFileSync(path.join(markers, f), 'utf8')) as { paid: number; alreadyPaid: number; missing: number });
    expect(crashed).toHaveLength(3);
    expect(crashed.reduce((n, r) => n + r.paid + r.alreadyPaid, 0)).toBe(payable.length);
    // The engine saw the runtime exit and retried: each child failed, then succeeded once, finding
    // every payment of its batches already made.
    const [mapRun] = cloud.engine.listMapRuns({ executionArn }).mapRuns;
    const children = cloud.engine.listExecutions({ mapRunArn: mapRun.mapRunArn }).executions;
    expect(children).toHaveLength(3);
    let alreadyPaid = 0;
    for (const child of children) {
      const history = cloud.engine.getExecutionHistory({ executionArn: child.executionArn, maxResults: 1000 }).events as Record<string, any>[];
      expect(child.status).toBe('SUCCEEDED');
      expect(detailsOf(history, 'LambdaFunctionFailed').map((d) => d.error)).toContain('Runtime.ExitError');
      const [succeeded] = detailsOf(history, 'LambdaFunctionSucceeded');
      expect(detailsOf(history, 'LambdaFunctionSucceeded')).toHaveLength(1);
      const answer = JSON.parse(succeeded.output) as { paid: number; alreadyPaid: number };
      expect(answer.paid).toBe(0);
      alreadyPaid += answer.alreadyPaid;
    }
    expect(alreadyPaid).toBe(payable.length);

    const payments = await listPayments(table, campaign.id);
    expect(payments).toHaveLength(payable.length);
    expect(new Set(payments.map(beneficiaryKey))).toEqual(new Set(payable.map(beneficiaryKey)));
    expect(payments.every((p) => p.attempt === 1 && p.status === 'issued' && p.executionId === executionArn)).toBe(true);
  }, 180_000);

  it('records one payment when the real payment function is invoked 50 times at once for one beneficiary', async () => {
    const campaign = await newCampaign('并发测试');
    await insertBeneficiaries(table, [beneficiary(campaign.id, 0)]);
    expect(await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table })).toMatchObject({ beneficiaries: 1, batches: [0] });
    const results = (await Promise.all(Array.from({ length: 50 }, (_, i) =>
      cloud.lambda.invoke(`${paymentFunction}-unwrapped`, { campaignId: campaign.id, batches: [0], executionId: `e${i}` })))) as { paid: number; alreadyPaid: number }[];
    expect(results.filter((r) => r.paid === 1)).toHaveLength(1);
    expect(results.filter((r) => r.alreadyPaid === 1)).toHaveLength(49);
    const payments = await listPayments(table, campaign.id);
    expect(payments).toHaveLength(1);
    expect(payments[0].executionId).toBe(`e${results.findIndex((r) => r.paid === 1)}`);
  }, 60_000);
});
