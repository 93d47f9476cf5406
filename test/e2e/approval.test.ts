import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, DemoCampaign } from '../../infra/local/demo-campaign.js';
import { DemoClient } from '../../infra/local/demo-client.js';
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
    [cloud, browser] = await Promise.all([startLocalCloud({ dataDir, ephemeralPorts: true }), launch()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the emailed link, approves, and the campaign moves on', async () => {
    const campaign = new DemoCampaign(new DemoClient(cloud.url));
    await campaign.create('浏览器审批测试');
    await campaign.survey();
    await campaign.startDeploy();

    const page = await browser.newPage();
    for (const approver of DEMO.approvers) {
      const link = await campaign.client.mailedLink(approver, '/approve/');
      await page.goto(`${cloud.url}${link}`);
      await expect(page.getByRole('button', { name: '同意' }).isVisible()).resolves.toBe(true);
      // Opening the page decided nothing: the campaign still waits for this approver.
      expect((await campaign.client.status(campaign.campaignId)).phase).toBe('deploy');
      await page.getByRole('button', { name: '同意' }).click();
      await page.waitForLoadState();
      expect(await page.textContent('body')).toContain('已同意');
      await page.screenshot({ path: path.join(os.tmpdir(), `nuanliu-approved-${DEMO.approvers.indexOf(approver)}.png`) });
      // The same link again: already handled, nothing more to decide.
      await page.goto(`${cloud.url}${link}`);
      expect(await page.textContent('body')).toContain('已处理');
    }
    const moved = await campaign.client.atGate(campaign.campaignId, 'implement');
    expect(moved.phase).toBe('implement');
  }, 120_000);
});
