import { describe, expect, it } from 'vitest';
import { dynamodb } from '../../../functions/shared/clients.js';

describe('the functions\' DynamoDB client', () => {
  it('has no logger step, which would copy every response for a log nobody writes', () => {
    const steps = dynamodb.middlewareStack.identify();
    expect(steps.some((s) => s.startsWith('serializerMiddleware'))).toBe(true);
    expect(steps.filter((s) => s.includes('logger'))).toEqual([]);
  });
});
