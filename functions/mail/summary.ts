import { formatYuan } from '../core/money.js';
import { rateText, type CampaignSummary } from '../core/summary.js';
import type { Mail } from '../shared/mailer.js';
import { escapeHtml, mailPage } from './html.js';

/** The coordinator's mail when the summary (总结) is ready: the headline figures and the link to it. */
export function summaryReadyMail(to: string, url: string, s: CampaignSummary): Mail {
  const title = `活动总结已生成：${s.campaignName}`;
  const a = s.anomalies;
  const lines = [
    `帮困 ${s.people} 人次，金额合计 ${formatYuan(s.totalFen)}`,
    `名册覆盖率（不遗漏）：${rateText(s.coverage.covered, s.coverage.registered)}（${s.coverage.covered}/${s.coverage.registered} 户）`,
    `避免重复（少重复）：${s.duplicates.atIntake + s.duplicates.byExclusion} 条（导入时重复 ${s.duplicates.atIntake} 条，冲突处理排除 ${s.duplicates.byExclusion} 条）`,
    `领导走访慰问 ${s.visits.households} 户（${s.visits.visits} 次）`,
    `电话回访：接通率 ${rateText(s.callbacks.reached, s.callbacks.called)}，核实率 ${rateText(s.callbacks.verified, s.callbacks.reached)}`,
    `异常：回访不符 ${a.mismatches} 户，核查待办 ${a.followUpsOpen} 件、已办结 ${a.followUpsClosed} 件，发放失败 ${a.paymentsFailed} 笔，未发放 ${a.unpaid} 人次`,
  ];
  return {
    to,
    subject: title,
    text: `${lines.join('\n')}\n查看总结（含图表，可导出 Excel）：\n${url}`,
    html: mailPage(title, `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:8px 16px;background:#c0392b;color:#fff;text-decoration:none;border-radius:4px">查看活动总结</a></p>
<p style="font-size:12px;color:#555">如按钮无法打开，请复制此链接：${escapeHtml(url)}</p>`),
  };
}
