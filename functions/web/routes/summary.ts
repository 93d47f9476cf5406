import type { Hono } from 'hono';
import { getSummary } from '../../data/summaries.js';
import type { AppDeps, WebEnv } from '../context.js';
import { NotFound } from '../errors.js';
import { summaryPage } from '../pages/summary.js';
import { summaryWorkbook } from '../summary-sheet.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';

/** 活动总结: the summary stored at the end of 回访, as a page with charts and as XLSX. */
export function summaryRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/summary', async (c) => {
    const campaign = await campaignOf(c, deps);
    return c.html(summaryPage(c.var.coordinator.email, campaign, await getSummary(deps.table, campaign.id)));
  });

  app.get('/campaigns/:id/summary.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const summary = await getSummary(deps.table, campaign.id);
    if (!summary) throw new NotFound('尚未生成活动总结：「回访」阶段的最后一步会自动生成。');
    const file = await summaryWorkbook(summary);
    return c.body(new Uint8Array(file), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`活动总结-${campaign.name}.xlsx`, 'summary.xlsx') });
  });
}
