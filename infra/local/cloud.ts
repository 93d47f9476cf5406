import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createLink } from '../../functions/data/links.js';
import { registerCoordinator } from '../../functions/data/sessions.js';
import { Table } from '../../functions/data/table.js';
import { getAppSecrets } from '../../functions/shared/secrets.js';
import { ensureTables, localDynamoClient, startDynamoDB } from './dynamodb.js';
import { portFromEnv } from './env.js';
import { startGateway } from './gateway.js';
import { LambdaHost } from './lambda-host.js';
import { mailboxRoutes } from './mailbox-pages.js';
import { LocalSecrets } from './secrets.js';
import { fromSource, siblingModule } from './sibling-module.js';
import { startSmtp } from './smtp.js';
import type { SynthReply, SynthRequest } from './synth-process.js';
import { Engine } from './stepfunctions/engine.js';
import { serve } from './stepfunctions/server.js';
import { dynamoTables, httpApi, lambdaFunctions, stateMachines } from './template-resources.js';
import { LocalTemplate } from './template.js';

export interface LocalCloudOptions {
  dataDir: string;
  region?: string;
  /** Lets the demo and tests move the workflows' clock forward. */
  movableClock?: boolean;
  coordinatorEmail?: string;
  /** Ports: 0 picks free ones (tests); otherwise PORT, SFN_PORT, DYNAMODB_PORT, SMTP_PORT, SECRETS_PORT. */
  ephemeralPorts?: boolean;
}

const ACCOUNT = '000000000000';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/**
 * Synthesizes the CDK stack as `cdk deploy` would, with mail pointed at the local SMTP server, in a
 * child process that ends once the template is written (see synth-process.ts).
 */
function synthesize(outdir: string, smtpPort: number): Promise<Exclude<SynthReply, { error: string }>> {
  const context = { smtpHost: '127.0.0.1', smtpPort: String(smtpPort), smtpSecure: 'false', mailFrom: '暖流 <noreply@nuanliu.local>' };
  const child = fork(siblingModule('synth-process'), {
    execArgv: fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ outdir, context } satisfies SynthRequest);
  return new Promise((resolve, reject) => {
    child.once('message', (reply: SynthReply) => ('error' in reply ? reject(new Error(`The stack did not synthesize: ${reply.error}`)) : resolve(reply)));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`The stack's synthesis ended (${signal ?? `exit status ${code}`}) without a template`)));
  });
}

/**
 * The whole product on one machine: the synthesized stack's tables in dynalite on disk, its
 * state machines in the local engine, its bundled functions in worker threads, its HTTP API
 * on localhost, and a local SMTP server whose mail can be read in the browser.
 */
export async function startLocalCloud(options: LocalCloudOptions) {
  const dataDir = path.resolve(options.dataDir);
  const region = options.region ?? 'us-east-1';
  const port = (name: string, fallback: number) => (options.ephemeralPorts ? 0 : portFromEnv(name, fallback));
  const started = Date.now();
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const smtp = await startSmtp({ dataDir, port: port('SMTP_PORT', 2525) });
    closers.push(() => smtp.close());
    const { stackName, templateFile, peakRssMb: synthesisPeakRssMb } = await synthesize(path.join(dataDir, 'cdk.out'), smtp.port);
    const cloud = { region, account: ACCOUNT, stackName };
    const draft = LocalTemplate.load(templateFile, cloud);

    const db = await startDynamoDB({ dataDir, port: port('DYNAMODB_PORT', 8000) });
    closers.push(() => db.close());
    const secrets = new LocalSecrets(
      path.join(dataDir, 'secrets.json'),
      draft.resources('AWS::SecretsManager::Secret').map((s) => ({ arn: draft.ref(s.logicalId, s.logicalId), name: s.logicalId, generate: s.properties.GenerateSecretString, secretString: s.properties.SecretString })),
    );
    const secretsServer = await secrets.serve(port('SECRETS_PORT', 8084));
    closers.push(() => secretsServer.close());

    // Functions reach the local services through the SDK's own endpoint settings. Workers
    // start on first use, after the Step Functions endpoint below is known. The functions run on
    // nodejs22.x: the SDK's warning about an older Node.js concerns this host, which warns once itself.
    const baseEnv: Record<string, string> = {
      ...CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const host = new LambdaHost({ region, account: ACCOUNT, baseEnv });
    closers.push(() => host.close());
    // Started (its running executions resumed) only once the functions they call are registered, below.
    const engine = new Engine({ dataDir, region, account: ACCOUNT, lambda: host, dynamodb: localDynamoClient(db.endpoint, region), movableClock: options.movableClock });
    closers.push(() => engine.close());
    const sfn = await serve(engine, port('SFN_PORT', 8083));
    baseEnv.AWS_ENDPOINT_URL_SFN = sfn.url;
    closers.push(() => new Promise<void>((resolve) => sfn.server.close(() => resolve())));

    const mailbox = mailboxRoutes(smtp.mailbox);
    const endpoints = () => ({
      http: gateway.url,
      stepfunctions: sfn.url,
      dynamodb: db.endpoint,
      smtp: `smtp://127.0.0.1:${smtp.port}`,
      secretsmanager: secretsServer.endpoint,
      mailbox: `${gateway.url}/_local/mail`,
    });
    // The gateway listens before the template (which needs its address) registers the functions.
    let functionsRegistered = () => undefined as void;
    const ready = new Promise<void>((resolve) => (functionsRegistered = resolve));
    const gateway = await startGateway({
      invoker: host,
      ready,
      routes: httpApi(draft)!.routes,
      port: port('PORT', 3000),
      localPaths: ['/health'],
      localRoutes: async (req, res) => {
        const url = new URL(req.url ?? '/', gateway.url);
        if (url.pathname === '/health') {
          const parts = await checkParts({ dynamodb: db.endpoint, tables: tables.map((t) => t.tableName), smtpPort: smtp.port, sfnUrl: sfn.url });
          const ok = Object.values(parts).every((p) => p === 'up');
          res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok, parts, endpoints: endpoints() }));
          return;
        }
        if (await mailbox(url, res)) return;
        if (url.pathname === '/_local/clock' && req.method === 'POST') {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          try {
            const { advanceSeconds } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            const moved = engine.advanceClock(Number(advanceSeconds));
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(moved));
          } catch (err) {
            res.writeHead(400, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ message: (err as Error).message }));
          }
          return;
        }
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('未找到');
      },
    });
    closers.push(() => gateway.close());

    // Now that the API has an address, everything that points at it resolves.
    const template = LocalTemplate.load(templateFile, { ...cloud, apiUrl: gateway.url });
    const tables = dynamoTables(template);
    await ensureTables(db.endpoint, tables);
    const functions = lambdaFunctions(template);
    for (const fn of functions) host.register(fn);
    functionsRegistered();
    engine.start();
    for (const machine of stateMachines(template)) {
      const existing = engine.store.machines.get(machine.arn);
      if (!existing) engine.createStateMachine({ name: machine.name, definition: machine.definition, roleArn: machine.roleArn, type: machine.type });
      else if (existing.definition !== machine.definition) engine.updateStateMachine({ stateMachineArn: machine.arn, definition: machine.definition });
    }

    const coordinatorEmail = options.coordinatorEmail ?? process.env.COORDINATOR_EMAIL ?? 'coordinator@nuanliu.local';
    const table = new Table(localDynamoClient(db.endpoint, region), tables[0].tableName);
    await registerCoordinator(table, { email: coordinatorEmail, name: '区民政局协调员' });
    // The key the functions use, found as they find it: through their APP_SECRETS_ARN.
    const appSecretArn = functions.find((f) => f.environment?.APP_SECRETS_ARN)?.environment?.APP_SECRETS_ARN;
    const { linkKey } = await getAppSecrets({ APP_SECRETS: appSecretArn && secrets.value(appSecretArn) });
    const signInUrl = `${gateway.url}/s/${await createLink(table, linkKey, { kind: 'signin', email: coordinatorEmail }, 24)}`;

    return {
      url: gateway.url,
      endpoints: endpoints(),
      coordinatorEmail,
      signInUrl,
      engine,
      lambda: host,
      dataDir,
      startupMs: Date.now() - started,
      synthesisPeakRssMb,
      async close() {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    throw err;
  }
}

/** Each part of the local cloud, checked live. */
async function checkParts(p: { dynamodb: string; tables: string[]; smtpPort: number; sfnUrl: string }) {
  const attempt = async (check: () => Promise<unknown>) => check().then(() => 'up', (err: Error) => `down: ${err.message}`);
  const client = localDynamoClient(p.dynamodb);
  return {
    dynamodb: await attempt(() => Promise.all(p.tables.map((TableName) => client.send(new DescribeTableCommand({ TableName }))))),
    stepfunctions: await attempt(async () => {
      const res = await fetch(p.sfnUrl, { method: 'POST', headers: { 'X-Amz-Target': 'AWSStepFunctions.ListStateMachines', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    }),
    smtp: await attempt(
      () => new Promise<void>((resolve, reject) => {
        const socket = net.connect(p.smtpPort, '127.0.0.1', () => (socket.end(), resolve()));
        socket.once('error', reject);
      }),
    ),
  };
}

export type LocalCloud = Awaited<ReturnType<typeof startLocalCloud>>;
