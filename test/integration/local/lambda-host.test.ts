import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaHost } from '../../../infra/local/lambda-host.js';
import { Engine } from '../../../infra/local/stepfunctions/engine.js';

const HANDLER = `
let invocations = 0;
let running = 0;
let mostRunning = 0;
export const handler = async (event, context) => {
  invocations++;
  mostRunning = Math.max(mostRunning, ++running);
  try {
    return await run(event, context);
  } finally {
    running--;
  }
};
const run = async (event, context) => {
  const who = process.env.WHO;
  if (event.setEnv) process.env.WHO = event.setEnv;
  if (event.fail) { const e = new Error(event.fail); e.name = 'PaymentRefused'; throw e; }
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.spin) for (;;) {}
  for (const until = Date.now() + (event.busyMs ?? 0); Date.now() < until; );
  const hoard = [];
  for (let mb = 0; mb < (event.hoardMb ?? 0); mb++) hoard.push(new Array(131072).fill(mb));
  return { who, secret: process.env.SHARED ?? null, invocations, functionName: context.functionName,
    arn: context.invokedFunctionArn, mostRunning, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop, region: process.env.AWS_REGION, sourceMaps: process.sourceMapsEnabled, event };
};
export const nothing = async () => undefined;
export const callback = (event, context, done) => setTimeout(() => done(null, { viaCallback: event.n }), 5);
`;

let dir: string;
let host: LambdaHost;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-lambda-'));
  fs.writeFileSync(path.join(dir, 'index.mjs'), HANDLER);
  host = new LambdaHost({ region: 'cn-north-1', account: '111122223333' });
  host.register({ name: 'alpha', codeDir: dir, handler: 'index.handler', environment: { WHO: 'alpha' } });
  host.register({ name: 'beta', codeDir: dir, handler: 'index.handler', environment: { WHO: 'beta' } });
  host.register({ name: 'slow', codeDir: dir, handler: 'index.handler', timeoutSeconds: 1 });
  host.register({ name: 'drain', codeDir: dir, handler: 'index.handler', timeoutSeconds: 1 });
  host.register({ name: 'nothing', codeDir: dir, handler: 'index.nothing' });
  host.register({ name: 'callback', codeDir: dir, handler: 'index.callback' });
  host.register({ name: 'missing', codeDir: dir, handler: 'index.absent' });
  host.register({ name: 'plain', codeDir: dir, handler: 'index.handler' });
  host.register({ name: 'cold', codeDir: dir, handler: 'index.handler' });
  host.register({ name: 'small', codeDir: dir, handler: 'index.handler', memoryMb: 64 });
  host.register({ name: 'mapped', codeDir: dir, handler: 'index.handler', environment: { NODE_OPTIONS: '--enable-source-maps' } });
});

afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LambdaHost', () => {
  it('loads a bundle as the Node.js runtime does, not through the TypeScript loader the local cloud runs under', async () => {
    // tsx would enable source maps for every module it loads, and keep a transformed copy of each bundle.
    expect(((await host.invoke('plain', {})) as any).sourceMaps).toBe(false);
    expect(((await host.invoke('mapped', {})) as any).sourceMaps).toBe(true);
  });

  it('gives each function its own process.env, context and module state', async () => {
    const a = (await host.invoke('alpha', { setEnv: 'changed-by-alpha' })) as any;
    const b = (await host.invoke('arn:aws-cn:lambda:cn-north-1:111122223333:function:beta', { n: 1 })) as any;
    const a2 = (await host.invoke('alpha', {})) as any;
    expect(a.who).toBe('alpha');
    expect(a2.who).toBe('changed-by-alpha');
    expect(b.who).toBe('beta');
    expect(process.env.WHO).toBeUndefined();
    expect(a2.invocations).toBe(2);
    expect(b.invocations).toBe(1);
    expect(b).toMatchObject({ functionName: 'beta', arn: 'arn:aws-cn:lambda:cn-north-1:111122223333:function:beta', waits: true, region: 'cn-north-1', event: { n: 1 } });
    expect(a.arn).toBe('arn:aws-cn:lambda:cn-north-1:111122223333:function:alpha');
    expect(a.remaining).toBeGreaterThan(2000);
    expect(a.remaining).toBeLessThanOrEqual(3000);
    expect(a.requestId).not.toBe(a2.requestId);
  });

  it('returns null for no result and supports callback handlers', async () => {
    expect(await host.invoke('nothing', {})).toBeNull();
    expect(await host.invoke('callback', { n: 7 })).toEqual({ viaCallback: 7 });
  });

  it("reports a thrown error by its name, message and stack", async () => {
    const err = await host.invoke('alpha', { fail: 'card declined' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('PaymentRefused');
    expect((err as Error).message).toBe('card declined');
    expect((err as Error).stack).toContain('index.mjs');
  });

  it('runs invocations of one function concurrently', async () => {
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => host.invoke('beta', { sleepMs: 300, i })));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(results.map((r: any) => r.event.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('runs at most its concurrency of one function\'s invocations at once; the rest wait their turn, outside their timeout', async () => {
    const narrow = new LambdaHost({ concurrency: 2 });
    narrow.register({ name: 'busy', codeDir: dir, handler: 'index.handler', timeoutSeconds: 1 });
    try {
      // Six of 400 ms of work in one thread take 2.4 s: all at once, the last ones would time out at 1 s.
      const busy = await Promise.all(Array.from({ length: 6 }, (_, i) => narrow.invoke('busy', { busyMs: 400, i })));
      expect(busy.map((r: any) => r.event.i)).toEqual([0, 1, 2, 3, 4, 5]);
      const started = Date.now();
      const sleeping = await Promise.all(Array.from({ length: 5 }, () => narrow.invoke('busy', { sleepMs: 200 })));
      expect(Math.max(...sleeping.map((r: any) => r.mostRunning))).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      // A caller that gives up while waiting leaves the line: its invocation is never sent.
      const first = narrow.invoke('busy', { sleepMs: 300 });
      const second = narrow.invoke('busy', { sleepMs: 300 });
      const controller = new AbortController();
      const third = narrow.invoke('busy', { n: 3 }, controller.signal);
      controller.abort(new Error('stopped'));
      await expect(third).rejects.toThrow('stopped');
      await Promise.all([first, second]);
      expect(((await narrow.invoke('busy', {})) as any).invocations).toBe(14);
    } finally {
      await narrow.close();
    }
  });

  it('fails an invocation still waiting its turn when the host closes, and starts no sandbox for it', async () => {
    const narrow = new LambdaHost({ concurrency: 1 });
    narrow.register({ name: 'busy', codeDir: dir, handler: 'index.handler' });
    const running = narrow.invoke('busy', { sleepMs: 300 }).catch((e: Error) => e);
    const waiting = narrow.invoke('busy', {}).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    await narrow.close();
    expect(((await running) as Error).message).toMatch(/closed/);
    expect(((await waiting) as Error).message).toMatch(/closed/);
  });

  it('fails a timed-out invocation as AWS does and replaces the worker', async () => {
    const started = Date.now();
    const err = (await host.invoke('slow', { spin: true }).catch((e: Error) => e)) as Error;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(err.name).toBe('Sandbox.Timedout');
    expect(err.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    // The spinning worker is gone: a fresh one answers (its module state starts over).
    expect(await host.invoke('slow', {})).toMatchObject({ invocations: 1 });
  });

  it('holds a sandbox to its function\'s memory: past it the invocation fails and a fresh sandbox serves the next', async () => {
    expect(await host.invoke('small', { hoardMb: 16 })).toMatchObject({ invocations: 1 });
    const err = (await host.invoke('small', { hoardMb: 256 }).catch((e: Error) => e)) as Error;
    expect(err.name).toBe('Runtime.ExitError');
    expect(err.message).toMatch(/memory limit/);
    expect(await host.invoke('small', {})).toMatchObject({ invocations: 1 });
  });

  it('ends a sandbox idle for its idle time, never one with an invocation running', async () => {
    const idleHost = new LambdaHost({ idleSeconds: 0.3 });
    idleHost.register({ name: 'alpha', codeDir: dir, handler: 'index.handler' });
    try {
      const invocations = async (event: object = {}) => ((await idleHost.invoke('alpha', event)) as any).invocations;
      expect(await invocations()).toBe(1);
      // Longer than the idle time, but running: the quick one beside it does not leave the sandbox idle.
      const long = invocations({ sleepMs: 700 });
      expect(await invocations()).toBe(3);
      // The same module: the long one counts the quick one too.
      expect(await long).toBe(3);
      expect(await invocations()).toBe(4);
      await new Promise((r) => setTimeout(r, 600));
      // Idle for longer than 0.3 s: a fresh sandbox, its module state starting over.
      expect(await invocations()).toBe(1);
    } finally {
      await idleHost.close();
    }
  });

  it('lets other invocations finish when one times out', async () => {
    const late = host.invoke('drain', { sleepMs: 3000 }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 500));
    // Still running on the same worker when the first one times out, at 1 s.
    const ok = await host.invoke('drain', { sleepMs: 800 });
    expect(((await late) as Error).name).toBe('Sandbox.Timedout');
    expect((ok as any).event.sleepMs).toBe(800);
    expect((ok as any).invocations).toBe(2);
  });

  it('names unknown functions and missing handlers', async () => {
    await expect(host.invoke('nobody', {})).rejects.toMatchObject({ error: 'Lambda.ResourceNotFoundException' });
    await expect(host.invoke('missing', {})).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const call = host.invoke('beta', { sleepMs: 2000 }, controller.signal);
    setTimeout(() => controller.abort(new Error('stopped')), 50);
    await expect(call).rejects.toThrow('stopped');
  });

  it('stops waiting when the caller aborts while the sandbox starts, and sends it nothing', async () => {
    const controller = new AbortController();
    const call = host.invoke('cold', { n: 1 }, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(call).rejects.toThrow('stopped');
    expect(((await host.invoke('cold', { n: 2 })) as any).invocations).toBe(1);
  });

  it('serves the Step Functions engine, whose Catch sees the error name', async () => {
    const engine = new Engine({ lambda: host }).start();
    const arn = engine.createStateMachine({
      name: 'pay',
      roleArn: 'arn:aws:iam::111122223333:role/x',
      definition: JSON.stringify({
        StartAt: 'Pay',
        States: {
          Pay: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'alpha', 'Payload.$': '$' }, Catch: [{ ErrorEquals: ['PaymentRefused'], Next: 'Refused' }], End: true },
          Refused: { Type: 'Pass', End: true },
        },
      }),
    }).stateMachineArn;
    const run = async (input: object) => {
      const { executionArn } = engine.startExecution({ stateMachineArn: arn, input: JSON.stringify(input) });
      return engine.awaitExecution(executionArn, new AbortController().signal);
    };
    const ok = await run({ x: 1 });
    expect(JSON.parse(ok.output!).Payload).toMatchObject({ who: expect.any(String), event: { x: 1 } });
    const refused = await run({ fail: 'no funds' });
    expect(JSON.parse(refused.output!)).toMatchObject({ Error: 'PaymentRefused' });
    expect(JSON.parse(JSON.parse(refused.output!).Cause)).toMatchObject({ errorType: 'PaymentRefused', errorMessage: 'no funds' });
    engine.close();
  });
});
