import { DynamoAttributeValue } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { JsonPath } from 'aws-cdk-lib/aws-stepfunctions';
import { keys } from '../functions/data/keys.js';

/** The campaign's item key, for direct DynamoDB integrations, built from the one key module. */
export function campaignKey() {
  const template = keys.campaign('\u0000');
  const [prefix, suffix] = template.pk.split('\u0000');
  return {
    pk: DynamoAttributeValue.fromString(JsonPath.format(`${prefix}{}${suffix}`, JsonPath.stringAt('$.campaignId'))),
    sk: DynamoAttributeValue.fromString(template.sk),
  };
}
