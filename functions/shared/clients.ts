import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// One client of each kind per module instance (per Lambda container). Endpoints come from the
// SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN), which the local cloud sets.
const dynamodbClient = new DynamoDBClient({});
// The SDK's logger step copies every response through its redaction filter for a log that the
// default logger then discards: on a read of a whole register, 100,000 items copied for nothing.
dynamodbClient.middlewareStack.remove('loggerMiddleware');
export const dynamodb = DynamoDBDocumentClient.from(dynamodbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
export const sfn = new SFNClient({});
