import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../functions/web/app.js';
import { browser, startWeb, type Web } from './harness.js';

let web: Web;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(() => web.close());

describe('the web app', () => {
  it('answers /health', async () => {
    const res = await web.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('sends its security headers on every page', async () => {
    const res = await web.app.request('/signin');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).not.toContain('<script');
  });

  it('answers unknown pages with a zh-CN 404 page', async () => {
    const res = await web.app.request('/no/such/page');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('页面不存在');
  });

  it('shows a generic zh-CN page for faults and logs no credential', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const credential = `${'x'.repeat(24)}.${'y'.repeat(43)}`;
      const broken = createApp({
        table: web.table,
        sfn: web.sfn,
        sendMail: async () => undefined,
        secrets: async () => {
          throw new Error(`secret store unreachable while checking ${credential}`);
        },
        campaignWorkflowArn: web.campaignWorkflowArn,
        intakeWorkflowArn: web.intakeWorkflowArn,
      });
      const res = await broken.request(`/approve/${credential}`);
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain('系统出现了问题');
      expect(html).not.toContain('secret store');
      const logged = errors.mock.calls.map((call) => call.join(' ')).join('\n');
      expect(logged).toContain('/approve/:credential');
      expect(logged).not.toContain(credential.split('.')[1]);
    } finally {
      errors.mockRestore();
    }
  });

  it('answers a bad sign-in address with the form and a zh-CN reason', async () => {
    const res = await browser(web).form('/signin', { email: '<b>x' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('请输入有效的邮箱地址');
    expect(html).toContain('value="&lt;b&gt;x"');
  });
});

describe('behind the Lambda adapter (API Gateway HTTP API, payload 2.0)', () => {
  const event = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: '127.0.0.1:3000', ...headers },
    isBase64Encoded: body !== undefined,
    body: body === undefined ? undefined : Buffer.from(body).toString('base64'),
    requestContext: {
      accountId: '123456789012', apiId: 'local', domainName: '127.0.0.1', domainPrefix: '127', requestId: 'r1', routeKey: '$default', stage: '$default',
      time: '', timeEpoch: Date.now(), http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
    },
  });

  it('serves the real handler module from its configuration', async () => {
    vi.stubEnv('TABLE_NAME', 'nuanliu');
    vi.stubEnv('APP_SECRETS', JSON.stringify({ linkKey: 'k'.repeat(40), idHashKey: 'h'.repeat(40) }));
    vi.stubEnv('SMTP_HOST', '127.0.0.1');
    vi.stubEnv('SMTP_PORT', '2525');
    vi.stubEnv('MAIL_FROM', 'nuanliu@example.cn');
    vi.stubEnv('PUBLIC_URL', 'http://127.0.0.1:3000');
    vi.stubEnv('CAMPAIGN_WORKFLOW_ARN', web.campaignWorkflowArn);
    vi.stubEnv('INTAKE_WORKFLOW_ARN', web.intakeWorkflowArn);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    try {
      const { handler } = await import('../../../functions/handlers/http.js');
      const context = { functionName: 'http', awsRequestId: 'r1', getRemainingTimeInMillis: () => 30_000 } as never;
      const health = await handler(event('GET', '/health') as never, context);
      expect(health).toMatchObject({ statusCode: 200, body: '{"ok":true}' });
      const signIn = await handler(event('GET', '/signin') as never, context);
      expect(signIn.statusCode).toBe(200);
      expect(signIn.headers?.['content-security-policy']).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'");
      // A form posted from the local cloud's address (host with port) is accepted as same-origin.
      const foreign = await handler(
        event('POST', '/signout', { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, '') as never,
        context,
      );
      expect(foreign.statusCode).toBe(403);
      const own = await handler(
        event('POST', '/signout', { origin: 'http://127.0.0.1:3000', 'content-type': 'application/x-www-form-urlencoded' }, '') as never,
        context,
      );
      expect(own.statusCode).toBe(303);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
