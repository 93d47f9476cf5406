import { describe, expect, it } from 'vitest';
import { router } from '../../../infra/local/http-routes.js';

describe('HTTP API route selection', () => {
  const route = router([
    { routeKey: 'ANY /{proxy+}', functionName: 'greedy' },
    { routeKey: 'GET /pets/{proxy+}', functionName: 'pets-greedy' },
    { routeKey: 'GET /pets/{id}', functionName: 'pet' },
    { routeKey: 'ANY /pets/dog', functionName: 'dog-any' },
    { routeKey: 'GET /pets/dog', functionName: 'dog' },
    { routeKey: 'GET /', functionName: 'root' },
  ]);
  const fn = (method: string, path: string) => route(method, path)?.functionName;

  it('prefers exact paths, then variables, then greedy variables, and a method over ANY', () => {
    expect(fn('GET', '/pets/dog')).toBe('dog');
    expect(fn('POST', '/pets/dog')).toBe('dog-any');
    expect(route('GET', '/pets/cat')).toEqual({ routeKey: 'GET /pets/{id}', functionName: 'pet', pathParameters: { id: 'cat' } });
    expect(route('GET', '/pets/cat/toys')).toEqual({ routeKey: 'GET /pets/{proxy+}', functionName: 'pets-greedy', pathParameters: { proxy: 'cat/toys' } });
    expect(fn('DELETE', '/pets/cat')).toBe('greedy');
    expect(fn('GET', '/')).toBe('root');
  });

  it('answers nothing without a match unless there is a $default route', () => {
    expect(fn('POST', '/')).toBeUndefined();
    expect(router([{ routeKey: '$default', functionName: 'all' }, { routeKey: 'GET /a', functionName: 'a' }])('POST', '/')).toEqual({ routeKey: '$default', functionName: 'all' });
  });

  it('refuses malformed route keys', () => {
    expect(() => router([{ routeKey: 'FETCH /x', functionName: 'f' }])).toThrow(/not '\$default' or 'METHOD \/path'/);
    expect(() => router([{ routeKey: 'GET /{proxy+}/x', functionName: 'f' }])).toThrow(/greedy variable must come last/);
  });
});
