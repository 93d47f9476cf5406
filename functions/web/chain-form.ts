import { z } from 'zod';
import { toHalfWidth } from '../core/half-width.js';
import type { ChainStep } from '../data/approval-chains.js';

/**
 * The approval-chain form: one textarea per chain, one step per line:
 *   名称, 审批人邮箱（多个用 ; 分隔）, 代理审批人邮箱, 期限（工作日）, 提醒比例
 * e.g. `街镇审核, a@x.cn; b@x.cn, c@x.cn, 3, 0.5`. Full-width punctuation is accepted.
 */
export const CHAIN_LINE_FORMAT = '名称, 审批人邮箱（多个用 ; 分隔）, 代理审批人邮箱, 期限（工作日）, 提醒比例';
const MAX_STEPS = 8;
const MAX_DAYS = 60;

const email = z.email().max(254);

function parseLine(line: string): { ok: true; step: ChainStep } | { ok: false; reason: string } {
  const parts = toHalfWidth(line).split(',').map((p) => p.trim());
  if (parts.length !== 5) return { ok: false, reason: `应有 5 项（${CHAIN_LINE_FORMAT}），实际 ${parts.length} 项` };
  const [name, approverText, deputyText, daysText, fractionText] = parts;
  if (!name || Array.from(name).length > 30) return { ok: false, reason: '名称不能为空，最多30个字' };
  const approvers = approverText.split(';').map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
  const bad = approvers.find((a) => !email.safeParse(a).success);
  if (!approvers.length || bad !== undefined) return { ok: false, reason: bad ? `“${bad}”不是有效的邮箱地址` : '请填写审批人邮箱' };
  const deputy = deputyText.toLowerCase();
  if (!email.safeParse(deputy).success) return { ok: false, reason: `代理审批人“${deputyText}”不是有效的邮箱地址` };
  if (approvers.includes(deputy)) return { ok: false, reason: '代理审批人不能同时是本级审批人' };
  const deadlineDays = Number(daysText);
  if (!Number.isInteger(deadlineDays) || deadlineDays < 1 || deadlineDays > MAX_DAYS) return { ok: false, reason: `期限应为 1 至 ${MAX_DAYS} 个工作日` };
  const reminderFraction = Number(fractionText);
  if (!(reminderFraction > 0 && reminderFraction < 1)) return { ok: false, reason: '提醒比例应大于 0、小于 1（如 0.5）' };
  return { ok: true, step: { name, approvers: [...new Set(approvers)], deputy, deadlineDays, reminderFraction } };
}

/** One chain's textarea: its steps, or the reasons line by line. Empty text is no chain. */
export function parseChain(text: string): { ok: true; steps: ChainStep[] } | { ok: false; errors: string[] } {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
  const errors: string[] = [];
  const steps: ChainStep[] = [];
  if (lines.length > MAX_STEPS) errors.push(`最多 ${MAX_STEPS} 级，当前 ${lines.length} 级`);
  lines.forEach((line, i) => {
    const parsed = parseLine(line);
    if (parsed.ok) steps.push(parsed.step);
    else errors.push(`第${i + 1}行：${parsed.reason}`);
  });
  return errors.length ? { ok: false, errors } : { ok: true, steps };
}

/** A chain as the textarea shows it. */
export const formatChain = (steps: readonly ChainStep[]) =>
  steps.map((s) => [s.name, s.approvers.join('; '), s.deputy, s.deadlineDays, s.reminderFraction].join(', ')).join('\n');
