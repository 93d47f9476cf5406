import { Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Pass, StateGraph } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { PostingFragment } from '../../../workflows/posting.js';
import { TRANSIENT_RETRY } from '../../../workflows/phase-step.js';

const fn = (stack: Stack, name: string) => LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);

function render(props: Partial<ConstructorParameters<typeof PostingFragment>[2]> = {}) {
  const stack = new Stack();
  const fragment = new PostingFragment(stack, 'Posting', { open: fn(stack, 'open'), close: fn(stack, 'close'), ...props });
  const chain = fragment.next(new Pass(stack, 'Final approval'));
  return stack.resolve(new StateGraph(chain.startState, 'test').toGraphJson()) as { StartAt: string; States: Record<string, any> };
}

describe('the posting fragment', () => {
  const graph = render();

  it('opens with the time the step was entered, waits until the posting ends, then closes and goes on', () => {
    expect(graph.StartAt).toBe('Open posting');
    const open = graph.States['Open posting'];
    expect(open.Parameters).toEqual({ 'campaignId.$': '$.campaignId', 'unit.$': '$.unit', 'openedAt.$': '$$.State.EnteredTime' });
    expect(open.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:open');
    expect(open.ResultPath).toBe('$.posting');
    expect(open.Next).toBe('Wait for posting to end');
    expect(graph.States['Wait for posting to end']).toEqual({ Type: 'Wait', TimestampPath: '$.posting.endsAt', Next: 'Close posting' });
    const close = graph.States['Close posting'];
    expect(close.Parameters).toEqual({ 'postingId.$': '$.posting.postingId' });
    expect(close.ResultPath).toBe('$.posting');
    expect(close.Next).toBe('Final approval');
  });

  it('retries both steps on transient Lambda faults only', () => {
    for (const name of ['Open posting', 'Close posting']) {
      expect(graph.States[name].Retry).toEqual([
        { ErrorEquals: TRANSIENT_RETRY.errors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
      ]);
    }
  });

  it('reads the campaign and unit, and writes its result, where the chain says', () => {
    const custom = render({ campaignIdPath: '$.id', unitPath: '$.list.unit', resultPath: '$.lists.posting' });
    expect(custom.States['Open posting'].Parameters).toMatchObject({ 'campaignId.$': '$.id', 'unit.$': '$.list.unit' });
    expect(custom.States['Wait for posting to end'].TimestampPath).toBe('$.lists.posting.endsAt');
    expect(custom.States['Close posting'].Parameters).toEqual({ 'postingId.$': '$.lists.posting.postingId' });
  });
});
