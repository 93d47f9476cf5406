import { html } from 'hono/html';
import type { Campaign } from '../../data/campaigns.js';
import type { RegisterUpload } from '../../data/registers.js';
import { formatTime, layout, noticeOf, type Html } from './layout.js';

export interface RegistersPage {
  user: string;
  campaign: Campaign;
  uploads: RegisterUpload[];
  /** Households loaded per register (登记类别), across every file. */
  registers: { register: string; households: number }[];
  /** Whether files are still accepted (before 排摸 closes). */
  open: boolean;
  notice?: string;
}

const back = (campaign: Campaign) => html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a></p>`;

/** The base registers of a campaign: what was loaded, and the form to load more. */
export function registersPage(page: RegistersPage): Html {
  const { campaign } = page;
  return layout(
    { title: `低保、特困等名册：${campaign.name}`, user: page.user },
    html`${noticeOf(page.notice)}
${back(campaign)}
<p class="hint">「排摸」阶段结束时，系统逐户核对名册中的家庭是否至少被一个帮困项目覆盖，并按街镇列出未覆盖的家庭。身份证号码只保存加密摘要和脱敏号码。</p>
${page.open
    ? html`<form method="post" action="/campaigns/${campaign.id}/registers" enctype="multipart/form-data" class="box">
<label for="file">上传名册（.xlsx 或 .csv，不超过 1 MB），列：姓名、身份证号码、所属单位（街镇）、登记类别（如 低保、特困）</label>
<input type="file" id="file" name="file" accept=".xlsx,.csv" required>
<button type="submit">上传名册</button>
</form>`
    : html`<p class="hint">「排摸」阶段启动后不再接收名册。</p>`}
<h2>已导入的名册</h2>
${page.registers.length
    ? html`<table>
<tr><th>登记类别</th><th class="num">户数</th></tr>
${page.registers.map((r) => html`<tr><td>${r.register}</td><td class="num">${r.households}</td></tr>`)}
</table>`
    : html`<p class="muted">还没有导入名册。</p>`}
${page.uploads.length
    ? html`<h2>名册文件</h2>
<table>
<tr><th>文件</th><th>上传时间</th><th class="num">行数</th><th class="num">导入户数</th><th class="num">问题条数</th></tr>
${page.uploads.map((u) => html`<tr><td><a href="/campaigns/${campaign.id}/registers/${u.id}">${u.fileName}</a></td><td>${formatTime(u.uploadedAt)}</td><td class="num">${u.rowCount}</td><td class="num">${u.storedCount}</td><td class="num">${u.errors.length}</td></tr>`)}
</table>`
    : ''}`,
  );
}

/** One loaded register file: its counts and every row it refused, with the reason. */
export function registerUploadPage(user: string, campaign: Campaign, upload: RegisterUpload, notice?: string): Html {
  return layout(
    { title: `名册文件：${upload.fileName}`, user },
    html`${noticeOf(notice)}
<p><a href="/campaigns/${campaign.id}/registers">← 返回名册列表</a></p>
<p class="hint">上传人 ${upload.uploadedBy} · ${formatTime(upload.uploadedAt)}</p>
<table>
<tr><th>数据行数</th><td class="num">${upload.rowCount}</td></tr>
<tr><th>导入户数</th><td class="num">${upload.storedCount}</td></tr>
${Object.entries(upload.registers).map(([register, count]) => html`<tr><th>其中：${register}</th><td class="num">${count}</td></tr>`)}
<tr><th>问题条数</th><td class="num">${upload.errors.length}</td></tr>
</table>
${upload.errors.length
    ? html`<h2>需要修改的行</h2>
<table>
<tr><th class="num">行号</th><th>列</th><th>原因</th></tr>
${upload.errors.map((e) => html`<tr><td class="num">${e.row > 0 ? e.row : '—'}</td><td>${e.column}</td><td>${e.reason}</td></tr>`)}
</table>`
    : html`<p class="notice">全部数据行均已导入。</p>`}`,
  );
}
