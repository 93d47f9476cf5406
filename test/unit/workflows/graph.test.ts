import { Stack } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Pass, StateGraph, StateMachine, StateMachineFragment, type IChainable, type INextable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { campaignWorkflow } from '../../../workflows/campaign.js';
import { CALLBACK_WAIT_DAYS, deployWorkflow, implementWorkflow, intakeWorkflow, reviewWorkflow, surveyWorkflow } from '../../../workflows/phases.js';

const stack = new Stack();
const fn = (name: string) => LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:123456789012:function:${name}`);
const machineRef = (name: string) => StateMachine.fromStateMachineArn(stack, name, `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`);
const table = Table.fromTableName(stack, 'Table', 'nuanliu');

/** A Task's Resource with CloudFormation's partition filled in, as deploy would. */
const resource = (state: { Resource: unknown }): string => {
  const r = state.Resource as string | { 'Fn::Join': [string, unknown[]] };
  return typeof r === 'string' ? r : r['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'aws')).join('');
};

/** Renders a chain's States Language without synthesizing a stack. */
function render(chain: IChainable): { StartAt: string; States: Record<string, any> } {
  return stack.resolve(new StateGraph(chain.startState, 'test').toGraphJson());
}

describe('campaign workflow', () => {
  const graph = render(
    campaignWorkflow(stack, {
      table,
      gate: fn('gate'),
      phases: { survey: machineRef('survey'), deploy: machineRef('deploy'), implement: machineRef('implement'), review: machineRef('review') },
    }),
  );

  it('waits at a gate for the coordinator before each of the four phases, in order', () => {
    expect(graph.StartAt).toBe('Await survey');
    const order: string[] = [];
    for (let name: string | undefined = graph.StartAt; name; name = graph.States[name].Next) order.push(name);
    expect(order.filter((n) => n.startsWith('Await ') || n.startsWith('Run '))).toEqual([
      'Await survey', 'Run survey', 'Await deploy', 'Run deploy', 'Await implement', 'Run implement', 'Await review', 'Run review',
    ]);
    expect(graph.States['Campaign complete'].Type).toBe('Succeed');
  });

  it('keeps the gate task token server-side: the gate function receives it, with a long timeout', () => {
    const gate = graph.States['Await deploy'];
    expect(resource(gate)).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(gate.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(gate.TimeoutSeconds).toBe(365 * 24 * 3600);
  });

  it('runs each phase as a nested workflow with .sync:2', () => {
    for (const phase of ['survey', 'deploy', 'implement', 'review']) {
      expect(resource(graph.States[`Run ${phase}`])).toMatch(/states:startExecution\.sync:2$/);
    }
  });

  it('returns a phase whose workflow fails (a rejected deployment, a step that gave up) to its own gate, marked failed', () => {
    for (const phase of ['survey', 'deploy', 'implement', 'review']) {
      expect(graph.States[`Run ${phase}`].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: `$.failures.${phase}`, Next: `Mark ${phase} failed` }]);
      expect(graph.States[`Mark ${phase} failed`].Next).toBe(`Await ${phase}`);
    }
  });

  it('records phase status with direct DynamoDB updates, not Lambdas', () => {
    expect(resource(graph.States['Mark implement running'])).toMatch(/dynamodb:updateItem$/);
    expect(resource(graph.States['Mark campaign done'])).toMatch(/dynamodb:updateItem$/);
  });
});

describe('phase workflows', () => {
  const intakeGraph = render(intakeWorkflow(stack, { prepare: fn('intake-prepare'), batch: fn('intake-batch'), finish: fn('intake-finish'), failure: fn('intake-failure') }));

  describe('deploy: every unit\'s list through its approval chain', () => {
    const graph = render(deployWorkflow(stack, { approval: fn('approval') }));
    const chain = graph.States['Unit lists'].ItemProcessor.States['Approve in order'];
    const step = chain.ItemProcessor.States;

    it('reads the chains, then runs the units at once and each chain\'s steps in order', () => {
      expect(graph.StartAt).toBe('Read approval chains');
      expect(graph.States['Read approval chains'].Next).toBe('Unit lists');
      expect(graph.States['Unit lists'].ItemsPath).toBe('$.chains.units');
      expect(graph.States['Unit lists'].ItemSelector).toMatchObject({ round: 1, 'unit.$': '$$.Map.Item.Value.unit' });
      // A district's units (24 in Minhang) all at once: no list waits for another unit's approvers.
      expect(graph.States['Unit lists'].MaxConcurrency).toBe(40);
      expect(chain.MaxConcurrency).toBe(1);
      expect(chain.ItemSelector).toMatchObject({ 'step.$': 'States.MathAdd($$.Map.Item.Index, 1)', 'config.$': '$$.Map.Item.Value' });
      expect(chain.ItemProcessor.StartAt).toBe('Plan approval step');
    });

    it('waits on a task token, reminds at the reminder point, then escalates at the deadline (TimeoutSecondsPath)', () => {
      expect(step['Plan approval step'].ResultPath).toBe('$.deadline');
      expect(step['Plan approval step'].Next).toBe('Request approval');
      for (const name of ['Request approval', 'Remind approvers', 'Escalate to deputy']) {
        expect(resource(step[name])).toMatch(/lambda:invoke\.waitForTaskToken$/);
        expect(step[name].Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
        expect(step[name].Retry[0].ErrorEquals).toContain('Lambda.ServiceException');
        expect(step[name].End).toBe(true);
        expect(step[name].Catch).toContainEqual({ ErrorEquals: ['AlreadyDecided'], ResultPath: null, Next: 'Apply recorded decision' });
      }
      expect(step['Request approval'].TimeoutSecondsPath).toBe('$.deadline.reminderSeconds');
      expect(step['Request approval'].Catch[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Remind approvers' });
      expect(step['Remind approvers'].TimeoutSecondsPath).toBe('$.deadline.escalateSeconds');
      expect(step['Remind approvers'].Catch[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Escalate to deputy' });
      expect(step['Escalate to deputy'].TimeoutSeconds).toBe(14 * 24 * 3600);
      expect(step['Escalate to deputy'].Catch).toHaveLength(1);
    });

    it('sends a rejected or returned list back to the unit, then starts the chain again one round on', () => {
      expect(chain.Catch).toEqual([{ ErrorEquals: ['Rejected', 'Returned'], ResultPath: '$.sentBack', Next: 'Await resubmission' }]);
      const states = graph.States['Unit lists'].ItemProcessor.States;
      expect(resource(states['Await resubmission'])).toMatch(/lambda:invoke\.waitForTaskToken$/);
      expect(states['Await resubmission'].Next).toBe('Start next round');
      expect(states['Start next round'].Parameters['round.$']).toBe('States.MathAdd($.round, 1)');
      expect(states['Start next round'].Next).toBe('Approve in order');
    });

    it('passes the list through a posting fragment before the final step, when given one', () => {
      const seam = new Stack();
      const posting = new (class extends StateMachineFragment {
        readonly startState: State;
        readonly endStates: INextable[];
        constructor() {
          super(seam, 'Posting');
          const post = new Pass(this, 'Post list');
          this.startState = post;
          this.endStates = [post];
        }
      })();
      const withPosting = stack.resolve(new StateGraph(deployWorkflow(seam, { approval: LambdaFunction.fromFunctionArn(seam, 'a', 'arn:aws:lambda:us-east-1:123456789012:function:a'), beforeFinalStep: posting }).startState, 't').toGraphJson());
      const processor = withPosting.States['Unit lists'].ItemProcessor.States['Approve in order'].ItemProcessor;
      expect(processor.StartAt).toBe('Final step?');
      expect(processor.States['Final step?'].Choices[0]).toEqual({ Variable: '$.step', NumericEqualsPath: '$.steps', Next: 'Post list' });
      expect(processor.States['Final step?'].Default).toBe('Plan approval step');
      expect(processor.States['Post list'].Next).toBe('Plan approval step');
    });
  });

  it('implement: Plan answers batch numbers only; a distributed Map pays them, ten to a child execution, each retried on transient faults and on a lost sandbox', () => {
    const graph = render(implementWorkflow(stack, { plan: fn('plan'), pay: fn('pay') }));
    const order: string[] = [];
    for (let name: string | undefined = graph.StartAt; name; name = graph.States[name].Next) order.push(name);
    expect(order).toEqual(['Plan payments', 'Pay batches']);
    const plan = graph.States['Plan payments'];
    expect(resource(plan)).toMatch(/:function:plan$/);
    // The plan is recorded with the execution whose batches' tallies show its progress.
    expect(plan.Parameters).toEqual({ 'campaignId.$': '$.campaignId', 'executionId.$': '$$.Execution.Id' });
    expect(plan.ResultPath).toBe('$.planned');

    const pay = graph.States['Pay batches'];
    expect(pay.Type).toBe('Map');
    expect(pay.ItemsPath).toBe('$.planned.batches');
    expect(pay.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    // Every payment names the implement execution, not the child that made it.
    expect(pay.ItemBatcher).toEqual({ MaxItemsPerBatch: 10, BatchInput: { 'campaignId.$': '$.campaignId', 'executionId.$': '$$.Execution.Id' } });
    expect(pay.MaxConcurrency).toBe(4);
    expect(pay.ResultPath).toBeNull();
    expect(pay.End).toBe(true);
    const batch = pay.ItemProcessor.States[pay.ItemProcessor.StartAt];
    expect(resource(batch)).toMatch(/:function:pay$/);
    expect(batch.Parameters).toEqual({ 'campaignId.$': '$.BatchInput.campaignId', 'batches.$': '$.Items', 'executionId.$': '$.BatchInput.executionId' });
    expect(batch.End).toBe(true);
    for (const state of [plan, batch]) {
      expect(state.Retry).toEqual([
        { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
        // Both are idempotent: retried when the function dies or times out, even after its writes.
        { ErrorEquals: ['Lambda.Unknown', 'Runtime.ExitError', 'Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
      ]);
      // Never on the function's own errors: those fail the step.
      expect(state.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals)).not.toContain('States.ALL');
      expect(state.Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals)).not.toContain('States.TaskFailed');
    }
  });

  it('survey closes with de-duplication and the coverage check in one step, then the removal of rejected rows, then the summary, each keeping the campaign id, the summary given the de-duplication counts', () => {
    const graph = render(surveyWorkflow(stack, { checks: fn('checks'), rejectedRows: fn('rejected-rows'), summary: fn('summary') }));
    const order: string[] = [];
    for (let name: string | undefined = graph.StartAt; name; name = graph.States[name].Next) order.push(name);
    expect(order).toEqual(['Check the register', 'Remove rejected rows', 'Summarize survey']);
    expect(graph.States['Check the register'].ResultPath).toBe('$.checks');
    expect(graph.States['Remove rejected rows'].ResultPath).toBe('$.rejectedRows');
    expect(graph.States['Summarize survey'].End).toBe(true);
    const steps = order.map((name) => graph.States[name]);
    expect(steps.map((state) => state.Type)).toEqual(['Task', 'Task', 'Task']);
    expect(steps.map((state) => resource(state))).toEqual(['checks', 'rejected-rows', 'summary'].map((f) => expect.stringMatching(new RegExp(`:function:${f}$`))));
    for (const state of steps) {
      const dedup = state === graph.States['Summarize survey'] ? { 'dedup.$': '$.checks.dedup' } : {};
      expect(state.Parameters).toEqual({ 'campaignId.$': '$.campaignId', ...dedup });
      expect(state.Retry[0].MaxAttempts).toBe(6);
    }
  });

  it('intake: Prepare, then a distributed Map over the batch numbers, ten to a child execution, then Finish', () => {
    const graph = intakeGraph;
    const order: string[] = [];
    for (let name: string | undefined = graph.StartAt; name; name = graph.States[name].Next) order.push(name);
    expect(order).toEqual(['Prepare intake', 'Store batches', 'Finish intake']);

    const upload = { 'campaignId.$': '$.campaignId', 'uploadId.$': '$.uploadId' };
    const prepare = graph.States['Prepare intake'];
    expect(resource(prepare)).toMatch(/:function:intake-prepare$/);
    expect(prepare.Parameters).toEqual(upload);
    // Prepare's answer (the batch numbers only) goes beside the input, which the Map and Finish read.
    expect(prepare.ResultPath).toBe('$.prepared');

    const map = graph.States['Store batches'];
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.prepared.batches');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemBatcher).toEqual({ MaxItemsPerBatch: 10, BatchInput: upload });
    expect(map.MaxConcurrency).toBe(4);
    // The children's results are dropped: the parent's payload stays small whatever the file's size.
    expect(map.ResultPath).toBeNull();
    const batch = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(resource(batch)).toMatch(/:function:intake-batch$/);
    expect(batch.Parameters).toEqual({ 'campaignId.$': '$.BatchInput.campaignId', 'uploadId.$': '$.BatchInput.uploadId', 'batches.$': '$.Items' });
    expect(batch.End).toBe(true);

    const finish = graph.States['Finish intake'];
    expect(resource(finish)).toMatch(/:function:intake-finish$/);
    expect(finish.Parameters).toEqual(upload);
    expect(finish.End).toBe(true);
    for (const state of [prepare, batch, finish]) {
      expect(state.Retry).toEqual([
        { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
      ]);
    }
  });

  it('intake: a failure of Prepare, the Map or Finish is caught, cleaned up for its attempt, and ends the execution failed', () => {
    const graph = intakeGraph;
    for (const name of ['Prepare intake', 'Store batches', 'Finish intake']) {
      expect(graph.States[name].Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Clean up failed intake' }]);
    }
    // Not inside the Map's children: a batch that fails fails its child, then the Map, which is caught.
    const map = graph.States['Store batches'];
    expect(map.ItemProcessor.States[map.ItemProcessor.StartAt].Catch).toBeUndefined();

    const cleanUp = graph.States['Clean up failed intake'];
    expect(resource(cleanUp)).toMatch(/:function:intake-failure$/);
    expect(cleanUp.Parameters).toEqual({ 'campaignId.$': '$.campaignId', 'uploadId.$': '$.uploadId', 'attempt.$': '$.attempt', 'error.$': '$.error' });
    expect(cleanUp.Retry[0].ErrorEquals).toContain('Lambda.ServiceException');
    // Its own answer is dropped: the Fail state reads the caught error.
    expect(cleanUp.ResultPath).toBeNull();
    expect(cleanUp.Catch).toBeUndefined();
    expect(graph.States[cleanUp.Next]).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', Cause: expect.stringContaining('Intake failed') });
  });

  it('review commits the seed, draws with it, waits for the callbacks to end, then summarises the campaign, each retried on transient faults', () => {
    const graph = render(reviewWorkflow(stack, { sampling: fn('sampling'), summary: fn('campaign-summary') }));
    expect(graph.StartAt).toBe('Commit sampling seed');
    const commit = graph.States['Commit sampling seed'];
    expect(commit.Parameters).toEqual({ action: 'commit', 'campaignId.$': '$.campaignId' });
    expect(commit.ResultPath).toBe('$.commitment');
    expect(commit.Next).toBe('Draw callback sample');
    const draw = graph.States['Draw callback sample'];
    expect(draw.Parameters).toEqual({ action: 'draw', 'campaignId.$': '$.campaignId' });
    expect(draw.Next).toBe('Await callbacks');
    const wait = graph.States['Await callbacks'];
    expect(resource(wait)).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.Parameters.Payload).toEqual({ action: 'await', 'campaignId.$': '$.campaignId', 'taskToken.$': '$$.Task.Token' });
    expect(wait.TimeoutSeconds).toBe(CALLBACK_WAIT_DAYS * 24 * 3600);
    expect(wait.Next).toBe('Summarise campaign');
    const last = graph.States['Summarise campaign'];
    expect(last.End).toBe(true);
    expect(resource(last)).toMatch(/:function:campaign-summary$/);
    expect(last.Parameters).toEqual({ 'campaignId.$': '$.campaignId' });
    for (const state of [commit, draw, wait, last]) expect(state.Retry[0].MaxAttempts).toBe(6);
  });
});
