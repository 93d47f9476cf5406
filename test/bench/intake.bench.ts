/**
 * `npm run bench:intake`: a district's 排摸 import on the local cloud, end to end. BENCH_ROWS rows
 * (default 112,800, Minhang's person-times) as BENCH_UNITS units' CSV files (default 14, about 8,000
 * rows each) are uploaded through the HTTP route, one after the other as a coordinator would, and
 * the clock stops when every file's intake workflow has succeeded (outcome recorded, file and
 * batches deleted). In the same run, on the same dynalite, the raw floor: BatchWriteItem of as many
 * items of the size of a stored beneficiary, 25 per request, BENCH_PARALLEL requests in flight
 * (default 8). The ratio is end-to-end time over floor time (the issue's target: within 2×).
 *
 * For reference, also in the same run: as many single conditional PutItems (what storing a new
 * beneficiary takes, once per row; dynalite has no transactions or PartiQL to batch them), sent
 * from a worker thread as a Lambda sends them, 32 in flight.
 *
 * BENCH_RUNS runs (default 1), each on a fresh local cloud; with more than one, medians. The last
 * line is one JSON object with the figures.
 */
import os from 'node:os';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListStateMachinesCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { listBeneficiaries } from '../../functions/data/beneficiaries.js';
import { keys } from '../../functions/data/keys.js';
import type { Upload } from '../../functions/data/uploads.js';
import { executionArnOf, intakeExecutionName } from '../../functions/web/workflows.js';
import { DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient, sleep } from '../../infra/local/demo-client.js';
import { conditionalPuts, freshCloud, median, writeFloor } from './measure.js';
import { intakeCsv, personId, personName, personPhone, type IntakeLine } from '../support/intake-files.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 112_800);
const UNITS = Number(process.env.BENCH_UNITS ?? 14);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 8);

/** Minhang's towns, streets and the industrial zone: the units that send lists. */
const UNIT_NAMES = ['莘庄镇', '七宝镇', '浦江镇', '梅陇镇', '虹桥镇', '马桥镇', '吴泾镇', '华漕镇', '颛桥镇', '江川路街道', '古美路街道', '新虹街道', '浦锦街道', '莘庄工业区'];
const unitName = (u: number) => UNIT_NAMES[u] ?? `第${u + 1}单位`;
const PROJECTS = 'MZ01,低保家庭春节慰问,500\nMZ02,困难老人关爱礼包,300';

/** Unit u's file: its share of the rows, each a different person, every person in one file only. */
function unitFile(u: number): { name: string; csv: string; rows: number } {
  const per = Math.floor(ROWS / UNITS);
  const extra = ROWS % UNITS;
  const first = u * per + Math.min(u, extra);
  const rows = per + (u < extra ? 1 : 0);
  const lines: IntakeLine[] = Array.from({ length: rows }, (_, k) => {
    const n = first + k;
    return { name: personName(n), id: personId(n), phone: personPhone(n), unit: unitName(u), category: n % 3 ? '低保家庭' : '困难老人', project: n % 2 ? 'MZ02' : 'MZ01', householdSize: 1 + (n % 4), paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length] };
  });
  return { name: `${unitName(u)}.csv`, csv: intakeCsv(lines), rows };
}

/** Seconds from the first to the last event of each named state, over every intake execution. */
function phases(histories: HistoryEvent[][]) {
  const spans: Record<string, number[]> = {};
  for (const events of histories) {
    const entered = new Map<string, number>();
    for (const e of events) {
      const at = new Date(e.timestamp!).getTime();
      if (e.stateEnteredEventDetails?.name) entered.set(e.stateEnteredEventDetails.name, at);
      const name = e.stateExitedEventDetails?.name;
      if (name && entered.has(name)) (spans[name] ??= []).push((at - entered.get(name)!) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(spans).map(([name, s]) => [name, { medianSeconds: +median(s).toFixed(2), maxSeconds: +Math.max(...s).toFixed(2) }]));
}

async function run(index: number) {
  const { cloud, sfn, tableName, table, close } = await freshCloud('intake');
  try {
    const client = new DemoClient(cloud.url);
    const campaignId = await new DemoCampaign(client).create(`导入基准 ${index + 1}`, {
      units: Array.from({ length: UNITS }, (_, u) => unitName(u)).join('\n'),
      projects: PROJECTS,
    });
    const files = Array.from({ length: UNITS }, (_, u) => unitFile(u));
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.csv), 0);

    // End to end: every file through the upload route, until intake has recorded every outcome.
    const started = performance.now();
    const uploadIds: string[] = [];
    for (const file of files) {
      const res = await client.upload(campaignId, file.name, file.csv);
      if (res.status !== 303) throw new Error(`upload of ${file.name} answered ${res.status}: ${await res.text()}`);
      uploadIds.push(/\/uploads\/([a-f0-9]{64})/.exec(res.headers.get('location') ?? '')![1]);
    }
    const uploadedSeconds = (performance.now() - started) / 1000;
    const intake = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name!.startsWith('IntakeWorkflow'))!;
    const executionArns = uploadIds.map((id) => executionArnOf(intake.stateMachineArn!, intakeExecutionName(campaignId, id, 1)));
    let uploads: (Upload | undefined)[] = [];
    let processedSeconds = 0;
    // One read of every upload, 5 times a second: the watching costs the local cloud little.
    for (;;) {
      uploads = await table.getMany<Upload>(uploadIds.map((id) => keys.upload(campaignId, id)));
      if (uploads.every((u) => u?.processedAt)) break;
      await sleep(200);
    }
    processedSeconds = (performance.now() - started) / 1000;
    for (;;) {
      const statuses = await Promise.all(executionArns.map(async (executionArn) => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status));
      if (statuses.some((s) => s !== 'RUNNING' && s !== 'SUCCEEDED')) throw new Error(`an intake workflow ended ${statuses.join(', ')}`);
      if (statuses.every((s) => s === 'SUCCEEDED')) break;
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const stored = uploads.reduce((n, u) => n + (u!.storedCount ?? 0), 0);
    const rejected = uploads.reduce((n, u) => n + (u!.rejectedCount ?? 0), 0);
    if (stored !== ROWS || rejected !== 0) throw new Error(`expected ${ROWS} rows stored and none rejected, got ${stored} stored and ${rejected} rejected`);
    const histories = await Promise.all(executionArns.map(async (executionArn) => (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!));

    // The floor: the same number of items, of a stored beneficiary's size, straight into the same store.
    const [sample] = await listBeneficiaries(table, campaignId);
    const floorSeconds = await writeFloor(cloud.endpoints.dynamodb, tableName, ROWS, sample as unknown as Record<string, unknown>, { parallel: PARALLEL, skPrefix: 'MZ01' });
    const putSeconds = await conditionalPuts(cloud.endpoints.dynamodb, tableName, ROWS, sample as unknown as Record<string, unknown>);
    const itemBytes = Buffer.byteLength(JSON.stringify(sample));
    const result = {
      rows: ROWS,
      files: UNITS,
      fileBytes: bytes,
      seconds: +seconds.toFixed(2),
      uploadSeconds: +uploadedSeconds.toFixed(2),
      processedSeconds: +processedSeconds.toFixed(2),
      rowsPerSecond: Math.round(ROWS / seconds),
      floorSeconds: +floorSeconds.toFixed(2),
      floorItemsPerSecond: Math.round(ROWS / floorSeconds),
      itemBytes,
      ratio: +(seconds / floorSeconds).toFixed(2),
      conditionalPutSeconds: +putSeconds.toFixed(2),
      conditionalPutsPerSecond: Math.round(ROWS / putSeconds),
      phases: phases(histories),
    };
    process.stderr.write(`  run ${index + 1}/${RUNS}: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await close();
  }
}

console.log(`Intake benchmark: ${ROWS.toLocaleString('en-US')} rows as ${UNITS} CSV files through the upload route; floor: BatchWriteItem, 25 per request, ${PARALLEL} in flight; ${RUNS} run(s), Node ${process.version}, ${os.cpus().length} CPUs`);
const results: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) results.push(await run(i));
const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
const figures = {
  rows: ROWS,
  files: UNITS,
  runs: RUNS,
  node: process.version,
  cpus: os.cpus().length,
  endToEndSeconds: +m((r) => r.seconds).toFixed(2),
  endToEndRowsPerSecond: Math.round(m((r) => r.rowsPerSecond)),
  floorSeconds: +m((r) => r.floorSeconds).toFixed(2),
  floorItemsPerSecond: Math.round(m((r) => r.floorItemsPerSecond)),
  ratio: +m((r) => r.ratio).toFixed(2),
  conditionalPutsPerSecond: Math.round(m((r) => r.conditionalPutsPerSecond)),
  itemBytes: results[0].itemBytes,
  fileBytes: results[0].fileBytes,
  phases: RUNS === 1 ? results[0].phases : undefined,
};
const line = (label: string, value: string) => console.log(`${label.padEnd(36)} ${value}`);
line(`end to end${RUNS > 1 ? ' (median)' : ''}`, `${figures.endToEndRowsPerSecond.toLocaleString('en-US')} rows/s (${figures.endToEndSeconds} s)`);
line(`floor, BatchWriteItem${RUNS > 1 ? ' (median)' : ''}`, `${figures.floorItemsPerSecond.toLocaleString('en-US')} items/s (${figures.floorSeconds} s)`);
line('end to end / floor', `${figures.ratio}× the floor's time (target: within 2×)`);
line(`reference: conditional PutItem${RUNS > 1 ? ' (median)' : ''}`, `${figures.conditionalPutsPerSecond.toLocaleString('en-US')} items/s, one request per item`);
console.log(JSON.stringify(figures));
