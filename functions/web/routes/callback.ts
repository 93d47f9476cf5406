import type { Context, Hono } from 'hono';
import { formatYuan } from '../../core/money.js';
import { getBeneficiary, type Beneficiary } from '../../data/beneficiaries.js';
import { getCampaign } from '../../data/campaigns.js';
import { checkLink } from '../../data/links.js';
import { getSample } from '../../data/samples.js';
import type { AppDeps, WebEnv } from '../context.js';
import { Forbidden, Gone, NotFound } from '../errors.js';
import { callbackPage } from '../pages/callback.js';
import { callbackWorkbook, type CallbackRow } from '../spreadsheet.js';
import { attachment, XLSX_TYPE } from './campaigns.js';

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A callback worker's link: not single-use (they come back to their list), but it expires.
 * The list shows what a phone call needs and nothing more: no ID numbers.
 */
export function callbackRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  const listOf = async (c: Context): Promise<{ staff: string; campaignName: string; rows: CallbackRow[] }> => {
    const { linkKey } = await deps.secrets();
    const result = await checkLink(deps.table, linkKey, c.req.param('credential') ?? '', 'callback', deps.now());
    if (!result.ok) {
      if (result.problem === 'expired') throw new Gone('此回访名单链接已过期。如需继续回访，请联系活动协调员。');
      throw new Forbidden('链接无效。请使用邮件中的完整链接。', '链接无效');
    }
    const { link } = result;
    const campaign = link.campaignId ? await getCampaign(deps.table, link.campaignId) : undefined;
    const sample = campaign ? await getSample(deps.table, campaign.id) : undefined;
    if (!campaign || !sample) throw new NotFound('没有找到这份回访名单。');
    const keys = sample.assignments[link.email] ?? [];
    const projects = new Map(campaign.projects.map((p) => [p.code, p.name]));
    const people = await mapLimited(keys, 16, (key) => {
      const at = key.indexOf('#');
      return getBeneficiary(deps.table, campaign.id, key.slice(0, at), key.slice(at + 1));
    });
    const rows = people
      .filter((b): b is Beneficiary => b !== undefined)
      .map((b) => ({ name: b.name, phone: b.phone, project: projects.get(b.projectCode) ?? b.projectCode, amount: formatYuan(b.amountFen), paymentMethod: b.paymentMethod, unit: b.unit }));
    return { staff: link.email, campaignName: campaign.name, rows };
  };

  const xlsx = async (c: Context) => {
    const list = await listOf(c);
    const file = await callbackWorkbook(list.campaignName, list.rows);
    return c.body(new Uint8Array(file), 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': attachment(`回访名单-${list.campaignName}.xlsx`, 'callback-list.xlsx'),
    });
  };

  app.get('/callback/:credential', async (c) => {
    // The page's download button asks for ?format=xlsx, so the credential need not be written into the page.
    if (c.req.query('format') === 'xlsx') return xlsx(c);
    const list = await listOf(c);
    return c.html(callbackPage(list.staff, list.campaignName, list.rows));
  });

  app.get('/callback/:credential/list.xlsx', xlsx);
}
