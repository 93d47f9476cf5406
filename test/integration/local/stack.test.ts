/** The pieces wired as `npm start` will wire them, on a synthesized CDK stack. */
import fs from 'node:fs';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, localDynamoClient, startDynamoDB, type LocalDynamoDB } from '../../../infra/local/dynamodb.js';
import { startGateway, type LocalGateway } from '../../../infra/local/gateway.js';
import { LambdaHost } from '../../../infra/local/lambda-host.js';
import { Engine } from '../../../infra/local/stepfunctions/engine.js';
import { dynamoTables, httpApi, lambdaFunctions, stateMachines } from '../../../infra/local/template-resources.js';
import { LocalTemplate } from '../../../infra/local/template.js';
import { synthTestStack } from './cdk-stack.js';

const CLOUD = { region: 'cn-north-1', account: '123456789012', stackName: 'Test' };

describe('the local cloud running a synthesized stack', () => {
  let root: string;
  let db: LocalDynamoDB;
  let host: LambdaHost;
  let gateway: LocalGateway;
  let engine: Engine;
  let template: LocalTemplate;

  beforeAll(async () => {
    const { outdir, templateFile } = synthTestStack();
    root = path.dirname(outdir);
    db = await startDynamoDB({ dataDir: path.join(root, 'data'), port: 0 });
    host = new LambdaHost({ ...CLOUD, baseEnv: { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint } });
    // The gateway's port is known once it listens; ApiEndpoint resolves after that.
    const api = httpApi(LocalTemplate.load(templateFile, CLOUD))!;
    gateway = await startGateway({ invoker: host, routes: api.routes, apiId: api.apiId, port: 0 });
    template = LocalTemplate.load(templateFile, { ...CLOUD, apiUrl: gateway.url });
    await ensureTables(db.endpoint, dynamoTables(template));
    for (const fn of lambdaFunctions(template)) host.register(fn);
    engine = new Engine({ ...CLOUD, lambda: host, dynamodb: localDynamoClient(db.endpoint, CLOUD.region) }).start();
    for (const m of stateMachines(template)) {
      const { stateMachineArn } = engine.createStateMachine({ name: m.name, definition: m.definition, roleArn: m.roleArn, type: m.type });
      expect(stateMachineArn).toBe(m.arn);
    }
  });

  afterAll(async () => {
    engine?.close();
    await gateway?.close();
    await host?.close();
    await db?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs the synthesized workflow: the bundled function, then a DynamoDB putItem', async () => {
    const [flow] = stateMachines(template);
    const { executionArn } = engine.startExecution({ stateMachineArn: flow.arn, input: JSON.stringify({ n: 21 }) });
    const done = await engine.awaitExecution(executionArn, new AbortController().signal);
    expect(done.status).toBe('SUCCEEDED');
    const table = dynamoTables(template).find((t) => t.logicalId.startsWith('Data'))!.tableName;
    const client = localDynamoClient(db.endpoint);
    const item = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: '42' } } }));
    client.destroy();
    expect(item.Item).toEqual({ pk: { S: '42' } });
  });

  it('serves the HTTP API function, whose environment names the local resources', async () => {
    const res = await fetch(`${gateway.url}/campaigns`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.path).toBe('/campaigns');
    expect(body.env).toMatchObject({ FLOW: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:nuanliu-flow', STAGE: 'Test-aws-cn' });
    expect(template.output('ApiUrl')).toBe(gateway.url);
  });
});
