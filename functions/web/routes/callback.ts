import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { stratumKey } from '../../core/strata.js';
import { isMismatch, recordCallOutcome, SATISFACTION, type CallOutcome, type Mismatch } from '../../data/callbacks.js';
import { callbackSettingsOf } from '../../data/campaigns.js';
import { openFollowUp } from '../../data/follow-ups.js';
import { replaceUnreached } from '../../steps/replacement.js';
import { callbackListOf, callbackPersonOf } from '../callback-list.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, Forbidden } from '../errors.js';
import { callbackPage } from '../pages/callback.js';
import { callbackWorkbook } from '../spreadsheet.js';
import { attachment, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v);
const RECEIVED: Record<string, { right: boolean; mismatch?: Mismatch }> = { right: { right: true }, none: { right: false, mismatch: '未收到' }, wrong: { right: false, mismatch: '金额不符' } };

/** One call's outcome as the staff member's form sends it; the questions are required once the person is reached. */
const outcomeForm = z.object({
  person: z.string().regex(/^[\w-]+#[a-f0-9]{64}$/, '回访对象无效，请刷新页面后重试'),
  seen: z.coerce.number().int().min(0),
  reached: z.enum(['yes', 'no'], { error: '请选择是否接通' }),
  received: z.preprocess(blankAsAbsent, z.enum(['right', 'none', 'wrong'], { error: '请选择是否足额收到' }).optional()),
  visited: z.preprocess(blankAsAbsent, z.enum(['yes', 'no'], { error: '请选择是否走访' }).optional()),
  satisfaction: z.preprocess(blankAsAbsent, z.enum(SATISFACTION, { error: '请选择满意度' }).optional()),
  notes: z.string().trim().max(500, '备注最多500个字').default(''),
}).superRefine((form, ctx) => {
  if (form.reached === 'no') return;
  if (!form.received) ctx.addIssue({ code: 'custom', message: '已接通时请选择是否足额收到', path: ['received'] });
  if (!form.visited) ctx.addIssue({ code: 'custom', message: '已接通时请选择是否走访', path: ['visited'] });
  if (!form.satisfaction) ctx.addIssue({ code: 'custom', message: '已接通时请选择满意度', path: ['satisfaction'] });
});

/**
 * A callback worker's link: not single-use (they come back to their list), but it expires. The
 * list shows what a phone call needs and nothing more: no ID numbers. Each call's outcome is saved
 * from the list, for a person on it only.
 */
export function callbackRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  const xlsx = async (c: Context) => {
    const list = await callbackListOf(c, deps);
    const file = await callbackWorkbook(list.campaign.name, list.people);
    return c.body(new Uint8Array(file), 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': attachment(`回访名单-${list.campaign.name}.xlsx`, 'callback-list.xlsx'),
    });
  };

  app.get('/callback/:credential', async (c) => {
    // The page's download button asks for ?format=xlsx, so the credential need not be written into the page.
    if (c.req.query('format') === 'xlsx') return xlsx(c);
    const list = await callbackListOf(c, deps);
    return c.html(callbackPage(list.staff, list.campaign.name, list.people, c.req.query('notice')));
  });

  app.get('/callback/:credential/list.xlsx', xlsx);

  /**
   * Saves one call: each save is a call (未接通 adds an attempt), written only if nobody saved one
   * since the page was shown. A mismatch opens the unit's follow-up case (once per person); the
   * last unanswered call before the limit replaces the person.
   */
  app.post('/callback/:credential', async (c) => {
    const parsed = outcomeForm.safeParse(await formBody(c));
    // The link is checked first: a bad link is refused whatever the form holds.
    const list = await callbackPersonOf(c, deps, parsed.success ? parsed.data.person : '');
    if (!parsed.success) throw new BadRequest('回访结果未保存：', [...new Set(parsed.error.issues.map((i) => i.message))]);
    const form = parsed.data;
    const { person } = list;
    if (!person) throw new Forbidden('该对象不在您的回访名单中。', '无法保存');
    if (person.replaced) throw new Conflict('该对象已被替换，无需继续回访。');
    const back = (notice: string) => c.redirect(`${new URL(c.req.url).pathname}?notice=${notice}#person-${person.number}`, 303);
    const now = deps.now();
    const b = person.beneficiary;
    const reached = form.reached === 'yes';
    const received = reached ? RECEIVED[form.received!] : undefined;
    const outcome: CallOutcome = {
      campaignId: list.campaign.id, beneficiaryKey: person.key, unit: b.unit, category: b.category, staff: list.staff,
      attempts: form.seen + 1, reached,
      receivedRightAmount: received ? received.right : null,
      visited: reached ? form.visited === 'yes' : null,
      satisfaction: reached ? form.satisfaction! : null,
      notes: form.notes, recordedAt: now.toISOString(),
      ...(received?.mismatch ? { mismatch: received.mismatch } : {}),
    };
    if (!(await recordCallOutcome(deps.table, outcome, form.seen))) return back('already-recorded');
    if (isMismatch(outcome)) {
      await openFollowUp(deps.table, {
        campaignId: outcome.campaignId, caseId: person.key, beneficiaryKey: person.key, unit: b.unit,
        reason: `电话回访：${outcome.mismatch ?? '未足额收到'}`, openedBy: list.staff, openedAt: outcome.recordedAt, status: 'open',
      });
    }
    if (!reached && outcome.attempts >= callbackSettingsOf(list.campaign).maxAttempts) {
      const r = await replaceUnreached({ sample: list.sample, replacedKey: person.key, stratum: stratumKey(b.unit, b.category), staff: list.staff }, { table: deps.table, now });
      return back(r.replacementKey ? 'replaced' : 'exhausted');
    }
    return back('recorded');
  });
}

