import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { readResultFile } from '../../core/bank-result.js';
import { normalizeAccount, normalizeBank } from '../../core/payee.js';
import { BANK_CHANNELS, type BankChannel } from '../../core/payment-methods.js';
import { paymentTotals } from '../../core/payment-totals.js';
import { sealKeys } from '../../core/seal.js';
import type { Campaign } from '../../data/campaigns.js';
import { parseBeneficiaryKey } from '../../data/exclusions.js';
import { statusOf } from '../../data/payments.js';
import { loadPlan } from '../../data/plan.js';
import { bankFileRows, lacksPayee, loadPayments, waitsInChannel } from '../../steps/bank-file.js';
import { retryPayment } from '../../steps/payment-retry.js';
import { reconcile, rememberReferences } from '../../steps/reconcile.js';
import { bankFileCsv, bankFileWorkbook } from '../bank-file.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, NotFound, TooLarge } from '../errors.js';
import { CHANNEL_SLUGS, paymentsPage, reconciledPage, type PaymentsPage } from '../pages/payments.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

const MAX_RESULT_FILE_BYTES = 4 * 1024 * 1024;
const CHANNEL_OF_SLUG = Object.fromEntries(BANK_CHANNELS.map((c) => [CHANNEL_SLUGS[c], c])) as Record<string, BankChannel>;

const bankFileQuery = z.object({
  channel: z.enum(Object.keys(CHANNEL_OF_SLUG) as [string, ...string[]], { error: '请选择发放方式：银行转账或社保卡' }),
  format: z.enum(['csv', 'xlsx'], { error: '请选择文件格式：CSV 或 Excel' }),
});

/** The checked value of a zh-CN check ('' when left empty), or a zod issue with its reason. */
const checkedOrEmpty = (check: (text: string) => { ok: true; value: string } | { ok: false; reason: string }) =>
  z.string().transform((text, ctx) => {
    if (text.trim() === '') return '';
    const result = check(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });

const STALE_FORM = '付款不存在，请返回页面后重试';

const retryForm = z.object({
  payment: z.string().transform((key, ctx) => {
    const parsed = parseBeneficiaryKey(key);
    if (parsed) return parsed;
    ctx.addIssue({ code: 'custom', message: STALE_FORM });
    return z.NEVER;
  }),
  attempt: z.coerce.number({ error: STALE_FORM }).int({ error: STALE_FORM }).min(1, { error: STALE_FORM }),
  account: checkedOrEmpty(normalizeAccount).optional(),
  bank: checkedOrEmpty(normalizeBank).optional(),
}).refine((f) => Boolean(f.account) === Boolean(f.bank), { message: '请同时填写更正后的银行账号和开户银行' });

const keysOf = async (deps: AppDeps) => sealKeys((await deps.secrets()).sealKey);

/** 发放与对账: bank files, the bank's result file, corrected retries, and the totals against the plan. */
export function paymentRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  async function pageOf(c: Context<WebEnv>, campaign: Campaign, extra: Partial<PaymentsPage> = {}): Promise<PaymentsPage> {
    const [views, plan] = await Promise.all([loadPayments(deps.table, campaign.id), loadPlan(deps.table, campaign)]);
    const missing = Object.fromEntries(BANK_CHANNELS.map((ch) => [ch, views.filter((v) => waitsInChannel(v, ch) && lacksPayee(v)).length])) as Record<BankChannel, number>;
    const totals = paymentTotals(plan, views.map((v) => ({ ...v.payment, status: statusOf(v.payment) })));
    return { user: c.var.coordinator.email, campaign, views, missing, totals, notice: c.req.query('notice'), ...extra };
  }

  app.get('/campaigns/:id/payments', async (c) => c.html(paymentsPage(await pageOf(c, await campaignOf(c, deps)))));

  app.get('/campaigns/:id/payments/bank-file', async (c) => {
    const campaign = await campaignOf(c, deps);
    const query = bankFileQuery.safeParse(c.req.query());
    if (!query.success) throw new BadRequest(query.error.issues[0].message);
    const channel = CHANNEL_OF_SLUG[query.data.channel];
    const keys = await keysOf(deps);
    const views = await loadPayments(deps.table, campaign.id, channel);
    const { rows } = bankFileRows(keys, campaign, views, channel);
    rememberReferences(keys, campaign.id, views.filter((v) => waitsInChannel(v, channel)).map((v) => v.payment));
    const name = `银行代发文件-${channel}-${campaign.name}`;
    const headers = { 'Cache-Control': 'no-store' };
    if (query.data.format === 'csv') {
      return c.body(bankFileCsv(rows), 200, { ...headers, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`${name}.csv`, `bank-${query.data.channel}.csv`) });
    }
    const file = await bankFileWorkbook(channel, rows);
    return c.body(new Uint8Array(file), 200, { ...headers, 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`${name}.xlsx`, `bank-${query.data.channel}.xlsx`) });
  });

  app.post(
    '/campaigns/:id/payments/results',
    bodyLimit({ maxSize: MAX_RESULT_FILE_BYTES + 16 * 1024, onError: () => { throw new TooLarge('结果文件超过 4 MB。'); } }),
    async (c) => {
      const campaign = await campaignOf(c, deps);
      const file = (await formBody(c)).file;
      if (!(file instanceof File) || file.size === 0) throw new BadRequest('请选择银行返回的结果文件。');
      const read = await readResultFile(Buffer.from(await file.arrayBuffer()), file.name);
      if (!read.ok) return c.html(paymentsPage(await pageOf(c, campaign, { fileErrors: read.errors })), 400);
      const outcomes = await reconcile(deps.table, await keysOf(deps), campaign.id, read.lines, deps.now());
      return c.html(reconciledPage({ user: c.var.coordinator.email, campaign, outcomes }));
    },
  );

  app.post('/campaigns/:id/payments/retry', async (c) => {
    const campaign = await campaignOf(c, deps);
    const form = retryForm.safeParse(await formBody(c));
    if (!form.success) throw new BadRequest(form.error.issues.map((i) => i.message).join('；'));
    const { payment, attempt, account, bank } = form.data;
    const outcome = await retryPayment(deps.table, await keysOf(deps), {
      campaignId: campaign.id, ...payment, attempt, ...(account && bank ? { account: { account, bank } } : {}),
    }, deps.now());
    if (outcome === 'missing') throw new NotFound('没有找到这笔付款。');
    if (outcome === 'account-required') throw new BadRequest('银行转账的付款须填写更正后的银行账号和开户银行。');
    return c.redirect(`/campaigns/${campaign.id}/payments?notice=${outcome === 'reissued' ? 'payment-reissued' : 'payment-stale'}`, 303);
  });
}
