import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Chain, JsonPath, Succeed, type IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoUpdateItem } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Phase } from '../functions/core/phases.js';
import { campaignKey } from './keys.js';
import { PhaseStep } from './phase-step.js';

export interface CampaignWorkflowProps {
  table: ITable;
  gate: IFunction;
  phases: Record<Phase, IStateMachine>;
}

/**
 * A whole campaign: 排摸, 部署, 实施, 回访, each started by the coordinator and run as its
 * own workflow. A phase that fails (a rejected approval, a step that gives up) returns to its gate.
 */
export function campaignWorkflow(scope: Construct, props: CampaignWorkflowProps) {
  const step = (phase: Phase) =>
    new PhaseStep(scope, `${phase} phase`, { phase, gate: props.gate, workflow: props.phases[phase], table: props.table });
  const finished = new DynamoUpdateItem(scope, 'Mark campaign done', {
    table: props.table,
    key: campaignKey(),
    updateExpression: 'SET #phase = :done, #status = :done',
    expressionAttributeNames: { '#phase': 'phase', '#status': 'phaseStatus' },
    expressionAttributeValues: { ':done': DynamoAttributeValue.fromString('done') },
    resultPath: JsonPath.DISCARD,
  });
  return Chain.start(step('survey')).next(step('deploy')).next(step('implement')).next(step('review')).next(finished).next(new Succeed(scope, 'Campaign complete'));
}
