// A reader in a thread of its own, with a client as a function's: on each message, reads a
// register whole with the bounds given (Table.allInRanges), or the keys given (Table.getMany), and
// posts the seconds taken and the items read.
import { parentPort, workerData } from 'node:worker_threads';
import { Table } from '../../functions/data/table.js';
import { functionDynamoClient } from '../../functions/shared/clients.js';
import { localDynamoConfig } from '../../infra/local/dynamodb.js';

const { endpoint, tableName, pk } = workerData as { endpoint: string; tableName: string; pk: string };
const table = new Table(functionDynamoClient(localDynamoConfig(endpoint)), tableName);

parentPort!.on('message', async ({ bounds, keys, attributes }: { bounds?: string[]; keys?: { pk: string; sk: string }[]; attributes?: string[] }) => {
  const started = performance.now();
  const items = keys ? (await table.getMany(keys, attributes)).filter((i) => i !== undefined) : await table.allInRanges(pk, bounds ?? [], attributes);
  parentPort!.postMessage({ seconds: (performance.now() - started) / 1000, items: items.length });
});
