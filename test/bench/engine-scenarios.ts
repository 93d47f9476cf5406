/**
 * One benchmark run in a fresh process (so peak RSS is its own):
 *   node --import tsx test/bench/engine-scenarios.ts <loop|map> <nuanliu|aws-local-stepfunctions> <durable|memory> [items]
 * Prints one JSON line: { ms, units, maxRssMb }.
 */
import fs from 'node:fs';
import { tempDir, fnArn } from '../support/engine.js';
import { Engine } from '../../infra/local/stepfunctions/engine.js';
import { LambdaRegistry } from '../../infra/local/stepfunctions/integrations/lambda.js';

const [scenario, engineName, mode, itemsArg] = process.argv.slice(2);
const LOOP_ITERATIONS = 50_000; // two transitions each (Choice + Pass): 100,000 in all
const items = Number(itemsArg ?? 10_000);

/** A Pass/Choice loop: Init, then (Loop, Increment) x N, then Loop and Done. */
const loop = {
  StartAt: 'Init',
  States: {
    Init: { Type: 'Pass', Result: { i: 0 }, Next: 'Loop' },
    Loop: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericGreaterThanEquals: LOOP_ITERATIONS, Next: 'Done' }], Default: 'Increment' },
    Increment: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Loop' },
    Done: { Type: 'Succeed' },
  },
};
const loopTransitions = 1 + LOOP_ITERATIONS * 2 + 2;

/** A Map over `items` numbers, each iteration calling a trivial function. */
const map = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map', MaxConcurrency: 0,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Call', States: { Call: { Type: 'Task', Resource: fnArn('trivial'), End: true } } },
      ResultSelector: { 'count.$': 'States.ArrayLength($)' },
      End: true,
    },
  },
};
const trivial = async (n: number) => n + 1;
const definition = scenario === 'loop' ? loop : map;
const input = scenario === 'loop' ? {} : Array.from({ length: items }, (_, i) => i % 10);
const units = scenario === 'loop' ? loopTransitions : items;

async function runNuanliu(): Promise<unknown> {
  const dataDir = mode === 'durable' ? tempDir('nuanliu-bench-') : undefined;
  const lambda = new LambdaRegistry();
  lambda.register('trivial', trivial);
  const engine = new Engine({ dataDir, lambda }).start();
  // EXPRESS: AWS caps a Standard execution's history at 25,000 events, below these sizes.
  const { stateMachineArn } = engine.createStateMachine({ name: 'bench', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/bench', type: 'EXPRESS' });
  const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  const done = await engine.awaitExecution(executionArn, new AbortController().signal);
  engine.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (done.status !== 'SUCCEEDED') throw new Error(`${done.status}: ${done.error} ${done.cause}`);
  return JSON.parse(done.output!);
}

async function runAwsLocalStepFunctions(): Promise<unknown> {
  // aws-local-stepfunctions needs Promise.withResolvers, which Node 20 lacks.
  (Promise as any).withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: false } });
  const execution = machine.run(input, { overrides: { taskResourceLocalHandlers: { Call: trivial as never } } });
  return execution.result;
}

const started = performance.now();
const output = engineName === 'nuanliu' ? await runNuanliu() : await runAwsLocalStepFunctions();
const ms = performance.now() - started;
const expected = scenario === 'loop' ? { i: LOOP_ITERATIONS } : { count: items };
if (JSON.stringify(output) !== JSON.stringify(expected)) throw new Error(`wrong output ${JSON.stringify(output)}`);
console.log(JSON.stringify({ ms, units, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
