import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * A DynamoDB client as the functions make it. Each command's middleware is put together once, not
 * on every request (Table sends a few kinds, tens of thousands of times in a campaign); Table turns
 * values into DynamoDB's typed ones itself. The SDK's logger step is left out: it copied every
 * response through its redaction filter for a log that the default logger then discarded (on a
 * read of a whole register, 100,000 items copied for nothing). `config` for a reader elsewhere
 * (a benchmark's), with its own endpoint.
 */
export function functionDynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  const client = new DynamoDBClient({ ...config, cacheMiddleware: true });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

// One client of each kind per module instance (per Lambda container). Endpoints come from the
// SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN), which the local cloud sets.
export const dynamodb = functionDynamoClient();
export const sfn = new SFNClient({});
