// A web app wired to real local services: dynalite for DynamoDB and the project's Step
// Functions engine served over HTTP, with small state machines standing in for the
// campaign and deploy-approval workflows, and the intake workflow as the stack defines it. Mail is
// recorded, not sent.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph } from 'aws-cdk-lib/aws-stepfunctions';
import { dynamoServer } from '../../../infra/local/dynamodb.js';
import { Engine } from '../../../infra/local/stepfunctions/engine.js';
import { LambdaRegistry } from '../../../infra/local/stepfunctions/integrations/lambda.js';
import { serve } from '../../../infra/local/stepfunctions/server.js';
import { checkCharacter } from '../../../functions/core/id-number.js';
import type { Phase } from '../../../functions/core/phases.js';
import { setPhase } from '../../../functions/data/campaigns.js';
import { getGate } from '../../../functions/data/gates.js';
import { registerCoordinator } from '../../../functions/data/sessions.js';
import { Table } from '../../../functions/data/table.js';
import { getUpload } from '../../../functions/data/uploads.js';
import type { Mail } from '../../../functions/shared/mailer.js';
import { runApprovalAction } from '../../../functions/steps/approval-actions.js';
import { openPhaseGate } from '../../../functions/steps/gate.js';
import { awaitCallbacks, commitSamplingSeed, drawCallbackSample } from '../../../functions/steps/sampling.js';
import { summariseCampaign } from '../../../functions/steps/campaign-summary.js';
import { finishIntake, prepareIntake, storeIntakeBatches } from '../../../functions/steps/intake.js';
import { failIntake } from '../../../functions/steps/intake-failure.js';
import { createApp } from '../../../functions/web/app.js';
import { deployWorkflow, intakeWorkflow, reviewWorkflow } from '../../../workflows/phases.js';
import { tableDefinition } from '../../support/table.js';

export const ORIGIN = 'http://localhost';
/** Stand-in functions whose invocations still running can be waited for. */
class SettlingRegistry extends LambdaRegistry {
  private readonly running = new Set<Promise<unknown>>();

  override invoke(functionName: string, payload: unknown, signal: AbortSignal): Promise<unknown> {
    const call = super.invoke(functionName, payload, signal);
    this.running.add(call);
    void call.finally(() => this.running.delete(call)).catch(() => undefined);
    return call;
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}

/** An upload of this name makes the stand-in intake function fail. */
export const FAILING_FILE = 'failing.csv';
export const SECRETS = { linkKey: 'k'.repeat(40), idHashKey: 'h'.repeat(40), sealKey: 's'.repeat(64) };
const ROLE = 'arn:aws:iam::123456789012:role/test';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const gateState = (phase: Phase, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: fn('gate'), Payload: { 'campaignId.$': '$.campaignId', phase, 'taskToken.$': '$$.Task.Token' } },
  ResultPath: null,
  Next: next,
});
const runState = (phase: Phase, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn('run-phase'), Payload: { 'campaignId.$': '$.campaignId', phase } },
  ResultPath: null,
  Next: next,
});

/** The campaign workflow's shape: each phase waits at its gate (named as PhaseStep names it), then runs. */
export const CAMPAIGN_MACHINE = {
  StartAt: 'Await survey',
  States: {
    'Await survey': gateState('survey', 'Run survey'),
    'Run survey': runState('survey', 'Await deploy'),
    'Await deploy': gateState('deploy', 'Run deploy'),
    'Run deploy': runState('deploy', 'Await implement'),
    'Await implement': gateState('implement', 'Run implement'),
    'Run implement': runState('implement', 'Await review'),
    'Await review': gateState('review', 'Run review'),
    'Run review': runState('review', 'Campaign complete'),
    'Campaign complete': { Type: 'Succeed' },
  },
};

/** The intake workflow as the stack defines it, rendered with these stand-in functions. */
function intakeMachine() {
  const stack = new Stack();
  const ref = (name: string) => LambdaFunction.fromFunctionArn(stack, name, fn(name));
  const chain = intakeWorkflow(stack, { prepare: ref('intake-prepare'), batch: ref('intake-batch'), finish: ref('intake-finish'), failure: ref('intake-failure') });
  return stack.resolve(new StateGraph(chain.startState, 'intake').toGraphJson());
}

/** The deploy workflow as the stack defines it: every unit's list through its approval chain. */
function deployMachine(): object {
  const stack = new Stack();
  const chain = deployWorkflow(stack, { approval: LambdaFunction.fromFunctionArn(stack, 'approval', fn('approval')) });
  return withPartition(stack.resolve(new StateGraph(chain.startState, "deploy").toGraphJson())) as object;
}

/** The review workflow as the stack defines it: commit the seed, draw, wait for the callbacks to end, summarise. */
function reviewMachine(): object {
  const stack = new Stack();
  const ref = (name: string) => LambdaFunction.fromFunctionArn(stack, name, fn(name));
  const chain = reviewWorkflow(stack, { sampling: ref('sampling'), summary: ref('campaign-summary') });
  return withPartition(stack.resolve(new StateGraph(chain.startState, 'review').toGraphJson())) as object;
}

/** CloudFormation's partition filled into the resolved definition's ARNs, as deploy would. */
function withPartition(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPartition);
  if (value === null || typeof value !== 'object') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : 'aws')).join(join[0]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPartition(v)]));
}

/** `publicUrl`: where mailed links point and the origin POSTs must come from (ORIGIN by default; a real server's address for a browser). */
export async function startWeb(options: { publicUrl?: string } = {}) {
  const publicUrl = options.publicUrl ?? ORIGIN;
  const dynamo = dynamoServer();
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const ddb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`, region: 'us-east-1', credentials });
  await ddb.send(
    new CreateTableCommand(tableDefinition('nuanliu')),
  );
  const table = new Table(ddb, 'nuanliu');

  const mails: Mail[] = [];
  const sendMail = async (mail: Mail) => {
    mails.push(mail);
  };

  const lambda = new SettlingRegistry();
  lambda.register('gate', (event) => openPhaseGate(event, { table }));
  lambda.register('run-phase', async (event: { campaignId: string; phase: Phase }) => {
    await setPhase(table, event.campaignId, event.phase, 'done');
    return {};
  });
  lambda.register('intake-prepare', async (event: { campaignId: string; uploadId: string }) => {
    if ((await getUpload(table, event.campaignId, event.uploadId))?.fileName === FAILING_FILE) throw new Error('intake failed');
    return prepareIntake(event, { table, idHashKey: SECRETS.idHashKey, sealKey: SECRETS.sealKey });
  });
  lambda.register('intake-batch', (event) => storeIntakeBatches(event, { table }));
  lambda.register('intake-finish', (event) => finishIntake(event, { table }));
  lambda.register('intake-failure', (event) => failIntake(event, { table }));
  lambda.register('approval', (event) => runApprovalAction(event, { table, linkKey: SECRETS.linkKey, sendMail, publicUrl }));
  lambda.register('sampling', (event: { action: 'commit' | 'draw' | 'await'; campaignId: string; taskToken?: string }) => {
    const mailing = { table, sendMail, publicUrl };
    if (event.action === 'commit') return commitSamplingSeed(event, mailing);
    if (event.action === 'draw') return drawCallbackSample(event, { ...mailing, linkKey: SECRETS.linkKey });
    return awaitCallbacks({ campaignId: event.campaignId, taskToken: event.taskToken! }, { table });
  });
  lambda.register('campaign-summary', (event: { campaignId: string }) => summariseCampaign(event, { table, sendMail, publicUrl }));
  // The clock moves, so that tests can pass a step's reminder point and deadline.
  const engine = new Engine({ lambda, movableClock: true }).start();
  const sfnServer = await serve(engine, 0);
  const sfn = new SFNClient({ endpoint: sfnServer.url, region: 'us-east-1', credentials });
  const create = (name: string, definition: object) =>
    engine.createStateMachine({ name, definition: JSON.stringify(definition), roleArn: ROLE, type: 'STANDARD' }).stateMachineArn;
  const campaignWorkflowArn = create('CampaignWorkflow', CAMPAIGN_MACHINE);
  const intakeWorkflowArn = create('IntakeWorkflow', intakeMachine());
  const approvalWorkflowArn = create('DeployWorkflow', deployMachine());
  const reviewWorkflowArn = create('ReviewWorkflow', reviewMachine());

  /** Every SFN command the app sends, by name. */
  const sent: string[] = [];
  /** Commands to fail once each with a transient fault, as if the service were briefly unavailable. */
  const failOnce = new Set<string>();
  sfn.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      sent.push(name);
      if (failOnce.delete(name)) throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
      return next(args);
    },
    { step: 'initialize' },
  );

  /** The app's clock: real time moved on by `clock.offsetMs`. */
  const clock = { offsetMs: 0 };
  const app = createApp({
    table,
    sfn,
    sendMail,
    secrets: async () => SECRETS,
    campaignWorkflowArn,
    intakeWorkflowArn,
    publicUrl,
    now: () => new Date(Date.now() + clock.offsetMs),
  });

  const close = async () => {
    engine.close();
    // A step still running (e.g. Finish deleting a file's parts) ends before the store closes.
    await lambda.settle();
    sfn.destroy();
    ddb.destroy();
    await new Promise((resolve) => sfnServer.server.close(resolve));
    await new Promise((resolve) => dynamo.close(resolve));
  };

  return { app, table, engine, sfn, mails, sent, failOnce, clock, campaignWorkflowArn, intakeWorkflowArn, approvalWorkflowArn, reviewWorkflowArn, close };
}

export type Web = Awaited<ReturnType<typeof startWeb>>;

/** Polls until `check` gives a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A browser-like client: keeps the session cookie and sends this site's Origin with every POST. */
export function browser(web: Web) {
  let cookie = '';
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    if (init.method === 'POST' && !headers.has('origin')) headers.set('origin', ORIGIN);
    const res = await web.app.request(path, { ...init, headers });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      cookie = /=$/.test(pair) ? '' : pair;
    }
    return res;
  };
  const form = (path: string, fields: Record<string, string>) =>
    request(path, { method: 'POST', body: new URLSearchParams(fields) });
  return {
    request,
    form,
    get: (path: string) => request(path),
    get cookie() {
      return cookie;
    },
  };
}

export type Browser = ReturnType<typeof browser>;

/** The upload id a POST to the upload route redirected to. */
export const uploadIdOf = (res: Response) => /\/uploads\/([a-f0-9]{64})/.exec(res.headers.get('location') ?? '')?.[1] ?? '';

/** The path of the last emailed link to `to` (its text part holds the URL). */
export function linkIn(web: Web, to: string): string {
  const mail = web.mails.filter((m) => m.to === to).at(-1);
  const url = mail?.text.match(/https?:\/\/\S+/)?.[0];
  if (!url) throw new Error(`no link mailed to ${to}`);
  return new URL(url).pathname;
}

/** Registers a coordinator and signs them in through the emailed link. */
export async function signedIn(web: Web, email = 'coordinator@mzj.example.cn'): Promise<Browser> {
  await registerCoordinator(web.table, { email, name: '协调员' });
  const b = browser(web);
  await b.form('/signin', { email });
  const res = await b.form(linkIn(web, email), {});
  if (res.status !== 303 || !b.cookie) throw new Error(`sign-in failed: ${res.status}`);
  return b;
}

export const CAMPAIGN_FORM = {
  name: '2025年元旦春节帮困送温暖',
  units: '区民政局\n莘庄镇',
  categories: '低保家庭\n低收入困难家庭',
  projects: 'MZ01,春节帮困慰问金,500\nGH02,困难职工慰问,800.50',
  approvers: 'chief@mzj.example.cn\ndirector@mzj.example.cn',
  callbackStaff: 'caller1@mzj.example.cn\ncaller2@mzj.example.cn',
};

/** Creates a campaign through the form and waits until its workflow waits at the 排摸 gate. */
export async function createCampaignVia(web: Web, b: Browser, fields: Partial<typeof CAMPAIGN_FORM> = {}): Promise<string> {
  const res = await b.form('/campaigns', { ...CAMPAIGN_FORM, ...fields });
  if (res.status !== 303) throw new Error(`campaign not created: ${res.status} ${await res.text()}`);
  const id = /\/campaigns\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')?.[1];
  if (!id) throw new Error('no campaign id in the redirect');
  await eventually(() => getGate(web.table, id, 'survey'), 'the survey gate');
  return id;
}

/** A valid 18-digit ID number for sequence `n`. */
export function idNumber(n: number): string {
  const first17 = `31011219800101${String(100 + n).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

export const CSV_HEADER = '姓名,身份证号码,联系电话,所属单位,帮困类别,帮困项目,家庭人数,发放金额(元),发放方式';

/** Posts a file to the upload form. */
export function upload(b: Browser, campaignId: string, content: string | Uint8Array, fileName = 'list.csv') {
  const body = new FormData();
  body.set('file', new File([typeof content === 'string' ? new TextEncoder().encode(content) : content], fileName));
  return b.request(`/campaigns/${campaignId}/uploads`, { method: 'POST', body });
}

/** The harness campaign's projects with their funding (区级 budgets of 10,000 yuan), as a project sheet. */
export const FUNDED_PROJECTS_CSV = '项目编号,项目名称,标准类型(按人/按户),标准金额(元),区级\nMZ01,春节帮困慰问金,按人,500,10000\nGH02,困难职工慰问,按人,800.50,10000';

/** Imports a project sheet through the projects page (by default, funding for the harness campaign's projects). */
export function importProjects(b: Browser, campaignId: string, content = FUNDED_PROJECTS_CSV, fileName = 'projects.csv') {
  const body = new FormData();
  body.set('file', new File([new TextEncoder().encode(content)], fileName));
  return b.request(`/campaigns/${campaignId}/projects/import`, { method: 'POST', body });
}
