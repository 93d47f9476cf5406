import { formatYuan } from '../core/money.js';
import { PHASE_NAMES } from '../core/phases.js';
import type { ShownDecision } from '../steps/list-summary.js';
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

export function callbackListMail(to: string, url: string, campaignName: string, count: number, validHours: number): Mail {
  const title = `回访任务：${campaignName}（${count} 户）`;
  return {
    to,
    subject: title,
    text: `您有 ${count} 户随机抽取的帮困对象需要电话回访。名单（含话术）：\n${url}`,
    html: mailPage(title, `<p>您有 <b>${count}</b> 户随机抽取的帮困对象需要电话回访，请核实是否收到帮困金。</p><p>链接 ${validHours} 小时内有效。</p>${button(url, '查看回访名单')}`),
  };
}

/** The seed's commitment, mailed before the draw so that the seed cannot be chosen afterwards. */
export function seedCommitmentMail(to: string, url: string, campaignName: string, commitment: string): Mail {
  const title = `回访抽样种子承诺：${campaignName}`;
  return {
    to,
    subject: title,
    text: `回访抽样的随机种子已生成并封存，抽样完成后公开。种子承诺（SHA-256）：\n${commitment}\n请保存此邮件，以便抽样后核对种子。活动页面：\n${url}`,
    html: mailPage(title, `<p>回访抽样的随机种子已生成并封存，抽样完成后在活动页面公开。</p><p>种子承诺（SHA-256）：<br><code>${escapeHtml(commitment)}</code></p><p>请保存此邮件：公开的种子经 SHA-256 计算后应与此值一致。</p>${button(url, '查看活动')}`),
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

/** Why an approver gets the mail: first asked, reminded, or asked as the deputy after the deadline. */
export type ApprovalMailKind = 'request' | 'reminder' | 'escalation';

const APPROVAL_MAIL_TITLES: Record<ApprovalMailKind, string> = { request: '待审批', reminder: '审批提醒', escalation: '代理审批' };

/** Beijing time, to the minute, as people read it in mail. */
const beijingTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface ApprovalMailFacts {
  kind: ApprovalMailKind;
  deadlineAt: string;
  validUntil: string;
  /** Years whose holidays were not known when the deadline was counted. */
  unknownYears: number[];
}

/** The mail asking one approver to decide on one unit's list at one step, with its own link. */
export function approvalMail(to: string, url: string, shown: ShownDecision, facts: ApprovalMailFacts): Mail {
  const s = shown.summary;
  const title = `${APPROVAL_MAIL_TITLES[facts.kind]}：${s.campaignName} ${s.unit} 帮困名单（${shown.stepName}，第 ${shown.step}/${shown.steps} 级）`;
  const lead = {
    request: '等待您审批',
    reminder: '仍在等待您审批，审批期限已过半',
    escalation: '已超过审批期限，现请您作为代理审批人审批',
  }[facts.kind];
  const rows = s.projects.map((p) => `<tr><td>${escapeHtml(p.name)}</td><td>${p.count}</td><td>${escapeHtml(formatYuan(p.totalFen))}</td></tr>`).join('');
  const sources = (s.bySource ?? []).map((x) => `<tr><td>${escapeHtml(x.source)}</td><td>${escapeHtml(formatYuan(x.totalFen))}</td></tr>`).join('');
  const unknown = facts.unknownYears.length ? `（${facts.unknownYears.join('、')}年节假日安排尚未收录，期限按周末计算）` : '';
  const deadline = facts.kind === 'escalation' ? '' : `审批期限：${beijingTime(facts.deadlineAt)}（北京时间）前${unknown}。`;
  return {
    to,
    subject: title,
    text: `${s.campaignName}（${s.unit}）：共 ${s.count} 人，合计 ${formatYuan(s.totalFen)}。${lead}。${deadline}请打开链接审批：\n${url}`,
    html: mailPage(
      title,
      `<p>${escapeHtml(s.campaignName)} · <b>${escapeHtml(s.unit)}</b> 的帮困名单（第 ${shown.round} 轮）${lead}：共 <b>${s.count}</b> 人，合计 <b>${escapeHtml(formatYuan(s.totalFen))}</b>。</p>
<table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>帮困项目</th><th>人数</th><th>金额</th></tr>${rows}</table>
${sources ? `<p>资金来源：</p><table border="1" cellpadding="4" style="border-collapse:collapse"><tr><th>资金来源</th><th>金额</th></tr>${sources}</table>` : ''}
<p>${escapeHtml(deadline)}</p>
<p>打开链接后可查看详情并作出决定（同意、退回或退回修改）；打开链接本身不会做出任何决定。链接有效至 ${beijingTime(facts.validUntil)}，仅可使用一次，仅限您本人使用。</p>${button(url, '查看并审批')}`,
    ),
  };
}

/** The coordinator's mail when a unit's list is sent back: the reason, and where to resubmit. */
export function sentBackMail(to: string, url: string, f: { campaignName: string; unit: string; round: number; stepName: string; returned: boolean; reason: string }): Mail {
  const what = f.returned ? '退回修改' : '退回';
  const title = `名单被${what}：${f.campaignName} ${f.unit}（第 ${f.round} 轮，${f.stepName}）`;
  return {
    to,
    subject: title,
    text: `${f.unit} 的帮困名单在「${f.stepName}」被${what}。原因：${f.reason}\n请与该单位核实修改后重新提交，审批将从第一级重新开始：\n${url}`,
    html: mailPage(
      title,
      `<p>${escapeHtml(f.unit)} 的帮困名单在「${escapeHtml(f.stepName)}」被<b>${what}</b>。</p><p>原因：${escapeHtml(f.reason)}</p>
<p>请与该单位核实修改后重新提交，审批将从第一级重新开始。</p>${button(url, '查看并重新提交')}`,
    ),
  };
}
