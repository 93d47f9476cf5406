import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { campaignWorkflow } from '../workflows/campaign.js';
import { CALLBACK_WAIT_DAYS, deployWorkflow, implementWorkflow, intakeWorkflow, reviewWorkflow, surveyWorkflow } from '../workflows/phases.js';
import { PostingFragment } from '../workflows/posting.js';
import { UNIT_LIST_INDEX } from '../functions/data/keys.js';
import { NuanliuFunction } from './function.js';
import { acknowledgeFindings } from './nag.js';

export interface NuanliuStackProps extends StackProps {
  /** SMTP relay for mail; works in every region, China's included. */
  smtp: { host: string; port: number; secure: boolean; from: string };
}

/** What a function may do to the table; QueryUnitLists: Query on UNIT_LIST_INDEX, a unit's list. */
type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'PartiQLInsert' | 'PartiQLUpdate' | 'UpdateItem' | 'Query' | 'DeleteItem' | 'QueryUnitLists';

/** The ARN pattern of a state machine's executions (their names are chosen at run time). */
const executionsOf = (stack: Stack, machine: StateMachine) =>
  stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/** The whole product: one table, the step functions, the workflows and the HTTP API. */
export class NuanliuStack extends Stack {
  constructor(scope: Construct, id: string, props: NuanliuStackProps) {
    super(scope, id, props);

    const table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: UNIT_LIST_INDEX.name,
      partitionKey: { name: UNIT_LIST_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: UNIT_LIST_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...UNIT_LIST_INDEX.attributes],
    });
    const appSecrets = new Secret(this, 'AppSecrets', {
      description: 'nuanliu master key: signs links and sessions, keys the ID-number hash',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'key', passwordLength: 64, excludePunctuation: true },
    });
    const smtpSecret = new Secret(this, 'SmtpCredentials', {
      description: 'SMTP username and password: set {"username","password"} after the first deploy',
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'change-me' }), generateStringKey: 'password', excludePunctuation: true },
    });

    const api = new HttpApi(this, 'Api', { description: 'nuanliu: JSON API and pages' });
    const publicUrl = api.apiEndpoint;
    const base = { TABLE_NAME: table.tableName, APP_SECRETS_ARN: appSecrets.secretArn };
    const mail = {
      ...base,
      SMTP_HOST: props.smtp.host,
      SMTP_PORT: String(props.smtp.port),
      SMTP_SECURE: String(props.smtp.secure),
      SMTP_SECRET_ARN: smtpSecret.secretArn,
      MAIL_FROM: props.smtp.from,
      PUBLIC_URL: publicUrl,
    };
    const fn = (id: string, handler: string, environment: Record<string, string>, actions: TableAction[], timeout?: Duration, memorySize?: number) => {
      const f = new NuanliuFunction(this, id, { handler, environment, timeout, memorySize });
      const onTable = actions.filter((a) => a !== 'QueryUnitLists');
      f.addToRolePolicy(new PolicyStatement({ actions: onTable.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }));
      if (actions.includes('QueryUnitLists')) {
        f.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${UNIT_LIST_INDEX.name}`] }));
      }
      if (environment.APP_SECRETS_ARN) appSecrets.grantRead(f);
      if (environment.SMTP_SECRET_ARN) smtpSecret.grantRead(f);
      return f;
    };

    const gate = fn('GateFunction', 'gate', base, ['PutItem', 'UpdateItem']);
    // Intake of an upload: Prepare reads the file (up to 4 MB; XLSX takes memory) and writes the
    // batches; IntakeBatch inserts the people a batch names, 25 to a request (PartiQL INSERT), and
    // reads and updates those stored before; Finish deletes the file's chunks and the batches, once
    // stored; IntakeFailure, when a step failed, deletes them all the same and records the failure.
    // No other function deletes items.
    const intakePrepare = fn('IntakePrepareFunction', 'intake-prepare', base, ['GetItem', 'PutItem', 'UpdateItem'], Duration.minutes(5), 2048);
    const intakeBatch = fn('IntakeBatchFunction', 'intake-batch', { TABLE_NAME: table.tableName }, ['GetItem', 'BatchGetItem', 'PartiQLInsert', 'PutItem', 'UpdateItem'], Duration.minutes(5));
    const intakeFinish = fn('IntakeFinishFunction', 'intake-finish', { TABLE_NAME: table.tableName }, ['GetItem', 'Query', 'UpdateItem', 'DeleteItem'], Duration.minutes(2));
    // Reads the upload; Query only to find the batches of a Prepare that failed before counting them.
    const intakeFailure = fn('IntakeFailureFunction', 'intake-failure', { TABLE_NAME: table.tableName }, ['GetItem', 'Query', 'UpdateItem', 'DeleteItem'], Duration.minutes(2));
    const checks = fn('SurveyChecksFunction', 'survey-checks', { TABLE_NAME: table.tableName }, ['GetItem', 'Query', 'PutItem'], Duration.minutes(5));
    // 排摸 close: removes the rejected rows (raw ID numbers) from the uploads, nothing else.
    const rejectedRows = fn('SurveyRejectedRowsFunction', 'survey-rejected-rows', { TABLE_NAME: table.tableName }, ['Query', 'UpdateItem'], Duration.minutes(2));
    const summary = fn('SurveySummaryFunction', 'survey-summary', mail, ['GetItem', 'Query'], Duration.minutes(2));
    // The approval chain: opens each step's task, keeps its task token, mails links (PutItem); reads
    // a unit's list from the unit-list index.
    const approval = fn('ApprovalFunction', 'approval', mail, ['GetItem', 'Query', 'QueryUnitLists', 'PutItem', 'UpdateItem']);
    // 实施: Plan reads the register and writes the payment batches (keys only) and the plan's record;
    // Payment reads a few batches, the beneficiaries they name (BatchGetItem) and the open objections
    // (Query), and pays each key once (conditional PartiQL INSERTs, 25 to a request), then inserts
    // its batches' tally the same way. Neither deletes.
    const plan = fn('PaymentPlanFunction', 'payment-plan', base, ['GetItem', 'Query', 'PutItem'], Duration.minutes(5), 1024);
    const pay = fn('PaymentFunction', 'payment', base, ['GetItem', 'BatchGetItem', 'Query', 'PartiQLInsert'], Duration.minutes(5));
    // 回访: commits the seed, draws the sample (lists and replacement heads as items, the draw
    // recorded on the sample with UpdateItem), keeps the wait's task token. No delete.
    const sampling = fn('SamplingFunction', 'sampling', mail, ['GetItem', 'Query', 'PutItem', 'UpdateItem']);
    // 回访, last: reads the campaign's data and stores its summary (counts only), replacing an earlier one.
    const campaignSummary = fn('CampaignSummaryFunction', 'campaign-summary', mail, ['GetItem', 'Query', 'PutItem'], Duration.minutes(5), 1024);
    // 张榜公示 (workflows/posting.ts, for the deploy workflow's chain): Open reads the unit's list
    // and writes it as posted, each line only if absent; Close counts the lines and records it.
    const postingOpen = fn('PostingOpenFunction', 'posting-open', { TABLE_NAME: table.tableName }, ['GetItem', 'Query', 'QueryUnitLists', 'PartiQLInsert', 'PutItem'], Duration.minutes(2));
    const postingClose = fn('PostingCloseFunction', 'posting-close', { TABLE_NAME: table.tableName }, ['GetItem', 'Query', 'UpdateItem']);

    const machine = (id: string, definition: IChainable, timeout: Duration) => {
      const logs = new LogGroup(this, `${id}Logs`, { retention: RetentionDays.SIX_MONTHS });
      return new StateMachine(this, id, {
        definitionBody: DefinitionBody.fromChainable(definition),
        stateMachineType: StateMachineType.STANDARD,
        timeout,
        tracingEnabled: true,
        logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      });
    };
    const intakeMachine = machine('IntakeWorkflow', intakeWorkflow(this, { prepare: intakePrepare, batch: intakeBatch, finish: intakeFinish, failure: intakeFailure }), Duration.hours(1));
    const phases = {
      survey: machine('SurveyWorkflow', surveyWorkflow(this, { checks, rejectedRows, summary }), Duration.hours(1)),
      // 张榜公示 before each unit's final approval step.
      deploy: machine('DeployWorkflow', deployWorkflow(this, { approval, beforeFinalStep: new PostingFragment(this, 'Posting', { open: postingOpen, close: postingClose }) }), Duration.days(90)),
      implement: machine('ImplementWorkflow', implementWorkflow(this, { plan, pay }), Duration.days(1)),
      // Waits for the callbacks to end: up to CALLBACK_WAIT_DAYS.
      review: machine('ReviewWorkflow', reviewWorkflow(this, { sampling, summary: campaignSummary }), Duration.days(CALLBACK_WAIT_DAYS + 30)),
    };
    const campaign = machine('CampaignWorkflow', campaignWorkflow(this, { table, gate, phases }), Duration.days(365));
    // The coordinator's and approvers' decisions complete the task tokens of these workflows.
    // BatchGetItem: the people of a callback list and of the follow-up cases, 100 to a request.
    // PartiQLUpdate: a bank result file's outcomes, 25 to a request, each conditional on its payment.
    const http = fn('HttpFunction', 'http', {
      ...mail,
      CAMPAIGN_WORKFLOW_ARN: campaign.stateMachineArn,
      INTAKE_WORKFLOW_ARN: intakeMachine.stateMachineArn,
    }, ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'PartiQLInsert', 'PartiQLUpdate', 'Query', 'QueryUnitLists']);
    campaign.grantStartExecution(http);
    campaign.grantTaskResponse(http);
    phases.deploy.grantTaskResponse(http);
    phases.review.grantTaskResponse(http);
    intakeMachine.grantStartExecution(http);
    // The campaign page shows workflow status and history: read access to our executions only.
    http.addToRolePolicy(new PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [campaign, intakeMachine, ...Object.values(phases)].map((m) => executionsOf(this, m)),
    }));
    api.addRoutes({ path: '/{proxy+}', integration: new HttpLambdaIntegration('HttpIntegration', http as IFunction) });
    api.addRoutes({ path: '/', integration: new HttpLambdaIntegration('HttpRootIntegration', http as IFunction) });

    new CfnOutput(this, 'Url', { value: publicUrl, description: 'Open this address to use nuanliu' });
    new CfnOutput(this, 'SmtpSecret', { value: smtpSecret.secretArn, description: 'Set the SMTP username/password here' });
    acknowledgeFindings(this, {
      functions: [gate, intakePrepare, intakeBatch, intakeFinish, intakeFailure, checks, rejectedRows, summary, approval, plan, pay, sampling, campaignSummary, postingOpen, postingClose, http],
      machines: [intakeMachine, campaign, ...Object.values(phases)],
      invokedBy: new Map([
        [intakeMachine, [intakePrepare, intakeBatch, intakeFinish, intakeFailure]],
        [phases.survey, [checks, rejectedRows, summary]],
        [phases.deploy, [approval, postingOpen, postingClose]],
        [phases.implement, [plan, pay]],
        [phases.review, [sampling, campaignSummary]],
        [campaign, [gate]],
      ]),
      executionReader: http,
      nestedRunner: campaign,
      nested: Object.values(phases),
      distributedMaps: [intakeMachine, phases.implement],
    });
  }
}
