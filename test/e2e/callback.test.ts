import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createAdaptorServer } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCallbackClose } from '../../functions/data/callback-close.js';
import { listFollowUps } from '../../functions/data/follow-ups.js';
import { registerCoordinator } from '../../functions/data/sessions.js';
import { eventually, startWeb, type Web } from '../unit/web/harness.js';
import { paidCampaign } from '../support/paid-campaign.js';

const COORDINATOR = 'coordinator@mzj.example.cn';
const STAFF = 'caller@mzj.example.cn';

/** Debian's chromium, started as the machine's notes advise (no network, no background services). */
const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

/** The path of the newest link mailed to `to` under `path`. */
function mailedPath(web: Web, to: string, path: string): string {
  const url = web.mails.filter((m) => m.to === to).map((m) => m.text.match(/https?:\/\/\S+/)?.[0]).filter((u) => u?.includes(path)).at(-1);
  if (!url) throw new Error(`no ${path} link mailed to ${to}`);
  return new URL(url).pathname;
}

describe('callback staff in a real browser', () => {
  let web: Web;
  let browser: Browser;
  let base: string;
  const server = createAdaptorServer({ fetch: (request: Request) => web.app.fetch(request) });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [web, browser] = await Promise.all([startWeb({ publicUrl: base }), launch()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    await web?.close();
  });

  it('on a phone, records three calls from the emailed link; the mismatch opens a case the coordinator sees for that unit', async () => {
    await registerCoordinator(web.table, { email: COORDINATOR, name: '协调员' });
    const campaign = await paidCampaign(web.table, { name: '浏览器回访测试', coordinator: COORDINATOR, staff: [STAFF], perUnit: 10 });
    await web.sfn.send(new StartExecutionCommand({ stateMachineArn: web.reviewWorkflowArn, input: JSON.stringify({ campaignId: campaign.id }) }));
    await eventually(() => getCallbackClose(web.table, campaign.id), 'the sample drawn and the callbacks awaited');

    // The staff member's own phone: the link from their mail, no session.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(`${base}${mailedPath(web, STAFF, '/callback/')}`);
    expect(await phone.textContent('main')).toContain('共 6 户');
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    const record = async (n: number, answers: string[], notes = '') => {
      const card = phone.locator(`#person-${n}`);
      for (const answer of answers) await card.getByLabel(answer, { exact: true }).check();
      if (notes) await card.getByLabel('备注').fill(notes);
      await Promise.all([phone.waitForURL(/notice=recorded/), card.getByRole('button', { name: '保存回访结果' }).click()]);
    };
    await record(1, ['已接通', '足额收到', '已走访', '满意']);
    await record(2, ['已接通', '金额不符', '未走访', '不满意'], '只收到300元');
    await record(3, ['未接通']);
    const main = (await phone.textContent('main')) ?? '';
    expect(main).toContain('已完成 2 户');
    expect(main).toContain('已接通：金额不符');
    expect(main).toContain('已拨打 1 次，未接通');
    expect(main).not.toMatch(/310\*{3}/);
    await phone.screenshot({ path: path.join(os.tmpdir(), 'nuanliu-callback-list.png'), fullPage: true });

    const [opened] = await listFollowUps(web.table, campaign.id);
    expect(opened).toMatchObject({ status: 'open', reason: '电话回访：金额不符', openedBy: STAFF });

    // The coordinator, in their own browser, signs in through the emailed link and opens the cases.
    const desk = await (await browser.newContext()).newPage();
    await desk.goto(`${base}/signin`);
    await desk.getByLabel(/邮箱/).fill(COORDINATOR);
    await desk.getByRole('button', { name: '发送登录链接' }).click();
    await desk.getByRole('heading', { name: '请查收邮件' }).waitFor();
    await desk.goto(`${base}${mailedPath(web, COORDINATOR, '/s/')}`);
    await Promise.all([desk.waitForURL(`${base}/`), desk.getByRole('button', { name: '登录' }).click()]);
    await desk.goto(`${base}/campaigns/${campaign.id}/follow-ups`);
    const cases = (await desk.textContent('main')) ?? '';
    expect(cases).toContain(`${opened.unit}（待办结 1 件）`);
    expect(cases).toContain('电话回访：金额不符');
    expect(cases).toContain('共 1 件');
  }, 60_000);
});
