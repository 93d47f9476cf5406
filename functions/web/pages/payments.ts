import { html } from 'hono/html';
import type { ResultError } from '../../core/bank-result.js';
import { sourceName } from '../../core/funding.js';
import { maskName } from '../../core/masking.js';
import { formatYuan } from '../../core/money.js';
import { BANK_CHANNELS, PAYMENT_METHODS, type BankChannel } from '../../core/payment-methods.js';
import type { PaymentTotals, TotalsRowKey } from '../../core/payment-totals.js';
import type { Campaign } from '../../data/campaigns.js';
import { attemptOf, statusOf, type PaymentStatus } from '../../data/payments.js';
import type { PaymentView } from '../../steps/bank-file.js';
import type { LineOutcome } from '../../steps/reconcile.js';
import { layout, noticeOf, type Html } from './layout.js';

/** The bank channels as the download links name them. */
export const CHANNEL_SLUGS: Record<BankChannel, string> = { 银行转账: 'transfer', 社保卡: 'card' };

const STATUS_NAMES: Record<PaymentStatus, string> = { issued: '待银行结果', paid: '成功', failed: '失败' };
const STATUSES = Object.keys(STATUS_NAMES) as PaymentStatus[];
const rowName = (key: TotalsRowKey) => (key === 'unfunded' ? '未设置资金来源' : key === 'unplanned' ? '不在计划中的付款' : sourceName(key));

export interface PaymentsPage {
  user: string;
  campaign: Campaign;
  views: readonly PaymentView[];
  /** Per bank channel: payments waiting for the bank that cannot be in the file (no sealed details). */
  missing: Record<BankChannel, number>;
  totals: PaymentTotals;
  notice?: string;
  /** After an upload of a file that was refused: why. */
  fileErrors?: readonly ResultError[];
}

const who = ({ payment }: PaymentView) => (payment.name !== undefined ? `${maskName(payment.name)}（${payment.idMasked}）` : '（帮困对象已删除）');

function countsTable(views: readonly PaymentView[]): Html {
  const count = (method: string, status: PaymentStatus) => views.filter((v) => v.channel === method && statusOf(v.payment) === status).length;
  return html`<table>
<tr><th>发放方式</th>${STATUSES.map((s) => html`<th class="num">${STATUS_NAMES[s]}</th>`)}</tr>
${PAYMENT_METHODS.map((m) => html`<tr><td>${m}</td>${STATUSES.map((s) => html`<td class="num">${count(m, s)}</td>`)}</tr>`)}
</table>`;
}

function downloads(page: PaymentsPage): Html {
  const base = `/campaigns/${page.campaign.id}/payments/bank-file`;
  return html`<h2>银行代发文件</h2>
<p class="hint">只列出“待银行结果”的付款；每笔付款每次发放有唯一的付款参考号。文件含完整身份证号码和银行账号，仅供报送银行，请妥善保管。</p>
<table>
<tr><th>发放方式</th><th class="num">待银行结果</th><th>下载</th></tr>
${BANK_CHANNELS.map((channel) => {
    const waiting = page.views.filter((v) => v.channel === channel && statusOf(v.payment) === 'issued').length;
    const slug = CHANNEL_SLUGS[channel];
    return html`<tr><td>${channel}</td><td class="num">${waiting}</td><td><a href="${base}?channel=${slug}&amp;format=csv">CSV</a> · <a href="${base}?channel=${slug}&amp;format=xlsx">Excel</a>${page.missing[channel]
      ? html`<br><span class="errors">${page.missing[channel]} 笔缺少收款信息（名单导入时未登记${channel === '银行转账' ? '银行账号' : '身份证号码'}），不在文件中</span>`
      : ''}</td></tr>`;
  })}
</table>`;
}

function uploadSection(page: PaymentsPage): Html {
  return html`<h2>上传银行结果文件</h2>
<p class="hint">CSV 或 Excel，列：付款参考号、金额（元）、处理结果（成功/失败）、失败原因。同一文件重复上传不会重复记账。</p>
<form method="post" action="/campaigns/${page.campaign.id}/payments/results" enctype="multipart/form-data">
<input type="file" name="file" accept=".csv,.xlsx" required> <button type="submit">上传并对账</button>
</form>
${page.fileErrors?.length
    ? html`<div class="errors"><p><b>结果文件未导入</b>，请修改后重新上传：</p><ul>${page.fileErrors.map((e) => html`<li>${e.row ? `第${e.row}行 ` : ''}${e.column}：${e.reason}</li>`)}</ul></div>`
    : ''}`;
}

const OUTCOME_LABELS = { paid: '成功', failed: '失败', unknown: '无法匹配' } as const;

function outcomeRows(outcomes: readonly LineOutcome[]): Html {
  const text = (o: LineOutcome) =>
    o.kind === 'unknown' ? o.why : `${o.who} 第${o.attempt}次发放${o.kind === 'failed' ? `，原因：${o.reason ?? ''}` : ''}${o.changed ? '' : '（此前已记录，未重复更改）'}`;
  return html`<table class="outcomes">
<tr><th>行号</th><th>付款参考号</th><th class="num">金额</th><th>结果</th><th>说明</th></tr>
${outcomes.map((o) => html`<tr class="${o.kind}"><td>${o.row}</td><td><code>${o.reference}</code></td><td class="num">${formatYuan(o.amountFen)}</td><td>${OUTCOME_LABELS[o.kind]}</td><td>${text(o)}</td></tr>`)}
</table>`;
}

/**
 * A result file's lines: the counts, then the failed and unmatched lines (those to act on), then
 * the paid ones folded away (a bank's file has tens of thousands), each list in the file's order.
 */
function outcomeTable(outcomes: readonly LineOutcome[]): Html {
  const paid = outcomes.filter((o) => o.kind === 'paid');
  const failed = outcomes.filter((o) => o.kind === 'failed').length;
  const toCheck = outcomes.filter((o) => o.kind !== 'paid');
  return html`<h3>对账结果</h3>
<p>成功 ${paid.length} 行，失败 ${failed} 行，无法匹配 ${outcomes.length - paid.length - failed} 行。</p>
${toCheck.length ? html`<h4>失败与无法匹配的行（${toCheck.length} 行）</h4>${outcomeRows(toCheck)}` : ''}
${paid.length ? html`<details${toCheck.length ? '' : ' open'}><summary>成功的行（${paid.length} 行）</summary>${outcomeRows(paid)}</details>` : ''}`;
}

function failedSection(page: PaymentsPage): Html {
  const failed = page.views.filter((v) => statusOf(v.payment) === 'failed');
  if (failed.length === 0) return html`<h2>失败的付款</h2><p class="muted">没有失败的付款。</p>`;
  return html`<h2>失败的付款</h2>
<p class="hint">核实后填写更正的银行账号重新发放；社保卡发放可直接重新发放。重新发放仍是同一笔付款（第 n+1 次发放），不会重复付款。</p>
<table class="failed">
<tr><th>单位</th><th>帮困对象</th><th>项目</th><th class="num">金额</th><th>发放方式</th><th>第几次</th><th>失败原因</th><th>更正并重新发放</th></tr>
${failed.map((v) => html`<tr><td>${v.unit}</td><td>${who(v)}</td><td>${v.payment.projectCode}</td><td class="num">${formatYuan(v.payment.amountFen)}</td><td>${v.channel ?? ''}</td><td class="num">${attemptOf(v.payment)}</td><td>${v.payment.failure ?? ''}</td>
<td><form method="post" action="/campaigns/${page.campaign.id}/payments/retry">
<input type="hidden" name="payment" value="${v.payment.projectCode}#${v.payment.idHash}"><input type="hidden" name="attempt" value="${attemptOf(v.payment)}">
${v.channel === '银行转账'
    ? html`<input name="account" placeholder="更正后的银行账号" inputmode="numeric" autocomplete="off" required> <input name="bank" placeholder="开户银行" required> `
    : ''}<button type="submit">重新发放</button></form></td></tr>`)}
</table>`;
}

function totalsSection(totals: PaymentTotals): Html {
  const cells = (r: Omit<PaymentTotals['rows'][number], 'key'>) =>
    html`<td class="num">${formatYuan(r.plannedFen)}</td><td class="num">${formatYuan(r.issuedFen)}</td><td class="num">${formatYuan(r.paidFen)}</td><td class="num">${formatYuan(r.failedFen)}</td><td class="num">${formatYuan(r.differenceFen)}</td>`;
  return html`<h2>按资金来源核对（精确到分）</h2>
<table class="totals">
<tr><th>资金来源</th><th class="num">计划</th><th class="num">待银行结果</th><th class="num">成功</th><th class="num">失败</th><th class="num">差额（计划−三者之和）</th></tr>
${totals.rows.map((r) => html`<tr><td>${rowName(r.key)}</td>${cells(r)}</tr>`)}
<tr><th>合计</th>${cells(totals.total)}</tr>
</table>
${totals.matchesPlan
    ? html`<p class="notice">与计划一致：各资金来源的成功、失败、待银行结果之和均等于计划金额。</p>`
    : html`<p class="errors">与计划不一致：请核对差额不为零的资金来源。</p>`}`;
}

/** 发放与对账: counts, bank files, the result upload with its outcome, failed payments with the correction form, totals. */
export function paymentsPage(page: PaymentsPage): Html {
  const { campaign } = page;
  return layout(
    { title: `发放与对账：${campaign.name}`, user: page.user },
    html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a> · <a href="/campaigns/${campaign.id}/plan">资金计划</a></p>
${noticeOf(page.notice)}
<h2>发放情况</h2>
${page.views.length ? countsTable(page.views) : html`<p class="muted">尚无付款记录（「实施」阶段发放后显示）。</p>`}
${downloads(page)}
${uploadSection(page)}
${failedSection(page)}
${totalsSection(page.totals)}`,
  );
}

/**
 * After a result file: its lines' outcomes alone (the payments page, with every payment and the
 * totals, is a link away: at district scale it takes as long again to read).
 */
export function reconciledPage(page: Pick<PaymentsPage, 'user' | 'campaign'> & { outcomes: readonly LineOutcome[] }): Html {
  const { campaign } = page;
  return layout(
    { title: `对账结果：${campaign.name}`, user: page.user },
    html`<p><a href="/campaigns/${campaign.id}/payments">← 返回发放与对账（发放情况、失败付款更正、各资金来源合计）</a></p>
${outcomeTable(page.outcomes)}`,
  );
}
