/**
 * `npm run bench:reads`: a whole read of a Minhang-shaped register (122 projects whose codes share
 * their first characters, MZ01…JZ77; 108,063 beneficiaries at BENCH_SCALE=1) from a thread of its
 * own, with the ranges split at first characters only (keys.projectKeyBounds) and also at each
 * project's middle (projectRangeBounds), whole items and the plan's fields; and every beneficiary
 * by key in a shuffled order (Table.getMany, BatchGetItem of 100 keys), answered by dynalite's own
 * BatchGetItem and by the store's, which reads each request's keys at once (dynamodb-batch-get.ts).
 * BENCH_RUNS rounds (default 3), the cases alternating; medians and their ratios. The last line is
 * one JSON object.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { inFlight } from '../../functions/data/in-flight.js';
import { keys } from '../../functions/data/keys.js';
import { projectRangeBounds } from '../../functions/data/project-partition.js';
import { PROJECT_GROUPS } from '../support/minhang/shape.js';
import { useBatchedGets } from '../../infra/local/dynamodb-batch-get.js';
import { freshCloud, median } from './measure.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PLAN_FIELDS = ['projectCode', 'idHash', 'idMasked', 'name', 'unit', 'category', 'householdSize', 'amountFen', 'excludedBy'];
const log = (line: string) => process.stderr.write(`${line}\n`);

const { cloud, ddb, tableName, close } = await freshCloud('reads');
try {
  const pk = keys.beneficiaryPartition('bench').pk;
  const codes = PROJECT_GROUPS.flatMap((g) => Array.from({ length: g.projects }, (_, i) => ({ code: `${g.prefix}${String(i + 1).padStart(2, '0')}`, people: Math.round((g.people * SCALE) / g.projects) })));
  const items = codes.flatMap(({ code, people }) => Array.from({ length: people }, (_, n) => {
    const idHash = createHash('sha256').update(`${code}#${n}`).digest('hex');
    return {
      pk, sk: `${code}#${idHash}`, projectCode: code, idHash, idMasked: '310***********1234', name: '张三丰', phone: '13800138000', unit: '七宝镇', category: '低保家庭',
      householdSize: 3, amountFen: 50_000, paymentMethod: '银行转账', sealedId: 'i'.repeat(88), sealedAccount: 'a'.repeat(128), accountDigest: idHash, uploadId: idHash, row: n + 2,
    };
  }));
  const requests = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await inFlight(requests, async (batch) => {
    let writes = batch.map((item) => ({ PutRequest: { Item: marshall(item) } }));
    while (writes.length) writes = ((await ddb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: writes } }))).UnprocessedItems?.[tableName] ?? []) as typeof writes;
  }, 8);
  log(`${items.length} beneficiaries in ${codes.length} projects written`);

  const reader = new Worker(new URL('./ts-worker.mjs', import.meta.url), {
    workerData: { module: new URL('./register-reader.ts', import.meta.url).href, endpoint: cloud.endpoints.dynamodb, tableName, pk },
  });
  const read = (what: { bounds: readonly string[] } | { keys: { pk: string; sk: string }[] }, attributes?: string[]) => new Promise<number>((resolve, reject) => {
    reader.once('message', ({ seconds, items: count }: { seconds: number; items: number }) => (count === items.length ? resolve(seconds) : reject(new Error(`read ${count} of ${items.length} items`))));
    reader.postMessage({ ...what, attributes });
  });
  // Every key once, in an order unrelated to the keys' (their hash), the same each run.
  const shuffled = items.map(({ pk: p, sk }) => ({ pk: p, sk })).sort((a, b) => createHash('sha256').update(a.sk).digest('hex').localeCompare(createHash('sha256').update(b.sk).digest('hex')));
  const cases = { firstCharacters: keys.projectKeyBounds, projectMiddles: projectRangeBounds(codes.map((c) => c.code)) };
  const seconds: Record<string, number[]> = {};
  for (let run = 1; run <= RUNS; run++) {
    for (const [shape, attributes] of [['whole', undefined], ['planFields', PLAN_FIELDS]] as const) {
      for (const [name, bounds] of Object.entries(cases)) {
        const s = await read({ bounds }, attributes ? [...attributes] : undefined);
        (seconds[`${shape}.${name}`] ??= []).push(s);
        log(`run ${run} ${shape.padEnd(10)} ${name.padEnd(15)} ${s.toFixed(2)} s`);
      }
    }
    for (const [name, batched] of [['dynaliteGets', false], ['batchedGets', true]] as const) {
      useBatchedGets(batched);
      const s = await read({ keys: shuffled }, [...PLAN_FIELDS]);
      (seconds[`byKey.${name}`] ??= []).push(s);
      log(`run ${run} ${'byKey'.padEnd(10)} ${name.padEnd(15)} ${s.toFixed(2)} s`);
    }
  }
  useBatchedGets(true);
  await reader.terminate();
  const medians = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, +median(v).toFixed(2)]));
  const ratio = (shape: string, of: string, to: string) => +(medians[`${shape}.${of}`] / medians[`${shape}.${to}`]).toFixed(2);
  const ratios = { whole: ratio('whole', 'projectMiddles', 'firstCharacters'), planFields: ratio('planFields', 'projectMiddles', 'firstCharacters'), byKey: ratio('byKey', 'batchedGets', 'dynaliteGets') };
  console.log(JSON.stringify({ scale: SCALE, runs: RUNS, items: items.length, projects: codes.length, medians, ratios }));
} finally {
  await close();
}
