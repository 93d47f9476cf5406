// A failed intake on a started local cloud, through the HTTP routes: a batch of the file goes
// missing while the workflow runs (as if deleted by hand), so the batch step fails for real; the
// workflow's Catch deletes the file and the batches and records the failure; the same file uploaded
// again (twice at once) starts exactly one second attempt, which stores every row with exact counts.
// Then 排摸 closes and the rejected rows (raw ID numbers) are removed from every upload.
import fs from 'node:fs';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBeneficiaries } from '../../functions/data/beneficiaries.js';
import { keys } from '../../functions/data/keys.js';
import { Table } from '../../functions/data/table.js';
import { getUpload, listUploads, type Upload } from '../../functions/data/uploads.js';
import { BATCH_ROWS } from '../../functions/steps/intake.js';
import { executionArnOf, intakeExecutionName } from '../../functions/web/workflows.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient, sleep, until } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';
import { intakeCsv, mistyped, personId, personName, personPhone, type IntakeLine } from '../support/intake-files.js';

/** Ten batches of accepted rows, one child execution of the Map; every 500th row has a mistyped ID number. */
const BATCHES = 10;
const ACCEPTED = BATCHES * BATCH_ROWS;
const REJECTED = 10;
const lineOf = (n: number): IntakeLine => ({
  name: personName(n), id: personId(n), phone: personPhone(n), unit: DEMO.units[0], category: '低保家庭', project: 'MZ01', householdSize: 2, paymentMethod: '银行转账',
});
const lines = [
  ...Array.from({ length: ACCEPTED }, (_, n) => lineOf(n)),
  ...Array.from({ length: REJECTED }, (_, k) => ({ ...lineOf(50_000 + k), id: mistyped(personId(50_000 + k)) })),
];
const FILE = intakeCsv(lines);
const REMOVED = '退回行的原始数据（含身份证号码）在排摸结束时已删除';

describe('a failed intake on the local cloud', () => {
  const dataDir = tempDir('nuanliu-intake-failure-');
  let cloud: LocalCloud;
  let client: DemoClient;
  let table: Table;
  let sfn: SFNClient;
  let intakeArn: string;
  let campaignId: string;
  let uploadId: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const ddb = localDynamoClient(cloud.endpoints.dynamodb);
    table = new Table(ddb, (await ddb.send(new ListTablesCommand({}))).TableNames![0]);
    sfn = new SFNClient({ endpoint: cloud.endpoints.stepfunctions, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    intakeArn = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name!.startsWith('IntakeWorkflow'))!.stateMachineArn!;
    client = new DemoClient(cloud.url);
    campaignId = await new DemoCampaign(client).create('失败重试测试');
  }, 120_000);
  afterAll(async () => {
    sfn?.destroy();
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The upload's temporary items (the file's chunks, the batches and their results) still in the table. */
  const partsOf = (id: string) => table.all(keys.uploadChunk(campaignId, id, 0).pk);
  const upload = async () => (await getUpload(table, campaignId, uploadId))!;
  const uploadIdIn = (res: Response) => /\/uploads\/([a-f0-9]{64})/.exec(res.headers.get('location') ?? '')![1];
  /** The attempt's execution once it has ended. */
  const ended = (attempt: number) =>
    until(`attempt ${attempt} to end`, async () => {
      const x = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(intakeArn, intakeExecutionName(campaignId, uploadId, attempt)) }));
      return x.status === 'RUNNING' ? undefined : x;
    });

  it('cleans up when a batch fails: no chunk or batch left, the reason on the upload, the execution FAILED', async () => {
    const res = await client.upload(campaignId, '莘庄镇.csv', FILE);
    expect(res.status).toBe(303);
    uploadId = uploadIdIn(res);
    // The last batch goes missing as soon as Prepare has written it: the batches before it are stored.
    const lastBatch = keys.intakeBatch(campaignId, uploadId, BATCHES - 1);
    for (const deadline = Date.now() + 60_000; !(await table.get(lastBatch)); await sleep(5)) {
      if (Date.now() > deadline) throw new Error('Prepare never wrote the last batch');
    }
    await table.delete(lastBatch);

    const failed = await until('the failure to be recorded', async () => ((await upload()).failedAt ? upload() : undefined));
    expect(failed).toMatchObject({ attempt: 1, batchCount: BATCHES, failureReason: '处理失败：保存名单数据时出错。' });
    expect(failed.processedAt).toBeUndefined();
    const execution = await ended(1);
    expect(execution.status).toBe('FAILED');
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }));
    const entered = events!.filter((e) => e.type === 'TaskStateEntered' || e.type === 'MapStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['Prepare intake', 'Store batches', 'Clean up failed intake']);
    expect(events!.at(-1)?.type).toBe('ExecutionFailed');

    // Nothing of the file is left; the beneficiaries of the nine batches stored before stay.
    expect(await partsOf(uploadId)).toEqual([]);
    expect(await listBeneficiaries(table, campaignId)).toHaveLength((BATCHES - 1) * BATCH_ROWS);
    const page = await (await client.request(`/campaigns/${campaignId}/uploads/${uploadId}`)).text();
    expect(page).toContain('状态：处理失败');
    expect(page).toContain('处理失败：保存名单数据时出错。');
    expect(page).toContain('请重新上传同一个文件');
    expect(page).not.toContain('is missing');
  }, 180_000);

  it('starts one second attempt when the same file comes twice at once; it stores every row, counted exactly', async () => {
    const [one, two] = await Promise.all([client.upload(campaignId, '莘庄镇.csv', FILE), client.upload(campaignId, '莘庄镇（重传）.csv', FILE)]);
    expect([one.status, two.status]).toEqual([303, 303]);
    const notices = [one, two].map((r) => new URL(r.headers.get('location')!, cloud.url).searchParams.get('notice')).sort();
    expect(notices).toEqual(['duplicate', 'retried']);
    expect([uploadIdIn(one), uploadIdIn(two)]).toEqual([uploadId, uploadId]);

    const done = await until('the second attempt', async () => ((await upload()).processedAt ? upload() : undefined), 180_000);
    expect((await ended(2)).status).toBe('SUCCEEDED');
    // The nine batches stored by the first attempt are this upload's own: stored, not unchanged.
    expect(done).toMatchObject({
      attempt: 2, rowCount: ACCEPTED + REJECTED, acceptedCount: ACCEPTED, storedCount: ACCEPTED, updatedCount: 0, unchangedCount: 0,
      rejectedCount: REJECTED, batchCount: BATCHES, progress: { rowsDone: ACCEPTED + REJECTED, rowsTotal: ACCEPTED + REJECTED },
    } satisfies Partial<Upload>);
    expect(done.failedAt).toBeUndefined();
    expect(done.failureReason).toBeUndefined();
    expect(done.rejectedRows?.rows).toHaveLength(REJECTED);
    expect(await listBeneficiaries(table, campaignId)).toHaveLength(ACCEPTED);
    expect(await partsOf(uploadId)).toEqual([]);

    // Exactly two executions of this upload: attempt 1 failed, attempt 2 succeeded; no attempt 3.
    const first = intakeExecutionName(campaignId, uploadId, 1);
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: intakeArn }));
    const mine = executions!.filter((x) => x.name === first || x.name!.startsWith(`${first}-`)).map((x) => [x.name, x.status]).sort();
    expect(mine).toEqual([[first, 'FAILED'], [intakeExecutionName(campaignId, uploadId, 2), 'SUCCEEDED']]);
    const status = await client.status(campaignId);
    expect(status.uploads).toEqual([expect.objectContaining({ id: uploadId, state: 'done', storedCount: ACCEPTED, unchangedCount: 0 })]);
    expect(status.beneficiaries.count).toBe(ACCEPTED);
  }, 240_000);

  it('removes every upload\'s rejected rows when 排摸 closes, keeping counts and errors; the error file then says why it is gone', async () => {
    // A second unit's file with rejected rows of its own.
    const other = await client.upload(campaignId, '七宝镇.csv', intakeCsv([
      { ...lineOf(60_000), unit: DEMO.units[1] },
      { ...lineOf(60_001), unit: DEMO.units[1], id: mistyped(personId(60_001)) },
    ]));
    const otherId = uploadIdIn(other);
    await until('the second file', async () => (await getUpload(table, campaignId, otherId))?.processedAt);
    const errorFile = `/campaigns/${campaignId}/uploads/${uploadId}/errors.csv`;
    const before = await client.request(errorFile);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain(mistyped(personId(50_000)));
    // Read whole, by key: the list of uploads never reads their rejected rows.
    const stored = () => Promise.all([uploadId, otherId].map(async (id) => (await getUpload(table, campaignId, id))!));
    const kept = await stored();
    expect(kept.map((u) => u.rejectedRows?.rows.length).sort()).toEqual([1, REJECTED]);
    expect((await listUploads(table, campaignId)).map((u) => 'rejectedRows' in u)).toEqual([false, false]);

    expect((await client.startPhase(campaignId, 'survey')).status).toBe(303);
    await client.atGate(campaignId, 'deploy');

    const closed = await stored();
    expect(await listUploads(table, campaignId)).toHaveLength(2);
    for (const u of closed) {
      expect(u.rejectedRows).toBeUndefined();
      const was = kept.find((k) => k.id === u.id)!;
      expect({ rejectedCount: u.rejectedCount, errors: u.errors, errorCount: u.errorCount }).toEqual({ rejectedCount: was.rejectedCount, errors: was.errors, errorCount: was.errorCount });
    }
    for (const path of [errorFile, `/campaigns/${campaignId}/uploads/${otherId}/errors.xlsx`]) {
      const res = await client.request(path);
      expect(res.status).toBe(410);
      const text = await res.text();
      expect(text).toContain(REMOVED);
      expect(text).not.toContain(mistyped(personId(50_000)));
    }
    expect(await (await client.request(`/campaigns/${campaignId}/uploads/${uploadId}`)).text()).toContain(REMOVED);
  }, 240_000);
});
