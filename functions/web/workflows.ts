import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { attemptOf, type Upload } from '../data/uploads.js';
import type { AppDeps } from './context.js';

/** An execution's ARN from its state machine's ARN and its name (as AWS builds it). */
export const executionArnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * One intake execution per attempt at an upload (campaign, upload, attempt): the same name every
 * time, so each attempt starts once (on AWS a name is taken for 90 days). Attempt 1 keeps the name
 * executions had before attempts were counted.
 */
export function intakeExecutionName(campaignId: string, uploadId: string, attempt: number): string {
  const name = `intake-${createHash('sha256').update(`${campaignId}/${uploadId}`).digest('hex').slice(0, 48)}`;
  return attempt === 1 ? name : `${name}-${attempt}`;
}

const isNamed = (err: unknown, ...names: string[]) => err instanceof Error && names.includes(err.name);

/** Starts the campaign's workflow; named by the campaign id, so a retry cannot start a second. */
export async function startCampaignWorkflow(deps: AppDeps, campaignId: string): Promise<string> {
  const name = campaignId;
  try {
    const { executionArn } = await deps.sfn.send(
      new StartExecutionCommand({ stateMachineArn: deps.campaignWorkflowArn, name, input: JSON.stringify({ campaignId }) }),
    );
    return executionArn!;
  } catch (err) {
    if (isNamed(err, 'ExecutionAlreadyExists')) return executionArnOf(deps.campaignWorkflowArn, name);
    throw err;
  }
}

/** Starts an attempt at intake of an upload; an execution already started for it (running or ended) is left alone. */
export async function startIntake(deps: AppDeps, campaignId: string, uploadId: string, attempt: number): Promise<void> {
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.intakeWorkflowArn,
        name: intakeExecutionName(campaignId, uploadId, attempt),
        input: JSON.stringify({ campaignId, uploadId, attempt }),
      }),
    );
  } catch (err) {
    if (!isNamed(err, 'ExecutionAlreadyExists')) throw err;
  }
}

/** How the latest attempt at intake of an upload stands on the workflow side; undefined if it has not started. */
export async function intakeStatus(deps: AppDeps, upload: Pick<Upload, 'campaignId' | 'id' | 'attempt'>): Promise<string | undefined> {
  const name = intakeExecutionName(upload.campaignId, upload.id, attemptOf(upload));
  try {
    const x = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(deps.intakeWorkflowArn, name) }));
    return x.status;
  } catch (err) {
    if (isNamed(err, 'ExecutionDoesNotExist')) return undefined;
    throw err;
  }
}

/**
 * Completes a waiting task. 'closed' when the task no longer waits (timed out, already
 * answered, or its execution ended): the caller tells the person; other faults are thrown.
 */
export async function completeTask(
  deps: AppDeps,
  taskToken: string,
  outcome: { output: unknown } | { error: string; cause: string },
): Promise<'sent' | 'closed'> {
  try {
    if ('output' in outcome) await deps.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome.output) }));
    else await deps.sfn.send(new SendTaskFailureCommand({ taskToken, error: outcome.error, cause: outcome.cause }));
    return 'sent';
  } catch (err) {
    if (isNamed(err, 'TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken')) return 'closed';
    throw err;
  }
}

/** The execution's history without payloads (they hold task tokens), oldest first. */
export async function executionHistory(deps: AppDeps, executionArn: string, limit = 2000): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && events.length < limit);
  return events;
}
