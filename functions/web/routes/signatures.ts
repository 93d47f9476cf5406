import type { Context, Hono } from 'hono';
import type { SignatureSheet } from '../../core/signature-sheet.js';
import type { Campaign } from '../../data/campaigns.js';
import { loadSignatureSheets } from '../../data/signature-sheets.js';
import type { AppDeps, WebEnv } from '../context.js';
import { NotFound } from '../errors.js';
import { signatureSheetPage, signaturesPage } from '../pages/signatures.js';
import { signatureWorkbook } from '../signature-workbook.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';

/** The sheet of the unit named in the query; 404 for a unit without one. */
async function sheetOf(c: Context, deps: AppDeps, campaign: Campaign): Promise<SignatureSheet> {
  const unit = c.req.query('unit') ?? '';
  const sheet = (await loadSignatureSheets(deps.table, campaign)).find((s) => s.unit === unit);
  if (!sheet) throw new NotFound('这个单位没有需要签收的发放。');
  return sheet;
}

/** 签收表: per unit, the people who sign for cash, gift packages or grain-and-oil cards; as a page to print and as XLSX. */
export function signatureRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/signatures', async (c) => {
    const campaign = await campaignOf(c, deps);
    if (c.req.query('unit') === undefined) return c.html(signaturesPage(c.var.coordinator.email, campaign, await loadSignatureSheets(deps.table, campaign)));
    return c.html(signatureSheetPage(c.var.coordinator.email, campaign, await sheetOf(c, deps, campaign)));
  });

  app.get('/campaigns/:id/signatures.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const sheet = await sheetOf(c, deps, campaign);
    return c.body(new Uint8Array(await signatureWorkbook(campaign.name, sheet)), 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': attachment(`签收表-${sheet.unit}.xlsx`, 'signatures.xlsx'),
    });
  });
}
