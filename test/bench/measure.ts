// What the benches share: the median of repeated runs, and the raw write floor they compare with.
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The raw write floor: BatchWriteItem of `count` items shaped and sized like `sample` (sort keys
 * `<skPrefix>#<64 hex>`), 25 per request, `parallel` requests in flight; seconds taken.
 */
export async function writeFloor(client: DynamoDBClient, tableName: string, count: number, sample: Record<string, unknown>, options: { parallel: number; skPrefix: string }): Promise<number> {
  const { pk: _pk, sk: _sk, ...fields } = sample;
  const attributes = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      let requests: WriteRequest[] = [];
      for (let i = from; i < next; i++) {
        const sk = `${options.skPrefix}#${i.toString(16).padStart(64, '0')}`;
        requests.push({ PutRequest: { Item: { ...attributes, pk: { S: 'v1#BENCH#FLOOR' }, sk: { S: sk } } } });
      }
      while (requests.length) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = out.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, lane));
  return (performance.now() - started) / 1000;
}
