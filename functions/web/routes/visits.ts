import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { checkVisit, VISIT_COLUMNS } from '../../core/visit-rows.js';
import type { Campaign } from '../../data/campaigns.js';
import { listVisits } from '../../data/visits.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, TooLarge } from '../errors.js';
import { visitsPage, type VisitsPageView } from '../pages/visits.js';
import { chinaToday, importVisits, storeVisits, visitTemplate } from '../visit-import.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody, shownFileName } from './util.js';

export const MAX_VISITS_BYTES = 1024 * 1024;
const TOO_LARGE = '走访记录文件超过 1 MB，请拆分成几个较小的文件分别导入。';

/** 走访慰问: the coordinator records, for the units, leaders' visits to beneficiaries' households. */
export function visitRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  const page = async (c: Context<WebEnv>, campaign: Campaign, view: Partial<VisitsPageView> = {}) =>
    visitsPage({ user: c.var.coordinator.email, campaign, visits: await listVisits(deps.table, campaign.id), ...view });

  app.get('/campaigns/:id/visits', async (c) => {
    const campaign = await campaignOf(c, deps);
    return c.html(await page(c, campaign, { notice: c.req.query('notice') }));
  });

  app.get('/campaigns/:id/visits/template.xlsx', async (c) => {
    await campaignOf(c, deps);
    return c.body(new Uint8Array(await visitTemplate()), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment('走访记录模板.xlsx', 'visits-template.xlsx') });
  });

  app.post(
    '/campaigns/:id/visits/import',
    bodyLimit({
      maxSize: MAX_VISITS_BYTES + 16 * 1024,
      onError: () => {
        throw new TooLarge(TOO_LARGE);
      },
    }),
    async (c) => {
      const campaign = await campaignOf(c, deps);
      const file = (await formBody(c)).file;
      if (!(file instanceof File)) throw new BadRequest('请选择要导入的走访记录文件。');
      if (file.size === 0) throw new BadRequest('上传的文件是空的。');
      if (file.size > MAX_VISITS_BYTES) throw new TooLarge(TOO_LARGE);
      const { idHashKey } = await deps.secrets();
      const imported = await importVisits({ table: deps.table, idHashKey }, campaign, {
        bytes: Buffer.from(await file.arrayBuffer()), fileName: shownFileName(file.name), recordedBy: c.var.coordinator.email, at: deps.now(),
      });
      return c.html(await page(c, campaign, { imported }), imported.rowCount === 0 && imported.errors.length ? 400 : 200);
    },
  );

  app.post('/campaigns/:id/visits', async (c) => {
    const campaign = await campaignOf(c, deps);
    const body = await formBody(c);
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const cells = Object.fromEntries(VISIT_COLUMNS.map((col) => [col.key, field(col.key)]));
    const now = deps.now();
    const checked = checkVisit(cells, 0, chinaToday(now));
    const { idHashKey } = await deps.secrets();
    const stored = checked.visit ? await storeVisits({ table: deps.table, idHashKey }, campaign, [checked.visit], { recordedBy: c.var.coordinator.email, at: now }) : undefined;
    const errors = [...checked.errors, ...(stored?.errors ?? [])];
    if (errors.length) {
      // The ID number typed is not shown again.
      const { idNumber: _id, ...values } = cells;
      return c.html(await page(c, campaign, { form: { values, errors } }), 400);
    }
    return c.redirect(`/campaigns/${campaign.id}/visits?notice=${stored!.stored ? 'visit-saved' : 'visit-exists'}`, 303);
  });
}
