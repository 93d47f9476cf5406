// The engine's HTTP server, driven by an unmodified SFNClient from @aws-sdk/client-sfn.
// Behaviour is taken from the AWS Step Functions API Reference (one page per action) and
// the developer guide; error names come back as `err.name` because the SDK maps `__type`.
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineOptions } from '../../infra/local/stepfunctions/engine.js';
import { LambdaRegistry } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { serve } from '../../infra/local/stepfunctions/server.js';
import { eventually, fnArn, ROLE } from '../support/engine.js';

// ---- helpers ----------------------------------------------------------------------------

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const DAY = 24 * 60 * 60;

interface Served {
  engine: Engine;
  url: string;
  client: SFNClient;
  /** Task tokens received by the `notify` Lambda, oldest first. */
  tokens: string[];
}

/** One engine + HTTP server per describe block; `notify` records the task tokens it is given. */
function useServer(options: EngineOptions = { movableClock: true }): Served {
  const served = { tokens: [] } as unknown as Served;
  let close: () => void = () => undefined;
  beforeAll(async () => {
    const lambda = new LambdaRegistry();
    lambda.register('notify', (event: { token: string }) => {
      served.tokens.push(event.token);
      return { notified: true };
    });
    lambda.register('double', (event: { value: number }) => ({ value: event.value * 2 }));
    served.engine = new Engine({ lambda, ...options }).start();
    const { server, url } = await serve(served.engine, 0);
    served.url = url;
    served.client = new SFNClient({ endpoint: url, region: 'us-east-1', credentials });
    close = () => {
      served.client.destroy();
      server.close();
      served.engine.close();
    };
  });
  afterAll(() => close());
  return served;
}

let machineCount = 0;
/** Creates a state machine with a fresh name; returns its ARN. */
async function createMachine(client: SFNClient, definition: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD', name = `machine-${++machineCount}`) {
  const out = await client.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }));
  return out.stateMachineArn!;
}

async function start(client: SFNClient, stateMachineArn: string, input: unknown = {}, name?: string) {
  const out = await client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
  return out.executionArn!;
}

/** Polls DescribeExecution until the execution has stopped. */
async function finished(client: SFNClient, executionArn: string, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    const x = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (x.status !== 'RUNNING') return x;
    if (Date.now() > until) throw new Error(`${executionArn} still RUNNING after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls until the execution's history has an event of `type`. */
async function reached(client: SFNClient, executionArn: string, type: string) {
  const until = Date.now() + 5000;
  for (;;) {
    const events = await history(client, executionArn);
    if (events.some((e) => e.type === type)) return events;
    if (Date.now() > until) throw new Error(`${executionArn} never wrote ${type}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

const types = (events: HistoryEvent[]) => events.map((e) => e.type);

/** The error a call fails with; fails the test if it succeeds. */
async function failure(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Asserts an AWS client error: its name (from `__type`) and HTTP 400. */
async function expectApiError(call: Promise<unknown>, name: string) {
  const err = await failure(call);
  expect(err.name).toBe(name);
  expect(err.$metadata?.httpStatusCode).toBe(400);
  expect(err.$fault).toBe('client');
  return err as Error;
}

async function advanceClock(url: string, advanceSeconds: number) {
  return fetch(`${url}/_local/clock`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds }) });
}

/** A raw Step Functions JSON-protocol call, for what the SDK would not send. */
function rawCall(url: string, target: string, body: string) {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target }, body });
}

/** A raw response's JSON body. */
const jsonOf = (res: Response): Promise<any> => res.json();

const fakeToken = 'AQCEAAAAKgAAAAMAAAAAAAAAAX' + 'a'.repeat(64);

// ---- definitions ----------------------------------------------------------------------------

/** The developer guide's Hello World Pass state. */
const HELLO = { Comment: 'A Hello World example', StartAt: 'HelloWorld', States: { HelloWorld: { Type: 'Pass', Result: 'Hello World!', End: true } } };

const waitThen = (seconds: number, result: string) => ({
  StartAt: 'Pause',
  States: { Pause: { Type: 'Wait', Seconds: seconds, Next: 'Done' }, Done: { Type: 'Pass', Result: result, End: true } },
});

/** Waits an hour when the input says so, else succeeds at once. */
const MAYBE_WAIT = {
  StartAt: 'Branch',
  States: {
    Branch: { Type: 'Choice', Choices: [{ Variable: '$.wait', BooleanEquals: true, Next: 'Pause' }], Default: 'Done' },
    Pause: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

/** The callback pattern: a Lambda gets the task token and the workflow waits for it. */
const callback = (extra: object = {}) => ({
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fnArn('notify'), Payload: { 'token.$': '$$.Task.Token', 'input.$': '$' } },
      End: true,
      ...extra,
    },
  },
});

const THREE_PASSES = {
  StartAt: 'One',
  States: {
    One: { Type: 'Pass', Result: 1, ResultPath: '$.one', Next: 'Two' },
    Two: { Type: 'Pass', Result: 2, ResultPath: '$.two', Next: 'Three' },
    Three: { Type: 'Pass', Result: 3, ResultPath: '$.three', End: true },
  },
};

// ---- state machines ---------------------------------------------------------------------

describe('CreateStateMachine', () => {
  const s = useServer();

  it('creates a STANDARD machine and returns its ARN and creationDate as a Date', async () => {
    const out = await s.client.send(new CreateStateMachineCommand({ name: 'HelloWorld', definition: JSON.stringify(HELLO), roleArn: ROLE }));
    expect(out.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld');
    expect(out.creationDate).toBeInstanceOf(Date);
    expect(out.$metadata.httpStatusCode).toBe(200);
    const described = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: out.stateMachineArn }));
    expect(described.type).toBe('STANDARD');
  });

  it('creates an EXPRESS machine', async () => {
    const arn = await createMachine(s.client, HELLO, 'EXPRESS', 'HelloExpress');
    const described = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described.type).toBe('EXPRESS');
  });

  it('is idempotent: the same name and definition return the existing machine', async () => {
    const first = await s.client.send(new CreateStateMachineCommand({ name: 'Idem', definition: JSON.stringify(HELLO), roleArn: ROLE }));
    const again = await s.client.send(new CreateStateMachineCommand({ name: 'Idem', definition: JSON.stringify(HELLO), roleArn: ROLE }));
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    expect(again.creationDate).toEqual(first.creationDate);
  });

  it('ignores a different roleArn on re-create and keeps the original role', async () => {
    // API_CreateStateMachine: "If a following request has a different roleArn or tags, Step Functions
    // will ignore these differences and treat it as an idempotent request of the previous."
    const first = await s.client.send(new CreateStateMachineCommand({ name: 'IdemRole', definition: JSON.stringify(HELLO), roleArn: ROLE }));
    const again = await s.client.send(new CreateStateMachineCommand({ name: 'IdemRole', definition: JSON.stringify(HELLO), roleArn: 'arn:aws:iam::123456789012:role/other' }));
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    const described = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    expect(described.roleArn).toBe(ROLE);
  });

  it('refuses the same name with a different definition: StateMachineAlreadyExists', async () => {
    await createMachine(s.client, HELLO, 'STANDARD', 'Taken');
    await expectApiError(createMachine(s.client, waitThen(1, 'x'), 'STANDARD', 'Taken'), 'StateMachineAlreadyExists');
  });

  it('refuses the same name with a different type: StateMachineAlreadyExists', async () => {
    await createMachine(s.client, HELLO, 'STANDARD', 'TakenType');
    await expectApiError(createMachine(s.client, HELLO, 'EXPRESS', 'TakenType'), 'StateMachineAlreadyExists');
  });

  it('refuses a definition that is not JSON: InvalidDefinition', async () => {
    const err = await expectApiError(s.client.send(new CreateStateMachineCommand({ name: 'BadJson', definition: '{"StartAt": "A",', roleArn: ROLE })), 'InvalidDefinition');
    expect(err.message).toContain('INVALID_JSON_DESCRIPTION');
  });

  it('refuses an unsupported field: InvalidDefinition naming the field and where it is', async () => {
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true, Frobnicate: 1 } } };
    const err = await expectApiError(createMachine(s.client, definition), 'InvalidDefinition');
    expect(err.message).toContain('SCHEMA_VALIDATION_FAILED');
    expect(err.message).toContain('Frobnicate');
    expect(err.message).toContain('/States/P');
  });

  it('refuses names with whitespace, wildcards or over 80 characters: InvalidName', async () => {
    for (const name of ['has space', 'wild*card', 'a/b', 'x'.repeat(81)]) {
      await expectApiError(createMachine(s.client, HELLO, 'STANDARD', name), 'InvalidName');
    }
  });
});

describe('UpdateStateMachine', () => {
  const s = useServer();

  it('running executions keep the old definition; new executions use the new one', async () => {
    const arn = await createMachine(s.client, waitThen(60, 'old'));
    const before = await start(s.client, arn);
    await reached(s.client, before, 'WaitStateEntered');
    const { revisionId: oldRevision } = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));

    const updated = await s.client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(waitThen(60, 'new')) }));
    expect(updated.updateDate).toBeInstanceOf(Date);
    expect(updated.revisionId).toEqual(expect.any(String));
    expect(updated.revisionId).not.toBe(oldRevision);
    const after = await start(s.client, arn);
    await reached(s.client, after, 'WaitStateEntered');

    expect((await advanceClock(s.url, 60)).status).toBe(200);
    expect((await finished(s.client, before)).output).toBe('"old"');
    expect((await finished(s.client, after)).output).toBe('"new"');
    const described = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(described.definition!)).toEqual(waitThen(60, 'new'));
    expect(described.revisionId).toBe(updated.revisionId);
  });

  it('validates the new definition: InvalidDefinition', async () => {
    const arn = await createMachine(s.client, HELLO);
    await expectApiError(s.client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: '{"StartAt":' })), 'InvalidDefinition');
  });

  it('needs a definition or a roleArn: MissingRequiredParameter', async () => {
    // API_UpdateStateMachine: "You must include at least one of definition or roleArn or you will
    // receive a MissingRequiredParameter error."
    const arn = await createMachine(s.client, HELLO);
    await expectApiError(s.client.send(new UpdateStateMachineCommand({ stateMachineArn: arn })), 'MissingRequiredParameter');
  });

  it('refuses an unknown machine: StateMachineDoesNotExist', async () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:nope';
    await expectApiError(s.client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(HELLO) })), 'StateMachineDoesNotExist');
  });
});

describe('DescribeStateMachine', () => {
  const s = useServer();

  it('returns the machine with its definition, role, type, status and creationDate', async () => {
    const arn = await createMachine(s.client, HELLO, 'STANDARD', 'Described');
    const d = await s.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(d).toMatchObject({ stateMachineArn: arn, name: 'Described', status: 'ACTIVE', roleArn: ROLE, type: 'STANDARD', revisionId: expect.any(String) });
    expect(JSON.parse(d.definition!)).toEqual(HELLO);
    expect(d.creationDate).toBeInstanceOf(Date);
  });

  it('refuses an unknown machine: StateMachineDoesNotExist', async () => {
    await expectApiError(s.client.send(new DescribeStateMachineCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' })), 'StateMachineDoesNotExist');
  });
});

describe('ListStateMachines', () => {
  const s = useServer();

  it('pages with maxResults and nextToken until no nextToken is returned', async () => {
    const arns = [await createMachine(s.client, HELLO, 'STANDARD', 'ListA'), await createMachine(s.client, HELLO, 'EXPRESS', 'ListB'), await createMachine(s.client, HELLO, 'STANDARD', 'ListC')];
    const first = await s.client.send(new ListStateMachinesCommand({ maxResults: 2 }));
    expect(first.stateMachines).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await s.client.send(new ListStateMachinesCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.stateMachines).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    const all = [...first.stateMachines!, ...second.stateMachines!];
    expect(all.map((m) => m.stateMachineArn).sort()).toEqual([...arns].sort());
    const b = all.find((m) => m.name === 'ListB')!;
    expect(b).toMatchObject({ stateMachineArn: arns[1], name: 'ListB', type: 'EXPRESS' });
    expect(b.creationDate).toBeInstanceOf(Date);
  });

  it('refuses a pagination token it did not issue: InvalidToken', async () => {
    await expectApiError(s.client.send(new ListStateMachinesCommand({ nextToken: '!!not-a-token!!' })), 'InvalidToken');
  });
});

describe('DeleteStateMachine', () => {
  const s = useServer();

  it('deletes the machine; afterwards it does not exist', async () => {
    const arn = await createMachine(s.client, HELLO);
    const out = await s.client.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expectApiError(s.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })), 'StateMachineDoesNotExist');
    await expectApiError(start(s.client, arn), 'StateMachineDoesNotExist');
    const list = await s.client.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines!.map((m) => m.stateMachineArn)).not.toContain(arn);
  });
});

// ---- executions ---------------------------------------------------------------------------

describe('StartExecution', () => {
  const s = useServer();

  it('starts an execution: its ARN is built from the machine and execution names', async () => {
    const arn = await createMachine(s.client, HELLO, 'STANDARD', 'Starter');
    const out = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'first-run', input: '{}' }));
    expect(out.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:Starter:first-run');
    expect(out.startDate).toBeInstanceOf(Date);
    const done = await finished(s.client, out.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toBe('"Hello World!"');
  });

  it('is idempotent while running: the same name and input return the same execution', async () => {
    const arn = await createMachine(s.client, waitThen(3600, 'x'));
    const first = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'same', input: '{"a":1}' }));
    const again = await s.client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'same', input: '{"a":1}' }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    const list = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(list.executions).toHaveLength(1);
  });

  it('refuses the same name with a different input while running: ExecutionAlreadyExists', async () => {
    const arn = await createMachine(s.client, waitThen(3600, 'x'));
    await start(s.client, arn, { a: 1 }, 'busy');
    await expectApiError(start(s.client, arn, { a: 2 }, 'busy'), 'ExecutionAlreadyExists');
  });

  it('refuses the name of a closed execution, whatever the input: ExecutionAlreadyExists', async () => {
    const arn = await createMachine(s.client, HELLO);
    const x = await start(s.client, arn, { a: 1 }, 'closed');
    await finished(s.client, x);
    await expectApiError(start(s.client, arn, { a: 1 }, 'closed'), 'ExecutionAlreadyExists');
  });

  it('refuses input that is not JSON: InvalidExecutionInput', async () => {
    const arn = await createMachine(s.client, HELLO);
    await expectApiError(s.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"a":' })), 'InvalidExecutionInput');
  });

  it('refuses an invalid execution name: InvalidName', async () => {
    const arn = await createMachine(s.client, HELLO);
    await expectApiError(start(s.client, arn, {}, 'bad name'), 'InvalidName');
  });

  it('refuses an unknown machine: StateMachineDoesNotExist', async () => {
    await expectApiError(start(s.client, 'arn:aws:states:us-east-1:123456789012:stateMachine:nope'), 'StateMachineDoesNotExist');
  });
});

describe('StartSyncExecution', () => {
  const s = useServer();

  it("the SDK's `sync-` host prefix breaks a localhost endpoint: the request never reaches the server", async () => {
    // StartSyncExecution is modelled with the endpoint host prefix `sync-`, so the unmodified
    // client sends it to `sync-127.0.0.1`, which does not resolve (getaddrinfo ENOTFOUND).
    const arn = await createMachine(s.client, HELLO, 'EXPRESS');
    const executions = s.engine.store.executions.size;
    const err = await failure(s.client.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{}' })));
    expect(err.hostname).toBe(`sync-${new URL(s.url).hostname}`);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    expect(s.engine.store.executions.size).toBe(executions);
  });

  it('runs an EXPRESS execution to the end and returns its result (client with disableHostPrefix)', async () => {
    const client = new SFNClient({ endpoint: s.url, region: 'us-east-1', credentials, disableHostPrefix: true });
    try {
      const arn = await createMachine(s.client, HELLO, 'EXPRESS', 'SyncHello');
      const out = await client.send(new StartSyncExecutionCommand({ stateMachineArn: arn, name: 'sync-1', input: '{"who":"me"}' }));
      expect(out).toMatchObject({
        executionArn: 'arn:aws:states:us-east-1:123456789012:express:SyncHello:sync-1',
        stateMachineArn: arn,
        name: 'sync-1',
        status: 'SUCCEEDED',
        input: '{"who":"me"}',
        inputDetails: { included: true },
        output: '"Hello World!"',
        outputDetails: { included: true },
      });
      expect(out.startDate).toBeInstanceOf(Date);
      expect(out.stopDate).toBeInstanceOf(Date);
      expect(out.billingDetails?.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);
    } finally {
      client.destroy();
    }
  });

  it('returns a failed execution as status FAILED with error and cause, not as an API error', async () => {
    const client = new SFNClient({ endpoint: s.url, region: 'us-east-1', credentials, disableHostPrefix: true });
    try {
      const arn = await createMachine(s.client, { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Custom.Error', Cause: 'it broke' } } }, 'EXPRESS');
      const out = await client.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{}' }));
      expect(out).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'it broke' });
      expect(out.output).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  it('refuses a STANDARD machine: StateMachineTypeNotSupported', async () => {
    const client = new SFNClient({ endpoint: s.url, region: 'us-east-1', credentials, disableHostPrefix: true });
    try {
      const arn = await createMachine(s.client, HELLO, 'STANDARD');
      await expectApiError(client.send(new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{}' })), 'StateMachineTypeNotSupported');
    } finally {
      client.destroy();
    }
  });
});

describe('DescribeExecution', () => {
  const s = useServer();

  it('describes a succeeded execution with every field; dates are Date objects', async () => {
    const arn = await createMachine(s.client, HELLO, 'STANDARD', 'Describe');
    const x = await start(s.client, arn, { greeting: 'hi' }, 'described');
    const d = await finished(s.client, x);
    expect(d).toMatchObject({
      executionArn: x,
      stateMachineArn: arn,
      name: 'described',
      status: 'SUCCEEDED',
      input: '{"greeting":"hi"}',
      inputDetails: { included: true },
      output: '"Hello World!"',
      outputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    expect(d.startDate).toBeInstanceOf(Date);
    expect(d.stopDate).toBeInstanceOf(Date);
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());
    expect(d.error).toBeUndefined();
    expect(d.mapRunArn).toBeUndefined();
  });

  it('describes a running execution: no stopDate, no output', async () => {
    const arn = await createMachine(s.client, waitThen(3600, 'x'));
    const x = await start(s.client, arn);
    const d = await s.client.send(new DescribeExecutionCommand({ executionArn: x }));
    expect(d.status).toBe('RUNNING');
    expect(d.stopDate).toBeUndefined();
    expect(d.output).toBeUndefined();
  });

  it('describes a failed execution with error and cause and no output', async () => {
    const arn = await createMachine(s.client, { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Custom.Error', Cause: 'it broke' } } });
    const d = await finished(s.client, await start(s.client, arn));
    expect(d).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'it broke' });
    expect(d.output).toBeUndefined();
  });

  it('refuses an unknown execution: ExecutionDoesNotExist', async () => {
    await expectApiError(s.client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope' })), 'ExecutionDoesNotExist');
  });
});

describe('ListExecutions', () => {
  const s = useServer();

  it('lists newest first, filters by status and pages with maxResults/nextToken', async () => {
    const arn = await createMachine(s.client, MAYBE_WAIT);
    const oldest = await start(s.client, arn, { wait: false }, 'oldest');
    await finished(s.client, oldest);
    const middle = await start(s.client, arn, { wait: true }, 'middle');
    const newest = await start(s.client, arn, { wait: false }, 'newest');
    await finished(s.client, newest);

    const all = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(all.executions!.map((x) => x.name)).toEqual(['newest', 'middle', 'oldest']);
    expect(all.nextToken).toBeUndefined();
    const item = all.executions![0];
    expect(item).toMatchObject({ executionArn: newest, stateMachineArn: arn, name: 'newest', status: 'SUCCEEDED' });
    expect(item.startDate).toBeInstanceOf(Date);
    expect(item.stopDate).toBeInstanceOf(Date);
    expect(all.executions![1].stopDate).toBeUndefined();

    const running = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((x) => x.executionArn)).toEqual([middle]);
    const succeeded = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions!.map((x) => x.executionArn)).toEqual([newest, oldest]);

    const page1 = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    expect(page1.executions!.map((x) => x.name)).toEqual(['newest', 'middle']);
    expect(page1.nextToken).toEqual(expect.any(String));
    const page2 = await s.client.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken }));
    expect(page2.executions!.map((x) => x.name)).toEqual(['oldest']);
    expect(page2.nextToken).toBeUndefined();
  });

  it('refuses an EXPRESS machine: StateMachineTypeNotSupported', async () => {
    // API_ListExecutions: "This API action is not supported by EXPRESS state machines."
    const arn = await createMachine(s.client, HELLO, 'EXPRESS');
    await expectApiError(s.client.send(new ListExecutionsCommand({ stateMachineArn: arn })), 'StateMachineTypeNotSupported');
  });

  it('refuses an unknown machine: StateMachineDoesNotExist', async () => {
    await expectApiError(s.client.send(new ListExecutionsCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' })), 'StateMachineDoesNotExist');
  });
});

describe('GetExecutionHistory', () => {
  const s = useServer();

  it("returns AWS's events with ids, previousEventId, Date timestamps and typed details", async () => {
    const arn = await createMachine(s.client, {
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fnArn('double'), 'Payload.$': '$' }, OutputPath: '$.Payload', End: true } },
    });
    const x = await start(s.client, arn, { value: 21 });
    expect((await finished(s.client, x)).output).toBe('{"value":42}');
    const events = await history(s.client, x);
    expect(types(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    events.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId).toBe(i);
      expect(e.timestamp).toBeInstanceOf(Date);
      if (i > 0) expect(e.timestamp!.getTime()).toBeGreaterThanOrEqual(events[i - 1].timestamp!.getTime());
    });
    expect(events[0].executionStartedEventDetails).toEqual({ input: '{"value":21}', inputDetails: { truncated: false }, roleArn: ROLE });
    expect(events[1].stateEnteredEventDetails).toEqual({ name: 'Call', input: '{"value":21}', inputDetails: { truncated: false } });
    expect(events[2].taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(events[2].taskScheduledEventDetails!.parameters!)).toEqual({ FunctionName: fnArn('double'), Payload: { value: 21 } });
    expect(events[3].taskStartedEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke' });
    expect(JSON.parse(events[4].taskSucceededEventDetails!.output!)).toMatchObject({ Payload: { value: 42 }, StatusCode: 200 });
    expect(events[5].stateExitedEventDetails).toEqual({ name: 'Call', output: '{"value":42}', outputDetails: { truncated: false } });
    expect(events[6].executionSucceededEventDetails).toEqual({ output: '{"value":42}', outputDetails: { truncated: false } });
  });

  it('puts on the wire only the documented ExecutionStartedEventDetails fields', async () => {
    // API_ExecutionStartedEventDetails: input, inputDetails, roleArn, stateMachineAliasArn, stateMachineVersionArn.
    const arn = await createMachine(s.client, HELLO);
    const x = await start(s.client, arn, { a: 1 });
    await finished(s.client, x);
    const res = await rawCall(s.url, 'AWSStepFunctions.GetExecutionHistory', JSON.stringify({ executionArn: x, maxResults: 1 }));
    const body = await jsonOf(res);
    expect(body.events[0]).toEqual({
      id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: expect.any(Number),
      executionStartedEventDetails: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn: ROLE },
    });
  });

  it('returns the events newest first with reverseOrder', async () => {
    const x = await start(s.client, await createMachine(s.client, THREE_PASSES));
    await finished(s.client, x);
    const forward = await history(s.client, x);
    const reverse = (await s.client.send(new GetExecutionHistoryCommand({ executionArn: x, reverseOrder: true }))).events!;
    expect(reverse.map((e) => e.id)).toEqual(forward.map((e) => e.id).reverse());
    expect(types(reverse)[0]).toBe('ExecutionSucceeded');
  });

  it('pages with maxResults and nextToken, forwards and in reverse', async () => {
    const x = await start(s.client, await createMachine(s.client, THREE_PASSES));
    await finished(s.client, x);
    expect(types(await history(s.client, x))).toEqual([
      'ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    for (const reverseOrder of [false, true]) {
      const ids: number[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await s.client.send(new GetExecutionHistoryCommand({ executionArn: x, maxResults: 3, reverseOrder, nextToken }));
        ids.push(page.events!.map((e) => e.id!));
        nextToken = page.nextToken;
      } while (nextToken);
      const expected = reverseOrder ? [[8, 7, 6], [5, 4, 3], [2, 1]] : [[1, 2, 3], [4, 5, 6], [7, 8]];
      expect(ids).toEqual(expected);
    }
  });

  it('returns 100 events per page by default and for maxResults 0', async () => {
    // API_GetExecutionHistory: "The default is 100 and the maximum allowed page size is 1000. A value of 0 uses the default."
    const arn = await createMachine(s.client, {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    });
    const x = await start(s.client, arn, { items: Array.from({ length: 40 }, (_, i) => i) });
    await finished(s.client, x);
    expect((await history(s.client, x)).length).toBeGreaterThan(100);
    for (const maxResults of [undefined, 0]) {
      const page = await s.client.send(new GetExecutionHistoryCommand({ executionArn: x, maxResults }));
      expect(page.events).toHaveLength(100);
      expect(page.nextToken).toEqual(expect.any(String));
    }
  });

  it('leaves inputs and outputs out with includeExecutionData false', async () => {
    const x = await start(s.client, await createMachine(s.client, THREE_PASSES), { secret: 's3cr3t' });
    await finished(s.client, x);
    const events = (await s.client.send(new GetExecutionHistoryCommand({ executionArn: x, includeExecutionData: false }))).events!;
    expect(types(events)).toEqual(types(await history(s.client, x)));
    expect(JSON.stringify(events)).not.toContain('s3cr3t');
    expect(events[1].stateEnteredEventDetails).toEqual({ name: 'One' });
    expect(events[0].executionStartedEventDetails?.input).toBeUndefined();
    expect(events.at(-1)!.executionSucceededEventDetails?.output).toBeUndefined();
  });

  it('refuses an unknown execution: ExecutionDoesNotExist', async () => {
    await expectApiError(s.client.send(new GetExecutionHistoryCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope' })), 'ExecutionDoesNotExist');
  });
});

describe('StopExecution', () => {
  const s = useServer();

  it('aborts a running execution: status ABORTED and an ExecutionAborted event with the error and cause', async () => {
    const x = await start(s.client, await createMachine(s.client, waitThen(3600, 'x')));
    await reached(s.client, x, 'WaitStateEntered');
    const out = await s.client.send(new StopExecutionCommand({ executionArn: x, error: 'Operator.Stop', cause: 'stopped by the operator' }));
    expect(out.stopDate).toBeInstanceOf(Date);
    const d = await s.client.send(new DescribeExecutionCommand({ executionArn: x }));
    expect(d.status).toBe('ABORTED');
    expect(d.stopDate).toEqual(out.stopDate);
    const events = await history(s.client, x);
    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(events[2].executionAbortedEventDetails).toEqual({ error: 'Operator.Stop', cause: 'stopped by the operator' });
    const aborted = await s.client.send(new ListExecutionsCommand({ stateMachineArn: d.stateMachineArn, statusFilter: 'ABORTED' }));
    expect(aborted.executions!.map((e) => e.executionArn)).toEqual([x]);
  });

  it('refuses an unknown execution: ExecutionDoesNotExist', async () => {
    await expectApiError(s.client.send(new StopExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope' })), 'ExecutionDoesNotExist');
  });
});

// ---- task tokens ------------------------------------------------------------------------------

describe('SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat (callback pattern)', () => {
  const s = useServer();
  const nextToken = () => eventually(() => s.tokens.shift(), 5000, 'a task token');

  it('SendTaskSuccess resumes the task with the output it sends', async () => {
    const x = await start(s.client, await createMachine(s.client, callback()), { order: 7 });
    const token = await nextToken();
    const out = await s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    const d = await finished(s.client, x);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toBe('{"approved":true}');
    const events = await history(s.client, x);
    expect(types(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(events[5].taskSucceededEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: '{"approved":true}' });
  });

  it('SendTaskFailure fails the task with the error and cause it sends', async () => {
    const x = await start(s.client, await createMachine(s.client, callback()));
    const token = await nextToken();
    await s.client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Order.Rejected', cause: 'out of stock' }));
    const d = await finished(s.client, x);
    expect(d).toMatchObject({ status: 'FAILED', error: 'Order.Rejected', cause: 'out of stock' });
    const events = await history(s.client, x);
    expect(types(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed', 'ExecutionFailed']);
    expect(events[5].taskFailedEventDetails).toMatchObject({ error: 'Order.Rejected', cause: 'out of stock' });
  });

  it('SendTaskHeartbeat resets the heartbeat clock and writes no history event', async () => {
    const x = await start(s.client, await createMachine(s.client, callback({ HeartbeatSeconds: 10 })));
    const token = await nextToken();
    await reached(s.client, x, 'TaskSubmitted');
    const before = (await history(s.client, x)).length;
    await advanceClock(s.url, 6);
    await s.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await advanceClock(s.url, 6); // 12 s after the start, 6 s after the heartbeat
    await new Promise((r) => setTimeout(r, 50));
    expect((await s.client.send(new DescribeExecutionCommand({ executionArn: x }))).status).toBe('RUNNING');
    expect((await history(s.client, x)).length).toBe(before);
    await s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    expect((await finished(s.client, x)).status).toBe('SUCCEEDED');
  });

  it('a token whose task missed its heartbeat is refused: TaskTimedOut', async () => {
    const x = await start(s.client, await createMachine(s.client, callback({ HeartbeatSeconds: 10 })));
    const token = await nextToken();
    await reached(s.client, x, 'TaskSubmitted');
    await advanceClock(s.url, 11);
    const d = await finished(s.client, x);
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(types(await history(s.client, x))).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']);
    await expectApiError(s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })), 'TaskTimedOut');
    await expectApiError(s.client.send(new SendTaskHeartbeatCommand({ taskToken: token })), 'TaskTimedOut');
  });

  it('a token already reported on is refused: TaskTimedOut', async () => {
    const x = await start(s.client, await createMachine(s.client, callback()));
    const token = await nextToken();
    await s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await finished(s.client, x);
    await expectApiError(s.client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Late' })), 'TaskTimedOut');
  });

  it('output that is not JSON is refused and the task stays open: InvalidOutput', async () => {
    const x = await start(s.client, await createMachine(s.client, callback()));
    const token = await nextToken();
    await expectApiError(s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })), 'InvalidOutput');
    expect((await s.client.send(new DescribeExecutionCommand({ executionArn: x }))).status).toBe('RUNNING');
    await s.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
    expect((await finished(s.client, x)).output).toBe('"ok"');
  });

  it('a token that matches no task is refused: TaskDoesNotExist', async () => {
    await expectApiError(s.client.send(new SendTaskSuccessCommand({ taskToken: fakeToken, output: '{}' })), 'TaskDoesNotExist');
    await expectApiError(s.client.send(new SendTaskFailureCommand({ taskToken: fakeToken })), 'TaskDoesNotExist');
    await expectApiError(s.client.send(new SendTaskHeartbeatCommand({ taskToken: fakeToken })), 'TaskDoesNotExist');
  });
});

// ---- map runs ------------------------------------------------------------------------------

describe('DescribeMapRun / ListMapRuns', () => {
  const s = useServer();
  const DISTRIBUTED = {
    StartAt: 'Fanout',
    States: {
      Fanout: {
        Type: 'Map', Label: 'Fanout', ItemsPath: '$.items', MaxConcurrency: 2,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };

  it('lists the Map Runs of an execution and describes one with its counts', async () => {
    const arn = await createMachine(s.client, DISTRIBUTED, 'STANDARD', 'Fan');
    const x = await start(s.client, arn, { items: [1, 2, 3] });
    const d = await finished(s.client, x);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual([1, 2, 3]);
    const events = types(await history(s.client, x));
    expect(events.indexOf('MapRunStarted')).toBeGreaterThan(events.indexOf('MapStateEntered'));
    expect(events.indexOf('MapRunSucceeded')).toBeGreaterThan(events.indexOf('MapRunStarted'));
    expect(events.at(-1)).toBe('ExecutionSucceeded');

    const runs = await s.client.send(new ListMapRunsCommand({ executionArn: x }));
    expect(runs.mapRuns).toHaveLength(1);
    const run = runs.mapRuns![0];
    expect(run).toMatchObject({ executionArn: x, stateMachineArn: arn });
    expect(run.mapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:Fan\/Fanout:/);
    expect(run.startDate).toBeInstanceOf(Date);
    expect(run.stopDate).toBeInstanceOf(Date);

    const described = await s.client.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
    const counts = { pending: 0, running: 0, succeeded: 3, failed: 0, timedOut: 0, aborted: 0, total: 3, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0 };
    expect(described).toMatchObject({
      mapRunArn: run.mapRunArn, executionArn: x, status: 'SUCCEEDED', maxConcurrency: 2,
      toleratedFailurePercentage: 0, toleratedFailureCount: 0, itemCounts: counts, executionCounts: counts,
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate).toBeInstanceOf(Date);

    const children = await s.client.send(new ListExecutionsCommand({ mapRunArn: run.mapRunArn }));
    expect(children.executions).toHaveLength(3);
    for (const child of children.executions!) expect(child).toMatchObject({ status: 'SUCCEEDED', mapRunArn: run.mapRunArn });
  });

  it('an execution without a Distributed Map has no Map Runs', async () => {
    const x = await start(s.client, await createMachine(s.client, HELLO));
    await finished(s.client, x);
    expect((await s.client.send(new ListMapRunsCommand({ executionArn: x }))).mapRuns).toEqual([]);
  });

  it('refuses an unknown Map Run (ResourceNotFound) and an unknown execution (ExecutionDoesNotExist)', async () => {
    await expectApiError(s.client.send(new DescribeMapRunCommand({ mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:nope/nope:0' })), 'ResourceNotFound');
    await expectApiError(s.client.send(new ListMapRunsCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:nope' })), 'ExecutionDoesNotExist');
  });
});

// ---- local clock route and the wire protocol ---------------------------------------------------

describe('local clock route: POST /_local/clock', () => {
  const movable = useServer({ movableClock: true });
  const fixed = useServer({});

  it('moving the clock 7 days ends a 7-day Wait', async () => {
    const x = await start(movable.client, await createMachine(movable.client, waitThen(7 * DAY, 'a week later')));
    await reached(movable.client, x, 'WaitStateEntered');
    expect((await movable.client.send(new DescribeExecutionCommand({ executionArn: x }))).status).toBe('RUNNING');
    const res = await advanceClock(movable.url, 7 * DAY);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ offsetSeconds: 7 * DAY });
    const d = await finished(movable.client, x);
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '"a week later"' });
    const events = await history(movable.client, x);
    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(events[2].timestamp!.getTime() - events[1].timestamp!.getTime()).toBeGreaterThanOrEqual(7 * DAY * 1000);
  });

  it('is refused with 400 when the engine clock is not movable', async () => {
    const res = await advanceClock(fixed.url, 60);
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.__type).toMatch(/ValidationException$/);
    expect(body.message).toMatch(/not movable/);
  });

  it('is refused with 400 without a numeric advanceSeconds', async () => {
    const res = await fetch(`${movable.url}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 'soon' }) });
    expect(res.status).toBe(400);
  });
});

describe('wire protocol', () => {
  const s = useServer();

  it('an unknown X-Amz-Target is refused: 400 UnknownOperationException', async () => {
    const res = await rawCall(s.url, 'AWSStepFunctions.FlyToTheMoon', '{}');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const body = await jsonOf(res);
    expect(body.__type).toMatch(/UnknownOperationException$/);
    const other = await rawCall(s.url, 'SomeOtherService.ListStateMachines', '{}');
    expect(other.status).toBe(400);
    expect((await jsonOf(other)).__type).toMatch(/UnknownOperationException$/);
  });

  it('a body that is not a JSON object is refused: 400 SerializationException', async () => {
    for (const body of ['{"stateMachineArn":', '[1,2]', 'null']) {
      const res = await rawCall(s.url, 'AWSStepFunctions.ListStateMachines', body);
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).__type).toMatch(/SerializationException$/);
    }
  });

  it('answers errors with x-amzn-RequestId and a `__type` the SDK maps to err.name', async () => {
    const res = await rawCall(s.url, 'AWSStepFunctions.DescribeStateMachine', JSON.stringify({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-requestid')).toEqual(expect.any(String));
    const body = await jsonOf(res);
    expect(body.__type).toMatch(/StateMachineDoesNotExist$/);
    expect(body.message).toContain('nope');
  });
});
