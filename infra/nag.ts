import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Runs cdk-nag's AwsSolutions pack when the app synthesizes; an unacknowledged finding fails synth. */
export function checkWithNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Findings accepted on purpose, each with its reason. */
export function acknowledgeKnownFindings(stack: Stack): void {
  const acknowledge = (id: string, reason: string) => Validations.of(stack).acknowledge({ id, reason });
  acknowledge('AwsSolutions-IAM4', 'Lambda functions use the AWS-managed basic execution role for CloudWatch Logs only.');
  acknowledge(
    'AwsSolutions-IAM5',
    'Wildcards are limited to X-Ray trace submission, CloudWatch Logs delivery for state machines, and the execution ARNs of our own state machines (execution names are generated at run time).',
  );
  acknowledge('AwsSolutions-L1', 'Node.js 22 is the runtime the product is built and tested for.');
  acknowledge(
    'AwsSolutions-SMG4',
    'Rotating the master key would invalidate every emailed link and the ID-number hashes mid-campaign; operators rotate it between campaigns. SMTP credentials are issued by the mail provider and rotated there.',
  );
  acknowledge('AwsSolutions-APIG1', 'Access logs would record link credentials from URLs; the application logs requests without them.');
  acknowledge('AwsSolutions-APIG4', 'Authorization is in the application: coordinators sign in by emailed link; approvers and callback staff hold signed, expiring, single-use links.');
}
