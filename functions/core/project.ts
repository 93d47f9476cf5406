/**
 * A relief project (帮困项目) and its terms: owning unit, eligible categories, standard, quota and
 * funding. Projects stored before these terms existed have only code, name and amountFen; the
 * defaults (and so the one meaning of a missing field) are here: no owning unit, every category
 * eligible, a per-person standard of amountFen, no quota, and no funding (the plan refuses it).
 */
import { z } from 'zod';
import { formatYuan } from './money.js';
import { FUNDING_SOURCE_KEYS, splitByWeights, sumSources, type SourceAmounts } from './funding.js';

export const PROJECT_CODE = /^[A-Za-z0-9_-]{1,32}$/;

const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const sourceAmounts = z.partialRecord(z.enum(FUNDING_SOURCE_KEYS), fen);

export const STANDARD_BASES = ['person', 'household'] as const;
export type StandardBasis = (typeof STANDARD_BASES)[number];
export const BASIS_NAMES: Record<StandardBasis, string> = { person: '按人', household: '按户' };
/** What a quota counts: people for a per-person standard, households for a per-household one. */
export const QUOTA_UNITS: Record<StandardBasis, string> = { person: '人', household: '户' };

/** Per-mille shares add up to this (100%). */
export const WHOLE_SHARE = 1000;

/**
 * The funding split: fen per source (the project's budget per source), or per-mille shares of a
 * total budget (adding up to 100%).
 */
export const fundingSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('amount'), amounts: sourceAmounts }),
  z.object({ by: z.literal('share'), budgetFen: fen, perMille: z.partialRecord(z.enum(FUNDING_SOURCE_KEYS), z.number().int().min(0).max(WHOLE_SHARE)) }),
]);
export type Funding = z.infer<typeof fundingSchema>;

export const projectSchema = z.object({
  code: z.string().regex(PROJECT_CODE),
  name: z.string().trim().min(1).max(60),
  /** The standard: per person, or per household (then plus supplementFen per member beyond the first). */
  amountFen: fen.positive(),
  basis: z.enum(STANDARD_BASES).optional(),
  supplementFen: fen.optional(),
  /** The unit that runs the project (责任单位); absent: none named. */
  unit: z.string().optional(),
  /** Eligible categories; absent or empty: every category. */
  categories: z.array(z.string()).optional(),
  /** People (per-person standard) or households (per-household); absent: no limit. */
  quota: z.number().int().positive().optional(),
  funding: fundingSchema.optional(),
});
export type Project = z.infer<typeof projectSchema>;

export const basisOf = (p: Pick<Project, 'basis'>): StandardBasis => p.basis ?? 'person';

/** Whether a beneficiary of `category` may receive `project`. */
export const isEligible = (p: Pick<Project, 'categories'>, category: string) => !p.categories?.length || p.categories.includes(category);

/** The standard amount for one beneficiary of a household of `householdSize`: used when 发放金额 is empty. */
export function standardAmountFen(p: Pick<Project, 'amountFen' | 'basis' | 'supplementFen'>, householdSize: number): number {
  if ((p.basis ?? 'person') === 'person') return p.amountFen;
  return p.amountFen + (p.supplementFen ?? 0) * Math.max(0, householdSize - 1);
}

/** The standard as people read it: "¥500.00/人", "¥800.00/户，每增加一人 ¥200.00". */
export function standardText(p: Pick<Project, 'amountFen' | 'basis' | 'supplementFen'>): string {
  const basis = basisOf(p);
  const base = `${formatYuan(p.amountFen)}/${QUOTA_UNITS[basis]}`;
  return basis === 'household' && p.supplementFen ? `${base}，每增加一人 ${formatYuan(p.supplementFen)}` : base;
}

/** The project's budget per source in fen; undefined without funding. Shares of the budget are split exactly. */
export function sourceBudgets(p: Project): SourceAmounts | undefined {
  const f = p.funding;
  if (!f) return undefined;
  if (f.by === 'amount') return f.amounts;
  return sumSources(f.perMille) === 0 ? {} : splitByWeights(f.budgetFen, f.perMille);
}

/** The project's whole budget in fen (0 without funding). */
export const budgetFen = (p: Project) => sumSources(sourceBudgets(p) ?? {});
