import { html } from 'hono/html';
import type { Campaign } from '../../data/campaigns.js';
import type { Conflict } from '../../data/conflicts.js';
import { acceptsResolutions, type CampaignFacts } from '../campaign-facts.js';
import { formatTime, type Html } from './layout.js';

const projectName = (campaign: Campaign, code: string) => {
  const project = campaign.projects.find((p) => p.code === code);
  return project ? `${project.name}（${code}）` : code;
};

/** Which of the conflict's two nominations a beneficiary key is. */
const sideOf = (conflict: Conflict, key: string) => Math.max(0, conflict.beneficiaries.indexOf(key));

function resolveForm(campaign: Campaign, c: Conflict): Html {
  return html`<form method="post" action="/campaigns/${campaign.id}/conflicts/${c.id}/resolve">
${c.projects.map((code, i) => html`<label style="font-weight:normal;margin:2px 0"><input type="radio" name="keep" value="${code}" required> 保留「${projectName(campaign, code)}」（${c.units[i]}申报）</label>`)}
<label for="reason-${c.id}">原因（必填）</label>
<input type="text" id="reason-${c.id}" name="reason" maxlength="500" required placeholder="例如：按就高原则保留，另一项目名额退回">
<p><button type="submit">处理</button></p>
</form>`;
}

function conflictRow(campaign: Campaign, c: Conflict, canResolve: boolean): Html {
  const nominations = html`${c.projects.map((p, i) => html`${i ? html`<br>` : ''}${projectName(campaign, p)} · ${c.units[i]}`)}`;
  if (c.status === 'resolved' && c.resolution) {
    const kept = sideOf(c, c.resolution.keep);
    return html`<tr><td>${c.name}<br><code>${c.idMasked}</code></td><td>${nominations}</td><td>已处理：保留「${projectName(campaign, c.projects[kept])}」<br><span class="hint">原因：${c.resolution.reason}<br>${c.resolution.by} · ${formatTime(c.resolution.at)}</span></td></tr>`;
  }
  return html`<tr><td>${c.name}<br><code>${c.idMasked}</code></td><td>${nominations}</td><td>${canResolve ? resolveForm(campaign, c) : html`待处理`}</td></tr>`;
}

/** 少重复: people nominated for mutually exclusive projects, found at 排摸 close; open ones with a resolve form. */
export function conflictsSection(facts: CampaignFacts): Html | '' {
  const { campaign, conflicts } = facts;
  if (!conflicts.list.length) {
    const closed = campaign.phase !== 'survey' || campaign.phaseStatus === 'done';
    return closed ? html`<h2 id="conflicts">互斥项目冲突</h2><p class="muted">未发现同一人被申报互斥项目的情况。</p>` : '';
  }
  const canResolve = acceptsResolutions(campaign, facts.gates.deploy);
  return html`<h2 id="conflicts">互斥项目冲突</h2>
<p>共 ${conflicts.list.length} 个：待处理 <b>${conflicts.open}</b> 个，已处理 ${conflicts.resolved} 个（已从名单中排除 ${facts.beneficiaries.excluded} 人次）。${conflicts.open ? '待处理的冲突处理完毕前不能启动「部署」阶段。' : ''}</p>
<p class="hint">同一人（按身份证号码识别，跨单位、跨项目）被申报了互斥的两个项目。保留其中一个，另一个从名单中排除，不再审批和发放。</p>
<table>
<tr><th>帮困对象</th><th>申报的项目 · 单位</th><th>处理</th></tr>
${conflicts.list.map((c) => conflictRow(campaign, c, canResolve))}
</table>`;
}

/** 广覆盖、不遗漏: registered households no project covers, per unit, from the check at 排摸 close. */
export function coverageSection(facts: CampaignFacts): Html {
  const { campaign, coverage } = facts;
  const registers = html`<p><a href="/campaigns/${campaign.id}/registers">低保、特困等名册</a>（「排摸」阶段结束时核对覆盖情况）</p>`;
  if (!coverage) return html`<h2 id="coverage">覆盖情况</h2>${registers}<p class="muted">尚未核对覆盖情况。</p>`;
  const gaps = coverage.units.filter((u) => u.uncovered > 0);
  return html`<h2 id="coverage">覆盖情况</h2>
${registers}
<p>核对于 ${formatTime(coverage.checkedAt)}：名册共 <b>${coverage.registered}</b> 户（${coverage.registers.map((r, i) => `${i ? '，' : ''}${r.register} ${r.households} 户`).join('')}），已覆盖 ${coverage.covered} 户，<b>未被任何项目覆盖 ${coverage.uncovered} 户</b>。</p>
${coverage.units.length
    ? html`<table>
<tr><th>单位（街镇）</th><th class="num">名册户数</th><th class="num">已覆盖</th><th class="num">未覆盖</th></tr>
${coverage.units.map((u) => html`<tr><td>${u.unit}</td><td class="num">${u.registered}</td><td class="num">${u.covered}</td><td class="num">${u.uncovered}</td></tr>`)}
</table>`
    : ''}
${gaps.map((u) => html`<details><summary>${u.unit}：未覆盖 ${u.uncovered} 户${u.listed.length < u.uncovered ? `（列出前 ${u.listed.length} 户）` : ''}</summary>
<table>
<tr><th>姓名</th><th>身份证号码</th><th>登记类别</th></tr>
${u.listed.map((h) => html`<tr><td>${h.name}</td><td><code>${h.idMasked}</code></td><td>${h.registers.join('，')}</td></tr>`)}
</table>
</details>`)}`;
}
