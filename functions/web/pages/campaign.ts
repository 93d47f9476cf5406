import { html } from 'hono/html';
import { formatYuan } from '../../core/money.js';
import { PHASE_NAMES, PHASE_STATUS_NAMES, PHASES, type Phase } from '../../core/phases.js';
import { standardText } from '../../core/project.js';
import { surveyTakesLists } from '../../core/upload-window.js';
import { callbackSettingsOf, type Campaign } from '../../data/campaigns.js';
import { PHASE_PRECONDITIONS, UPLOAD_STATE_NAMES, type CampaignFacts, type UploadView } from '../campaign-facts.js';
import type { CallbackProgress } from '../callback-progress.js';
import type { HistoryLine } from '../history.js';
import { formatTime, layout, noticeOf, type Html } from './layout.js';
import { conflictsSection, coverageSection } from './survey-close.js';
import { progressText, rejectedCountOf, unchangedCountOf } from './uploads.js';

export interface CampaignPage {
  user: string;
  facts: CampaignFacts;
  /** Why the current phase cannot start yet (empty: it can). */
  reasons: string[];
  callbacks?: CallbackProgress;
  history: HistoryLine[];
  /** The history could not be read (the workflow service is unavailable). */
  historyUnavailable?: boolean;
  notice?: string;
}

function phaseStatusText(facts: CampaignFacts, phase: Phase): string {
  const { campaign } = facts;
  if (campaign.phase === 'done') return PHASE_STATUS_NAMES.done;
  const at = PHASES.indexOf(campaign.phase);
  const index = PHASES.indexOf(phase);
  if (index < at) return PHASE_STATUS_NAMES.done;
  if (index > at) return '未开始';
  if (campaign.phaseStatus === 'awaiting' && facts.gates[phase]?.passedAt) return '启动中';
  return PHASE_STATUS_NAMES[campaign.phaseStatus];
}

/** Something is moving on its own: the page reloads itself until it settles. */
function refreshSeconds(page: CampaignPage): number | undefined {
  const { campaign, gates, uploads } = page.facts;
  if (uploads.some((u) => u.state === 'processing')) return 3;
  if (campaign.phase === 'done') return undefined;
  const gate = gates[campaign.phase];
  if (campaign.phaseStatus === 'awaiting' && (!gate || gate.passedAt)) return 3;
  if (campaign.phaseStatus === 'failed') return 3;
  // Automated phases finish within minutes; 部署 waits for people, possibly for days, and so does
  // 回访 once its sample is drawn (a reload would also lose a reason being typed for 结束回访).
  if (campaign.phaseStatus === 'running' && campaign.phase === 'review') return page.callbacks?.close ? undefined : 5;
  if (campaign.phaseStatus === 'running' && campaign.phase !== 'deploy') return 10;
  return undefined;
}

function startSection(page: CampaignPage): Html {
  const { campaign } = page.facts;
  if (campaign.phase === 'done') return html`<p class="notice">四个阶段均已完成。</p>`;
  const phase = campaign.phase;
  const name = PHASE_NAMES[phase];
  const can = page.reasons.length === 0;
  return html`<div class="box">
<p>启动条件：</p>
<ul>${PHASE_PRECONDITIONS[phase].map((p) => html`<li>${p}</li>`)}</ul>
<form method="post" action="/campaigns/${campaign.id}/phases/${phase}/start">
${can ? html`<button type="submit">启动「${name}」阶段</button>` : html`<button type="submit" disabled>启动「${name}」阶段</button>`}
</form>
${can
    ? html`<p class="hint">条件已满足，可以启动。</p>`
    : html`<p>暂不能启动，原因：</p><ul class="errors">${page.reasons.map((r) => html`<li>${r}</li>`)}</ul>`}
</div>`;
}

export const uploadRow = (campaignId: string, u: UploadView): Html => html`<tr>
<td><a href="/campaigns/${campaignId}/uploads/${u.id}">${u.fileName}</a></td>
<td>${formatTime(u.uploadedAt)}</td>
<td class="num">${u.state === 'done' ? u.rowCount : ''}</td>
<td class="num">${u.state === 'done' ? (u.storedCount ?? 0) : ''}</td>
<td class="num">${u.state === 'done' ? (u.updatedCount ?? 0) : ''}</td>
<td class="num">${u.state === 'done' ? unchangedCountOf(u) : ''}</td>
<td class="num">${u.state === 'done' ? rejectedCountOf(u) : ''}</td>
<td>${UPLOAD_STATE_NAMES[u.state]}${u.state === 'processing' && u.progress ? `（${progressText(u)}）` : ''}</td>
</tr>`;

function uploadsSection(page: CampaignPage): Html {
  const { campaign, uploads, gates } = page.facts;
  const open = surveyTakesLists(campaign, gates.survey);
  return html`<h2>帮困对象名单（排摸）</h2>
<p><a href="/campaigns/${campaign.id}/template.xlsx">下载录入模板（Excel）</a></p>
${open
    ? html`<form method="post" action="/campaigns/${campaign.id}/uploads" enctype="multipart/form-data" class="box">
<label for="file">上传填好的名单（.xlsx，或 UTF-8、GBK 编码的 .csv，不超过 4 MB，约 4 万行；修改后的文件可再次上传，已入库的人会按新文件更新）</label>
<input type="file" id="file" name="file" accept=".xlsx,.csv" required>
<button type="submit">上传</button>
</form>`
    : html`<p class="hint">「排摸」阶段启动后不再接收名单。</p>`}
${uploads.length
    ? html`<table>
<tr><th>文件</th><th>上传时间</th><th class="num">行数</th><th class="num">新入库</th><th class="num">更新</th><th class="num">无变化</th><th class="num">退回</th><th>状态</th></tr>
${uploads.map((u) => uploadRow(campaign.id, u))}
</table>`
    : html`<p class="muted">还没有上传的名单。</p>`}`;
}

function countsSection(page: CampaignPage): Html {
  const { beneficiaries, payments } = page.facts;
  return html`<h2>统计</h2>
${beneficiaries.settling ? html`<p class="muted">名单文件处理中：下表为处理前的统计，处理完成后更新。</p>` : ''}
<table>
<tr><th>帮困项目</th><th>编码</th><th class="num">人数</th><th class="num">金额合计</th></tr>
${beneficiaries.projects.map((p) => html`<tr><td>${p.name}</td><td>${p.code}</td><td class="num">${p.count}</td><td class="num">${formatYuan(p.totalFen)}</td></tr>`)}
<tr><th colspan="2">合计</th><th class="num">${beneficiaries.count}</th><th class="num">${formatYuan(beneficiaries.totalFen)}</th></tr>
</table>
${payments.planned
    ? html`<p>发放进行中：已发放 <b>${payments.count}</b> 笔（计划 ${payments.planned.count} 笔），合计 <b>${formatYuan(payments.totalFen)}</b>（计划 ${formatYuan(payments.planned.totalFen)}）</p>`
    : html`<p>发放：<b>${payments.count}</b> 笔，合计 <b>${formatYuan(payments.totalFen)}</b></p>`}`;
}

/** 回访: the commitment from the moment it is made; the seed and how to redo the draw only after the draw; progress and 结束回访. */
function callbackSection(page: CampaignPage): Html {
  const id = page.facts.campaign.id;
  const cb = page.callbacks;
  const links = html`<p><a href="/campaigns/${id}/callback-settings">回访设置（分工、替换规则）</a> · <a href="/campaigns/${id}/follow-ups">异常核查案件</a></p>`;
  if (!cb) return html`<h2>回访</h2>${links}<p class="muted">尚未抽取回访样本。</p>`;
  const s = cb.sample;
  return html`<h2>回访</h2>${links}
<div class="box">
<p>种子承诺（SHA-256）：<code>${cb.commitment}</code>${cb.committedAt ? html`（${formatTime(cb.committedAt)} 生成）` : ''}</p>
${s
    ? html`<p>回访抽样：从 ${s.population} 位已发放对象中抽取 <b>${cb.size}</b> 位（${formatTime(s.drawnAt)}）</p>
<p>种子：<code>${s.seed}</code></p>
<p class="hint">核对：种子的 SHA-256 应等于上面的承诺（<code>printf %s "$SEED" | openssl dgst -sha256</code>）。复现：对每个分层（单位 × 类别）中的每位已发放对象计算 <code>printf %s "$ID" | openssl dgst -sha256 -hmac "$SEED"</code>（$ID 为「项目编码#对象编号」），按结果从小到大排序，排在前面的被抽中，其余依次为替换顺序。抽样总体（每个分层的对象编号及是否抽中）：<a href="/campaigns/${id}/sample/population.csv">下载 CSV</a>。</p>`
    : html`<p class="hint">种子已封存，抽样完成后公开。</p>`}
</div>
${s ? progressSection(id, cb) : ''}`;
}

function progressSection(id: string, cb: CallbackProgress): Html {
  const close = cb.close;
  return html`<table>
<tr><th class="num">样本</th><th class="num">已回访</th><th class="num">已接通</th><th class="num">发现异常</th><th class="num">待核查案件</th><th class="num">已办结案件</th></tr>
<tr><td class="num">${cb.size}</td><td class="num">${cb.called}</td><td class="num">${cb.reached}</td><td class="num">${cb.mismatches}</td><td class="num">${cb.openCases}</td><td class="num">${cb.closedCases}</td></tr>
</table>
${close?.closedAt
    ? html`<p class="notice">回访已于 ${formatTime(close.closedAt)} 由 ${close.closedBy} 结束${close.reason ? html`（尚有 ${close.openCases} 个案件未办结，原因：${close.reason}）` : ''}。</p>`
    : close
      ? html`<form method="post" action="/campaigns/${id}/callbacks/finish" class="box">
${cb.openCases
    ? html`<p>还有 <b>${cb.openCases}</b> 个异常核查案件未办结。如需现在结束回访，请填写原因（将被记录）：</p>
<label for="reason">提前结束原因</label><input type="text" id="reason" name="reason" maxlength="500" required>`
    : html`<p>所有异常核查案件均已办结，可以结束回访。</p>`}
<p><button type="submit">结束回访</button></p>
</form>`
      : html`<p class="hint">工作流尚未进入等待结束回访的步骤，请稍候刷新页面。</p>`}`;
}

function approvalSection(campaignId: string): Html {
  return html`<h2>审批</h2>
<p>各单位名单按审批链逐级审批：<a href="/campaigns/${campaignId}/approvals">审批进度与审批记录</a> · <a href="/campaigns/${campaignId}/chains">审批链设置</a> · <a href="/campaigns/${campaignId}/objections">张榜公示与异议</a></p>`;
}

function historySection(page: CampaignPage): Html {
  return html`<h2>工作流记录</h2>
${page.historyUnavailable
    ? html`<p class="muted">暂时无法读取工作流记录，请稍后刷新。</p>`
    : page.history.length
      ? html`<table>
<tr><th>时间</th><th>说明</th><th>事件类型</th></tr>
${page.history.map((h) => html`<tr><td>${formatTime(h.at)}</td><td>${h.label}</td><td><code>${h.type}</code></td></tr>`)}
</table>`
      : html`<p class="muted">工作流尚无记录。</p>`}`;
}

function callbackSettingsText(campaign: Campaign): string {
  const settings = callbackSettingsOf(campaign);
  const mapped = Object.keys(settings.unitStaff).length;
  const assignment = settings.assignment === 'byUnit' ? `按单位分配（${mapped} 个单位指定回访人员，其余平均分配）` : '平均分配';
  return `${assignment}，未接通 ${settings.maxAttempts} 次后替换`;
}

export function campaignPage(page: CampaignPage): Html {
  const { campaign } = page.facts;
  return layout(
    { title: campaign.name, user: page.user, refreshSeconds: refreshSeconds(page) },
    html`${noticeOf(page.notice)}
<p class="hint">协调员：${campaign.coordinator} · 创建于 ${formatTime(campaign.createdAt)} · 单位 ${campaign.units.length} 个 · 类别 ${campaign.categories.length} 个 · 项目 ${campaign.projects.length} 个</p>
<div class="phases">
${PHASES.map((p) => html`<div class="phase${campaign.phase === p ? ' current' : ''}"><b>${PHASE_NAMES[p]}</b><br>${phaseStatusText(page.facts, p)}</div>`)}
</div>
${startSection(page)}
<p><a href="/campaigns/${campaign.id}/projects">帮困项目（标准、名额、资金来源、互斥项目）</a> · <a href="/campaigns/${campaign.id}/plan">资金计划</a> · <a href="/campaigns/${campaign.id}/payments">发放与对账</a> · <a href="/campaigns/${campaign.id}/visits">走访慰问</a> · <a href="/campaigns/${campaign.id}/signatures">签收表</a> · <a href="/campaigns/${campaign.id}/summary">活动总结</a></p>
${uploadsSection(page)}
${conflictsSection(page.facts)}
${coverageSection(page.facts)}
${countsSection(page)}
${callbackSection(page)}
${approvalSection(campaign.id)}
<h2>活动设置</h2>
<table>
<tr><th>审批人（按顺序）</th><td>${campaign.approvers.map((a, i) => html`${i ? '，' : ''}${i + 1}. ${a}`)}</td></tr>
<tr><th>回访人员</th><td>${campaign.callbackStaff.join('，')}（${callbackSettingsText(campaign)}）</td></tr>
<tr><th>参与单位</th><td>${campaign.units.join('，')}</td></tr>
<tr><th>帮困类别</th><td>${campaign.categories.join('，')}</td></tr>
<tr><th>帮困项目</th><td>${campaign.projects.map((p, i) => html`${i ? '；' : ''}${p.code} ${p.name}（${standardText(p)}）`)}</td></tr>
</table>
${historySection(page)}`,
  );
}
