import { formatYuan } from '../core/money.js';
import { PHASE_NAMES } from '../core/phases.js';
import type { Mail } from '../shared/mailer.js';
import { escapeHtml, mailPage } from './html.js';

const button = (url: string, label: string) =>
  `<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:8px 16px;background:#c0392b;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(label)}</a></p>
<p style="font-size:12px;color:#555">如按钮无法打开，请复制此链接：${escapeHtml(url)}</p>`;

export function signInMail(to: string, url: string, validMinutes: number): Mail {
  const title = '暖流：登录链接';
  return {
    to,
    subject: title,
    text: `请在 ${validMinutes} 分钟内打开以下链接登录（仅可使用一次）：\n${url}`,
    html: mailPage(title, `<p>请在 ${validMinutes} 分钟内点击下方按钮登录。链接仅可使用一次。</p>${button(url, '登录暖流')}`),
  };
}

export interface ApprovalSummary {
  campaignName: string;
  step: number;
  steps: number;
  beneficiaries: number;
  totalFen: number;
  projects: { name: string; count: number; totalFen: number }[];
}

export function approvalMail(to: string, url: string, s: ApprovalSummary, validHours: number): Mail {
  const title = `待审批：${s.campaignName} 帮困名单（第 ${s.step}/${s.steps} 级）`;
  const rows = s.projects.map((p) => `<tr><td>${escapeHtml(p.name)}</td><td>${p.count}</td><td>${escapeHtml(formatYuan(p.totalFen))}</td></tr>`).join('');
  return {
    to,
    subject: title,
    text: `${s.campaignName}：共 ${s.beneficiaries} 人，合计 ${formatYuan(s.totalFen)}。请在 ${validHours} 小时内打开链接审批：\n${url}`,
    html: mailPage(
      title,
      `<p>${escapeHtml(s.campaignName)} 的帮困名单等待您审批：共 <b>${s.beneficiaries}</b> 人，合计 <b>${escapeHtml(formatYuan(s.totalFen))}</b>。</p>
<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>帮困项目</th><th>人数</th><th>金额</th></tr>${rows}</table>
<p>打开链接后可查看详情并作出决定；打开链接本身不会做出任何决定。链接 ${validHours} 小时内有效，仅可使用一次。</p>${button(url, '查看并审批')}`,
    ),
  };
}

export function callbackListMail(to: string, url: string, campaignName: string, count: number, validHours: number): Mail {
  const title = `回访任务：${campaignName}（${count} 户）`;
  return {
    to,
    subject: title,
    text: `您有 ${count} 户随机抽取的帮困对象需要电话回访。名单（含话术）：\n${url}`,
    html: mailPage(title, `<p>您有 <b>${count}</b> 户随机抽取的帮困对象需要电话回访，请核实是否收到帮困金。</p><p>链接 ${validHours} 小时内有效。</p>${button(url, '查看回访名单')}`),
  };
}

export interface SurveySummary {
  campaignName: string;
  rowsReceived: number;
  stored: number;
  rejected: number;
  uploads: number;
  /** Rejected rows' problems by reason (the text before '：'), most frequent first. */
  rejectedByReason: { reason: string; count: number }[];
  /**
   * People nominated for two or more projects; their combinable pairs; conflicts of exclusive pairs;
   * rows naming a person another unit had nominated for the same project (not stored again).
   */
  duplicates: { found: number; combinable: number; conflicts: number; resolved: number; open: number; sameProject: number };
  /** Households on the base registers no project covers, per town; absent when no register was loaded. */
  coverage?: { registered: number; uncovered: number; units: { unit: string; uncovered: number }[] };
}

/** The summary as lines, each with its own sub-lines. */
function surveyLines(s: SurveySummary): [string, string[]][] {
  const d = s.duplicates;
  const lines: [string, string[]][] = [
    [`收到 ${s.uploads} 个文件，共 ${s.rowsReceived} 行`, []],
    [`入库 ${s.stored} 人`, []],
    [`退回 ${s.rejected} 行`, s.rejectedByReason.map((r) => `${r.reason}：${r.count} 处`)],
    [`重复申报 ${d.found} 人（可兼得的项目组合 ${d.combinable} 对）`, []],
    [`多个单位申报同一人同一项目 ${d.sameProject} 行，均只保留最先申报的一条`, []],
    [`互斥冲突 ${d.conflicts} 个：已处理 ${d.resolved} 个，待处理 ${d.open} 个`, d.open ? ['待处理的冲突处理完毕前，不能启动「部署」阶段'] : []],
  ];
  if (s.coverage) {
    lines.push([
      `名册共 ${s.coverage.registered} 户，未被任何项目覆盖 ${s.coverage.uncovered} 户`,
      s.coverage.units.map((u) => `${u.unit}：${u.uncovered} 户`),
    ]);
  } else lines.push(['未导入低保、特困等名册，未做覆盖检查', []]);
  return lines;
}

export function surveySummaryMail(to: string, url: string, s: SurveySummary): Mail {
  const title = `${PHASE_NAMES.survey}阶段汇总：${s.campaignName}`;
  const lines = surveyLines(s);
  const text = lines.map(([line, subs]) => [line, ...subs.map((sub) => `  - ${sub}`)].join('\n')).join('\n');
  const item = ([line, subs]: [string, string[]]) =>
    `<li>${escapeHtml(line)}${subs.length ? `<ul>${subs.map((sub) => `<li>${escapeHtml(sub)}</li>`).join('')}</ul>` : ''}</li>`;
  return {
    to,
    subject: title,
    text: `${text}\n${url}`,
    html: mailPage(title, `<ul>${lines.map(item).join('')}</ul>${button(url, '查看活动')}`),
  };
}
