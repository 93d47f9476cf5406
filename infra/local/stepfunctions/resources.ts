import { invalidDefinition } from './errors.js';

// The Task resources the engine runs, and the request fields of each integration.

export type IntegrationPattern = 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';

export interface ParsedResource {
  service: 'lambda' | 'dynamodb' | 'states';
  action: string;
  pattern: IntegrationPattern;
  /** Set for a bare Lambda function ARN (the legacy Resource form). */
  functionArn?: string;
}

// Partitions: aws, aws-cn, aws-us-gov, ...
const PARTITION = 'aws(?:-[a-z]+)*';
const LAMBDA_FUNCTION_ARN = new RegExp(
  `^arn:${PARTITION}:lambda:[a-z]{2}(?:-[a-z]+)+-\\d+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
);
const INTEGRATION_ARN = new RegExp(`^arn:${PARTITION}:states:::([a-z0-9-]+):([A-Za-z]+)(?:\\.(sync:2|sync|waitForTaskToken))?$`);

/** The optimized integrations the engine runs, with the patterns each supports. */
const INTEGRATIONS: Record<string, readonly IntegrationPattern[]> = {
  'lambda:invoke': ['request-response', 'waitForTaskToken'],
  'dynamodb:getItem': ['request-response'],
  'dynamodb:putItem': ['request-response'],
  'dynamodb:updateItem': ['request-response'],
  'dynamodb:deleteItem': ['request-response'],
  'states:startExecution': ['request-response', 'sync', 'sync:2', 'waitForTaskToken'],
};

/** Recognizes a supported Task `Resource`; undefined when the engine does not run it. */
export function recognizeResource(resource: string): ParsedResource | undefined {
  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    return { service: 'lambda', action: 'invoke', pattern: 'request-response', functionArn: resource };
  }
  const m = INTEGRATION_ARN.exec(resource);
  if (!m) return undefined;
  const [, service, action, suffix] = m;
  const pattern = (suffix ?? 'request-response') as IntegrationPattern;
  const key = `${service}:${action}`;
  if (!Object.hasOwn(INTEGRATIONS, key) || !INTEGRATIONS[key].includes(pattern)) return undefined;
  return { service: service as ParsedResource['service'], action, pattern };
}

const SUPPORTED_RESOURCES =
  'it runs Lambda function ARNs, lambda:invoke[.waitForTaskToken], dynamodb:getItem|putItem|updateItem|deleteItem ' +
  'and states:startExecution[.sync|.sync:2|.waitForTaskToken]';

export const unsupportedResource = (resource: string) =>
  resource.startsWith('arn:')
    ? `Field 'Resource' value '${resource}' is not supported by the local Step Functions engine (${SUPPORTED_RESOURCES})`
    : `Field 'Resource' value '${resource}' is not a valid resource ARN`;

/**
 * Parses a Task `Resource` the engine runs. Definitions are validated first, so for a stored
 * machine this never throws; otherwise it throws InvalidDefinition naming the value.
 */
export function parseResource(resource: string): ParsedResource {
  const parsed = recognizeResource(resource);
  if (!parsed) throw invalidDefinition(`SCHEMA_VALIDATION_FAILED: ${unsupportedResource(resource)}`);
  return parsed;
}

const DYNAMODB_COMMON = ['ReturnConsumedCapacity', 'ExpressionAttributeNames', 'ConditionExpression', 'ExpressionAttributeValues',
  'ReturnValues', 'ReturnItemCollectionMetrics', 'ReturnValuesOnConditionCheckFailure', 'Expected', 'ConditionalOperator'];

/** Request fields of each integration (AWS checks these names when the machine is created). */
export const INTEGRATION_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  'lambda:invoke': { required: ['FunctionName'], optional: ['Payload', 'InvocationType', 'Qualifier', 'ClientContext', 'LogType'] },
  'dynamodb:getItem': {
    required: ['TableName', 'Key'],
    optional: ['ConsistentRead', 'ProjectionExpression', 'ExpressionAttributeNames', 'AttributesToGet', 'ReturnConsumedCapacity'],
  },
  'dynamodb:putItem': { required: ['TableName', 'Item'], optional: DYNAMODB_COMMON },
  'dynamodb:updateItem': { required: ['TableName', 'Key'], optional: ['UpdateExpression', 'AttributeUpdates', ...DYNAMODB_COMMON] },
  'dynamodb:deleteItem': { required: ['TableName', 'Key'], optional: DYNAMODB_COMMON },
  'states:startExecution': { required: ['StateMachineArn'], optional: ['Input', 'Name', 'TraceHeader'] },
};
