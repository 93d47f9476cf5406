import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { NuanliuStack } from '../../../infra/stack.js';

const smtp = { host: 'smtp.example.com', port: 465, secure: true, from: 'nuanliu <noreply@example.com>' };

/** Synthesizes the stack without bundling the functions (their code is not what these tests check). */
function synth(nag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new NuanliuStack(app, 'Nuanliu', { smtp });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('the stack', () => {
  let template: Template;
  let policies: Record<string, { Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] } }>;
  beforeAll(() => {
    template = Template.fromStack(synth().stack);
    policies = template.findResources('AWS::IAM::Policy') as never;
  });

  const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
  const tableActionsOfFunction = (logicalPrefix: string) => {
    const entry = Object.entries(policies).find(([id]) => id.startsWith(`${logicalPrefix}ServiceRoleDefaultPolicy`));
    expect(entry, `policy of ${logicalPrefix}`).toBeDefined();
    return [...new Set(entry![1].Properties.PolicyDocument.Statement.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:')))];
  };

  it('keeps the table with point-in-time recovery and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('indexes beneficiaries by unit, and lets only the approval, posting and web functions query that index, and only query it', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [{
        IndexName: 'unitList', KeySchema: [{ AttributeName: 'unitList', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['name', 'amountFen']) },
      }],
    });
    const held = Object.values(template.findResources('AWS::DynamoDB::Table'))[0].Properties.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes;
    expect(held.filter((a: string) => ['phone', 'sealedId', 'sealedAccount', 'accountDigest'].includes(a))).toEqual([]);
    const onIndex = Object.entries(policies).flatMap(([id, p]) => p.Properties.PolicyDocument.Statement
      .filter((s) => JSON.stringify((s as { Resource?: unknown }).Resource).includes('/index/'))
      .map((s) => [id.replace(/ServiceRoleDefaultPolicy.*$/, ''), JSON.stringify((s as { Resource?: unknown }).Resource).includes('/index/unitList'), actionsOf(s)]));
    expect(onIndex.sort()).toEqual([
      ['ApprovalFunction', true, ['dynamodb:Query']],
      ['HttpFunction', true, ['dynamodb:Query']],
      ['PostingOpenFunction', true, ['dynamodb:Query']],
    ]);
  });

  it('grants no wildcard actions anywhere on the table', () => {
    for (const policy of Object.values(policies)) {
      for (const action of policy.Properties.PolicyDocument.Statement.flatMap(actionsOf)) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^dynamodb:\*|^dynamodb:.*\*$/);
      }
    }
  });

  it('lets the payment function only read (its batches, the people they name, the objections) and insert (PartiQL INSERT, conditional on the key): it cannot Scan, Put, Update, Delete or batch-write', () => {
    expect(tableActionsOfFunction('PaymentFunction').sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PartiQLInsert', 'dynamodb:Query']);
  });

  it('gives each function only the table actions its step uses', () => {
    expect(tableActionsOfFunction('GateFunction').sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // The payment plan writes its batches (PutItem), keys only.
    expect(tableActionsOfFunction('PaymentPlanFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    // 排摸 close: the register's checks write conflicts and the coverage report; they neither update nor delete.
    expect(tableActionsOfFunction('SurveyChecksFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(tableActionsOfFunction('SurveySummaryFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    // The approval chain opens tasks and links (PutItem) and stores each wait's token on its task (UpdateItem).
    expect(tableActionsOfFunction('ApprovalFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // Intake: Prepare writes batches and records the checked file; a batch inserts the people it
    // names, each only if new (PartiQLInsert), and reads (BatchGetItem) and updates the others:
    // every write conditional, never a blind batch write.
    expect(tableActionsOfFunction('IntakePrepareFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(tableActionsOfFunction('IntakeBatchFunction').sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PartiQLInsert', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // 回访: commits the seed and writes the lists (PutItem), records the draw and the callbacks' wait (UpdateItem).
    expect(tableActionsOfFunction('SamplingFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    // 回访's summary reads the campaign's data and stores one summary item; it changes nothing else.
    expect(tableActionsOfFunction('CampaignSummaryFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    // 排摸 close removes the rejected rows from the uploads it finds: it neither reads other items nor writes new ones.
    expect(tableActionsOfFunction('SurveyRejectedRowsFunction').sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    for (const prefix of ['GateFunction', 'IntakePrepareFunction', 'IntakeBatchFunction', 'SurveyChecksFunction', 'SurveyRejectedRowsFunction', 'SurveySummaryFunction', 'ApprovalFunction', 'PaymentPlanFunction', 'PaymentFunction', 'SamplingFunction', 'CampaignSummaryFunction', 'HttpFunction']) {
      const actions = tableActionsOfFunction(prefix);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('lets only intake\'s Finish and its failure step delete: the file\'s chunks and the batches; they cannot put or Scan', () => {
    expect(tableActionsOfFunction('IntakeFinishFunction').sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(tableActionsOfFunction('IntakeFailureFunction').sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const deleters = Object.entries(policies)
      .filter(([, p]) => p.Properties.PolicyDocument.Statement.flatMap(actionsOf).includes('dynamodb:DeleteItem'))
      .map(([id]) => id.replace(/ServiceRoleDefaultPolicy.*$/, ''))
      .sort();
    expect(deleters).toEqual(['IntakeFailureFunction', 'IntakeFinishFunction']);
  });

  it('gives intake\'s batches and Finish no secrets: only Prepare reads the key that hashes ID numbers', () => {
    const secretReaders = Object.entries(policies)
      .filter(([, p]) => p.Properties.PolicyDocument.Statement.flatMap(actionsOf).includes('secretsmanager:GetSecretValue'))
      .map(([id]) => id);
    expect(secretReaders.some((id) => id.startsWith('IntakePrepareFunction'))).toBe(true);
    expect(secretReaders.filter((id) => /^Intake(Batch|Finish|Failure)Function/.test(id))).toEqual([]);
  });

  it('runs every function on Node.js 22 with its code bundled by esbuild, without source maps to decode as it loads', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    expect(Object.keys(functions)).toHaveLength(16);
    for (const f of Object.values(functions) as { Properties: { Runtime: string; Environment?: { Variables?: Record<string, string> } } }[]) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('retries every Lambda step of every workflow on transient faults', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine') as Record<string, { Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }>;
    // Tokens become text inside their JSON strings (a function's ARN keeps its kind), then the ASL parses.
    const text = (part: unknown) => {
      if (typeof part === 'string') return part;
      const att = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return att?.[1] === 'Arn' ? `arn:aws:lambda:region:account:function:${att[0]}` : 'token';
    };
    const definitions = Object.values(machines).map((m) => JSON.parse(m.Properties.DefinitionString['Fn::Join'][1].map(text).join('')));
    const lambdaSteps: { Retry?: { ErrorEquals: string[] }[] }[] = [];
    const visit = (states: Record<string, any>) => {
      for (const state of Object.values(states)) {
        if (state.Type === 'Task' && /:lambda:invoke|:function:/.test(String(state.Resource))) lambdaSteps.push(state);
        for (const branch of state.Branches ?? []) visit(branch.States);
        if (state.ItemProcessor) visit(state.ItemProcessor.States);
      }
    };
    for (const d of definitions) visit(d.States);
    // Four gates, intake's Prepare, batch, Finish and failure clean-up, survey checks (de-dup and
    // coverage), rejected rows and summary, the approval chain's seven (chains, plan, request, reminder,
    // escalation, recorded decision, resubmission), the posting's open and close, payment plan,
    // payment, review's three (commit seed, draw, await callbacks) and the campaign summary.
    expect(lambdaSteps.length).toBe(26);
    for (const step of lambdaSteps) expect(step.Retry?.[0].ErrorEquals).toContain('Lambda.ServiceException');
  });

  it('lets intake and implement (their distributed Maps) start child executions of themselves only', () => {
    const starters = Object.entries(policies).flatMap(([id, p]) =>
      p.Properties.PolicyDocument.Statement.filter((s) => actionsOf(s).includes('states:StartExecution') && /DistributedMapPolicy/.test(id))
        .map((s) => [id.replace(/DistributedMapPolicy.*$/, ''), (s.Resource as { Ref: string }).Ref.replace(/[0-9A-F]{8}$/, '')]));
    expect(starters.sort()).toEqual([['ImplementWorkflow', 'ImplementWorkflow'], ['IntakeWorkflow', 'IntakeWorkflow']]);
  });

  it('lets the posting steps read and write only what a posting needs: no delete, no Scan, no secrets', () => {
    // Open reads the unit's list and writes it as posted, each line only if absent (PartiQLInsert).
    expect(tableActionsOfFunction('PostingOpenFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PartiQLInsert', 'dynamodb:PutItem', 'dynamodb:Query']);
    // Close reads the lines and objections and records the outcome on the posting: it writes nothing new.
    expect(tableActionsOfFunction('PostingCloseFunction').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const functions = template.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
    for (const prefix of ['PostingOpenFunction', 'PostingCloseFunction']) {
      const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix))!;
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {}).sort()).toEqual(['TABLE_NAME']);
    }
  });

  it('lets the web function end the callbacks: it may answer the review workflow\'s task tokens', () => {
    // The callback list and the follow-up cases read their people 100 to a request; a bank result file's
    // outcomes are conditional updates, 25 to a request (PartiQLUpdate); a base register's new
    // households are inserted 25 to a request (PartiQLInsert). No Scan, no delete, no batch write.
    expect(tableActionsOfFunction('HttpFunction').sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const http = Object.entries(policies).find(([id]) => id.startsWith('HttpFunctionServiceRoleDefaultPolicy'))![1];
    const answering = http.Properties.PolicyDocument.Statement.filter((s) => actionsOf(s).includes('states:SendTaskSuccess'));
    expect(JSON.stringify(answering.map((s) => s.Resource))).toContain('ReviewWorkflow');
    const review = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).find(([id]) => id.startsWith('ReviewWorkflow'))!;
    const definition = JSON.stringify(review[1]);
    expect(definition).toContain('Await callbacks');
    expect(definition).toContain(`"TimeoutSeconds\\":${120 * 24 * 3600}`);
  });

  it('passes cdk-nag AwsSolutions with every remaining finding acknowledged with a reason', () => {
    const { app } = synth(true);
    expect(() => app.synth()).not.toThrow();
  });
});
