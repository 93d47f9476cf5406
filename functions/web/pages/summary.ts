import { html, raw } from 'hono/html';
import { FUNDING_SOURCES } from '../../core/funding.js';
import { formatYuan } from '../../core/money.js';
import { ratePercent, rateText, type CampaignSummary, type MoneyRow } from '../../core/summary.js';
import type { Campaign } from '../../data/campaigns.js';
import { barChartSvg, countBarChartSvg, rateBarChartSvg } from '../charts.js';
import { callbackCells, callbackGroups, summaryMeasures } from '../summary-sheet.js';
import { formatTime, layout, type Html } from './layout.js';

const sourceHeads = () => FUNDING_SOURCES.map((s) => html`<th class="num">${s.name}</th>`);
const moneyCells = (r: Pick<MoneyRow, 'people' | 'totalFen' | 'bySource'>) =>
  html`<td class="num">${r.people}</td><td class="num">${formatYuan(r.totalFen)}</td>${FUNDING_SOURCES.map((s) => html`<td class="num">${formatYuan(r.bySource[s.key])}</td>`)}`;

function tables(s: CampaignSummary): Html {
  const a = s.anomalies;
  return html`<h2>帮困项目汇总（附表1）</h2>
<table>
<tr><th>类别</th><th>项目</th><th>主办单位</th><th>标准</th><th class="num">人数</th><th class="num">金额</th>${sourceHeads()}</tr>
${s.byCategoryProject.map((r) => html`<tr><td>${r.category}</td><td>${r.projectName}</td><td>${r.owner}</td><td>${r.standard}</td>${moneyCells(r)}</tr>`)}
<tr><th colspan="4">合计</th>${moneyCells(s)}</tr>
</table>
<h2>按单位</h2>
<table>
<tr><th>单位</th><th class="num">人数</th><th class="num">金额</th>${sourceHeads()}<th class="num">名册户数</th><th class="num">已覆盖</th><th class="num">覆盖率</th><th class="num">走访户数</th></tr>
${s.byUnit.map((u) => html`<tr><td>${u.key}</td>${moneyCells(u)}<td class="num">${u.registered}</td><td class="num">${u.covered}</td><td class="num">${rateText(u.covered, u.registered)}</td><td class="num">${u.visits.households}</td></tr>`)}
<tr><th>合计</th>${moneyCells(s)}<th class="num">${s.coverage.registered}</th><th class="num">${s.coverage.covered}</th><th class="num">${rateText(s.coverage.covered, s.coverage.registered)}</th><th class="num">${s.visits.households}</th></tr>
</table>
<h2>按资金来源</h2>
<table>
<tr><th>资金来源</th><th class="num">涉及人数</th><th class="num">金额</th></tr>
${s.bySourceRows.map((r) => html`<tr><td>${FUNDING_SOURCES.find((x) => x.key === r.source)!.name}</td><td class="num">${r.people}</td><td class="num">${formatYuan(r.totalFen)}</td></tr>`)}
${s.unfundedFen ? html`<tr><td>未设置资金来源</td><td></td><td class="num">${formatYuan(s.unfundedFen)}</td></tr>` : ''}
<tr><th>合计</th><th class="num">${s.people}</th><th class="num">${formatYuan(s.totalFen)}</th></tr>
</table>
<h2>回访核实</h2>
<table>
<tr><th>分组</th><th>名称</th><th class="num">已回访</th><th class="num">接通</th><th class="num">接通率</th><th class="num">核实无误</th><th class="num">核实率</th><th class="num">不符</th></tr>
${callbackGroups(s).map(([group, name, counts]) => html`<tr><td>${group}</td><td>${name}</td>${callbackCells(counts).map((n) => html`<td class="num">${n}</td>`)}</tr>`)}
<tr><th colspan="2">合计</th>${callbackCells(s.callbacks).map((n) => html`<th class="num">${n}</th>`)}</tr>
</table>
<h2>异常情况</h2>
<table>
<tr><th>单位</th><th class="num">回访不符</th><th class="num">核查待办</th><th class="num">核查已办结</th><th class="num">发放失败</th><th class="num">发放待确认</th><th class="num">未发放</th></tr>
${s.byUnit.map((u) => html`<tr><td>${u.key}</td>${[u.anomalies.mismatches, u.anomalies.followUpsOpen, u.anomalies.followUpsClosed, u.anomalies.paymentsFailed, u.anomalies.paymentsUnconfirmed, u.anomalies.unpaid].map((n) => html`<td class="num">${n}</td>`)}</tr>`)}
<tr><th>合计</th>${[a.mismatches, a.followUpsOpen, a.followUpsClosed, a.paymentsFailed, a.paymentsUnconfirmed, a.unpaid].map((n) => html`<th class="num">${n}</th>`)}</tr>
</table>`;
}

/** 活动总结: the measures, three charts and the tables of the stored summary; or why there is none yet. */
export function summaryPage(user: string, campaign: Campaign, summary: CampaignSummary | undefined): Html {
  const back = html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a>${summary ? html` · <a href="/campaigns/${campaign.id}/summary.xlsx">导出总结（Excel）</a>` : ''}</p>`;
  if (!summary) {
    return layout({ title: `活动总结：${campaign.name}`, user }, html`${back}<p class="muted">尚未生成活动总结：「回访」阶段的最后一步会自动生成，并邮件通知协调员。</p>`);
  }
  const money = barChartSvg('各资金来源金额（元）', FUNDING_SOURCES.map((s) => ({ label: s.name, fen: summary.bySource[s.key] })));
  const people = countBarChartSvg('各帮困类别人数', summary.byCategory.map((c) => ({ label: c.key, count: c.people })), '人');
  const rates = rateBarChartSvg('各单位回访接通率、核实率', summary.byUnit.map((u) => u.key), [
    { name: '接通率', percent: summary.byUnit.map((u) => ratePercent(u.callbacks.reached, u.callbacks.called)) },
    { name: '核实率', percent: summary.byUnit.map((u) => ratePercent(u.callbacks.verified, u.callbacks.reached)) },
  ]);
  return layout(
    { title: `活动总结：${campaign.name}`, user },
    html`${back}
<p class="hint">生成于 ${formatTime(summary.computedAt)}。金额按资金计划（精确到分）；覆盖率按已导入的名册；回访按已记录的回访结果。</p>
<table>
<tr><th>指标</th><th class="num">数值</th><th>说明</th></tr>
${summaryMeasures(summary).map(([name, value, note]) => html`<tr><td>${name}</td><td class="num">${value}</td><td>${note}</td></tr>`)}
</table>
<div class="box chart">${raw(money)}</div>
<div class="box chart">${raw(people)}</div>
<div class="box chart">${raw(rates)}</div>
${tables(summary)}`,
  );
}
