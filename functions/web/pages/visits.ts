import { html } from 'hono/html';
import type { VisitRowError } from '../../core/visit-rows.js';
import type { Campaign } from '../../data/campaigns.js';
import type { Visit } from '../../data/visits.js';
import type { VisitImport } from '../visit-import.js';
import { fieldErrors, layout, noticeOf, type Html } from './layout.js';
import { byZh } from '../../core/zh-order.js';

/** Visits listed on the page; the counts cover them all. */
export const VISITS_SHOWN = 500;

export interface VisitsPageView {
  user: string;
  campaign: Campaign;
  visits: Visit[];
  notice?: string;
  /** What an import just did. */
  imported?: VisitImport;
  /** The one-household form as sent (never its ID number), with its errors. */
  form?: { values: Record<string, string>; errors: VisitRowError[] };
}

function perUnit(campaign: Campaign, visits: readonly Visit[]) {
  const units = new Map<string, { visits: number; households: Set<string> }>();
  for (const v of visits) {
    const u = units.get(v.unit) ?? { visits: 0, households: new Set<string>() };
    u.visits++;
    u.households.add(v.idHash);
    units.set(v.unit, u);
  }
  const rank = (unit: string) => (campaign.units.includes(unit) ? campaign.units.indexOf(unit) : campaign.units.length);
  return [...units].sort(([a], [b]) => rank(a) - rank(b) || byZh(a, b));
}

const errorTable = (errors: readonly VisitRowError[]) => html`<table>
<tr><th class="num">行</th><th>列</th><th>原因</th></tr>
${errors.map((e) => html`<tr><td class="num">${e.row || ''}</td><td>${e.column}</td><td>${e.reason}</td></tr>`)}
</table>`;

function importResult(r: VisitImport): Html {
  return html`<div class="${r.errors.length ? 'errors' : 'notice'}">
<p>导入完成：共 ${r.rowCount} 行，新增走访记录 <b>${r.stored}</b> 条，此前已记录 ${r.existing} 条（未重复保存），退回 <b>${new Set(r.errors.map((e) => e.row)).size}</b> 行。</p>
${r.errors.length ? html`<p>退回的行（改正后可重新导入整个文件，已记录的不会重复）：</p>${errorTable(r.errors)}` : ''}
</div>`;
}

/** 走访慰问: import a 走访记录 file or record one household's visit; the visits, masked, with counts per unit. */
export function visitsPage(view: VisitsPageView): Html {
  const { campaign, visits } = view;
  const values = view.form?.values ?? {};
  const errorsOf = (column: string) => view.form?.errors.filter((e) => e.column === column).map((e) => e.reason);
  const input = (name: string, label: string, column: string, type = 'text') =>
    html`<label for="${name}">${label}</label><input type="${type}" id="${name}" name="${name}" value="${values[name] ?? ''}">${fieldErrors(errorsOf(column))}`;
  const units = perUnit(campaign, visits);
  const shown = [...visits].sort((a, b) => b.date.localeCompare(a.date) || byZh(a.unit, b.unit)).slice(0, VISITS_SHOWN);
  return layout(
    { title: `走访慰问：${campaign.name}`, user: view.user },
    html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a></p>
${noticeOf(view.notice)}
${view.imported ? importResult(view.imported) : ''}
<h2>导入走访记录</h2>
<p><a href="/campaigns/${campaign.id}/visits/template.xlsx">下载走访记录模板（Excel）</a>：身份证号、姓名、走访日期、走访领导、职务、备注。</p>
<form method="post" action="/campaigns/${campaign.id}/visits/import" enctype="multipart/form-data" class="box">
<label for="file">上传填好的走访记录（.xlsx 或 .csv，不超过 1 MB）</label>
<input type="file" id="file" name="file" accept=".xlsx,.csv" required>
<button type="submit">导入</button>
</form>
<h2>登记一户走访</h2>
<form method="post" action="/campaigns/${campaign.id}/visits" class="box">
${input('idNumber', '身份证号', '身份证号')}
${view.form ? html`<p class="hint">为保护个人信息，身份证号不会回显，请重新填写。</p>` : ''}
${input('name', '姓名', '姓名')}
${input('date', '走访日期（如 2026-01-15）', '走访日期')}
${input('leader', '走访领导', '走访领导')}
${input('title', '职务（选填）', '职务')}
${input('note', '备注（选填）', '备注')}
<p><button type="submit">保存</button></p>
</form>
<h2>各单位走访情况</h2>
${units.length
    ? html`<table>
<tr><th>单位</th><th class="num">走访次数</th><th class="num">走访户数</th></tr>
${units.map(([unit, u]) => html`<tr><td>${unit}</td><td class="num">${u.visits}</td><td class="num">${u.households.size}</td></tr>`)}
<tr><th>合计</th><th class="num">${visits.length}</th><th class="num">${new Set(visits.map((v) => v.idHash)).size}</th></tr>
</table>`
    : html`<p class="muted">还没有走访记录。</p>`}
${shown.length
    ? html`<h2>走访记录${visits.length > VISITS_SHOWN ? `（最近 ${VISITS_SHOWN} 条，共 ${visits.length} 条）` : ''}</h2>
<table>
<tr><th>走访日期</th><th>单位</th><th>姓名</th><th>身份证号（脱敏）</th><th>走访领导</th><th>职务</th><th>备注</th></tr>
${shown.map((v) => html`<tr><td>${v.date}</td><td>${v.unit}</td><td>${v.name}</td><td>${v.idMasked}</td><td>${v.leader}</td><td>${v.title}</td><td>${v.note}</td></tr>`)}
</table>`
    : ''}`,
  );
}
