import { html } from 'hono/html';
import { CALL_SCRIPT, type CallbackRow } from '../spreadsheet.js';
import { layout, type Html } from './layout.js';

/** A callback worker's list: phone numbers to call, never ID numbers. */
export function callbackPage(staff: string, campaignName: string, rows: readonly CallbackRow[]): Html {
  return layout(
    { title: `回访名单：${campaignName}` },
    html`<p>回访人员：${staff} · 共 <b>${rows.length}</b> 户</p>
<form method="get"><input type="hidden" name="format" value="xlsx"><button type="submit">下载 Excel 名单（含话术）</button></form>
<table>
<tr><th class="num">序号</th><th>姓名</th><th>联系电话</th><th>帮困项目</th><th class="num">金额</th><th>发放方式</th><th>所属单位</th></tr>
${rows.map((r, i) => html`<tr><td class="num">${i + 1}</td><td>${r.name}</td><td>${r.phone}</td><td>${r.project}</td><td class="num">${r.amount}</td><td>${r.paymentMethod}</td><td>${r.unit}</td></tr>`)}
</table>
<h2>回访话术</h2>
<div class="box">${CALL_SCRIPT.map((line) => html`<p>${line}</p>`)}</div>`,
  );
}
