import { html } from 'hono/html';
import { SATISFACTION } from '../../data/callbacks.js';
import type { CallbackPerson } from '../callback-list.js';
import { CALL_SCRIPT } from '../spreadsheet.js';
import { formatTime, layout, type Html } from './layout.js';

/** What a saved call may tell its staff member; fixed texts only. */
export const CALLBACK_NOTICES: Record<string, string> = {
  recorded: '回访结果已保存。',
  'already-recorded': '该对象的回访结果刚刚已保存过（可能重复提交），本次未重复保存，请核对后再修改。',
  replaced: '该对象多次未接通，已按抽样顺序替换为同一类别的下一位对象，已加入您的名单。',
  exhausted: '该对象多次未接通，但同一类别已无可替换的对象。',
};

function statusOf(p: CallbackPerson): Html {
  const o = p.outcome;
  if (p.replacedBy !== undefined) return html`<p class="notice">${o?.attempts ?? 0} 次未接通，${p.replacedBy ? html`已由 <b>${p.replacedBy}</b> 替换` : '同一类别已无可替换的对象'}，无需再拨打。</p>`;
  if (!o) return html`<p class="muted">尚未回访</p>`;
  if (!o.reached) return html`<p class="muted">已拨打 ${o.attempts} 次，未接通（${formatTime(o.recordedAt)}）</p>`;
  const received = o.receivedRightAmount ? '足额收到' : (o.mismatch ?? '未足额收到');
  return html`<p class="${o.receivedRightAmount ? 'muted' : 'error'}">已接通：${received}，${o.visited ? '已走访' : '未走访'}，${o.satisfaction ?? ''}（${formatTime(o.recordedAt)}）</p>`;
}

const radio = (name: string, value: string, label: string, checked: boolean, required = false) =>
  html`<label><input type="radio" name="${name}" value="${value}"${checked ? html` checked` : ''}${required ? html` required` : ''}> ${label}</label>`;

function outcomeForm(p: CallbackPerson): Html | '' {
  if (p.replacedBy !== undefined) return '';
  const o = p.outcome;
  return html`<form method="post">
<input type="hidden" name="person" value="${p.key}">
<input type="hidden" name="seen" value="${o?.attempts ?? 0}">
<fieldset class="choices"><legend>是否接通</legend>${radio('reached', 'yes', '已接通', o?.reached === true, true)}${radio('reached', 'no', '未接通', false)}</fieldset>
<fieldset class="choices"><legend>是否足额收到（接通时填写）</legend>${radio('received', 'right', '足额收到', o?.receivedRightAmount === true)}${radio('received', 'none', '未收到', o?.mismatch === '未收到')}${radio('received', 'wrong', '金额不符', o?.mismatch === '金额不符')}</fieldset>
<fieldset class="choices"><legend>是否走访（接通时填写）</legend>${radio('visited', 'yes', '已走访', o?.visited === true)}${radio('visited', 'no', '未走访', o?.visited === false)}</fieldset>
<fieldset class="choices"><legend>满意度（接通时填写）</legend>${SATISFACTION.map((s) => radio('satisfaction', s, s, o?.satisfaction === s))}</fieldset>
<label for="notes-${p.key}">备注</label>
<input type="text" id="notes-${p.key}" name="notes" maxlength="500" value="${o?.notes ?? ''}">
<p><button type="submit">保存回访结果</button></p>
</form>`;
}

/** A callback worker's list: one card per person (phone-sized), phone numbers to call, never ID numbers. */
export function callbackPage(staff: string, campaignName: string, people: readonly CallbackPerson[], notice?: string): Html {
  const done = people.filter((p) => p.outcome?.reached || p.replacedBy !== undefined).length;
  return layout(
    { title: `回访名单：${campaignName}` },
    html`${notice && CALLBACK_NOTICES[notice] ? html`<p class="notice">${CALLBACK_NOTICES[notice]}</p>` : ''}
<p>回访人员：${staff} · 共 <b>${people.length}</b> 户 · 已完成 <b>${done}</b> 户</p>
<form method="get"><input type="hidden" name="format" value="xlsx"><button type="submit" class="secondary">下载 Excel 名单（含话术）</button></form>
<details class="box"><summary>回访话术</summary>${CALL_SCRIPT.map((line) => html`<p>${line}</p>`)}</details>
${people.map((p) => html`<div class="box" id="person-${p.number}">
<p><b>${p.number}. ${p.name}</b> · <a href="tel:${p.phone}">${p.phone}</a></p>
<p class="hint">${p.project} · ${p.amount} · ${p.paymentMethod} · ${p.unit}</p>
${p.replaces !== undefined ? html`<p class="hint">替换：${p.replaces}（多次未接通）</p>` : ''}
${statusOf(p)}
${outcomeForm(p)}
</div>`)}`,
  );
}
