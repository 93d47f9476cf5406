/** A small CDK stack shaped like the product's, synthesized into a temp dir for the local cloud tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ddb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';

const WORKER = `export const handler = async (event) => ({ doubled: String(event.n * 2), table: process.env.TABLE });`;
const WEB = `export const handler = async (event) => ({ path: event.rawPath, env: { TABLE: process.env.TABLE, LEDGER: process.env.LEDGER, FLOW: process.env.FLOW, SECRET: process.env.SECRET, STAGE: process.env.STAGE } });`;

export function synthTestStack(): { outdir: string; templateFile: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-cdk-'));
  const code = (name: string, source: string) => {
    const dir = path.join(root, 'src', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.mjs'), source);
    return lambda.Code.fromAsset(dir);
  };
  const outdir = path.join(root, 'cdk.out');
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'Test');
  const table = new ddb.Table(stack, 'Data', {
    partitionKey: { name: 'pk', type: ddb.AttributeType.STRING },
    billingMode: ddb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const ledger = new ddb.TableV2(stack, 'Ledger', {
    tableName: 'nuanliu-ledger',
    partitionKey: { name: 'pk', type: ddb.AttributeType.STRING },
    globalSecondaryIndexes: [{ indexName: 'byDistrict', partitionKey: { name: 'district', type: ddb.AttributeType.STRING } }],
  });
  const secret = new secrets.Secret(stack, 'Smtp');
  const runtime = lambda.Runtime.NODEJS_22_X;
  const worker = new lambda.Function(stack, 'Worker', { runtime, handler: 'index.handler', code: code('worker', WORKER), environment: { TABLE: table.tableName }, timeout: cdk.Duration.seconds(10) });
  const flow = new sfn.StateMachine(stack, 'Flow', {
    stateMachineName: 'nuanliu-flow',
    definitionBody: sfn.DefinitionBody.fromChainable(
      new tasks.LambdaInvoke(stack, 'Double', { lambdaFunction: worker, payloadResponseOnly: true }).next(
        new tasks.DynamoPutItem(stack, 'Record', { table, item: { pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.doubled')) } }),
      ),
    ),
  });
  const web = new lambda.Function(stack, 'Web', {
    runtime,
    functionName: 'nuanliu-web',
    handler: 'index.handler',
    code: code('web', WEB),
    environment: { TABLE: table.tableName, LEDGER: ledger.tableArn, FLOW: flow.stateMachineArn, SECRET: secret.secretArn, STAGE: cdk.Fn.sub('${AWS::StackName}-${AWS::Partition}') },
  });
  const api = new apigw.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Web', web) });
  new cdk.CfnOutput(stack, 'ApiUrl', { value: api.apiEndpoint });
  app.synth({ validateOnSynthesis: false });
  return { outdir, templateFile: path.join(outdir, 'Test.template.json') };
}
