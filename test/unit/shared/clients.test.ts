import { describe, expect, it } from 'vitest';
import { dynamodb, functionDynamoClient } from '../../../functions/shared/clients.js';

describe('the functions\' DynamoDB client', () => {
  it('has no logger step, which would copy every response for a log nobody writes', () => {
    const steps = dynamodb.middlewareStack.identify();
    expect(steps.some((s) => s.startsWith('serializerMiddleware'))).toBe(true);
    expect(steps.filter((s) => s.includes('logger'))).toEqual([]);
  });

  it('is made the same for a reader with its own endpoint, which it keeps', async () => {
    const reader = functionDynamoClient({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1' });
    expect(reader.middlewareStack.identify()).toEqual(dynamodb.middlewareStack.identify());
    expect(reader.config.cacheMiddleware).toBe(true);
    expect((await reader.config.endpoint!()).hostname).toBe('127.0.0.1');
  });
});
