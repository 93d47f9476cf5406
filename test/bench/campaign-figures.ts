// What `npm run bench` measures besides wall time: state transitions of every execution, Lambda
// invocations and their durations, and what AWS would charge for them at published prices.
import { ListExecutionsCommand, ListMapRunsCommand, ListStateMachinesCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { LambdaHost } from '../../infra/local/lambda-host.js';
import { historyOf } from './measure.js';

/**
 * On-demand list prices, US East (N. Virginia), in USD, as published in 2025 on
 * aws.amazon.com/step-functions/pricing (Standard workflows), aws.amazon.com/lambda/pricing (x86,
 * first tier) and aws.amazon.com/dynamodb/pricing/on-demand (after the November 2024 cut). The
 * China regions bill in CNY at other rates; the estimate is an order of magnitude, not a quote.
 */
export const AWS_PRICES_USD = {
  stepFunctionsPer1000Transitions: 0.025,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000166667,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
} as const;


async function executionsOf(sfn: SFNClient, by: { stateMachineArn: string } | { mapRunArn: string }): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ ...by, maxResults: 1000, nextToken }));
    arns.push(...page.executions!.map((e) => e.executionArn!));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/**
 * States entered (what AWS bills as transitions) in every execution of every state machine, and in
 * every child execution of their distributed Map runs; per state machine.
 */
export async function stateTransitions(sfn: SFNClient) {
  const entered = (events: HistoryEvent[]) => events.filter((e) => e.type!.endsWith('StateEntered')).length;
  const byMachine: Record<string, number> = {};
  let executions = 0;
  let total = 0;
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!;
  for (const machine of machines) {
    const name = machine.name!.replace(/[A-F0-9]{8,}$/i, '').replace(/-$/, '');
    for (const arn of await executionsOf(sfn, { stateMachineArn: machine.stateMachineArn! })) {
      const counts = [entered(await historyOf(sfn, arn))];
      for (const run of (await sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns ?? []) {
        for (const child of await executionsOf(sfn, { mapRunArn: run.mapRunArn! })) {
          executions++;
          counts.push(entered(await historyOf(sfn, child)));
        }
      }
      executions++;
      const sum = counts.reduce((a, b) => a + b, 0);
      byMachine[name] = (byMachine[name] ?? 0) + sum;
      total += sum;
    }
  }
  return { total, executions, byMachine };
}

/** Counts invocations and their durations per function, from here on (bench instrumentation, not the product's). */
export function meterLambda(host: LambdaHost) {
  const calls = new Map<string, { count: number; ms: number }>();
  const invoke = host.invoke.bind(host);
  host.invoke = async (functionName, payload, signal) => {
    const started = performance.now();
    try {
      return await invoke(functionName, payload, signal);
    } finally {
      const name = functionName.split(':').pop()!;
      const entry = calls.get(name) ?? { count: 0, ms: 0 };
      entry.count++;
      // AWS bills each invocation's duration rounded up to the millisecond.
      entry.ms += Math.ceil(performance.now() - started);
      calls.set(name, entry);
    }
  };
  return () => {
    let requests = 0;
    let gbSeconds = 0;
    for (const [name, { count, ms }] of calls) {
      requests += count;
      gbSeconds += (ms / 1000) * ((host.configOf(name)?.memoryMb ?? 128) / 1024);
    }
    return { requests, gbSeconds };
  };
}

export interface Usage {
  transitions: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  writeUnits: number;
  readUnits: number;
}

/** The usage at AWS_PRICES_USD, per service and in all, in USD. */
export function awsCost(u: Usage) {
  const p = AWS_PRICES_USD;
  const stepFunctions = (u.transitions / 1000) * p.stepFunctionsPer1000Transitions;
  const lambda = (u.lambdaRequests / 1e6) * p.lambdaPerMillionRequests + u.lambdaGbSeconds * p.lambdaPerGbSecond;
  const dynamodb = (u.writeUnits / 1e6) * p.dynamoPerMillionWriteUnits + (u.readUnits / 1e6) * p.dynamoPerMillionReadUnits;
  const round = (x: number) => +x.toFixed(4);
  return { stepFunctions: round(stepFunctions), lambda: round(lambda), dynamodb: round(dynamodb), total: round(stepFunctions + lambda + dynamodb) };
}
