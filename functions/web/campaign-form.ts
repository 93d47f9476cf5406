import { z } from 'zod';
import { toHalfWidth } from '../core/half-width.js';
import { parseYuan } from '../core/money.js';
import type { NewCampaign, Project } from '../data/campaigns.js';

export const CAMPAIGN_FIELDS = ['name', 'units', 'categories', 'projects', 'exclusivePairs', 'approvers', 'callbackStaff'] as const;
export type CampaignField = (typeof CAMPAIGN_FIELDS)[number];
/** What the coordinator typed, to show the form again with it. */
export type CampaignFormValues = Record<CampaignField, string>;
export type CampaignFormErrors = Partial<Record<CampaignField, string[]>>;

const lines = (text: string) => text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '');
const MAX_TEXT = 200_000;

type LineParser<T> = (line: string) => { ok: true; value: T } | { ok: false; reason: string };

/** A textarea of one item per line: each line checked, duplicates named, a count limit. */
function lineList<T>(label: string, max: number, parse: LineParser<T>, key: (value: T) => string) {
  return z
    .string()
    .max(MAX_TEXT, `${label}内容过长`)
    .transform((text, ctx) => {
      const items = lines(text);
      if (items.length === 0) {
        ctx.addIssue({ code: 'custom', message: `请至少填写一个${label}` });
        return z.NEVER;
      }
      if (items.length > max) ctx.addIssue({ code: 'custom', message: `${label}最多${max}个，当前${items.length}个` });
      const values: T[] = [];
      const seen = new Map<string, number>();
      items.forEach((line, i) => {
        const parsed = parse(line);
        if (!parsed.ok) {
          ctx.addIssue({ code: 'custom', message: `第${i + 1}行：${parsed.reason}` });
          return;
        }
        const k = key(parsed.value);
        const first = seen.get(k);
        if (first !== undefined) ctx.addIssue({ code: 'custom', message: `第${i + 1}行：与第${first}行重复` });
        else seen.set(k, i + 1);
        values.push(parsed.value);
      });
      return values;
    });
}

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (reason: string) => ({ ok: false as const, reason });

const plainName = (max: number): LineParser<string> => (line) =>
  Array.from(line).length > max ? fail(`“${line.slice(0, 20)}…”过长（最多${max}个字）`) : ok(line);

const emailSchema = z.email();
const email: LineParser<string> = (line) => {
  const value = toHalfWidth(line).trim().toLowerCase();
  return emailSchema.safeParse(value).success && value.length <= 254 ? ok(value) : fail(`“${line}”不是有效的邮箱地址`);
};

const PROJECT_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** `编码,名称,金额(元)`; the name may itself hold commas (the first and last comma split). */
const project: LineParser<Project> = (line) => {
  const text = line.replace(/，/g, ',');
  const first = text.indexOf(',');
  const last = text.lastIndexOf(',');
  if (first < 0 || first === last) return fail('格式应为“编码,名称,金额(元)”，例如 MZ01,春节帮困慰问金,500');
  const code = toHalfWidth(text.slice(0, first)).trim();
  const name = text.slice(first + 1, last).trim();
  const amount = parseYuan(text.slice(last + 1));
  if (!PROJECT_CODE.test(code)) return fail(`项目编码“${code}”无效：只能由字母、数字、- 和 _ 组成，最长32位`);
  if (name === '') return fail('项目名称不能为空');
  if (Array.from(name).length > 60) return fail('项目名称过长（最多60个字）');
  if (!amount.ok) return fail(amount.reason);
  if (amount.fen <= 0) return fail('金额应大于0');
  return ok({ code, name, amountFen: amount.fen });
};

const MAX_PAIRS = 5000;

/** The project codes the projects field names, read leniently so pairs are checked even when a project line has another fault. */
const projectCodesOf = (text: string) => lines(text).map((line) => toHalfWidth(line.replace(/，/g, ',').split(',')[0]).trim());

/**
 * 互斥项目: optional, one pair per line (`编码A,编码B`), each code one of the campaign's projects.
 * Pairs not listed combine. Codes are stored as the projects spell them.
 */
export function parseExclusivePairs(text: string, projectCodes: readonly string[]): { ok: true; pairs: [string, string][] } | { ok: false; errors: string[] } {
  if (text.length > MAX_TEXT) return { ok: false, errors: ['互斥项目内容过长'] };
  const known = new Map(projectCodes.map((code) => [code.toUpperCase(), code]));
  const items = lines(text);
  const errors: string[] = [];
  if (items.length > MAX_PAIRS) errors.push(`互斥项目最多${MAX_PAIRS}对，当前${items.length}对`);
  const pairs: [string, string][] = [];
  const seen = new Map<string, number>();
  items.forEach((line, i) => {
    const at = `第${i + 1}行：`;
    const codes = toHalfWidth(line).split(/[,，、\s]+/).filter((c) => c !== '');
    if (codes.length !== 2) return errors.push(`${at}格式应为“编码A,编码B”，例如 MZ01,GH02`);
    const [a, b] = codes.map((c) => known.get(c.toUpperCase()));
    const unknown = codes.filter((c) => !known.has(c.toUpperCase()));
    if (!a || !b) return errors.push(`${at}${unknown.map((c) => `“${c}”`).join('、')}不是本活动的帮困项目编码`);
    if (a === b) return errors.push(`${at}同一项目不能与自身互斥`);
    const pair = [a, b].sort() as [string, string];
    const first = seen.get(pair.join('\u0000'));
    if (first !== undefined) return errors.push(`${at}与第${first}行重复`);
    seen.set(pair.join('\u0000'), i + 1);
    pairs.push(pair);
  });
  return errors.length ? { ok: false, errors } : { ok: true, pairs };
}

export const campaignFormSchema = z.object({
  name: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, '请填写活动名称').max(60, '活动名称最多60个字')),
  units: lineList('单位', 1000, plainName(40), (u) => u),
  categories: lineList('帮困类别', 100, plainName(40), (c) => c),
  projects: lineList('帮困项目', 1000, project, (p) => p.code.toUpperCase()),
  approvers: lineList('审批人', 10, email, (e) => e),
  callbackStaff: lineList('回访人员', 100, email, (e) => e),
});

/** The form's text fields, whatever else the body held. */
export function campaignFormValues(body: Record<string, unknown>): CampaignFormValues {
  return Object.fromEntries(CAMPAIGN_FIELDS.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : ''])) as CampaignFormValues;
}

export function parseCampaignForm(
  values: CampaignFormValues,
): { ok: true; campaign: Omit<NewCampaign, 'coordinator'> } | { ok: false; errors: CampaignFormErrors } {
  const parsed = campaignFormSchema.safeParse(values);
  const pairs = parseExclusivePairs(values.exclusivePairs, parsed.success ? parsed.data.projects.map((p) => p.code) : projectCodesOf(values.projects));
  if (parsed.success && pairs.ok) return { ok: true, campaign: { ...parsed.data, exclusivePairs: pairs.pairs } };
  const errors: CampaignFormErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as CampaignField;
      (errors[field] ??= []).push(issue.message);
    }
  }
  if (!pairs.ok) errors.exclusivePairs = pairs.errors;
  return { ok: false, errors };
}
