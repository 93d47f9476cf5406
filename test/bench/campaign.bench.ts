/**
 * `npm run bench`: the whole Minhang-shaped campaign (test/support/minhang, seed BENCH_SEED, scale
 * BENCH_SCALE, default 1) on a fresh local cloud, end to end through the HTTP routes and mailed
 * links, as its coordinator, approvers and callback staff would drive it (see campaign-driver.ts).
 *
 * Reports: wall time per phase and in all, with each phase's items written, read units and requests
 * by operation; peak RSS of the process during the campaign (the local cloud runs in this
 * process: dynalite, the engine, the gateway, and the Lambda sandboxes as worker threads; so does
 * this driver), in all and split into anonymous and file-backed memory (see sampleMemory), and the
 * process's peak so far (the correctness reads and the floor after the campaign too), and apart that of
 * the child that synthesized the stack and ended before the campaign began; DynamoDB items written
 * and capacity units (the local store's meter,
 * NUANLIU_METER_DYNAMODB=1, see infra/local/dynamodb-meter.ts); state transitions of every
 * execution and Map child; Lambda invocations and GB-seconds (durations as seen by the host, so
 * queueing included: an upper bound); an AWS cost estimate at AWS_PRICES_USD; the raw write floor
 * (writeFloor of as many items, same store, same run) and the ratio of the campaign's time to it;
 * and correctness against the generator's expected counts, which must be exact.
 *
 * BENCH_RUNS runs (default 1), each on a fresh cloud; with more, medians. The last line is one JSON object.
 */
import os from 'node:os';
import { beneficiaryKey, isExcluded, listBeneficiaryRecords } from '../../functions/data/exclusions.js';
import { listPayments, statusOf } from '../../functions/data/payments.js';
import { dynamoMeter } from '../../infra/local/dynamodb-meter.js';
import { generateMinhang } from '../support/minhang/generate.js';
import { awsCost, AWS_PRICES_USD, meterLambda, stateTransitions } from './campaign-figures.js';
import { CampaignDriver } from './campaign-driver.js';
import { freshCloud, median, sampleMemory, writeFloor } from './measure.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const SEED = process.env.BENCH_SEED ?? '闵行2020';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 8);
/** How long any one wait (an upload's processing, the payments) may take. */
const WAIT_MS = Number(process.env.BENCH_WAIT_SECONDS ?? 1800) * 1000;

process.env.NUANLIU_METER_DYNAMODB = '1';
const campaign = generateMinhang(SEED, SCALE);
const expected = campaign.expected;
const log = (line: string) => process.stderr.write(`${line}\n`);
const CPUS = os.cpus().length;
/** CPU time of every thread of this process (the cloud, its sandboxes, the store's LevelDB threads, the driver), in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The least time `cpuSeconds` of work can take on this machine's cores: each core busy all along. */
const cpuBound = (cpuSeconds: number) => cpuSeconds / CPUS;

async function run(index: number) {
  const { cloud, sfn, tableName, table, close } = await freshCloud('campaign', { movableClock: true });
  const lambdaUsage = meterLambda(cloud.lambda);
  Object.assign(dynamoMeter, { requests: {}, itemsWritten: 0, writeUnits: 0, readUnits: 0 });
  try {
    log(`run ${index + 1}/${RUNS}`);
    // The store's meter, and the CPU time (see cpuMs).
    const meterReading = () => ({ cpuMs: Math.round(cpuMs()), itemsWritten: dynamoMeter.itemsWritten, readUnits: dynamoMeter.readUnits, ...dynamoMeter.requests });
    const driver = new CampaignDriver(cloud.url, campaign, WAIT_MS, log, meterReading);
    const memory = sampleMemory();
    const started = performance.now();
    const cpuBefore = cpuMs();
    const observed = await driver.run();
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpuMs() - cpuBefore) / 1000;
    const memoryPeaks = memory.stop();
    const written = { items: dynamoMeter.itemsWritten, writeUnits: dynamoMeter.writeUnits, readUnits: dynamoMeter.readUnits };

    // Correctness, read from the store: who is payable, who was paid, and how often.
    const people = await listBeneficiaryRecords(table, driver.campaignId);
    const payable = people.filter((b) => !isExcluded(b));
    const payments = await listPayments(table, driver.campaignId);
    const paymentKeys = new Set(payments.map(beneficiaryKey));
    const correctness = {
      stored: observed.stored,
      rejected: observed.rejected,
      duplicates: observed.duplicates,
      conflicts: observed.conflicts,
      registered: observed.registered,
      uncovered: observed.uncovered,
      payable: payable.length,
      payableFen: payable.reduce((n, b) => n + b.amountFen, 0),
      bankLines: observed.bankLines,
      paid: payments.filter((p) => statusOf(p) === 'paid').length,
      bankFailed: payments.filter((p) => statusOf(p) === 'failed').length,
      plantedBankFailures: observed.bankFailures,
      paidTwice: payments.length - paymentKeys.size,
      unpaidButApproved: payable.filter((b) => !paymentKeys.has(beneficiaryKey(b))).length,
      sample: observed.sample,
      samplePopulation: observed.samplePopulation,
    };
    const transitions = await stateTransitions(sfn);
    const lambda = lambdaUsage();

    // The floor: as many items as the campaign wrote, shaped like a beneficiary, straight into the same store.
    const sample = people[0] as unknown as Record<string, unknown>;
    const floorCpuBefore = cpuMs();
    const floorSeconds = await writeFloor(cloud.endpoints.dynamodb, tableName, written.items, sample, { parallel: PARALLEL, skPrefix: 'FLOOR' });
    const floorCpuSeconds = (cpuMs() - floorCpuBefore) / 1000;
    const result = {
      seconds: +seconds.toFixed(2),
      phases: driver.phases,
      phaseCounts: driver.phaseCounts,
      uploadRetries: [...driver.retries.values()].reduce((a, b) => a + b, 0),
      failedPageReads: driver.failedPageReads,
      // The process's peak since it began: the campaign's, or that of the correctness reads and the floor after it.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      campaignPeakRssMb: memoryPeaks?.sampledPeakRssMb,
      peakAnonRssMb: memoryPeaks?.peakAnonRssMb,
      peakFileRssMb: memoryPeaks?.peakFileRssMb,
      synthesisPeakRssMb: cloud.synthesisPeakRssMb,
      itemsWritten: written.items,
      writeUnits: written.writeUnits,
      readUnits: written.readUnits,
      floorSeconds: +floorSeconds.toFixed(2),
      ratio: +(seconds / floorSeconds).toFixed(1),
      cpuSeconds: +cpuSeconds.toFixed(1),
      floorCpuSeconds: +floorCpuSeconds.toFixed(1),
      cpuBoundRatio: +(cpuBound(cpuSeconds) / floorSeconds).toFixed(2),
      transitions: transitions.total,
      executions: transitions.executions,
      transitionsByMachine: transitions.byMachine,
      transitionsPerBeneficiary: +(transitions.total / expected.stored).toFixed(4),
      lambdaRequests: lambda.requests,
      lambdaGbSeconds: +lambda.gbSeconds.toFixed(1),
      correctness,
    };
    log(`  run ${index + 1}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await close();
  }
}

/** The generator's expectations each correctness count must meet exactly. */
function mismatches(c: Awaited<ReturnType<typeof run>>['correctness']): string[] {
  const want: Partial<Record<keyof typeof c, number>> = {
    stored: expected.stored, rejected: expected.rejected, duplicates: expected.duplicates, conflicts: expected.conflicts,
    registered: expected.registered, uncovered: expected.uncovered, payable: expected.payable, payableFen: expected.payableFen,
    // Every bank line is paid but the planted failures; 现金, 实物 and 粮油卡 are paid outside the bank.
    bankLines: expected.payableByBank, paid: expected.payableByBank - c.plantedBankFailures, bankFailed: c.plantedBankFailures, paidTwice: 0, unpaidButApproved: 0,
    // The sample is drawn from every payment not failed.
    samplePopulation: expected.payable - c.plantedBankFailures,
  };
  return Object.entries(want).filter(([k, v]) => c[k as keyof typeof c] !== v).map(([k, v]) => `${k}: ${c[k as keyof typeof c]} ≠ ${v}`);
}

log(`Campaign benchmark: Minhang-shaped, seed “${SEED}”, scale ${SCALE}× (${expected.rows.toLocaleString('en-US')} intake rows, ${campaign.intake.length} intake files from ${campaign.units.length} units, ${campaign.projects.length} projects); ${RUNS} run(s), Node ${process.version}, ${CPUS} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const results: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) results.push(await run(i));
const m = (pick: (r: (typeof results)[number]) => number, digits = 2) => +median(results.map(pick)).toFixed(digits);
const usage = {
  transitions: m((r) => r.transitions),
  lambdaRequests: m((r) => r.lambdaRequests),
  lambdaGbSeconds: m((r) => r.lambdaGbSeconds),
  writeUnits: m((r) => r.writeUnits),
  readUnits: m((r) => r.readUnits),
};
const wrong = results.flatMap((r) => mismatches(r.correctness));
const figures = {
  seed: SEED,
  scale: SCALE,
  runs: RUNS,
  node: process.version,
  cpus: CPUS,
  loadAverage: +os.loadavg()[0].toFixed(2),
  seconds: m((r) => r.seconds),
  uploadRetries: m((r) => r.uploadRetries),
  failedPageReads: m((r) => r.failedPageReads),
  phases: Object.fromEntries(Object.keys(results[0].phases).map((p) => [p, m((r) => r.phases[p])])),
  peakRssMb: m((r) => r.peakRssMb),
  campaignPeakRssMb: m((r) => r.campaignPeakRssMb ?? NaN),
  peakAnonRssMb: m((r) => r.peakAnonRssMb ?? NaN),
  peakFileRssMb: m((r) => r.peakFileRssMb ?? NaN),
  synthesisPeakRssMb: m((r) => r.synthesisPeakRssMb),
  itemsWritten: m((r) => r.itemsWritten),
  floorSeconds: m((r) => r.floorSeconds),
  ratio: m((r) => r.ratio),
  cpuSeconds: m((r) => r.cpuSeconds, 1),
  floorCpuSeconds: m((r) => r.floorCpuSeconds, 1),
  cpuBoundRatio: m((r) => r.cpuBoundRatio),
  executions: m((r) => r.executions),
  transitionsPerBeneficiary: m((r) => r.transitionsPerBeneficiary, 4),
  ...usage,
  awsCostUsd: awsCost(usage),
  awsPricesUsd: AWS_PRICES_USD,
  expected,
  correctness: results[results.length - 1].correctness,
  correct: wrong.length === 0,
  mismatches: wrong,
};
const line = (label: string, value: string) => console.log(`${label.padEnd(30)} ${value}`);
const med = RUNS > 1 ? ' (median)' : '';
for (const [p, s] of Object.entries(figures.phases)) line(`  ${p}${med}`, `${s} s`);
line(`total${med}`, `${figures.seconds} s (failed uploads uploaded again: ${figures.uploadRetries}; page reads and uploads answered 5xx and made again: ${figures.failedPageReads})`);
line('peak RSS (whole local cloud)', `${figures.campaignPeakRssMb} MB during the campaign (sampled every 250 ms); ${figures.peakRssMb} MB for the process so far, the correctness reads and the floor after the campaign included`);
line('  of which, at their peaks', `anonymous ${figures.peakAnonRssMb} MB; file-backed ${figures.peakFileRssMb} MB (the store's tables as LevelDB maps them); the synthesis before, a child process: ${figures.synthesisPeakRssMb} MB`);
line('DynamoDB items written', `${figures.itemsWritten.toLocaleString('en-US')} (${figures.writeUnits.toLocaleString('en-US')} WRU, ${figures.readUnits.toLocaleString('en-US')} RRU)`);
line('raw write floor', `${figures.floorSeconds} s for as many items; campaign ${figures.ratio}× the floor`);
line('CPU time (every thread)', `campaign ${figures.cpuSeconds} s, floor ${figures.floorCpuSeconds} s; the campaign's CPU time alone, spread over ${CPUS} cores, is ${figures.cpuBoundRatio}× the floor`);
line('state transitions', `${figures.transitions.toLocaleString('en-US')} in ${figures.executions} executions (${figures.transitionsPerBeneficiary} per beneficiary)`);
line('Lambda', `${figures.lambdaRequests.toLocaleString('en-US')} invocations, ${figures.lambdaGbSeconds} GB-s`);
line('AWS estimate (USD)', `${figures.awsCostUsd.total} = Step Functions ${figures.awsCostUsd.stepFunctions} + Lambda ${figures.awsCostUsd.lambda} + DynamoDB ${figures.awsCostUsd.dynamodb}`);
line('  at prices (USD)', JSON.stringify(AWS_PRICES_USD));
line('correctness', figures.correct ? 'every count as the generator expects' : `MISMATCH ${wrong.join('; ')}`);
console.log(JSON.stringify(figures));
if (!figures.correct) process.exitCode = 1;
