import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';

// One client of each kind per module instance (per Lambda container). Endpoints come from the
// SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN), which the local cloud sets.
// Each command's middleware is put together once, not on every request (Table sends a few kinds,
// tens of thousands of times in a campaign); Table turns values into DynamoDB's typed ones itself.
export const dynamodb = new DynamoDBClient({ cacheMiddleware: true });
// The SDK's logger step copies every response through its redaction filter for a log that the
// default logger then discards: on a read of a whole register, 100,000 items copied for nothing.
dynamodb.middlewareStack.remove('loggerMiddleware');
export const sfn = new SFNClient({});
