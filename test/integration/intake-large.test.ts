// 排摸 intake of large files on a started local cloud, through the HTTP upload route: one unit's list
// of 20,000 rows with faults planted at stated rates, and a second unit's GBK list that repeats some
// of the first unit's people. Exact counts, computed from how the files were made; the same file
// again changes nothing; the workflow stays small whatever the size of the file; and the 排摸 close
// summary counts it all.
import fs from 'node:fs';
import { DescribeMapRunCommand, GetExecutionHistoryCommand, ListMapRunsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { listBeneficiaries } from '../../functions/data/beneficiaries.js';
import { keys } from '../../functions/data/keys.js';
import { Table } from '../../functions/data/table.js';
import { BATCH_ROWS } from '../../functions/steps/intake.js';
import { CHUNK_BYTES, getUpload, type RowError } from '../../functions/data/uploads.js';
import { executionArnOf, intakeExecutionName } from '../../functions/web/workflows.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient, sleep, until, type CampaignStatus } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { INTAKE_BATCHES_PER_CHILD } from '../../workflows/phases.js';
import { tempDir } from '../support/engine.js';
import { encodeGbk, intakeCsv, mistyped, personId, personName, personPhone, type IntakeLine } from '../support/intake-files.js';

const [UNIT_A, UNIT_B, TOWN] = DEMO.units;
const PROJECTS = 'MZ01,低保家庭春节慰问,500\nMZ02,困难老人关爱礼包,300\nMZ03,冬季取暖补贴,200';
/** Unit A's people may receive MZ01 or MZ03, not both. */
const EXCLUSIVE = ['MZ01', 'MZ03'];

// ---- Unit A: 20,000 rows in UTF-8 with a byte order mark, faults planted at stated rates ---------

const ROWS_A = 20_000;
type Fault = 'invalidId' | 'wrongCategory' | 'duplicate';
/** One row in every `every`, at the row indices `at` modulo `every`: the three sets are disjoint. */
const PLANTED: Record<Fault, { every: number; at: number }> = {
  invalidId: { every: 50, at: 7 }, // 2 %: an ID number with a mistyped digit
  wrongCategory: { every: 80, at: 13 }, // 1.25 %: a category not in the campaign's list
  duplicate: { every: 100, at: 99 }, // 1 %: the person and project of the row 50 rows before
};
const WRONG_CATEGORY = '困难家庭';
const planted = (fault: Fault, i: number) => i % PLANTED[fault].every === PLANTED[fault].at;

/** Unit A's row i (spreadsheet row i + 2): person i, or a planted fault. */
function rowA(i: number): { line: IntakeLine; fault?: Fault } {
  const line: IntakeLine = { name: personName(i), id: personId(i), phone: personPhone(i), unit: UNIT_A, category: '低保家庭', project: 'MZ01', householdSize: 1 + (i % 4), paymentMethod: PAYMENT_METHODS[i % PAYMENT_METHODS.length] };
  if (planted('invalidId', i)) return { line: { ...line, id: mistyped(line.id) }, fault: 'invalidId' };
  if (planted('wrongCategory', i)) return { line: { ...line, category: WRONG_CATEGORY }, fault: 'wrongCategory' };
  if (planted('duplicate', i)) return { line: rowA(i - 50).line, fault: 'duplicate' };
  return { line };
}
const rowsA = Array.from({ length: ROWS_A }, (_, i) => rowA(i));
/** Row indices of unit A's rows that are accepted (each a different person). */
const acceptedA = rowsA.flatMap((r, i) => (r.fault ? [] : [i]));
const faultsA = (fault: Fault) => rowsA.filter((r) => r.fault === fault).length;

/** The errors unit A's file must get, row by row. */
const expectedErrorsA: RowError[] = rowsA.flatMap(({ fault }, i): RowError[] => {
  const row = i + 2;
  if (fault === 'invalidId') return [{ row, column: '身份证号码', reason: '校验位错误：号码中有数字填写有误，请对照身份证原件核对' }];
  if (fault === 'wrongCategory') return [{ row, column: '帮困类别', reason: `“${WRONG_CATEGORY}”不在帮困类别名单中，请从下拉列表选择` }];
  if (fault === 'duplicate') return [{ row, column: '身份证号码', reason: `同一帮困项目中，身份证号码与第${row - 50}行重复` }];
  return [];
});

// ---- Unit B: 2,000 rows in GBK, some of them unit A's people ----------------------------------------

const ROWS_B = 2_000;
type KindB = 'sameProject' | 'combinable' | 'exclusive' | 'new' | 'invalidId';
/**
 * Unit B's row j: rows 0-299 name unit A's people for the same project (one record per person and
 * project: it takes unit B's details, an update); rows 300-499 name them for MZ02, which combines;
 * row 500 names one of them for MZ03, exclusive with MZ01; the rest are new people, one in every
 * 100 from row 550 on with a mistyped ID number.
 */
function rowB(j: number): { line: IntakeLine; kind: KindB } {
  const own = { phone: personPhone(500_000 + j), unit: UNIT_B, category: '困难老人', householdSize: 2, paymentMethod: '社保卡' as const };
  if (j <= 500) {
    const a = acceptedA[7 * j];
    const [project, kind]: [string, KindB] = j < 300 ? ['MZ01', 'sameProject'] : j < 500 ? ['MZ02', 'combinable'] : ['MZ03', 'exclusive'];
    return { line: { ...own, name: personName(a), id: personId(a), project }, kind };
  }
  const n = 100_000 + j;
  const line = { ...own, name: personName(n), id: personId(n), project: 'MZ02' };
  return j >= 550 && j % 100 === 50 ? { line: { ...line, id: mistyped(line.id) }, kind: 'invalidId' } : { line, kind: 'new' };
}
const rowsB = Array.from({ length: ROWS_B }, (_, j) => rowB(j));
const kindsB = (...kinds: KindB[]) => rowsB.filter((r) => kinds.includes(r.kind)).length;

// ---- The base register: three of unit A's households, two nobody named ------------------------------

const REGISTER = ['姓名,身份证号码,所属单位,登记类别',
  ...[0, 1, 2].map((k) => `${personName(acceptedA[k])},${personId(acceptedA[k])},${UNIT_A},低保`),
  ...[200_000, 200_001].map((n) => `${personName(n)},${personId(n)},${TOWN},特困`)].join('\n');

describe('intake of a 20,000-row file and a GBK file on the local cloud', () => {
  const dataDir = tempDir('nuanliu-intake-large-');
  let cloud: LocalCloud;
  let client: DemoClient;
  let campaignId: string;
  let table: Table;
  let sfn: SFNClient;
  const fileA = intakeCsv(rowsA.map((r) => r.line));
  const fileB = encodeGbk(intakeCsv(rowsB.map((r) => r.line), { bom: false, eol: '\r\n' }));

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true });
    const ddb = localDynamoClient(cloud.endpoints.dynamodb);
    const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    table = new Table(ddb, (await ddb.send(new ListTablesCommand({}))).TableNames![0]);
    sfn = new SFNClient({ endpoint: cloud.endpoints.stepfunctions, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    client = new DemoClient(cloud.url);
    campaignId = await new DemoCampaign(client).create('大文件导入测试', { projects: PROJECTS, exclusivePairs: EXCLUSIVE.join(',') });
  }, 120_000);
  afterAll(async () => {
    sfn?.destroy();
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Uploads a file through the form and waits until it is processed, noting the progress seen meanwhile. */
  async function uploaded(fileName: string, content: string | Uint8Array) {
    const res = await client.upload(campaignId, fileName, content);
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    const uploadId = /\/uploads\/([a-f0-9]{64})/.exec(location)![1];
    const seen: { rowsDone: number; rowsTotal: number }[] = [];
    await until(`${fileName} to be processed`, async () => {
      const upload = await getUpload(table, campaignId, uploadId);
      if (upload?.progress && !upload.processedAt) seen.push(upload.progress);
      return upload?.processedAt ? upload : undefined;
    }, 240_000);
    const status = await client.status(campaignId);
    return { uploadId, location, seen, status, upload: status.uploads.find((u) => u.id === uploadId)! };
  }

  /** The register as stored: each record's key, version and details. */
  const register = async () => JSON.stringify((await listBeneficiaries(table, campaignId)).map((b) => [b.projectCode, b.idHash, b.version, b.unit, b.phone, b.uploadId]).sort());
  /** The upload's temporary items (the file's chunks, the batches and their results) still in the table. */
  const partsOf = (uploadId: string) => table.all(keys.uploadChunk(campaignId, uploadId, 0).pk);

  let statusA: CampaignStatus;
  let uploadIdA: string;

  it('stores every good row and rejects exactly the planted faults, row by row, with progress while it runs', async () => {
    expect(Buffer.byteLength(fileA)).toBeGreaterThan(4 * CHUNK_BYTES);
    // The rates as stated, and no fault planted twice on one row.
    expect([faultsA('invalidId'), faultsA('wrongCategory'), faultsA('duplicate')]).toEqual([ROWS_A / 50, ROWS_A / 80, ROWS_A / 100]);
    const rejected = ROWS_A / 50 + ROWS_A / 80 + ROWS_A / 100;
    expect(acceptedA).toHaveLength(ROWS_A - rejected);

    const a = await uploaded(`${UNIT_A}.csv`, fileA);
    uploadIdA = a.uploadId;
    statusA = a.status;
    expect(a.upload).toMatchObject({
      state: 'done', rowCount: ROWS_A, acceptedCount: ROWS_A - rejected, storedCount: ROWS_A - rejected, updatedCount: 0, unchangedCount: 0,
      rejectedCount: rejected, encoding: 'utf-8', progress: { rowsDone: ROWS_A, rowsTotal: ROWS_A },
    });
    expect(a.status.beneficiaries.count).toBe(ROWS_A - rejected);
    const upload = (await getUpload(table, campaignId, a.uploadId))!;
    expect(upload.errors).toEqual(expectedErrorsA);
    expect(upload.errorCount).toBe(rejected);
    expect(upload.rejectedRows?.total).toBe(rejected);
    expect(upload.chunkCount).toBe(Math.ceil(Buffer.byteLength(fileA) / CHUNK_BYTES));
    expect(upload.batchCount).toBe(Math.ceil((ROWS_A - rejected) / BATCH_ROWS));

    // Progress was visible while the file was processed, and never went back.
    expect(a.seen.some((p) => p.rowsDone > 0 && p.rowsDone < ROWS_A)).toBe(true);
    expect(a.seen.every((p, k) => p.rowsTotal === ROWS_A && (k === 0 || p.rowsDone >= a.seen[k - 1].rowsDone))).toBe(true);
    // Nothing of the file is kept: neither its chunks nor the batches of its rows.
    expect(await partsOf(a.uploadId)).toEqual([]);
  }, 300_000);

  it('runs as Prepare, a distributed Map of child executions of ten batches each, and Finish: a small history', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    const intake = stateMachines!.find((m) => m.name!.startsWith('IntakeWorkflow'))!;
    const executionArn = executionArnOf(intake.stateMachineArn!, intakeExecutionName(campaignId, uploadIdA, 1));
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const entered = events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['Prepare intake', 'Store batches', 'Finish intake']);
    expect(events!.length).toBeLessThan(40);
    expect(events!.at(-1)?.type).toBe('ExecutionSucceeded');
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn: mapRuns![0].mapRunArn }));
    const children = Math.ceil(Math.ceil(acceptedA.length / BATCH_ROWS) / INTAKE_BATCHES_PER_CHILD);
    expect(run.executionCounts).toMatchObject({ total: children, succeeded: children, failed: 0 });
  });

  it('the same file again changes nothing: the same bytes are the same upload, the same rows saved again are all unchanged', async () => {
    const before = await register();
    const again = await client.upload(campaignId, `${UNIT_A}（副本）.csv`, fileA);
    expect(again.headers.get('location')).toBe(`/campaigns/${campaignId}/uploads/${uploadIdA}?notice=duplicate`);
    await sleep(500);
    expect((await client.status(campaignId)).uploads).toEqual(statusA.uploads);

    // Saved again by Excel on Windows (CRLF): other bytes, another upload, the same rows.
    const resaved = await uploaded(`${UNIT_A}-重新保存.csv`, intakeCsv(rowsA.map((r) => r.line), { eol: '\r\n' }));
    expect(resaved.uploadId).not.toBe(uploadIdA);
    expect(resaved.upload).toMatchObject({
      rowCount: ROWS_A, acceptedCount: acceptedA.length, storedCount: 0, updatedCount: 0, unchangedCount: acceptedA.length, rejectedCount: ROWS_A - acceptedA.length,
    });
    expect(resaved.status.beneficiaries).toEqual(statusA.beneficiaries);
    expect(await register()).toBe(before);
  }, 300_000);

  it("takes a second unit's GBK file: repeats for the same project are duplicates, others are stored; the same file again changes nothing", async () => {
    const rejected = kindsB('invalidId');
    expect(rejected).toBe(15);
    const b = await uploaded(`${UNIT_B}.csv`, fileB);
    expect(b.upload).toMatchObject({
      state: 'done', rowCount: ROWS_B, acceptedCount: ROWS_B - rejected, storedCount: kindsB('combinable', 'exclusive', 'new'),
      updatedCount: 0, unchangedCount: 0, duplicateCount: kindsB('sameProject'), rejectedCount: rejected, encoding: 'gb18030',
    });
    expect(b.status.beneficiaries.count).toBe(acceptedA.length + kindsB('combinable', 'exclusive', 'new'));
    const errors = (await getUpload(table, campaignId, b.uploadId))!.errors;
    expect(errors.map((e) => [e.row, e.column, e.reason.split('：')[0]])).toEqual(
      rowsB.flatMap((r, j) => (r.kind === 'invalidId' ? [[j + 2, '身份证号码', '校验位错误']] : [])),
    );
    // A person both units named for MZ01 is one record, as unit A's file stored it; unit B's rows are listed as duplicates.
    const duplicates = rowsB.flatMap((r, j) => (r.kind === 'sameProject' ? [{ row: j + 2, heldByUnit: UNIT_A }] : []));
    expect((await getUpload(table, campaignId, b.uploadId))!.duplicateRows).toEqual(duplicates);
    const beneficiaries = await listBeneficiaries(table, campaignId);
    expect(beneficiaries.filter((x) => x.updatedByUploadId === b.uploadId)).toEqual([]);
    expect(beneficiaries.filter((x) => x.unit === UNIT_B && x.projectCode === 'MZ01')).toEqual([]);
    expect(await partsOf(b.uploadId)).toEqual([]);

    const before = await register();
    const again = await client.upload(campaignId, `${UNIT_B}.csv`, fileB);
    expect(again.headers.get('location')).toContain('notice=duplicate');
    expect((await client.status(campaignId)).uploads).toHaveLength(3);
    expect(await register()).toBe(before);
  }, 300_000);

  it('closes 排摸 with the counts: rows received, stored, rejected by reason, duplicates, the conflict and the uncovered households', async () => {
    const registerFile = new FormData();
    registerFile.set('file', new Blob([REGISTER], { type: 'text/csv' }), '名册.csv');
    expect((await client.request(`/campaigns/${campaignId}/registers`, { method: 'POST', body: registerFile })).status).toBe(303);
    expect((await client.startPhase(campaignId, 'survey')).status).toBe(303);
    await client.atGate(campaignId, 'deploy');
    const summary = await until('the summary mail', async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(DEMO.coordinator)}`)).json()) as { subject: string; text: string }[];
      return mails.find((m) => m.subject === '排摸阶段汇总：大文件导入测试');
    });
    // Unit A's file twice (the second time saved again, its rows all unchanged), unit B's once.
    const rejectedA = ROWS_A - acceptedA.length;
    const stored = acceptedA.length + kindsB('combinable', 'exclusive', 'new');
    expect(summary.text).toContain([
      `收到 3 个文件，共 ${2 * ROWS_A + ROWS_B} 行`,
      `入库 ${stored} 人`,
      `退回 ${2 * rejectedA + kindsB('invalidId')} 行`,
      `  - 校验位错误：${2 * faultsA('invalidId') + kindsB('invalidId')} 处`,
      `  - “${WRONG_CATEGORY}”不在帮困类别名单中，请从下拉列表选择：${2 * faultsA('wrongCategory')} 处`,
      `  - 同一帮困项目中，身份证号码与另一行重复：${2 * faultsA('duplicate')} 处`,
      `重复申报 ${kindsB('combinable', 'exclusive')} 人（可兼得的项目组合 ${kindsB('combinable')} 对）`,
      `多个单位申报同一人同一项目 ${kindsB('sameProject')} 行，均只保留最先申报的一条`,
      `互斥冲突 ${kindsB('exclusive')} 个：已处理 0 个，待处理 1 个`,
      '  - 待处理的冲突处理完毕前，不能启动「部署」阶段',
      '名册共 5 户，未被任何项目覆盖 2 户',
      `  - ${TOWN}：2 户`,
    ].join('\n'));
  }, 300_000);
});
