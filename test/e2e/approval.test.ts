import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { tempDir } from '../support/engine.js';

/** Debian's chromium, started as the machine's notes advise (no network, no background services). */
const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

describe('an approver in a real browser', () => {
  const dataDir = tempDir('nuanliu-e2e-');
  let cloud: LocalCloud;
  let browser: Browser;

  beforeAll(async () => {
    [cloud, browser] = await Promise.all([startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true }), launch()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('on a phone, an approver opens each emailed link, reads the unit\'s summary and approves; the next approves all lists at once', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    await campaign.create('浏览器审批测试');
    await campaign.survey();
    await campaign.startDeploy();

    // A phone-sized browser of the approver's own: no coordinator session in it.
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const [first, second] = DEMO.approvers;
    const expected = DEMO.perUnit.map((n) => n - DEMO.invalidPerUnit);
    const seen: string[] = [];
    for (let i = 0; i < DEMO.units.length; i++) {
      const link = await campaign.client.mailedLink(first, '/approve/', seen);
      seen.push(`${cloud.url}${link}`);
      await page.goto(`${cloud.url}${link}`);
      const body = (await page.textContent('main')) ?? '';
      const unit = DEMO.units.find((u) => body.includes(`${u}：帮困名单共`))!;
      expect(body).toContain(`${unit}：帮困名单共 ${expected[DEMO.units.indexOf(unit)]} 人`);
      expect(body).toContain('第 1/2 级');
      // The page fits the phone's width, and opening it decided nothing.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect((await campaign.client.status(campaign.campaignId)).phase).toBe('deploy');
      await page.getByRole('button', { name: '同意', exact: true }).first().click();
      await page.waitForLoadState();
      expect(await page.textContent('body')).toContain('已同意');
      await page.screenshot({ path: path.join(os.tmpdir(), `nuanliu-approved-${i}.png`) });
      // The same link again: already handled, nothing more to decide.
      await page.goto(`${cloud.url}${link}`);
      expect(await page.textContent('body')).toContain('已处理');
    }

    // 张榜公示 before the final step: the lists are posted, and the clock moved past the period.
    await campaign.passPostings();
    // The second approver: one link, every pending list approved in one action.
    await until('the second approver\'s mails', async () => ((await campaign.client.links(second)).filter((l) => l.includes('/approve/')).length === DEMO.units.length ? true : undefined));
    await page.goto(`${cloud.url}${await campaign.client.mailedLink(second, '/approve/')}`);
    await page.getByRole('button', { name: /全部同意/ }).click();
    await page.waitForLoadState();
    expect(await page.textContent('body')).toContain(`共 ${DEMO.units.length} 份名单`);
    const moved = await campaign.client.atGate(campaign.campaignId, 'implement');
    expect(moved.phase).toBe('implement');
  }, 180_000);
});
