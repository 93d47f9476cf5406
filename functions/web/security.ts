import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getCoordinator, getSession } from '../data/sessions.js';
import type { AppDeps, WebEnv } from './context.js';
import { Forbidden } from './errors.js';

export const SESSION_COOKIE = 'nuanliu_session';
export const SESSION_HOURS = 12;
export const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'";

/** Headers every response carries. Pages are personal: nothing is cached or framed. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('Content-Security-Policy', CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  // Same-origin: our own POSTs keep their Origin/Referer; link credentials never leave the site.
  headers.set('Referrer-Policy', 'same-origin');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
};

/**
 * Whether people reach the site over https: PUBLIC_URL says so when configured (behind the
 * Lambda adapter every request URL reads https, even on the local cloud's plain http).
 */
const isHttps = (c: Context, publicUrl: string | undefined) =>
  publicUrl ? publicUrl.startsWith('https:') : new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/**
 * Refuses a state-changing request whose Origin (or, failing that, Referer) is not this site:
 * a form on another site cannot act with a coordinator's cookie or spend someone's link.
 */
export function sameOrigin(publicUrl: string | undefined): MiddlewareHandler {
  const allowed = new Set<string>();
  if (publicUrl) allowed.add(new URL(publicUrl).host);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const origin = c.req.header('origin');
    const source = origin && origin !== 'null' ? origin : c.req.header('referer');
    let host: string | undefined;
    try {
      host = source ? new URL(source).host : undefined;
    } catch {
      host = undefined;
    }
    const own = [new URL(c.req.url).host, c.req.header('host')];
    if (!host || (!own.includes(host) && !allowed.has(host))) {
      throw new Forbidden('无法确认请求来自本站，操作未执行。请回到页面后重试。', '请求被拒绝');
    }
    return next();
  };
}

export function setSessionCookie(c: Context, sessionId: string, publicUrl: string | undefined) {
  setCookie(c, SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttps(c, publicUrl),
    maxAge: SESSION_HOURS * 3600,
  });
}

export function clearSessionCookie(c: Context, publicUrl: string | undefined) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c, publicUrl) });
}

export const sessionIdOf = (c: Context) => getCookie(c, SESSION_COOKIE);

/** Lets through only a live session of a registered coordinator; everyone else goes to sign in. */
export function requireCoordinator(deps: AppDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const id = sessionIdOf(c);
    const session = id ? await getSession(deps.table, id, deps.now()) : undefined;
    const coordinator = session ? await getCoordinator(deps.table, session.email) : undefined;
    if (!session || !coordinator) return c.redirect('/signin', 303);
    c.set('coordinator', { email: session.email, name: coordinator.name, sessionId: session.id });
    await next();
  };
}
