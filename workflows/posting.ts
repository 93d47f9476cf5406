import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { JsonPath, StateMachineFragment, TaskInput, Wait, WaitTime, type INextable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { TRANSIENT_RETRY } from './phase-step.js';

export interface PostingProps {
  open: IFunction;
  close: IFunction;
  /** Where the input names the campaign and the unit whose list is posted. */
  campaignIdPath?: string;
  unitPath?: string;
  /** Where the posting's result goes; the rest of the input passes through. */
  resultPath?: string;
}

/**
 * 张榜公示 before a unit's final approval: open the posting (its end is N days after the step
 * was entered, N the campaign's posting period), wait until that end, then close it.
 *
 * In: `$.campaignId`, `$.unit` (paths configurable). Out: the input, with at `$.posting`
 * `{postingId, unit, endsAt, approvable, held, removed}`: counts only; the held and removed line
 * keys are recorded on the posting. Lines still held by open objections at the end stay held:
 * the final approval goes ahead for the list, and those lines wait for the reviewer.
 */
export class PostingFragment extends StateMachineFragment {
  readonly startState: State;
  readonly endStates: INextable[];

  constructor(scope: Construct, id: string, props: PostingProps) {
    super(scope, id);
    const resultPath = props.resultPath ?? '$.posting';
    const open = new LambdaInvoke(this, 'Open posting', {
      lambdaFunction: props.open,
      payload: TaskInput.fromObject({
        campaignId: JsonPath.stringAt(props.campaignIdPath ?? '$.campaignId'),
        unit: JsonPath.stringAt(props.unitPath ?? '$.unit'),
        openedAt: JsonPath.stringAt('$$.State.EnteredTime'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
    }).addRetry(TRANSIENT_RETRY);
    const wait = new Wait(this, 'Wait for posting to end', { time: WaitTime.timestampPath(`${resultPath}.endsAt`) });
    const close = new LambdaInvoke(this, 'Close posting', {
      lambdaFunction: props.close,
      payload: TaskInput.fromObject({ postingId: JsonPath.stringAt(`${resultPath}.postingId`) }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
    }).addRetry(TRANSIENT_RETRY);
    open.next(wait).next(close);
    this.startState = open;
    this.endStates = [close];
  }
}
