// A benchmark's writer, in a thread of its own (see writeFromOwnThread in measure.ts): plain
// JavaScript, so that a worker runs it without the TypeScript loader. Posts the seconds it took.
//   batch:       BatchWriteItem, 25 items to a request;
//   conditional: one PutItem per item, each only if absent.
import { parentPort, workerData } from 'node:worker_threads';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const { kind, endpoint, tableName, count, attributes, pk, skPrefix, parallel } = workerData;
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
// As the product's clients (functions/shared/clients.ts): no copy of each request for a discarded log.
client.middlewareStack.remove('loggerMiddleware');
const itemAt = (i) => ({ ...attributes, pk: { S: pk }, sk: { S: `${skPrefix}#${i.toString(16).padStart(64, '0')}` } });
const perRequest = kind === 'batch' ? 25 : 1;

async function write(from, to) {
  if (kind === 'conditional') {
    await client.send(new PutItemCommand({ TableName: tableName, Item: itemAt(from), ConditionExpression: 'attribute_not_exists(pk)' }));
    return;
  }
  let requests = Array.from({ length: to - from }, (_, k) => ({ PutRequest: { Item: itemAt(from + k) } }));
  while (requests.length) {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
    requests = out.UnprocessedItems?.[tableName] ?? [];
  }
}

let next = 0;
const lane = async () => {
  while (next < count) {
    const from = next;
    next = Math.min(count, next + perRequest);
    await write(from, next);
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: parallel }, lane));
parentPort.postMessage((performance.now() - started) / 1000);
client.destroy();
