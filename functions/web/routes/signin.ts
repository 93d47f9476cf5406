import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { endSession, createSession, getCoordinator } from '../../data/sessions.js';
import { checkLink, createLink, useLink, type LinkCheck } from '../../data/links.js';
import { signInMail } from '../../mail/messages.js';
import type { AppDeps, WebEnv } from '../context.js';
import { Forbidden, Gone } from '../errors.js';
import { signInConfirm, signInForm, signInSent } from '../pages/signin.js';
import { clearSessionCookie, sessionIdOf, setSessionCookie, SESSION_HOURS } from '../security.js';
import { formText, publicBase } from './util.js';

export const SIGNIN_MINUTES = 15;

/** A spent, expired or forged sign-in link: the same kind of answer, nothing more revealed. */
function refuse(check: Exclude<LinkCheck, { ok: true }>): never {
  if (check.problem === 'expired') throw new Gone('登录链接已过期，请重新获取登录链接。');
  if (check.problem === 'used') throw new Gone('此登录链接已经使用过，请重新获取登录链接。', '链接已使用');
  throw new Forbidden('链接无效，请重新获取登录链接。', '链接无效');
}

export function signInRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/signin', (c) => c.html(signInForm()));

  app.post('/signin', async (c) => {
    const raw = await formText(c, 'email');
    const email = raw.trim().toLowerCase();
    if (!z.email().safeParse(email).success || email.length > 254) {
      return c.html(signInForm({ email: raw, error: '请输入有效的邮箱地址' }), 400);
    }
    if (await getCoordinator(deps.table, email)) {
      const { linkKey } = await deps.secrets();
      const credential = await createLink(deps.table, linkKey, { kind: 'signin', email }, SIGNIN_MINUTES / 60, deps.now());
      await deps.sendMail(signInMail(email, `${publicBase(c, deps)}/s/${credential}`, SIGNIN_MINUTES));
    }
    return c.html(signInSent());
  });

  const check = async (c: Context) => {
    const { linkKey } = await deps.secrets();
    return checkLink(deps.table, linkKey, c.req.param('credential') ?? '', 'signin', deps.now());
  };

  app.get('/s/:credential', async (c) => {
    const result = await check(c);
    if (!result.ok) refuse(result);
    return c.html(signInConfirm());
  });

  app.post('/s/:credential', async (c) => {
    const result = await check(c);
    if (!result.ok) refuse(result);
    const { link } = result;
    if (!(await useLink(deps.table, link.id, 'signed-in', deps.now()))) throw new Gone('此登录链接已经使用过，请重新获取登录链接。', '链接已使用');
    if (!(await getCoordinator(deps.table, link.email))) throw new Forbidden('该邮箱不再是登记的协调员。');
    const session = await createSession(deps.table, link.email, SESSION_HOURS, deps.now());
    setSessionCookie(c, session.id, deps.publicUrl);
    return c.redirect('/', 303);
  });

  app.post('/signout', async (c) => {
    const id = sessionIdOf(c);
    if (id && /^[\w-]{16,64}$/.test(id)) await endSession(deps.table, id);
    clearSessionCookie(c, deps.publicUrl);
    return c.redirect('/signin', 303);
  });
}
