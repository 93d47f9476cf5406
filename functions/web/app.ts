import { Hono } from 'hono';
import { readOnlyWhenArchived } from './archive.js';
import type { AppDeps, WebDeps, WebEnv } from './context.js';
import { HttpError } from './errors.js';
import { messagePage } from './pages/layout.js';
import { approvalPagesRoutes } from './routes/approvals.js';
import { approvalRoutes } from './routes/approve.js';
import { callbackRoutes } from './routes/callback.js';
import { campaignRoutes } from './routes/campaigns.js';
import { conflictRoutes } from './routes/conflicts.js';
import { phaseRoutes } from './routes/phases.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { callbackSettingsRoutes } from './routes/callback-settings.js';
import { paymentRoutes } from './routes/payments.js';
import { objectionRoutes, postingRoutes } from './routes/postings.js';
import { planRoutes } from './routes/plan.js';
import { sampleRoutes } from './routes/sample.js';
import { projectRoutes } from './routes/projects.js';
import { registerRoutes } from './routes/registers.js';
import { signatureRoutes } from './routes/signatures.js';
import { signInRoutes } from './routes/signin.js';
import { summaryRoutes } from './routes/summary.js';
import { uploadRoutes } from './routes/uploads.js';
import { visitRoutes } from './routes/visits.js';
import { requireCoordinator, sameOrigin, securityHeaders } from './security.js';

/** Long opaque strings (credentials, task tokens) never reach the logs, even inside messages. */
const redact = (text: string) => text.replace(/[\w+/=.-]{32,}/g, '[redacted]');

/**
 * The web app: coordinators' pages behind an emailed sign-in, and the approvers' and callback
 * staff's pages behind their own links. Server-rendered zh-CN HTML, no client script.
 */
export function createApp(input: WebDeps) {
  const deps: AppDeps = { ...input, now: input.now ?? (() => new Date()) };
  const app = new Hono<WebEnv>();

  app.use(securityHeaders);
  app.use(sameOrigin(deps.publicUrl));
  // A done campaign is archived: one check here refuses every change to it, whatever the route.
  app.use(readOnlyWhenArchived(deps));

  app.get('/health', (c) => c.json({ ok: true }));

  // Open to anyone holding a link.
  signInRoutes(app, deps);
  approvalRoutes(app, deps);
  callbackRoutes(app, deps);
  // Public: a posted list (张榜公示) and its objection form, by the posting's opaque id.
  postingRoutes(app, deps);

  // Coordinators only.
  const coordinator = requireCoordinator(deps);
  app.use('/', coordinator);
  app.use('/campaigns', coordinator);
  app.use('/campaigns/*', coordinator);
  app.use('/api/*', coordinator);
  campaignRoutes(app, deps);
  uploadRoutes(app, deps);
  phaseRoutes(app, deps);
  registerRoutes(app, deps);
  conflictRoutes(app, deps);
  objectionRoutes(app, deps);
  projectRoutes(app, deps);
  planRoutes(app, deps);
  paymentRoutes(app, deps);
  summaryRoutes(app, deps);
  signatureRoutes(app, deps);
  visitRoutes(app, deps);
  approvalPagesRoutes(app, deps);
  followUpRoutes(app, deps);
  callbackSettingsRoutes(app, deps);
  sampleRoutes(app, deps);

  app.notFound((c) => c.html(messagePage('页面不存在', '您要找的页面不存在，或已被删除。', { links: [{ href: '/', label: '返回首页' }] }), 404));

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      const user = c.get('coordinator')?.email;
      return c.html(messagePage(err.title, err.message, { details: err.details, user, links: user ? [{ href: '/', label: '返回首页' }] : [] }), err.status);
    }
    // Only what helps an operator: the route's pattern (never the path, which may hold a
    // credential), the error's name and a redacted message.
    console.error(JSON.stringify({ level: 'error', method: c.req.method, route: c.req.routePath, error: err.name, message: redact(err.message ?? '') }));
    return c.html(messagePage('系统暂时无法处理您的请求', '抱歉，系统出现了问题，请稍后再试。如果问题持续，请联系系统管理员。'), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
