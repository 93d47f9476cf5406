import { createHmac } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { parseObjection } from '../../core/objection.js';
import { MAX_POSTING_DAYS } from '../../core/posting.js';
import { getBeneficiary } from '../../data/beneficiaries.js';
import { parseBeneficiaryKey } from '../../data/exclusions.js';
import { classifyPosting, fileObjection, listObjections, OBJECTION_ID, resolveObjection } from '../../data/objections.js';
import { acceptsObjections, getPosting, getPostingLine, listPostings, POSTING_ID, postingDaysOf, setPostingDays, type Posting } from '../../data/postings.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, NotFound, TooManyRequests } from '../errors.js';
import { objectionsPage } from '../pages/objections.js';
import { postingPage, type PostingPageView } from '../pages/posting.js';
import { postingWorkbook } from '../posting-workbook.js';
import { publicLines } from '../posting-view.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

/**
 * Who sent a request, for rate limits only: the client address API Gateway saw, as a keyed hash
 * (the address itself is not stored). Requests that carry none share one name.
 */
function sourceOf(c: Context, key: string): string {
  const ip = (c.env as { requestContext?: { http?: { sourceIp?: string } } } | undefined)?.requestContext?.http?.sourceIp;
  return ip ? createHmac('sha256', key).update(`objection-source\u0000${ip}`).digest('hex').slice(0, 24) : 'unknown';
}

/** The public posting pages: the posted list, its XLSX, and the objection form. No sign-in. */
export function postingRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  const postingOf = async (c: Context): Promise<Posting> => {
    const id = c.req.param('postingId') ?? '';
    const posting = POSTING_ID.test(id) ? await getPosting(deps.table, id) : undefined;
    if (!posting) throw new NotFound('没有找到这份公示名单。');
    return posting;
  };
  const view = async (posting: Posting): Promise<PostingPageView> => {
    const { lines, classes } = await classifyPosting(deps.table, posting);
    return { posting, lines: publicLines(posting, lines, classes), open: acceptsObjections(posting, deps.now()) };
  };

  app.get('/posting/:postingId', async (c) => {
    const posting = await postingOf(c);
    const page = await view(posting);
    if (c.req.query('format') === 'xlsx') {
      return c.body(new Uint8Array(await postingWorkbook(posting, page.lines)), 200, {
        'Content-Type': XLSX_TYPE,
        'Content-Disposition': attachment(`公示名单-${posting.unit}.xlsx`, 'posting.xlsx'),
      });
    }
    return c.html(postingPage({ ...page, filed: c.req.query('filed') === '1' }));
  });

  app.post('/posting/:postingId', async (c) => {
    const posting = await postingOf(c);
    const page = await view(posting);
    if (!page.open) return c.html(postingPage({ ...page, errors: ['公示期已结束，不再受理异议。'] }), 409);
    const form = await formBody(c);
    const values = { line: String(form.line ?? ''), reason: String(form.reason ?? ''), contact: String(form.contact ?? '') };
    const parsed = parseObjection(form);
    if (!parsed.ok) return c.html(postingPage({ ...page, values, errors: parsed.errors }), 400);
    const line = await getPostingLine(deps.table, posting.postingId, parsed.value.line);
    if (!line) return c.html(postingPage({ ...page, values, errors: ['请选择要提出异议的名单行'] }), 400);
    const { linkKey } = await deps.secrets();
    const result = await fileObjection(deps.table, { posting, line, reason: parsed.value.reason, contact: parsed.value.contact, source: sourceOf(c, linkKey), at: deps.now() });
    if (result.outcome === 'rate-limited') throw new TooManyRequests('今天提交的异议已达上限，请明天再试，或直接联系公示单位。');
    return c.redirect(`/posting/${posting.postingId}?filed=1`, 303);
  });
}

const resolution = z.object({
  outcome: z.enum(['upheld', 'dismissed'], { error: '请选择异议是否成立' }),
  reason: z.string({ error: '处理异议必须填写理由' }).trim().min(1, '处理异议必须填写理由').max(500, '理由最多500个字'),
});
const postingDays = z.object({
  days: z.coerce.number({ error: '公示天数必须是整数' }).int('公示天数必须是整数').min(1, '公示天数至少1天').max(MAX_POSTING_DAYS, `公示天数最多${MAX_POSTING_DAYS}天`),
});

/** The coordinator reviews objections and sets the posting period (behind sign-in, under /campaigns). */
export function objectionRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/objections', async (c) => {
    const campaign = await campaignOf(c, deps);
    const [days, postings, objections] = await Promise.all([postingDaysOf(deps.table, campaign.id), listPostings(deps.table, campaign.id), listObjections(deps.table, campaign.id)]);
    const projects = new Map(campaign.projects.map((p) => [p.code, p.name]));
    const views = await Promise.all(objections.map(async (objection) => {
      const key = parseBeneficiaryKey(objection.lineKey);
      const b = key && objection.status === 'open' ? await getBeneficiary(deps.table, campaign.id, key.projectCode, key.idHash) : undefined;
      return { objection, name: b?.name, idMasked: b?.idMasked, project: b && (projects.get(b.projectCode) ?? b.projectCode), amountFen: b?.amountFen };
    }));
    return c.html(objectionsPage({ user: c.var.coordinator.email, campaign, days, postings, objections: views, notice: c.req.query('notice') }));
  });

  app.post('/campaigns/:id/objections/:objectionId/resolve', async (c) => {
    const campaign = await campaignOf(c, deps);
    const objectionId = c.req.param('objectionId');
    if (!OBJECTION_ID.test(objectionId)) throw new NotFound('没有找到这条异议。');
    const parsed = resolution.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('异议未处理：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const outcome = await resolveObjection(deps.table, { campaignId: campaign.id, objectionId, ...parsed.data, by: c.var.coordinator.email, at: deps.now() });
    if (outcome === 'not-found') throw new NotFound('没有找到这条异议。');
    return c.redirect(`/campaigns/${campaign.id}/objections?notice=${outcome}`, 303);
  });

  app.post('/campaigns/:id/posting-days', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = postingDays.safeParse(await formBody(c));
    if (!parsed.success) throw new BadRequest('公示天数未保存：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    await setPostingDays(deps.table, campaign.id, parsed.data.days);
    return c.redirect(`/campaigns/${campaign.id}/objections?notice=days-saved`, 303);
  });
}
