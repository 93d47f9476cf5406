import { html, raw } from 'hono/html';
import { CONTACT_MAX, REASON_MAX } from '../../core/objection.js';
import type { Posting } from '../../data/postings.js';
import { PUBLIC_COLUMNS, type PublicLine } from '../posting-view.js';
import { fieldErrors, formatTime, layout, type Html } from './layout.js';

/** Printing keeps the list and its heading: no site header, no buttons, no form. */
const PRINT_CSS = `@media print{header,form,.no-print{display:none!important}body{background:#fff;font-size:12px}main{max-width:none;padding:0}
table{page-break-inside:auto}tr{page-break-inside:avoid}thead{display:table-header-group}th{background:#eee}}`;

export interface PostingPageView {
  posting: Posting;
  lines: PublicLine[];
  /** Objections are accepted now. */
  open: boolean;
  filed?: boolean;
  errors?: string[];
  values?: { line?: string; reason?: string; contact?: string };
}

/** The public posting page (张榜公示): readable without sign-in, printable, with the objection form. */
export function postingPage(view: PostingPageView): Html {
  const { posting, lines, values = {} } = view;
  return layout(
    { title: `${posting.campaignName} 帮困对象公示` },
    html`<style>${raw(PRINT_CSS)}</style>
<p>公示单位：<b>${posting.unit}</b></p>
<p>公示期：${formatTime(posting.openedAt)} 至 ${formatTime(posting.endsAt)}（${posting.days}天）· 共 <b>${lines.length}</b> 人
${view.open ? '' : html` · <b>公示已结束</b>`}</p>
<p class="hint">为保护个人信息，姓名和身份证号码已部分隐去。对名单有异议的，可在公示期内针对某一行提出；核实期间该行暂缓审批，名单其余各行照常进行。</p>
${view.filed ? html`<p class="notice">您的异议已提交，将由活动协调员核实处理。感谢您的监督。</p>` : ''}
<p class="no-print"><a class="button" href="?format=xlsx">下载 Excel 名单</a> <span class="hint">打印本页即可张贴。</span></p>
<table>
<thead><tr>${PUBLIC_COLUMNS.map((c) => html`<th${c === '序号' || c === '金额' ? raw(' class="num"') : ''}>${c}</th>`)}</tr></thead>
<tbody>
${lines.map((l) => html`<tr><td class="num">${l.n}</td><td>${l.name}</td><td>${l.id}</td><td>${l.project}</td><td class="num">${l.amount}</td><td>${l.state}</td></tr>`)}
</tbody>
</table>
${view.open ? objectionForm(lines, values, view.errors) : html`<p class="no-print muted">公示期已结束，不再受理异议。</p>`}`,
  );
}

function objectionForm(lines: readonly PublicLine[], values: NonNullable<PostingPageView['values']>, errors?: string[]): Html {
  return html`<h2 id="objection">提出异议</h2>
<form method="post" action="#objection" class="box">
${fieldErrors(errors)}
<label for="line">对哪一行有异议</label>
<select id="line" name="line" required>
<option value="">请选择</option>
${lines.map((l) => html`<option value="${l.ref}"${l.ref === values.line ? raw(' selected') : ''}>第${l.n}行：${l.name}（${l.project}）</option>`)}
</select>
<label for="reason">异议理由</label>
<textarea id="reason" name="reason" maxlength="${REASON_MAX}" required>${values.reason ?? ''}</textarea>
<label for="contact">联系方式（选填，仅供核实人员联系您，不会公开）</label>
<input type="text" id="contact" name="contact" maxlength="${CONTACT_MAX}" value="${values.contact ?? ''}">
<p><button type="submit">提交异议</button></p>
</form>`;
}
