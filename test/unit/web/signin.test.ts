import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLink } from '../../../functions/data/links.js';
import { registerCoordinator } from '../../../functions/data/sessions.js';
import { browser, linkIn, ORIGIN, SECRETS, signedIn, startWeb, type Web } from './harness.js';

let web: Web;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(() => web.close());

describe('coordinator sign-in by emailed link', () => {
  it('sends coordinators to sign in before any campaign page', async () => {
    const b = browser(web);
    for (const path of ['/', '/campaigns/new', '/campaigns/4f9c1f0e-8d5e-4b7a-9a59-1f7c1e0c2a11']) {
      const res = await b.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/signin');
    }
    const post = await b.form('/campaigns', { name: 'x' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/signin');
    const form = await b.get('/signin');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('发送登录链接');
  });

  it('answers the same neutral page for unknown addresses and mails nothing', async () => {
    await registerCoordinator(web.table, { email: 'known@mzj.example.cn', name: '王' });
    const b = browser(web);
    const before = web.mails.length;
    const unknown = await b.form('/signin', { email: 'nobody@mzj.example.cn' });
    expect(web.mails.length).toBe(before);
    const known = await b.form('/signin', { email: 'Known@MZJ.example.cn' });
    expect(web.mails.length).toBe(before + 1);
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(await unknown.text()).toBe(await known.text());
    expect(web.mails.at(-1)).toMatchObject({ to: 'known@mzj.example.cn', subject: '暖流：登录链接' });
  });

  it('signs in only by POST, once, and sets a strict session cookie', async () => {
    await registerCoordinator(web.table, { email: 'li@mzj.example.cn', name: '李' });
    const b = browser(web);
    await b.form('/signin', { email: 'li@mzj.example.cn' });
    const path = linkIn(web, 'li@mzj.example.cn');
    expect(path).toMatch(/^\/s\/[\w-]+\.[\w-]+$/);

    // GET shows a button and changes nothing (mail scanners open links).
    const page = await b.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('登录</button>');
    expect(html).not.toContain(path.slice(3)); // the credential is not written into the page
    expect(page.headers.get('set-cookie')).toBeNull();
    expect((await checkLink(web.table, SECRETS.linkKey, path.slice(3), 'signin')).ok).toBe(true);

    const res = await b.form(path, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^nuanliu_session=[\w-]{20,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // the site is served over http here

    const home = await b.get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('li@mzj.example.cn');

    const again = await browser(web).form(path, {});
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('已经使用过');
  });

  it('refuses forged and expired sign-in links', async () => {
    await registerCoordinator(web.table, { email: 'zhao@mzj.example.cn', name: '赵' });
    const b = browser(web);
    await b.form('/signin', { email: 'zhao@mzj.example.cn' });
    const path = linkIn(web, 'zhao@mzj.example.cn');
    const forged = `${path.slice(0, -4)}AAAA`;
    expect((await b.get(forged)).status).toBe(403);
    expect((await b.form(forged, {})).status).toBe(403);
    web.clock.offsetMs = 16 * 60_000;
    try {
      const expired = await b.form(path, {});
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('链接已过期');
    } finally {
      web.clock.offsetMs = 0;
    }
  });

  it('refuses a POST from another site, and signs out', async () => {
    const b = await signedIn(web, 'qian@mzj.example.cn');
    const foreign = await b.request('/signout', { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const none = await web.app.request('/signout', { method: 'POST', headers: { cookie: b.cookie } });
    expect(none.status).toBe(403);
    expect((await b.get('/')).status).toBe(200);

    const out = await b.request('/signout', { method: 'POST', headers: { referer: `${ORIGIN}/` , origin: 'null' } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/signin');
    expect((await b.get('/')).status).toBe(303);
  });
});
