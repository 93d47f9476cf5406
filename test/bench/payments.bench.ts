/**
 * `npm run bench:payments`: a district's 实施 payments on the local cloud, end to end. BENCH_BENEFICIARIES
 * approved beneficiaries (default 112,800, Minhang's person-times) are seeded straight into the
 * store (conditional inserts, 25 per request), spread over Minhang-like units and their projects
 * (the civil-affairs bureau's 11 projects, 8 departments' 34, 14 towns' and streets' 77: 122 in
 * all, their people in the seed's proportions), 10 categories and the 5 payment methods. Then the
 * implement workflow, as the stack defines it, is started and timed until it has succeeded.
 *
 * In the same run, on the same store, the raw floor: BatchWriteItem of as many items of a payment
 * item's size, 25 per request, BENCH_PARALLEL requests in flight (default 8). The ratio is the
 * workflow's time over the floor's (target: within 2×).
 *
 * State transitions: AWS bills one per state entered, in the parent execution and in every child
 * execution of a distributed Map. They are counted here as the *StateEntered events of the
 * implement execution's history and of the histories of every child execution of its Map Runs
 * (retries of a Task re-enter no state, as on AWS). Target: under 0.01 per beneficiary.
 *
 * Correctness: every payable beneficiary paid, none twice (one payment item per beneficiary key),
 * none left unpaid.
 *
 * BENCH_RUNS runs (default 1), each on a fresh local cloud; with more than one, medians. The last
 * line is one JSON object with the figures.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { DescribeExecutionCommand, ListExecutionsCommand, ListMapRunsCommand, ListStateMachinesCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { insertBeneficiaries, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign, type Project } from '../../functions/data/campaigns.js';
import { beneficiaryKey } from '../../functions/data/exclusions.js';
import { listPayments } from '../../functions/data/payments.js';
import type { Table } from '../../functions/data/table.js';
import { sleep } from '../../infra/local/demo-client.js';
import { freshCloud, historyOf, median, writeFloor } from './measure.js';

const BENEFICIARIES = Number(process.env.BENCH_BENEFICIARIES ?? 112_800);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 8);

const TOWNS = ['莘庄镇', '七宝镇', '浦江镇', '梅陇镇', '虹桥镇', '马桥镇', '吴泾镇', '华漕镇', '颛桥镇', '江川路街道', '古美路街道', '新虹街道', '浦锦街道', '莘庄工业区'];
const DEPARTMENTS = ['区人社局', '区医保局', '区教育局', '区总工会', '团区委', '区妇联', '区残联', '区退役军人事务局'];
const CATEGORIES = ['低保家庭', '低收入困难家庭', '特困供养', '困难老人', '困境儿童', '大重病家庭', '残疾人', '困难职工', '失业人员', '贫困学生'];

interface UnitPlan {
  unit: string;
  projects: Project[];
  /** The unit's share of the people. */
  share: number;
}

/**
 * Minhang 2020 (seeds/001): 民政 11 projects for ~63,426 people at 300–1,100 yuan; other
 * departments 34 projects for ~23,149 at 200–30,000; towns and streets 77 projects for ~21,469 at
 * 200–10,000. Each unit runs its own projects; amounts are whole yuan, stored in fen.
 */
function unitPlans(): UnitPlan[] {
  let code = 0;
  const projects = (count: number, yuan: (i: number) => number): Project[] =>
    Array.from({ length: count }, (_, i) => {
      code++;
      return { code: `MH${String(code).padStart(3, '0')}`, name: `帮困项目${code}`, amountFen: yuan(i) * 100 };
    });
  const total = 63_426 + 23_149 + 21_469;
  return [
    { unit: '区民政局', projects: projects(11, (i) => 300 + i * 80), share: 63_426 / total },
    ...DEPARTMENTS.map((unit, d) => ({ unit, projects: projects(d < 2 ? 5 : 4, (i) => [200, 500, 1000, 3000, 30_000][i % 5]), share: 23_149 / total / DEPARTMENTS.length })),
    ...TOWNS.map((unit, t) => ({ unit, projects: projects(t < 7 ? 6 : 5, (i) => [200, 400, 800, 2000, 5000, 10_000][i % 6]), share: 21_469 / total / TOWNS.length })),
  ];
}

/** Person n's (unit, project), drawn deterministically by the units' shares, then evenly over the unit's projects. */
function placement(plans: UnitPlan[], n: number): { unit: string; project: Project } {
  const x = ((n * 2654435761) >>> 0) / 2 ** 32;
  let at = 0;
  for (const plan of plans) {
    at += plan.share;
    if (x < at || plan === plans[plans.length - 1]) return { unit: plan.unit, project: plan.projects[Math.floor(n / 7) % plan.projects.length] };
  }
  throw new Error('unreachable');
}


/** Seeds the campaign's approved register, 8 insert requests in flight. */
async function seed(table: Table, campaignId: string, plans: UnitPlan[]) {
  const people: Beneficiary[] = Array.from({ length: BENEFICIARIES }, (_, n) => {
    const { unit, project } = placement(plans, n);
    return {
      campaignId, projectCode: project.code, idHash: createHash('sha256').update(`bench-person-${n}`).digest('hex'), idMasked: '310***********0000',
      name: `对象${n}`, phone: `139${String(n).padStart(8, '0')}`, unit, category: CATEGORIES[n % CATEGORIES.length], householdSize: 1 + (n % 4),
      amountFen: project.amountFen, paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length], uploadId: 'b'.repeat(64), row: n + 2,
    };
  });
  const chunk = 1000;
  let next = 0;
  const lane = async () => {
    while (next < people.length) {
      const from = next;
      next += chunk;
      await insertBeneficiaries(table, people.slice(from, from + chunk));
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return people;
}



/** Seconds from entering to leaving each state of the parent execution. */
function spans(events: HistoryEvent[]): Record<string, number> {
  const entered = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const e of events) {
    const at = new Date(e.timestamp!).getTime();
    if (e.stateEnteredEventDetails?.name) entered.set(e.stateEnteredEventDetails.name, at);
    const name = e.stateExitedEventDetails?.name;
    if (name && entered.has(name)) out[name] = +((at - entered.get(name)!) / 1000).toFixed(2);
  }
  return out;
}

/** States entered (what AWS bills as state transitions) in the execution and in every child of its Map Runs. */
async function stateTransitions(sfn: SFNClient, executionArn: string) {
  const entered = (events: HistoryEvent[]) => events.filter((e) => e.type!.endsWith('StateEntered')).length;
  const history = await historyOf(sfn, executionArn);
  const parent = entered(history);
  let children = 0;
  let childExecutions = 0;
  const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
  for (const run of mapRuns!) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ mapRunArn: run.mapRunArn, maxResults: 1000, nextToken }));
      for (const child of page.executions!) {
        childExecutions++;
        children += entered(await historyOf(sfn, child.executionArn!));
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return { parent, children, childExecutions, total: parent + children, stateSeconds: spans(history) };
}

async function run(index: number) {
  const { cloud, sfn, tableName, table, close } = await freshCloud('payments');
  try {
    const plans = unitPlans();
    const campaign = await createCampaign(table, {
      name: `发放基准 ${index + 1}`, coordinator: 'coordinator@mzj.example.cn', units: plans.map((p) => p.unit), categories: CATEGORIES,
      projects: plans.flatMap((p) => p.projects), exclusivePairs: [], approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
    });
    const seedStarted = performance.now();
    const people = await seed(table, campaign.id, plans);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const pairs = new Set(people.map((b) => `${b.unit}/${b.projectCode}`)).size;

    // End to end: the implement workflow, started as the campaign starts it, until it has succeeded.
    const machine = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name!.startsWith('ImplementWorkflow'))!;
    const started = performance.now();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify({ campaignId: campaign.id }) }));
    for (;;) {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (status === 'SUCCEEDED') break;
      if (status !== 'RUNNING') throw new Error(`the implement workflow ended ${status}`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;

    // Correctness: one payment per payable beneficiary (all are approved), none twice, none missing.
    const payments = await listPayments(table, campaign.id);
    const paidKeys = new Set(payments.map(beneficiaryKey));
    const unpaid = people.filter((b) => !paidKeys.has(beneficiaryKey(b))).length;
    const paidTwice = payments.length - paidKeys.size;
    const wrong = payments.filter((p) => p.status !== 'issued' || p.attempt !== 1 || p.executionId !== executionArn || !Number.isInteger(p.amountFen)).length;
    if (unpaid || paidTwice || wrong || paidKeys.size !== BENEFICIARIES) {
      throw new Error(`payments wrong: ${paidKeys.size} paid, ${paidTwice} paid twice, ${unpaid} unpaid, ${wrong} with a wrong status, attempt, execution or amount`);
    }
    const transitions = await stateTransitions(sfn, executionArn!);

    // The floor: as many items, of a payment item's size, straight into the same store.
    const sample = payments[0] as unknown as Record<string, unknown>;
    const floorSeconds = await writeFloor(cloud.endpoints.dynamodb, tableName, BENEFICIARIES, sample, { parallel: PARALLEL, skPrefix: 'MH001' });
    const result = {
      beneficiaries: BENEFICIARIES,
      pairs,
      seedSeconds: +seedSeconds.toFixed(2),
      seconds: +seconds.toFixed(2),
      paymentsPerSecond: Math.round(BENEFICIARIES / seconds),
      floorSeconds: +floorSeconds.toFixed(2),
      floorItemsPerSecond: Math.round(BENEFICIARIES / floorSeconds),
      ratio: +(seconds / floorSeconds).toFixed(2),
      itemBytes: Buffer.byteLength(JSON.stringify(sample)),
      transitions,
      transitionsPerBeneficiary: +(transitions.total / BENEFICIARIES).toFixed(5),
      paid: paidKeys.size,
      paidTwice,
      unpaidPayable: unpaid,
    };
    process.stderr.write(`  run ${index + 1}/${RUNS}: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await close();
  }
}

console.log(`Payments benchmark: ${BENEFICIARIES.toLocaleString('en-US')} approved beneficiaries through the implement workflow; floor: BatchWriteItem, 25 per request, ${PARALLEL} in flight; ${RUNS} run(s), Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const results: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) results.push(await run(i));
const m = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick));
const figures = {
  beneficiaries: BENEFICIARIES,
  pairs: results[0].pairs,
  runs: RUNS,
  node: process.version,
  cpus: os.cpus().length,
  seconds: +m((r) => r.seconds).toFixed(2),
  paymentsPerSecond: Math.round(m((r) => r.paymentsPerSecond)),
  floorSeconds: +m((r) => r.floorSeconds).toFixed(2),
  floorItemsPerSecond: Math.round(m((r) => r.floorItemsPerSecond)),
  ratio: +m((r) => r.ratio).toFixed(2),
  stateTransitions: m((r) => r.transitions.total),
  childExecutions: m((r) => r.transitions.childExecutions),
  transitionsPerBeneficiary: +m((r) => r.transitionsPerBeneficiary).toFixed(5),
  paid: m((r) => r.paid),
  paidTwice: Math.max(...results.map((r) => r.paidTwice)),
  unpaidPayable: Math.max(...results.map((r) => r.unpaidPayable)),
  itemBytes: results[0].itemBytes,
  stateSeconds: RUNS === 1 ? results[0].transitions.stateSeconds : undefined,
};
const line = (label: string, value: string) => console.log(`${label.padEnd(36)} ${value}`);
const med = RUNS > 1 ? ' (median)' : '';
line(`implement workflow${med}`, `${figures.paymentsPerSecond.toLocaleString('en-US')} payments/s (${figures.seconds} s)`);
line(`floor, BatchWriteItem${med}`, `${figures.floorItemsPerSecond.toLocaleString('en-US')} items/s (${figures.floorSeconds} s)`);
line('workflow / floor', `${figures.ratio}× the floor's time (target: within 2×)`);
line(`state transitions${med}`, `${figures.stateTransitions} (${figures.transitionsPerBeneficiary} per beneficiary; target: under 0.01)`);
line('correctness', `${figures.paid} paid, ${figures.paidTwice} paid twice, ${figures.unpaidPayable} payable unpaid`);
console.log(JSON.stringify(figures));
