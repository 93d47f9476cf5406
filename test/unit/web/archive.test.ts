import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPhase } from '../../../functions/data/campaigns.js';
import { keys } from '../../../functions/data/keys.js';
import { createLink } from '../../../functions/data/links.js';
import { campaignOfRequest } from '../../../functions/web/archive.js';
import { createCampaignVia, ORIGIN, SECRETS, signedIn, startWeb, type Browser, type Web } from './harness.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The only state-changing routes about no campaign: signing in and out, creating a campaign. */
const ABOUT_NO_CAMPAIGN = ['POST /campaigns', 'POST /s/:credential', 'POST /signin', 'POST /signout'];
const POSTING_ID = 'b'.repeat(32);

let web: Web;
let b: Browser;
let id: string;
let credentials: { approval: string; callback: string; signin: string };

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  id = await createCampaignVia(web, b);
  const link = (kind: 'approval' | 'callback' | 'signin', campaignId?: string) =>
    createLink(web.table, SECRETS.linkKey, { kind, email: 'someone@mzj.example.cn', ...(campaignId ? { campaignId } : {}) }, 24);
  credentials = { approval: await link('approval', id), callback: await link('callback', id), signin: await link('signin') };
  await web.table.put(keys.posting(POSTING_ID), { postingId: POSTING_ID, campaignId: id, unit: '莘庄镇', status: 'open' });
});
afterAll(() => web.close());

/** Every state-changing route the app registers, as `METHOD /path`. */
const mutatingRoutes = () => [...new Set(web.app.routes.filter((r) => MUTATING.has(r.method)).map((r) => `${r.method} ${r.path}`))].sort();

/** A route's path with its parameters filled in for the test campaign. */
function pathOf(route: string): string {
  const path = route.slice(route.indexOf(' ') + 1);
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => {
    if (name === 'id') return id;
    if (name === 'postingId') return POSTING_ID;
    if (name === 'credential') return path.startsWith('/s/') ? credentials.signin : path.startsWith('/approve/') ? credentials.approval : credentials.callback;
    return 'x';
  });
}

const deps = () => ({ table: web.table, secrets: async () => SECRETS, now: () => new Date() });

const snapshot = async () => JSON.stringify([await web.table.all(keys.campaign(id).pk), await web.table.get(keys.posting(POSTING_ID))]);

describe('an archived campaign is read-only', () => {
  it('lets changes through while the campaign runs', async () => {
    const res = await b.form(`/campaigns/${id}/posting-days`, { days: '7' });
    expect(res.status).toBe(303);
  });

  it('knows the campaign of every state-changing route, but sign-in and creating a campaign', async () => {
    const routes = mutatingRoutes();
    expect(routes.length).toBeGreaterThan(ABOUT_NO_CAMPAIGN.length);
    const aboutNone: string[] = [];
    for (const route of routes) {
      const campaign = await campaignOfRequest(deps(), pathOf(route));
      if (campaign === undefined) aboutNone.push(route);
      else expect(campaign, route).toBe(id);
    }
    expect(aboutNone).toEqual(ABOUT_NO_CAMPAIGN);
    // A forged link names no campaign: its own route refuses it as forged.
    const forged = credentials.approval.slice(0, -2) + (credentials.approval.endsWith('AA') ? 'BB' : 'AA');
    expect(await campaignOfRequest(deps(), `/approve/${forged}`)).toBeUndefined();
  });

  it('refuses every state-changing request about it with 409 and changes nothing', async () => {
    await setPhase(web.table, id, 'done', 'done');
    const before = await snapshot();
    const refused: string[] = [];
    for (const route of mutatingRoutes().filter((r) => !ABOUT_NO_CAMPAIGN.includes(r))) {
      const method = route.slice(0, route.indexOf(' '));
      const res = await b.request(pathOf(route), { method, headers: { origin: ORIGIN }, body: method === 'DELETE' ? undefined : new URLSearchParams({ days: '9' }) });
      expect(res.status, route).toBe(409);
      expect(await res.text(), route).toContain('本活动已结束并归档，只读');
      refused.push(route);
    }
    expect(refused).toEqual(expect.arrayContaining([`POST /campaigns/:id/posting-days`, 'POST /approve/:credential', 'POST /posting/:postingId']));
    expect(await snapshot()).toBe(before);
  });

  it('still shows its pages and exports, with the 已归档 banner', async () => {
    const page = await b.get(`/campaigns/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<b>已归档</b>：本活动已结束并归档，只读');
    const plan = await b.get(`/campaigns/${id}/plan.xlsx`);
    expect(plan.status).toBe(200);
    expect(plan.headers.get('content-type')).toContain('spreadsheetml');
  });

  it('leaves other campaigns open to changes', async () => {
    const other = await createCampaignVia(web, b, { name: '另一个活动' });
    expect((await b.form(`/campaigns/${other}/posting-days`, { days: '5' })).status).toBe(303);
    expect(await (await b.get(`/campaigns/${other}`)).text()).not.toContain('已归档');
  });
});
