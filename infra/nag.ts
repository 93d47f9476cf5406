import { Stack, Token, Validations, type App } from 'aws-cdk-lib';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs cdk-nag's AwsSolutions pack when the app synthesizes; an unacknowledged finding fails synth. */
export function checkWithNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

const acknowledge = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
const logicalId = (scope: IConstruct) => Stack.of(scope).getLogicalId(scope.node.defaultChild as CfnFunction | CfnStateMachine);

/** The findings accepted on purpose, each on the construct it concerns and with its reason. */
export function acknowledgeFindings(stack: Stack, p: {
    functions: IFunction[];
    machines: StateMachine[];
    invokedBy: Map<StateMachine, IFunction[]>;
    /** Reads every workflow's executions (the web app's status pages). */
    executionReader: IConstruct;
    /** Runs the `nested` workflows with .sync:2. */
    nestedRunner: StateMachine;
    nested: StateMachine[];
    /** Workflows with a distributed Map, which runs its iterations as child executions of the workflow itself. */
    distributedMaps: StateMachine[];
  },) {
  acknowledge(stack, 'AwsSolutions-SMG4', 'Rotating the master key would invalidate every emailed link and the ID-number hashes mid-campaign; operators rotate it between campaigns. SMTP credentials are rotated at the mail provider.');
  acknowledge(stack, 'AwsSolutions-APIG1', 'Access logs would record link credentials from URLs; the application logs requests without them.');
  acknowledge(stack, 'AwsSolutions-APIG4', 'Authorization is in the application: coordinators sign in by emailed link; approvers and callback staff hold signed, expiring, single-use links.');
  acknowledge(stack, 'AwsSolutions-L1', 'Node.js 22 is the runtime the product is built and tested for.');
  for (const fn of p.functions) {
    acknowledge(fn, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'The AWS-managed basic execution role only lets the function write its own CloudWatch logs.');
  }
  for (const machine of p.machines) {
    acknowledge(machine, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray trace submission and CloudWatch Logs delivery accept no narrower resource.');
    for (const fn of p.invokedBy.get(machine) ?? []) {
      acknowledge(machine, `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`, 'Lets the workflow invoke versions and aliases of its own function, nothing else.');
    }
  }
  // Execution names are chosen at run time, so access to a workflow's executions is by prefix.
  const reason = 'Executions are named at run time; access is limited to the executions of our own workflows.';
  // cdk-nag writes unresolved pseudo parameters as <AWS::...> and concrete ones as they are.
  const pseudo = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  const executions = `arn:${pseudo(stack.partition, 'Partition')}:states:${pseudo(stack.region, 'Region')}:${pseudo(stack.account, 'AccountId')}:execution:`;
  for (const machine of p.machines) acknowledge(p.executionReader, `AwsSolutions-IAM5[Resource::${executions}<${logicalId(machine)}.Name>:*]`, reason);
  const nameOf = (machine: StateMachine) => `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(machine)}"}]}]}`;
  for (const machine of p.nested) {
    for (const suffix of [':*', '*']) acknowledge(p.nestedRunner, `AwsSolutions-IAM5[Resource::${executions}${nameOf(machine)}${suffix}]`, reason);
  }
  // A distributed Map describes, stops and redrives its child executions (<workflow>/<map run>:<name>).
  for (const machine of p.distributedMaps) {
    for (const suffix of [':*', '/*:*']) {
      acknowledge(machine, `AwsSolutions-IAM5[Resource::${executions}${nameOf(machine)}${suffix}]`, 'A distributed Map names its child executions at run time; access is limited to the executions of this workflow.');
    }
  }
}
