import { html } from 'hono/html';
import type { Campaign } from '../../data/campaigns.js';
import { UPLOAD_STATE_NAMES, type UploadView } from '../campaign-facts.js';
import { formatTime, layout, noticeOf, type Html } from './layout.js';

export function uploadPage(user: string, campaign: Campaign, upload: UploadView, notice?: string): Html {
  const base = `/campaigns/${campaign.id}`;
  const body =
    upload.state === 'processing'
      ? html`<p>文件正在处理中，本页会自动刷新……</p>`
      : upload.state === 'failed'
        ? html`<p class="errors">文件处理失败，请检查文件后重新上传；如仍失败，请联系系统管理员。</p>`
        : html`<table>
<tr><th>数据行数</th><td class="num">${upload.rowCount}</td></tr>
<tr><th>通过校验</th><td class="num">${upload.acceptedCount}</td></tr>
<tr><th>新入库（不含此前已入库的同一人同一项目）</th><td class="num">${upload.storedCount ?? 0}</td></tr>
<tr><th>退回行数</th><td class="num">${upload.rowCount - upload.acceptedCount}</td></tr>
<tr><th>问题条数</th><td class="num">${upload.errors.length}</td></tr>
</table>
${upload.errors.length
    ? html`<h2>需要修改的行</h2>
<p><a href="${base}/uploads/${upload.id}/errors.csv">下载问题清单（CSV）</a></p>
<table>
<tr><th class="num">行号</th><th>列</th><th>原因</th></tr>
${upload.errors.map((e) => html`<tr><td class="num">${e.row > 0 ? e.row : '—'}</td><td>${e.column}</td><td>${e.reason}</td></tr>`)}
</table>`
    : html`<p class="notice">全部数据行均通过校验。</p>`}`;
  return layout(
    { title: `名单文件：${upload.fileName}`, user, refreshSeconds: upload.state === 'processing' ? 2 : undefined },
    html`${noticeOf(notice)}
<p><a href="${base}">← 返回活动：${campaign.name}</a></p>
<p class="hint">上传人 ${upload.uploadedBy} · ${formatTime(upload.uploadedAt)} · 状态：${UPLOAD_STATE_NAMES[upload.state]}${upload.processedAt ? ` · 处理完成于 ${formatTime(upload.processedAt)}` : ''}</p>
${body}`,
  );
}
