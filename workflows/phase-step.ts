import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { IntegrationPattern, JsonPath, StateMachineFragment, TaskInput, Timeout, type INextable, type IStateMachine, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoUpdateItem, LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Phase } from '../functions/core/phases.js';
import { campaignKey } from './keys.js';

export interface PhaseStepProps {
  phase: Phase;
  gate: IFunction;
  workflow: IStateMachine;
  table: ITable;
}

/**
 * One phase of a campaign: wait for the coordinator to start it (a task token the gate
 * function keeps server-side), then run the phase's own workflow to completion (.sync:2).
 */
export class PhaseStep extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];

  constructor(scope: Construct, id: string, props: PhaseStepProps) {
    super(scope, id);
    const { phase, table } = props;
    const setStatus = (name: string, status: string) =>
      new DynamoUpdateItem(this, name, {
        table,
        key: campaignKey(),
        updateExpression: 'SET #phase = :phase, #status = :status',
        expressionAttributeNames: { '#phase': 'phase', '#status': 'phaseStatus' },
        expressionAttributeValues: { ':phase': DynamoAttributeValue.fromString(phase), ':status': DynamoAttributeValue.fromString(status) },
        resultPath: JsonPath.DISCARD,
      });

    const gate = new LambdaInvoke(this, `Await ${phase}`, {
      lambdaFunction: props.gate,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ campaignId: JsonPath.stringAt('$.campaignId'), phase, taskToken: JsonPath.taskToken }),
      resultPath: JsonPath.DISCARD,
      // A campaign runs for months; a gate waits up to a year for its coordinator.
      taskTimeout: Timeout.duration(Duration.days(365)),
    });
    const run = new StepFunctionsStartExecution(this, `Run ${phase}`, {
      stateMachine: props.workflow,
      integrationPattern: IntegrationPattern.RUN_JOB,
      associateWithParent: true,
      input: TaskInput.fromObject({ campaignId: JsonPath.stringAt('$.campaignId') }),
      resultSelector: { executionArn: JsonPath.stringAt('$.ExecutionArn') },
      resultPath: `$.phases.${phase}`,
    });
    const done = setStatus(`Mark ${phase} done`, 'done');
    // A phase whose workflow fails (an approver rejects, a step gives up) waits at its gate again:
    // every step is safe to repeat, so the coordinator may start it again.
    run.addCatch(setStatus(`Mark ${phase} failed`, 'failed').next(gate), { resultPath: `$.failures.${phase}` });
    gate.next(setStatus(`Mark ${phase} running`, 'running')).next(run).next(done);
    this.startState = gate;
    this.endStates = [done];
  }
}

/** The retry every Lambda step gets for transient faults (not for its own errors). */
export const TRANSIENT_RETRY = {
  errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
};

/**
 * The retry of an idempotent Lambda step whose sandbox was lost: the function died (crash, out of
 * memory) or timed out, perhaps after its writes and before its answer. AWS reports these as
 * Lambda.Unknown (Step Functions' name for unhandled Lambda errors), or by the runtime's own
 * errorType: Runtime.ExitError (the process exited), Sandbox.Timedout (the function's timeout);
 * the local Lambda host reports the last two. Only for steps whose effects are conditional writes
 * (a repeat changes nothing), never for a function's own errors.
 */
export const SANDBOX_LOST_RETRY = {
  errors: ['Lambda.Unknown', 'Runtime.ExitError', 'Sandbox.Timedout'],
  interval: Duration.seconds(1),
  maxAttempts: 3,
  backoffRate: 2,
};
