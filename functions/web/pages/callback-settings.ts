import { html } from 'hono/html';
import type { CallbackSettings } from '../../core/callback-assignment.js';
import type { Campaign } from '../../data/campaigns.js';
import { layout, noticeOf, type Html } from './layout.js';

/** The coordinator sets who calls whom (evenly, or by town) and after how many unanswered calls a person is replaced. */
export function callbackSettingsPage(user: string, campaign: Campaign, settings: CallbackSettings, options: { errors?: readonly string[]; notice?: string; drawn?: boolean } = {}): Html {
  const checked = (on: boolean) => (on ? html` checked` : '');
  return layout(
    { title: `回访设置：${campaign.name}`, user },
    html`${noticeOf(options.notice)}
<p><a href="/campaigns/${campaign.id}">返回活动</a></p>
${options.errors?.length ? html`<ul class="errors">${options.errors.map((e) => html`<li>${e}</li>`)}</ul>` : ''}
${options.drawn ? html`<p class="hint">回访样本已抽取：分工方式只对抽样时生效，替换规则立即生效。</p>` : ''}
<form method="post" class="box">
<fieldset class="choices"><legend>分工方式</legend>
<label><input type="radio" name="assignment" value="even"${checked(settings.assignment === 'even')}> 平均分配（轮流分给每位回访人员）</label>
<label><input type="radio" name="assignment" value="byUnit"${checked(settings.assignment === 'byUnit')}> 按单位（街镇）分配</label>
</fieldset>
<p class="hint">按单位分配时，为每个单位选择回访人员；未选择的单位平均分配。</p>
<table>
<tr><th>单位</th><th>回访人员</th></tr>
${campaign.units.map((unit, i) => html`<tr><td><label for="unit${i}">${unit}</label></td><td><select id="unit${i}" name="unit${i}">
<option value="">平均分配</option>
${campaign.callbackStaff.map((s) => html`<option value="${s}"${settings.unitStaff[unit] === s ? html` selected` : ''}>${s}</option>`)}
</select></td></tr>`)}
</table>
<label for="maxAttempts">未接通几次后替换（1–10 次）</label>
<input type="text" inputmode="numeric" id="maxAttempts" name="maxAttempts" value="${settings.maxAttempts}" required>
<p><button type="submit">保存</button></p>
</form>`,
  );
}
