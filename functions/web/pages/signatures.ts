import { html } from 'hono/html';
import type { SignatureSheet } from '../../core/signature-sheet.js';
import type { Campaign } from '../../data/campaigns.js';
import { SIGNATURE_COLUMNS } from '../signature-workbook.js';
import { layout, type Html } from './layout.js';

const PRINT_CSS = '@media print{header,.noprint{display:none}main{max-width:none;padding:0}}td.sign{min-width:110px;height:40px}';

const sheetUrl = (campaignId: string, unit: string, format = '') => `/campaigns/${campaignId}/signatures${format}?unit=${encodeURIComponent(unit)}`;

/** The units with a signature sheet, each with its printable page and XLSX. */
export function signaturesPage(user: string, campaign: Campaign, sheets: readonly SignatureSheet[]): Html {
  return layout(
    { title: `签收表：${campaign.name}`, user },
    html`<p><a href="/campaigns/${campaign.id}">← 返回活动：${campaign.name}</a></p>
<p class="hint">现金、实物（礼包）、粮油卡当面发放，由本人签收。按已记录的发放生成（发放失败的不列入）；身份证号已脱敏。</p>
${sheets.length
    ? html`<table>
<tr><th>单位</th><th class="num">人次</th><th>打印</th><th>导出</th></tr>
${sheets.map((s) => html`<tr><td>${s.unit}</td><td class="num">${s.lines.length}</td><td><a href="${sheetUrl(campaign.id, s.unit)}">打印签收表</a></td><td><a href="${sheetUrl(campaign.id, s.unit, '.xlsx')}">导出（Excel）</a></td></tr>`)}
</table>`
    : html`<p class="muted">还没有需要签收的发放（现金、实物（礼包）、粮油卡）。</p>`}`,
  );
}

/** One unit's signature sheet, to print: 签名 and 日期 left empty. */
export function signatureSheetPage(user: string, campaign: Campaign, sheet: SignatureSheet): Html {
  return layout(
    { title: `${sheet.unit} 签收表`, user },
    html`<style>${PRINT_CSS}</style>
<p class="noprint"><a href="/campaigns/${campaign.id}/signatures">← 全部签收表</a> · <a href="${sheetUrl(campaign.id, sheet.unit, '.xlsx')}">导出（Excel）</a> · 用浏览器的“打印”即可打印本页。</p>
<p>${campaign.name} · ${sheet.unit} · 共 ${sheet.lines.length} 人次</p>
<table>
<tr>${SIGNATURE_COLUMNS.map((c) => html`<th>${c}</th>`)}</tr>
${sheet.lines.map((l, i) => html`<tr><td class="num">${i + 1}</td><td>${l.name}</td><td>${l.idMasked}</td><td>${l.projectName}</td><td>${l.what}</td><td>${l.method}</td><td class="sign"></td><td class="sign"></td></tr>`)}
</table>`,
  );
}
