import { html, raw } from 'hono/html';
import { FUNDING_SOURCES } from '../../core/funding.js';
import { formatYuan } from '../../core/money.js';
import type { PlanTotal, PlanTotals } from '../../core/plan.js';
import type { Campaign } from '../../data/campaigns.js';
import { barChartSvg, pieChartSvg } from '../charts.js';
import { layout, type Html } from './layout.js';

/** Problems' lines shown on the page per problem; the export lists them all. */
const LINES_SHOWN = 20;

function totalsTable(title: string, rows: readonly (PlanTotal & { name?: string })[], keyHeader: string): Html {
  return html`<h2>${title}</h2>
<table>
<tr><th>${keyHeader}</th><th class="num">人数</th><th class="num">金额</th>${FUNDING_SOURCES.map((s) => html`<th class="num">${s.name}</th>`)}</tr>
${rows.map((r) => html`<tr><td>${r.name ? `${r.name}（${r.key}）` : r.key}</td><td class="num">${r.count}</td><td class="num">${formatYuan(r.totalFen)}</td>${FUNDING_SOURCES.map((s) => html`<td class="num">${formatYuan(r.bySource[s.key])}</td>`)}</tr>`)}
</table>`;
}

/** The plan: whether it passes, its problems with the lines that break them, totals and two charts. */
export function planPage(user: string, campaign: Campaign, plan: PlanTotals, settling = false): Html {
  const sourceChart = barChartSvg('各资金来源合计（元）', FUNDING_SOURCES.map((s) => ({ label: s.name, fen: plan.bySource[s.key] })));
  const categoryChart = pieChartSvg('各帮困类别合计（元）', plan.byCategory.map((c) => ({ label: c.key, fen: c.totalFen })));
  return layout(
    { title: `资金计划：${campaign.name}`, user },
    html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a> · <a href="/campaigns/${campaign.id}/projects">帮困项目</a> · <a href="/campaigns/${campaign.id}/plan.xlsx">导出计划明细（Excel）</a></p>
<p class="hint">按名单（已排除冲突处理中未保留的对象）和各项目的标准、名额、资金来源计算；每人的金额按各来源预算比例精确到分拆分。</p>
${settling ? html`<p class="muted">名单文件处理中：下面是处理前的计划，处理完成后更新。</p>` : ''}
${plan.ok
    ? html`<p class="notice">资金计划核对通过：${plan.count} 人，合计 ${formatYuan(plan.totalFen)}，各资金来源均未超出预算，各项目均未超出名额。</p>`
    : html`<div class="errors"><p><b>资金计划未通过核对</b>（「部署」阶段不能启动），共 ${plan.problems.length} 个问题：</p>
<ol>${plan.problems.map((p) => html`<li>${p.reason}${p.lines.length
      ? html`<br><span class="hint">涉及：${p.lines.slice(0, LINES_SHOWN).join('；')}${p.lines.length > LINES_SHOWN ? `……等 ${p.lines.length} 条（见导出明细）` : ''}</span>`
      : ''}</li>`)}</ol></div>`}
<table>
<tr><th>人数</th><td class="num">${plan.count}</td><th>金额合计</th><td class="num">${formatYuan(plan.totalFen)}</td></tr>
${FUNDING_SOURCES.map((s) => html`<tr><th colspan="2">${s.name}</th><td colspan="2" class="num">${formatYuan(plan.bySource[s.key])}</td></tr>`)}
${plan.unfundedFen ? html`<tr><th colspan="2">未设置资金来源</th><td colspan="2" class="num">${formatYuan(plan.unfundedFen)}</td></tr>` : ''}
</table>
<div class="box chart">${raw(sourceChart)}</div>
<div class="box chart">${raw(categoryChart)}</div>
${totalsTable('按项目', plan.byProject, '项目')}
${totalsTable('按单位', plan.byUnit, '单位')}
${totalsTable('按帮困类别', plan.byCategory, '类别')}`,
  );
}
