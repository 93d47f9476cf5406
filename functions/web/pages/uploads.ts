import { html } from 'hono/html';
import { CSV_ENCODING_NAMES, type CsvEncoding } from '../../core/intake-file.js';
import type { Campaign } from '../../data/campaigns.js';
import { attemptOf } from '../../data/uploads.js';
import { UPLOAD_STATE_NAMES, type UploadView } from '../campaign-facts.js';
import { formatTime, layout, noticeOf, type Html } from './layout.js';

/** 已处理 X / Y 行, while a file is processed and its intake has recorded progress. */
export const progressText = (upload: UploadView) =>
  upload.progress ? `已处理 ${upload.progress.rowsDone} / ${upload.progress.rowsTotal} 行` : '';

/** Rows refused; uploads recorded before the count was kept have it as rows not accepted. */
export const rejectedCountOf = (upload: UploadView) => upload.rejectedCount ?? upload.rowCount - upload.acceptedCount;

/** Beneficiaries already stored as the file has them; before the count was kept, accepted rows not new. */
export const unchangedCountOf = (upload: UploadView) => upload.unchangedCount ?? upload.acceptedCount - (upload.storedCount ?? 0);

/** Why an error file can no longer be downloaded. */
export const ERROR_FILE_REMOVED =
  '「排摸」阶段已结束：为保护个人信息，退回行的原始数据（含身份证号码）在排摸结束时已删除，不能再下载错误文件。各行的行号、列和问题仍可在名单文件页面查看。';

/** A failed attempt: why, in the unit's terms, and how to try again. */
const failedBody = (upload: UploadView) => html`<p class="errors">${upload.failureReason ?? '处理失败。'}</p>
<p>请重新上传同一个文件，系统会重新处理（已经入库的帮困对象不会重复入库）。如果文件需要修改，修改后上传即可。如多次失败，请联系系统管理员。</p>`;

/** `rejectedRowsKept`: how many rejected rows the error file holds (the first ones, up to a limit). */
export function uploadPage(user: string, campaign: Campaign, upload: UploadView, options: { notice?: string; errorFiles: boolean; rejectedRowsKept: number }): Html {
  const base = `/campaigns/${campaign.id}`;
  const rejected = rejectedCountOf(upload);
  const body =
    upload.state === 'processing'
      ? html`<p>文件正在处理中，本页会自动刷新……</p>${upload.progress ? html`<p class="notice">${progressText(upload)}</p>` : ''}`
      : upload.state === 'failed'
        ? failedBody(upload)
        : html`<table>
<tr><th>数据行数</th><td class="num">${upload.rowCount}</td></tr>
<tr><th>通过校验</th><td class="num">${upload.acceptedCount}</td></tr>
<tr><th>新入库</th><td class="num">${upload.storedCount ?? 0}</td></tr>
<tr><th>已更新（此前已入库，本文件修改了姓名、电话、单位、类别、人数或金额）</th><td class="num">${upload.updatedCount ?? 0}</td></tr>
<tr><th>无变化（此前已入库，内容相同）</th><td class="num">${unchangedCountOf(upload)}</td></tr>
<tr><th>重复申报（其他单位已申报同一项目，未重复入库）</th><td class="num">${upload.duplicateCount ?? 0}</td></tr>
<tr><th>退回行数</th><td class="num">${rejected}</td></tr>
<tr><th>问题条数</th><td class="num">${upload.errorCount ?? upload.errors.length}</td></tr>
</table>
${duplicatesSection(upload)}
${upload.errors.length
    ? html`<h2>需要修改的行</h2>
${options.errorFiles ? errorFileSection(base, upload, rejected, options.rejectedRowsKept) : rejected > 0 ? html`<p class="hint">${ERROR_FILE_REMOVED}</p>` : ''}
${(upload.errorCount ?? 0) > upload.errors.length
    ? html`<p class="errors">问题共 ${upload.errorCount} 条，太多无法全部列出，下面只列出前 ${upload.errors.length} 条。请先修改这些问题后重新上传，再看其余的问题。</p>`
    : ''}
<table>
<tr><th class="num">行号</th><th>列</th><th>原因</th></tr>
${upload.errors.map((e) => html`<tr><td class="num">${e.row > 0 ? e.row : '—'}</td><td>${e.column}</td><td>${e.reason}</td></tr>`)}
</table>`
    : html`<p class="notice">全部数据行均通过校验。</p>`}`;
  const encoding = upload.encoding ? ` · 文件编码：${CSV_ENCODING_NAMES[upload.encoding as CsvEncoding] ?? upload.encoding}` : '';
  return layout(
    { title: `名单文件：${upload.fileName}`, user, refreshSeconds: upload.state === 'processing' ? 2 : undefined },
    html`${noticeOf(options.notice)}
<p><a href="${base}">← 返回活动：${campaign.name}</a></p>
<p class="hint">上传人 ${upload.uploadedBy} · ${formatTime(upload.uploadedAt)} · 状态：${UPLOAD_STATE_NAMES[upload.state]}${attemptOf(upload) > 1 ? `（第 ${attemptOf(upload)} 次处理）` : ''}${upload.failedAt ? ` · 失败于 ${formatTime(upload.failedAt)}` : ''}${upload.processedAt ? ` · 处理完成于 ${formatTime(upload.processedAt)}` : ''}${encoding}</p>
${body}`,
  );
}

function duplicatesSection(upload: UploadView): Html {
  const rows = upload.duplicateRows ?? [];
  if (rows.length === 0) return html``;
  const more = (upload.duplicateCount ?? rows.length) - rows.length;
  return html`<h2>重复申报的行</h2>
<p class="hint">这些行的人员已由其他单位申报同一项目，为避免重复救助，本文件的这些行未入库，原申报保持不变。如确应由本单位申报，请与原申报单位或活动协调员联系。</p>
<table>
<tr><th class="num">行号</th><th>已申报的单位</th></tr>
${rows.map((r) => html`<tr><td class="num">${r.row}</td><td>${r.heldByUnit}</td></tr>`)}
</table>
${more > 0 ? html`<p class="hint">另有 ${more} 行未列出。</p>` : ''}`;
}

function errorFileSection(base: string, upload: UploadView, rejected: number, kept: number): Html {
  if (kept === 0) return html``;
  const link = `${base}/uploads/${upload.id}`;
  return html`<p><a class="button" href="${link}/errors.xlsx">下载退回的行（Excel）</a> <a class="button secondary" href="${link}/errors.csv">下载退回的行（CSV）</a></p>
<p class="hint">错误文件是被退回的原始行，最后一列“错误原因”写明每行的问题。按原因修改后直接重新上传即可：已入库的人不会重复，修改过的信息会更新。建议使用 Excel 版本（CSV 在 Excel 中打开时，身份证号码可能变成科学计数法）。错误文件含身份证号码，请妥善保管。</p>
${kept < rejected
    ? html`<p class="errors">共退回 ${rejected} 行，错误文件只包含前 ${kept} 行；其余退回的行请按下方清单在原文件中修改。</p>`
    : ''}`;
}
