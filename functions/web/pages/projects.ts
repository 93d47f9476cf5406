import { html } from 'hono/html';
import { FUNDING_SOURCES } from '../../core/funding.js';
import { formatYuan } from '../../core/money.js';
import { PROJECT_COLUMNS, SOURCES_COLUMN, type ProjectCellError, type ProjectCells, type ProjectRowError } from '../../core/project-rows.js';
import { basisOf, budgetFen, QUOTA_UNITS, sourceBudgets, standardText, type Project } from '../../core/project.js';
import type { Campaign } from '../../data/campaigns.js';
import { fieldErrors, layout, noticeOf, type Html } from './layout.js';

export interface ProjectsPage {
  user: string;
  campaign: Campaign;
  /** Whether projects and pairs may still change (until 部署 starts). */
  open: boolean;
  notice?: string;
  /** A refused import: every row's problems. */
  importErrors?: ProjectRowError[];
  /** A refused pairs edit: the text typed and why. */
  pairs?: { text: string; errors: string[] };
}

const back = (campaign: Campaign) => html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a> · <a href="/campaigns/${campaign.id}/plan">资金计划</a></p>`;

function fundingText(p: Project): Html | string {
  const budgets = sourceBudgets(p);
  if (!budgets || !p.funding) return html`<span class="error">未设置</span>`;
  const shares = p.funding.by === 'share' ? p.funding.perMille : undefined;
  const parts = FUNDING_SOURCES.filter((s) => (budgets[s.key] ?? 0) > 0)
    .map((s) => `${s.name} ${formatYuan(budgets[s.key]!)}${shares ? `（${(shares[s.key] ?? 0) / 10}%）` : ''}`);
  return `${parts.join('；')}；合计 ${formatYuan(budgetFen(p))}`;
}

const pairName = (campaign: Campaign, code: string) => `${campaign.projects.find((p) => p.code === code)?.name ?? code}（${code}）`;

/** A campaign's projects: their terms, the sheet to import or download, one-by-one edits, and the exclusive pairs. */
export function projectsPage(page: ProjectsPage): Html {
  const { campaign } = page;
  const pairsText = page.pairs?.text ?? campaign.exclusivePairs.map((p) => p.join(',')).join('\n');
  return layout(
    { title: `帮困项目：${campaign.name}`, user: page.user },
    html`${noticeOf(page.notice)}
${back(campaign)}
<p class="hint">每个项目的责任单位、可享受的帮困类别、发放标准、名额和资金来源（${FUNDING_SOURCES.map((s) => s.name).join('、')}）。资金计划按这些设置核对预算和名额。</p>
<table>
<tr><th>编号</th><th>名称</th><th>责任单位</th><th>帮困类别</th><th>标准</th><th class="num">名额</th><th>资金来源（预算）</th>${page.open ? html`<th></th>` : ''}</tr>
${campaign.projects.map((p) => html`<tr>
<td>${p.code}</td><td>${p.name}</td><td>${p.unit ?? html`<span class="muted">未指定</span>`}</td>
<td>${p.categories?.length ? p.categories.join('、') : html`<span class="muted">全部类别</span>`}</td>
<td>${standardText(p)}</td><td class="num">${p.quota ? `${p.quota} ${QUOTA_UNITS[basisOf(p)]}` : html`<span class="muted">不限</span>`}</td>
<td>${fundingText(p)}</td>
${page.open ? html`<td><a href="/campaigns/${campaign.id}/projects/${encodeURIComponent(p.code)}">修改</a></td>` : ''}
</tr>`)}
</table>
<p><a href="/campaigns/${campaign.id}/projects/template.xlsx">下载帮困项目表（Excel，含现有项目）</a>${page.open ? html` · <a href="/campaigns/${campaign.id}/projects/new">新增项目</a>` : ''}</p>
${page.open
    ? html`<form method="post" action="/campaigns/${campaign.id}/projects/import" enctype="multipart/form-data" class="box">
<label for="file">导入帮困项目表（.xlsx 或 .csv，不超过 1 MB）：编号相同的项目被更新，新编号的项目被新增；有任何一处错误则整个文件不导入</label>
<input type="file" id="file" name="file" accept=".xlsx,.csv" required>
<button type="submit">导入</button>
</form>`
    : html`<p class="hint">「部署」阶段启动后，帮困项目和互斥项目不再修改。</p>`}
${page.importErrors?.length
    ? html`<h2>导入未成功：需要修改的行</h2>
<table>
<tr><th class="num">行号</th><th>列</th><th>原因</th></tr>
${page.importErrors.map((e) => html`<tr><td class="num">${e.row > 0 ? e.row : '—'}</td><td>${e.column}</td><td>${e.reason}</td></tr>`)}
</table>`
    : ''}
<h2 id="pairs">互斥项目</h2>
<p class="hint">同一人不能同时享受互斥的两个项目（排摸结束时查重）；未列出的项目组合均可兼得。</p>
${campaign.exclusivePairs.length
    ? html`<ul>${campaign.exclusivePairs.map(([a, b]) => html`<li>${pairName(campaign, a)} ⟷ ${pairName(campaign, b)}</li>`)}</ul>`
    : html`<p class="muted">没有互斥项目：所有项目均可兼得。</p>`}
${page.open
    ? html`<form method="post" action="/campaigns/${campaign.id}/projects/pairs" class="box">
<label for="exclusivePairs">互斥项目：每行一对项目编码，格式：编码A,编码B</label>
<textarea id="exclusivePairs" name="exclusivePairs" placeholder="MZ01,MZ02">${pairsText}</textarea>
${fieldErrors(page.pairs?.errors)}
<button type="submit">保存互斥项目</button>
</form>`
    : ''}`,
  );
}

export interface ProjectFormPage {
  user: string;
  campaign: Campaign;
  /** Editing this project (its code fixed); absent: a new project. */
  code?: string;
  cells: ProjectCells;
  errors?: ProjectCellError[];
}

/** One project's form: the same fields, names and checks as a row of the project sheet. */
export function projectFormPage(page: ProjectFormPage): Html {
  const { campaign, cells } = page;
  const errorsOf = (header: string) => page.errors?.filter((e) => e.column === header).map((e) => e.reason);
  const column = (key: keyof ProjectCells) => PROJECT_COLUMNS.find((c) => c.key === key)!;
  const text = (key: keyof ProjectCells, readonly = false) => {
    const c = column(key);
    return html`<label for="${key}">${c.header}${c.required ? '' : '（选填）'}</label>
<p class="hint">${c.note}</p>
<input type="text" id="${key}" name="${key}" value="${cells[key]}"${readonly ? html` readonly` : ''}>
${fieldErrors(errorsOf(c.header))}`;
  };
  const chosen = new Set(cells.categories.split('、').filter((c) => c !== ''));
  return layout(
    { title: page.code ? `修改帮困项目：${page.code}` : '新增帮困项目', user: page.user },
    html`<p><a href="/campaigns/${campaign.id}/projects">← 返回帮困项目</a></p>
${page.errors?.length ? html`<p class="errors">表单中有需要修改的内容，请查看下方标红的提示。</p>` : ''}
<form method="post" action="/campaigns/${campaign.id}/projects" class="box">
${page.code !== undefined ? html`<input type="hidden" name="editing" value="${page.code}">` : ''}
${text('code', page.code !== undefined)}
${text('name')}
<label for="unit">${column('unit').header}（选填）</label>
<select id="unit" name="unit"><option value="">不指定</option>${campaign.units.map((u) => html`<option${u === cells.unit ? html` selected` : ''}>${u}</option>`)}</select>
${fieldErrors(errorsOf(column('unit').header))}
<fieldset><legend>${column('categories').header}（不选表示全部类别）</legend>
${campaign.categories.map((c) => html`<label style="font-weight:normal;margin:2px 0"><input type="checkbox" name="categories" value="${c}"${chosen.has(c) ? html` checked` : ''}> ${c}</label>`)}
</fieldset>
${fieldErrors(errorsOf(column('categories').header))}
<label for="basis">${column('basis').header}</label>
<select id="basis" name="basis">${['按人', '按户'].map((b) => html`<option${b === cells.basis ? html` selected` : ''}>${b}</option>`)}</select>
${fieldErrors(errorsOf(column('basis').header))}
${text('amount')}
${text('supplement')}
${text('quota')}
<h2>资金来源</h2>
<p class="hint">${column('city').note}</p>
${fieldErrors(errorsOf(SOURCES_COLUMN))}
${text('budget')}
${FUNDING_SOURCES.map((s) => text(s.key))}
<p><button type="submit">保存项目</button></p>
</form>`,
  );
}
