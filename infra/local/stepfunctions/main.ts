import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Engine } from './engine.js';
import { serve } from './server.js';

/** `npm run sfn-local`: the engine alone. SFN_PORT (8083), DATA_DIR (.data/), SFN_MOVABLE_CLOCK, DYNAMODB_ENDPOINT. */
const port = Number(process.env.SFN_PORT ?? 8083);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SFN_PORT must be a port number, got '${process.env.SFN_PORT}'`);
  process.exit(1);
}
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
const region = process.env.AWS_REGION ?? 'us-east-1';
const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT;

const engine = new Engine({
  dataDir,
  region,
  movableClock: process.env.SFN_MOVABLE_CLOCK === '1',
  dynamodb: dynamodbEndpoint
    ? new DynamoDBClient({ endpoint: dynamodbEndpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
    : undefined,
}).start();
const { url } = await serve(engine, port);
console.log(`Step Functions engine listening on ${url} (data in ${dataDir})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    engine.close();
    process.exit(0);
  });
}
