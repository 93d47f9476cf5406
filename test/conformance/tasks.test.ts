// Conformance: the Task state and its optimized integrations, from the AWS Step Functions Developer
// Guide pages "Invoke Lambda with Step Functions", "Wait for a Callback with Task Token" (service
// integration patterns), "Perform DynamoDB CRUD operations with Step Functions" and "Start a new AWS
// Step Functions state machine from a running execution".
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaHandler } from '../../infra/local/stepfunctions/integrations/lambda.js';
import { eventually, fnArn, sleep, statusOf, type TestEngine } from '../support/engine.js';
import { engineForTest, passDeadline } from '../support/harness.js';
import { untilEvent } from '../support/history.js';

// ---- helpers -------------------------------------------------------------------------------

/** The first event of `type`. */
const event = (events: Record<string, any>[], type: string) => events.find((e) => e.type === type)!;

/** The API error code an engine call throws (AWS's exception name), or undefined. */
function apiErrorCode(call: () => unknown): string | undefined {
  try {
    call();
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).name;
  }
  return undefined;
}

/** A callback worker: a function that keeps the task tokens it is given. */
function tokenKeeper() {
  const events: any[] = [];
  const handler: LambdaHandler = (event) => {
    events.push(event);
    return { received: true };
  };
  return { events, handler, token: (i = 0) => eventually(() => events[i]?.token as string | undefined, 5000, `token ${i}`) };
}

/** A Task state that invokes `worker` through lambda:invoke.waitForTaskToken with the token in the payload. */
function callbackTask(fields: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: 'worker', Payload: { 'input.$': '$', 'token.$': '$$.Task.Token' } },
    End: true,
    ...fields,
  };
}
const callbackMachine = (fields: Record<string, unknown> = {}) => ({ StartAt: 'Wait for worker', States: { 'Wait for worker': callbackTask(fields) } });

// ---- Lambda: bare function ARN ---------------------------------------------------------------

describe('Lambda: a function ARN as Resource', () => {
  it('the task result is only the function output; history uses LambdaFunction* events', async () => {
    const h = engineForTest({ HelloFunction: (event: { who: string }) => `Hello, ${event.who}!` });
    const definition = { StartAt: 'CallFunction', States: { CallFunction: { Type: 'Task', Resource: fnArn('HelloFunction'), End: true } } };

    const result = await h.run(definition, { who: 'AWS Step Functions' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('Hello, AWS Step Functions!');
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded',
      'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const scheduled = event(result.history, 'LambdaFunctionScheduled').lambdaFunctionScheduledEventDetails;
    expect(scheduled.resource).toBe(fnArn('HelloFunction'));
    expect(JSON.parse(scheduled.input)).toEqual({ who: 'AWS Step Functions' });
    expect(JSON.parse(event(result.history, 'LambdaFunctionSucceeded').lambdaFunctionSucceededEventDetails.output)).toBe('Hello, AWS Step Functions!');
  });

  it('a function error gives LambdaFunctionFailed with the error type and the JSON cause', async () => {
    const h = engineForTest({ FailFunction: () => { const e = new Error('nope'); e.name = 'HandledError'; throw e; } });

    const result = await h.run({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: fnArn('FailFunction'), End: true } } });

    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed']);
    const failed = event(result.history, 'LambdaFunctionFailed').lambdaFunctionFailedEventDetails;
    expect(failed.error).toBe('HandledError');
    expect(JSON.parse(failed.cause)).toMatchObject({ errorType: 'HandledError', errorMessage: 'nope' });
    expect(result.error).toBe('HandledError');
  });

  it('a function that does not exist fails with Lambda.ResourceNotFoundException', async () => {
    const h = engineForTest();

    const result = await h.run({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: fnArn('NoSuchFunction'), End: true } } });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Lambda.ResourceNotFoundException');
    expect(result.events.slice(-2)).toEqual(['LambdaFunctionFailed', 'ExecutionFailed']);
  });
});

// ---- Lambda: arn:aws:states:::lambda:invoke --------------------------------------------------

describe('Lambda: arn:aws:states:::lambda:invoke', () => {
  it('the result nests the function output in Payload with the invoke metadata and StatusCode 200', async () => {
    const h = engineForTest({ MyFunction: () => 'FUNCTION OUTPUT' });
    const definition = { StartAt: 'CallLambda', States: { CallLambda: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'MyFunction' }, End: true } } };

    const result = await h.run(definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      ExecutedVersion: '$LATEST',
      Payload: 'FUNCTION OUTPUT',
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
      StatusCode: 200,
    });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const scheduled = event(result.history, 'TaskScheduled').taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled.parameters)).toEqual({ FunctionName: 'MyFunction' });
    expect(event(result.history, 'TaskStarted').taskStartedEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke' });
    expect(event(result.history, 'TaskSucceeded').taskSucceededEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
  });

  it('Payload is parsed JSON, and OutputPath "$.Payload" keeps only the function output', async () => {
    const received: unknown[] = [];
    const h = engineForTest({ echo: (event: unknown) => { received.push(event); return { echoed: event }; } });
    const definition = {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('echo'), 'Payload.$': '$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    };

    const result = await h.run(definition, { order: 42, items: ['a'] });

    expect(received).toEqual([{ order: 42, items: ['a'] }]);
    expect(result.output).toEqual({ echoed: { order: 42, items: ['a'] } });
  });

  it('InvocationType "Event" invokes asynchronously and returns StatusCode 202', async () => {
    const received: unknown[] = [];
    const h = engineForTest({ echo: (event: unknown) => { received.push(event); return 'ignored'; } });
    const definition = {
      Comment: 'A Hello World example of the Amazon States Language using Pass states',
      StartAt: 'Hello',
      States: { Hello: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', InvocationType: 'Event' }, End: true } },
    };

    const result = await h.run(definition);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ StatusCode: 202 });
    await eventually(() => (received.length === 1 ? true : undefined));
  });

  it('a function error fails the task with the error type as Error and TaskFailed in the history', async () => {
    const h = engineForTest({ FailFunction: () => { const e = new Error('This is a custom error!'); e.name = 'CustomError'; throw e; } });
    const definition = { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'FailFunction' }, End: true } } };

    const result = await h.run(definition);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('CustomError');
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'CustomError', errorMessage: 'This is a custom error!' });
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed']);
    expect(event(result.history, 'TaskFailed').taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'CustomError' });
  });

  it('a function that is not registered fails with Lambda.ResourceNotFoundException', async () => {
    const h = engineForTest();
    const definition = { StartAt: 'Invoke', States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'missing' }, End: true } } };

    const result = await h.run(definition);

    expect(result.error).toBe('Lambda.ResourceNotFoundException');
    expect(event(result.history, 'TaskFailed').taskFailedEventDetails.error).toBe('Lambda.ResourceNotFoundException');
  });
});

// ---- Wait for a Callback with the Task Token -----------------------------------------------

describe('Callback: lambda:invoke.waitForTaskToken', () => {
  /**
   * Runs a callback task with these fields whose worker never calls back: checks it is still
   * running a second before `seconds` have passed, then moves the clock past them.
   */
  async function runUncalledBack(fields: Record<string, unknown>, seconds: number) {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start(callbackMachine(fields));
    const taskToken = await worker.token();
    await untilEvent(h, arn, 'TaskSubmitted');
    return { h, taskToken, result: await passDeadline(h, arn, seconds) };
  }

  it('the documented GetManualReview task: the function gets $$.Task.Token, SendTaskSuccess completes the task', async () => {
    const reviewer = tokenKeeper();
    const h = engineForTest({ 'get-model-review-decision': reviewer.handler });
    const definition = {
      StartAt: 'GetManualReview',
      States: {
        GetManualReview: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'get-model-review-decision', Payload: { 'model.$': '$.new_model', 'token.$': '$$.Task.Token' }, Qualifier: 'prod-v1' },
          End: true,
        },
      },
    };
    const arn = h.start(definition, { new_model: { id: 'm-1' } });

    const taskToken = await reviewer.token();
    expect(reviewer.events[0]).toEqual({ model: { id: 'm-1' }, token: taskToken });
    await untilEvent(h, arn, 'TaskSubmitted');
    expect(statusOf(h, arn)).toBe('RUNNING');
    expect(h.engine.sendTaskSuccess({ taskToken, output: JSON.stringify({ approved: true }) })).toEqual({});
    const result = await h.finished(arn);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ approved: true });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const scheduled = event(result.history, 'TaskScheduled').taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(scheduled.parameters).Payload.token).toBe(taskToken);
    const submitted = event(result.history, 'TaskSubmitted').taskSubmittedEventDetails;
    expect(submitted).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(submitted.output)).toMatchObject({ Payload: { received: true }, StatusCode: 200 });
    expect(JSON.parse(event(result.history, 'TaskSucceeded').taskSucceededEventDetails.output)).toEqual({ approved: true });
  });

  it('SendTaskFailure fails the task with the given error and cause', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start(callbackMachine());

    const taskToken = await worker.token();
    await untilEvent(h, arn, 'TaskSubmitted');
    h.engine.sendTaskFailure({ taskToken, error: 'ReviewRejected', cause: 'The model was rejected' });
    const result = await h.finished(arn);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ReviewRejected');
    expect(result.cause).toBe('The model was rejected');
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed', 'ExecutionFailed']);
    expect(event(result.history, 'TaskFailed').taskFailedEventDetails).toMatchObject({ error: 'ReviewRejected', cause: 'The model was rejected' });
  });

  it('the error from SendTaskFailure can be caught by its name', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start({
      StartAt: 'Wait for worker',
      States: {
        'Wait for worker': callbackTask({ Catch: [{ ErrorEquals: ['ReviewRejected'], ResultPath: '$.error', Next: 'Rejected' }] }),
        Rejected: { Type: 'Pass', End: true },
      },
    }, { model: 'm-2' });

    h.engine.sendTaskFailure({ taskToken: await worker.token(), error: 'ReviewRejected', cause: 'no' });
    const result = await h.finished(arn);

    expect(result.output).toEqual({ model: 'm-2', error: { Error: 'ReviewRejected', Cause: 'no' } });
  });

  it('a second SendTaskSuccess on the same token is refused with TaskTimedOut', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start(callbackMachine());
    const taskToken = await worker.token();
    await untilEvent(h, arn, 'TaskSubmitted');

    h.engine.sendTaskSuccess({ taskToken, output: '"first"' });
    const result = await h.finished(arn);

    expect(result.output).toBe('first');
    expect(apiErrorCode(() => h.engine.sendTaskSuccess({ taskToken, output: '"second"' }))).toBe('TaskTimedOut');
    expect(apiErrorCode(() => h.engine.sendTaskFailure({ taskToken, error: 'Late' }))).toBe('TaskTimedOut');
    expect(apiErrorCode(() => h.engine.sendTaskHeartbeat({ taskToken }))).toBe('TaskTimedOut');
  });

  it('a token that no task issued is refused with TaskDoesNotExist', () => {
    const h = engineForTest();
    expect(apiErrorCode(() => h.engine.sendTaskSuccess({ taskToken: 'AAAAKgAAAAIAAAAAAAAAAQmadeUpToken', output: '{}' }))).toBe('TaskDoesNotExist');
    expect(apiErrorCode(() => h.engine.sendTaskFailure({ taskToken: 'AAAAKgAAAAIAAAAAAAAAAQmadeUpToken', error: 'x' }))).toBe('TaskDoesNotExist');
    expect(apiErrorCode(() => h.engine.sendTaskHeartbeat({ taskToken: 'AAAAKgAAAAIAAAAAAAAAAQmadeUpToken' }))).toBe('TaskDoesNotExist');
  });

  it('SendTaskHeartbeat keeps a HeartbeatSeconds task alive past the heartbeat interval', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start(callbackMachine({ HeartbeatSeconds: 60 }));
    const taskToken = await worker.token();
    await untilEvent(h, arn, 'TaskSubmitted');

    for (let i = 0; i < 3; i++) {
      h.engine.advanceClock(50);
      await sleep(20);
      expect(statusOf(h, arn)).toBe('RUNNING');
      expect(h.engine.sendTaskHeartbeat({ taskToken })).toEqual({});
    }
    h.engine.advanceClock(50);
    await sleep(20);
    h.engine.sendTaskSuccess({ taskToken, output: '{"done":true}' });
    const result = await h.finished(arn);

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ done: true });
    expect(event(result.history, 'TaskScheduled').taskScheduledEventDetails.heartbeatInSeconds).toBe(60);
  });

  it('without heartbeats the task fails with States.HeartbeatTimeout and a TaskTimedOut event', async () => {
    const { h, taskToken, result } = await runUncalledBack({ HeartbeatSeconds: 60 }, 60);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.HeartbeatTimeout');
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']);
    expect(event(result.history, 'TaskTimedOut').taskTimedOutEventDetails).toMatchObject({
      resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.HeartbeatTimeout',
    });
    expect(apiErrorCode(() => h.engine.sendTaskSuccess({ taskToken, output: '{}' }))).toBe('TaskTimedOut');
  });

  it('TimeoutSeconds: a task not called back in time fails with States.Timeout and a TaskTimedOut event', async () => {
    const { result } = await runUncalledBack({ TimeoutSeconds: 30 }, 30);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']);
    expect(event(result.history, 'TaskScheduled').taskScheduledEventDetails.timeoutInSeconds).toBe(30);
    expect(event(result.history, 'TaskTimedOut').taskTimedOutEventDetails.error).toBe('States.Timeout');
  });

  it('after a timeout the retried task gets a new token; the old one is refused', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const arn = h.start(callbackMachine({ TimeoutSeconds: 30, Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }] }));
    const first = await worker.token(0);
    await untilEvent(h, arn, 'TaskSubmitted');

    h.engine.advanceClock(31);
    await untilEvent(h, arn, 'TaskTimedOut');
    h.engine.advanceClock(2);
    const second = await worker.token(1);
    await untilEvent(h, arn, 'TaskSubmitted', 2);

    expect(second).not.toBe(first);
    expect(apiErrorCode(() => h.engine.sendTaskSuccess({ taskToken: first, output: '"old"' }))).toBe('TaskTimedOut');
    h.engine.sendTaskSuccess({ taskToken: second, output: '"new"' });
    const result = await h.finished(arn);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('new');
  });

  it('TimeoutSecondsPath and HeartbeatSecondsPath take the durations from the state input', async () => {
    const worker = tokenKeeper();
    const h = engineForTest({ worker: worker.handler });
    const definition = callbackMachine({ TimeoutSecondsPath: '$.timeout', HeartbeatSecondsPath: '$.heartbeat' });

    const heartbeatArn = h.start(definition, { timeout: 30, heartbeat: 10 });
    const token = await worker.token(0);
    await untilEvent(h, heartbeatArn, 'TaskSubmitted');
    h.engine.advanceClock(8);
    h.engine.sendTaskHeartbeat({ taskToken: token });
    h.engine.advanceClock(8);
    await sleep(20);
    expect(statusOf(h, heartbeatArn)).toBe('RUNNING');
    h.engine.advanceClock(3);
    const missedHeartbeat = await h.finished(heartbeatArn);
    expect(missedHeartbeat.error).toBe('States.HeartbeatTimeout');
    expect(event(missedHeartbeat.history, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 30, heartbeatInSeconds: 10 });

    const timeoutArn = h.start(definition, { timeout: 15, heartbeat: 10 });
    const token2 = await worker.token(1);
    await untilEvent(h, timeoutArn, 'TaskSubmitted');
    for (let i = 0; i < 2; i++) {
      h.engine.advanceClock(7);
      h.engine.sendTaskHeartbeat({ taskToken: token2 });
    }
    h.engine.advanceClock(2);
    const timedOut = await h.finished(timeoutArn);
    expect(timedOut.error).toBe('States.Timeout');
  });
});

// ---- DynamoDB -------------------------------------------------------------------------------------

describe('DynamoDB: getItem, putItem, updateItem, deleteItem', () => {
  const TABLE = 'TransferDataRecords-DDBTable-3I41R5L5EAGT';
  let server: Server;
  let client: DynamoDBClient;

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await client.send(new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'MessageId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'MessageId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
  });
  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  const ddbEngine = () => engineForTest({}, { dynamodb: client });
  const put = (item: Record<string, any>) => client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
  const get = async (id: string) => (await client.send(new GetItemCommand({ TableName: TABLE, Key: { MessageId: { S: id } }, ConsistentRead: true }))).Item;
  const task = (action: string, parameters: object, fields: object = {}) => ({
    StartAt: action,
    States: { [action]: { Type: 'Task', Resource: `arn:aws:states:::dynamodb:${action}`, Parameters: { TableName: TABLE, ...parameters }, ResultPath: '$.DynamoDB', End: true, ...fields } },
  });

  it('putItem writes the item given in Parameters', async () => {
    const h = ddbEngine();
    const definition = task('putItem', { Item: { MessageId: { S: 'MyEntry' }, MessageText: { 'S.$': '$.text' } } });

    const result = await h.run(definition, { text: 'hello' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ text: 'hello', DynamoDB: {} });
    expect(await get('MyEntry')).toEqual({ MessageId: { S: 'MyEntry' }, MessageText: { S: 'hello' } });
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    const scheduled = event(result.history, 'TaskScheduled').taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'dynamodb', resource: 'putItem' });
    expect(JSON.parse(scheduled.parameters)).toEqual({ TableName: TABLE, Item: { MessageId: { S: 'MyEntry' }, MessageText: { S: 'hello' } } });
  });

  it('getItem: the documented "Read Next Message from DynamoDB" task puts the item under $.DynamoDB', async () => {
    await put({ MessageId: { S: 'msg-1' }, MessageText: { S: 'first' } });
    const h = ddbEngine();
    const definition = {
      StartAt: 'Read Next Message from DynamoDB',
      States: {
        'Read Next Message from DynamoDB': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:getItem',
          Parameters: { TableName: TABLE, Key: { MessageId: { 'S.$': '$.List[0]' } } },
          ResultPath: '$.DynamoDB',
          End: true,
        },
      },
    };

    const result = await h.run(definition, { List: ['msg-1', 'msg-2'] });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ List: ['msg-1', 'msg-2'], DynamoDB: { Item: { MessageId: { S: 'msg-1' }, MessageText: { S: 'first' } } } });
    expect(event(result.history, 'TaskSucceeded').taskSucceededEventDetails).toMatchObject({ resourceType: 'dynamodb', resource: 'getItem' });
  });

  it('getItem of a missing key returns no Item', async () => {
    const h = ddbEngine();

    const result = await h.run(task('getItem', { Key: { MessageId: { S: 'nothing-here' } } }), {});

    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as any).DynamoDB).not.toHaveProperty('Item');
  });

  it('updateItem applies the UpdateExpression and returns the Attributes asked for by ReturnValues', async () => {
    await put({ MessageId: { S: 'msg-3' }, MessageText: { S: 'old' } });
    const h = ddbEngine();
    const definition = task('updateItem', {
      Key: { MessageId: { S: 'msg-3' } },
      UpdateExpression: 'SET MessageText = :text',
      ExpressionAttributeValues: { ':text': { 'S.$': '$.text' } },
      ReturnValues: 'ALL_NEW',
    });

    const result = await h.run(definition, { text: 'new' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ DynamoDB: { Attributes: { MessageId: { S: 'msg-3' }, MessageText: { S: 'new' } } } });
    expect(await get('msg-3')).toEqual({ MessageId: { S: 'msg-3' }, MessageText: { S: 'new' } });
  });

  it('deleteItem removes the item and returns the old one with ReturnValues ALL_OLD', async () => {
    await put({ MessageId: { S: 'msg-4' }, MessageText: { S: 'bye' } });
    const h = ddbEngine();

    const result = await h.run(task('deleteItem', { Key: { MessageId: { S: 'msg-4' } }, ReturnValues: 'ALL_OLD' }), {});

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ DynamoDB: { Attributes: { MessageId: { S: 'msg-4' }, MessageText: { S: 'bye' } } } });
    expect(await get('msg-4')).toBeUndefined();
  });

  it('a failed ConditionExpression fails the task with DynamoDB.ConditionalCheckFailedException, which a Catch handles', async () => {
    await put({ MessageId: { S: 'msg-5' }, MessageText: { S: 'kept' } });
    const h = ddbEngine();
    const definition = {
      StartAt: 'Insert once',
      States: {
        'Insert once': {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: TABLE, Item: { MessageId: { S: 'msg-5' }, MessageText: { S: 'overwritten' } }, ConditionExpression: 'attribute_not_exists(MessageId)' },
          Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.error', Next: 'Already there' }],
          End: true,
        },
        'Already there': { Type: 'Pass', End: true },
      },
    };

    const result = await h.run(definition, { id: 'msg-5' });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ id: 'msg-5', error: { Error: 'DynamoDB.ConditionalCheckFailedException' } });
    expect(await get('msg-5')).toEqual({ MessageId: { S: 'msg-5' }, MessageText: { S: 'kept' } });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskStateExited',
      'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded',
    ]);
    expect(event(result.history, 'TaskFailed').taskFailedEventDetails).toMatchObject({ resourceType: 'dynamodb', resource: 'putItem', error: 'DynamoDB.ConditionalCheckFailedException' });
  });
});

// ---- Step Functions: states:startExecution ----------------------------------------------------

describe('Step Functions: arn:aws:states:::states:startExecution', () => {
  /** The documented nested machine output: { "MyKey": "MyValue" }. */
  const HELLO_WORLD = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { MyKey: 'MyValue' }, End: true } } };
  const startTask = (resource: string, stateMachineArn: string, input: object = { Comment: 'Hello world!' }, extra: object = {}) => ({
    StartAt: 'Start',
    States: { Start: { Type: 'Task', Resource: resource, Parameters: { Input: input, StateMachineArn: stateMachineArn, ...extra }, End: true } },
  });

  it('startExecution starts the nested execution and returns its ExecutionArn and StartDate', async () => {
    const h = engineForTest();
    const child = h.createMachine(HELLO_WORLD, 'HelloWorld');

    const result = await h.run(startTask('arn:aws:states:::states:startExecution', child, { Comment: 'Hello world!' }, { Name: 'ExecutionName' }));

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { ExecutionArn: string; StartDate: unknown };
    expect(output.ExecutionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:HelloWorld:ExecutionName');
    expect(output.StartDate).toBeDefined();
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(event(result.history, 'TaskScheduled').taskScheduledEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution' });
    const nested = await h.finished(output.ExecutionArn);
    expect(nested.status).toBe('SUCCEEDED');
    expect(JSON.parse(h.engine.describeExecution({ executionArn: output.ExecutionArn }).input)).toEqual({ Comment: 'Hello world!' });
  });

  it('.sync waits for the nested execution; Output is a string', async () => {
    const h = engineForTest();
    const child = h.createMachine(HELLO_WORLD);

    const result = await h.run(startTask('arn:aws:states:::states:startExecution.sync', child));

    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as Record<string, any>;
    expect(output).toMatchObject({ StateMachineArn: child, Status: 'SUCCEEDED', InputDetails: { Included: true }, OutputDetails: { Included: true } });
    expect(typeof output.Output).toBe('string');
    expect(JSON.parse(output.Output)).toEqual({ MyKey: 'MyValue' });
    expect(typeof output.Input).toBe('string');
    expect(JSON.parse(output.Input)).toEqual({ Comment: 'Hello world!' });
    expect(output.ExecutionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:/);
    expect(output).toHaveProperty('StartDate');
    expect(output).toHaveProperty('StopDate');
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(event(result.history, 'TaskSubmitted').taskSubmittedEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync' });
    expect(JSON.parse(event(result.history, 'TaskSubmitted').taskSubmittedEventDetails.output)).toMatchObject({ ExecutionArn: output.ExecutionArn });
  });

  it('.sync:2 waits for the nested execution; Output is JSON', async () => {
    const h = engineForTest();
    const child = h.createMachine(HELLO_WORLD);

    const result = await h.run(startTask('arn:aws:states:::states:startExecution.sync:2', child, { Comment: 'Hello world!' }, { Name: 'ExecutionName' }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ Name: 'ExecutionName', Status: 'SUCCEEDED', Output: { MyKey: 'MyValue' }, Input: { Comment: 'Hello world!' } });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(event(result.history, 'TaskSucceeded').taskSucceededEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
  });

  it('a nested execution that fails fails the .sync task with States.TaskFailed; Cause describes the execution', async () => {
    const h = engineForTest();
    const child = h.createMachine({ StartAt: 'Fail', States: { Fail: { Type: 'Fail', Error: 'ChildError', Cause: 'boom' } } });

    const result = await h.run(startTask('arn:aws:states:::states:startExecution.sync', child));

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    const cause = JSON.parse(result.cause!);
    expect(cause).toMatchObject({ Status: 'FAILED', Error: 'ChildError', Cause: 'boom', StateMachineArn: child });
    expect(cause.ExecutionArn).toMatch(/:execution:/);
    expect(result.events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed', 'ExecutionFailed']);
    expect(event(result.history, 'TaskFailed').taskFailedEventDetails).toMatchObject({ error: 'States.TaskFailed', resourceType: 'states', resource: 'startExecution.sync' });
  });

  it('.waitForTaskToken: the nested execution calls back with SendTaskSuccess', async () => {
    let h: TestEngine;
    h = engineForTest({
      callback: (event: { token: string; Comment: string }) => {
        h.engine.sendTaskSuccess({ taskToken: event.token, output: JSON.stringify({ reply: `${event.Comment} back` }) });
        return 'sent';
      },
    });
    const child = h.createMachine({ StartAt: 'Call back', States: { 'Call back': { Type: 'Task', Resource: fnArn('callback'), End: true } } });

    const result = await h.run(startTask('arn:aws:states:::states:startExecution.waitForTaskToken', child, { Comment: 'Hello world!', 'token.$': '$$.Task.Token' }));

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ reply: 'Hello world! back' });
    expect(result.events).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    expect(event(result.history, 'TaskSubmitted').taskSubmittedEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.waitForTaskToken' });
  });

  it('stopping the parent execution stops a nested execution started with .sync', async () => {
    const h = engineForTest();
    const child = h.createMachine({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } });
    const parent = h.start(startTask('arn:aws:states:::states:startExecution.sync', child));

    const nested = await eventually(() => h.engine.listExecutions({ stateMachineArn: child }).executions[0]?.executionArn);
    await eventually(() => (statusOf(h, nested) === 'RUNNING' ? true : undefined));
    h.engine.stopExecution(parent);

    const stopped = await h.finished(parent);
    expect(stopped.status).toBe('ABORTED');
    expect(stopped.events.at(-1)).toBe('ExecutionAborted');
    const nestedResult = await h.finished(nested);
    expect(nestedResult.status).toBe('ABORTED');
    expect(nestedResult.events.at(-1)).toBe('ExecutionAborted');
  });
});
