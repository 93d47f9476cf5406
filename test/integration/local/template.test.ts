import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoTables, httpApi, lambdaFunctions, stateMachines } from '../../../infra/local/template-resources.js';
import { LocalTemplate, type CfnTemplate } from '../../../infra/local/template.js';
import { synthTestStack } from './cdk-stack.js';

const OPTIONS = { region: 'us-east-1', account: '123456789012', stackName: 'Test', apiUrl: 'http://127.0.0.1:3000' };

describe('LocalTemplate on a synthesized CDK stack', () => {
  let synth: ReturnType<typeof synthTestStack>;
  beforeAll(() => {
    synth = synthTestStack();
  });
  afterAll(() => fs.rmSync(path.dirname(synth.outdir), { recursive: true, force: true }));

  it('names tables, functions and state machines as CloudFormation would, without random suffixes', () => {
    const t = LocalTemplate.load(synth.templateFile, OPTIONS);
    const tables = dynamoTables(t);
    const data = tables.find((x) => x.logicalId.startsWith('Data'))!;
    expect(data.tableName).toBe(data.logicalId);
    expect(data.arn).toBe(`arn:aws:dynamodb:us-east-1:123456789012:table/${data.logicalId}`);
    expect(tables.find((x) => x.type === 'AWS::DynamoDB::GlobalTable')).toMatchObject({ tableName: 'nuanliu-ledger', properties: { Replicas: [{ Region: 'us-east-1' }] } });

    const web = lambdaFunctions(t).find((f) => f.name === 'nuanliu-web')!;
    expect(web).toMatchObject({ arn: 'arn:aws:lambda:us-east-1:123456789012:function:nuanliu-web', handler: 'index.handler', timeoutSeconds: 3, memoryMb: 128 });
    expect(fs.readFileSync(path.join(web.codeDir, 'index.mjs'), 'utf8')).toContain('event.rawPath');
    expect(web.environment).toMatchObject({
      TABLE: data.tableName,
      LEDGER: 'arn:aws:dynamodb:us-east-1:123456789012:table/nuanliu-ledger',
      FLOW: 'arn:aws:states:us-east-1:123456789012:stateMachine:nuanliu-flow',
      STAGE: 'Test-aws',
    });
    expect(web.environment!.SECRET).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:Smtp[0-9A-F]{8}-\w{6}$/);
    expect(lambdaFunctions(t).find((f) => f.name.startsWith('Worker'))!.timeoutSeconds).toBe(10);

    const [flow] = stateMachines(t);
    expect(flow).toMatchObject({ name: 'nuanliu-flow', arn: web.environment!.FLOW, type: 'STANDARD' });
    expect(flow.roleArn).toMatch(/^arn:aws:iam::123456789012:role\/FlowRole/);
    const asl = JSON.parse(flow.definition);
    expect(asl.States.Double.Resource).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:Worker/);
    expect(asl.States.Record.Parameters.TableName).toBe(data.tableName);

    expect(httpApi(t)!.routes).toEqual([{ routeKey: '$default', functionName: 'nuanliu-web' }]);
    expect(t.output('ApiUrl')).toBe('http://127.0.0.1:3000');
  });

  it('uses the aws-cn partition and URL suffix in the China regions', () => {
    const t = LocalTemplate.load(synth.templateFile, { ...OPTIONS, region: 'cn-northwest-1' });
    expect(stateMachines(t)[0].arn).toBe('arn:aws-cn:states:cn-northwest-1:123456789012:stateMachine:nuanliu-flow');
    expect(lambdaFunctions(t).find((f) => f.name === 'nuanliu-web')!.environment!.STAGE).toBe('Test-aws-cn');
    expect(t.resolve({ Ref: 'AWS::URLSuffix' }, 'x')).toBe('amazonaws.com.cn');
  });

  it('needs the local API URL to resolve ApiEndpoint', () => {
    const t = LocalTemplate.load(synth.templateFile, { ...OPTIONS, apiUrl: undefined });
    expect(() => t.output('ApiUrl')).toThrow(/^Outputs\.ApiUrl\.Value\.Fn::GetAtt: .*options\.apiUrl/);
  });
});

const HAND: CfnTemplate = {
  Parameters: {
    Stage: { Type: 'String', Default: 'dev' },
    Zones: { Type: 'CommaDelimitedList', Default: 'a,b' },
    Version: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/version' },
  },
  Mappings: { Regions: { 'us-east-1': { Mail: 'smtp.example.com' } } },
  Conditions: {
    IsChina: { 'Fn::Equals': [{ Ref: 'AWS::Partition' }, 'aws-cn'] },
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
    Either: { 'Fn::Or': [{ Condition: 'IsChina' }, { 'Fn::Not': [{ Condition: 'IsProd' }] }] },
  },
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'send' } },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'Stage' }]] } } },
    ChinaOnly: { Type: 'AWS::DynamoDB::Table', Condition: 'IsChina', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
  },
};

describe('LocalTemplate intrinsic functions', () => {
  const t = new LocalTemplate(HAND, OPTIONS);
  const r = (value: unknown) => t.resolve(value, 'Test');

  it('resolves Sub in both forms, Join, Select, Split, FindInMap and Base64', () => {
    expect(r({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Table}/${Fn.Arn}/${!Literal}' })).toBe(
      'arn:aws:x:us-east-1:123456789012:Test-dev/arn:aws:lambda:us-east-1:123456789012:function:send/${Literal}',
    );
    expect(r({ 'Fn::Sub': ['${Host}:${Port}', { Host: { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Mail'] }, Port: 2525 }] })).toBe('smtp.example.com:2525');
    expect(r({ 'Fn::Select': ['1', { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(r({ 'Fn::Select': [1, { Ref: 'Zones' }] })).toBe('b');
    expect(r({ 'Fn::Base64': { 'Fn::Join': ['', ['he', 'llo']] } })).toBe('aGVsbG8=');
  });

  it('evaluates conditions, Fn::If and AWS::NoValue', () => {
    expect(r({ 'Fn::If': ['Either', 'yes', 'no'] })).toBe('yes');
    expect(r({ a: { 'Fn::If': ['IsProd', 1, { Ref: 'AWS::NoValue' }] }, b: [1, { 'Fn::If': ['IsChina', 2, { Ref: 'AWS::NoValue' }] }, 3] })).toEqual({ b: [1, 3] });
    expect(t.logicalIds('AWS::DynamoDB::Table')).toEqual(['Table']);
    expect(new LocalTemplate(HAND, { ...OPTIONS, region: 'cn-north-1' }).logicalIds('AWS::DynamoDB::Table')).toEqual(['Table', 'ChinaOnly']);
    expect(new LocalTemplate(HAND, { ...OPTIONS, parameters: { Stage: 'prod' } }).resolve({ Ref: 'Table' }, 'x')).toBe('Test-prod');
  });

  it('throws, naming the place in the template, for what it cannot resolve', () => {
    expect(() => r({ x: [{ 'Fn::GetAtt': ['Nope', 'Arn'] }] })).toThrow("Test.x[0].Fn::GetAtt: no resource 'Nope' in the template");
    expect(() => r({ 'Fn::ImportValue': 'Shared' })).toThrow('Test.Fn::ImportValue: Fn::ImportValue is not supported by the local cloud');
    expect(() => r({ Ref: 'Queue' })).toThrow('Test.Ref: Ref to Queue (AWS::SQS::Queue) is not supported by the local cloud');
    expect(() => r({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toThrow('Fn::GetAtt Table.StreamArn (AWS::DynamoDB::Table) is not supported');
    expect(() => r({ Ref: 'Version' })).toThrow(/parameter Version is read from SSM/);
    expect(() => r({ Ref: 'ChinaOnly' })).toThrow('Ref to ChinaOnly, whose Condition is false');
    expect(() => r({ 'Fn::Select': [5, ['a']] })).toThrow('Fn::Select index 5 is out of range');
    expect(() => r('{{resolve:secretsmanager:smtp:SecretString:password}}')).toThrow(/dynamic reference .* needs options\.dynamicReference/);
    expect(new LocalTemplate(HAND, { ...OPTIONS, dynamicReference: () => 's3cret' }).resolve('p={{resolve:ssm:/x}}', 'y')).toBe('p=s3cret');
  });
});
