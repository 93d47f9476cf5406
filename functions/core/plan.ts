/**
 * The plan (部署计划): who gets what from which project, each line's money split across the
 * funding sources in integer fen, and the totals per unit, project, category and source. A plan is
 * refused while any project is over its quota or its budget in any source, has no funding, or has
 * a line whose category it does not serve; each problem names its project and the lines that
 * break it, in zh-CN. Pure: the register and the projects in, the plan out.
 */
import { FUNDING_SOURCE_KEYS, sourceName, splitEach, sumSources, zeroSources, type FundingSource } from './funding.js';
import { maskName } from './masking.js';
import { formatYuan } from './money.js';
import { basisOf, isEligible, QUOTA_UNITS, sourceBudgets, type Project } from './project.js';
import { byZh } from './zh-order.js';

/** A stored beneficiary as the plan reads it (see data/beneficiaries.ts); never a raw ID number. */
export interface PlanEntry {
  projectCode: string;
  idHash: string;
  idMasked: string;
  name: string;
  unit: string;
  category: string;
  householdSize: number;
  amountFen: number;
  /** Set when a resolved conflict excluded this beneficiary: not in the plan. */
  excludedBy?: string;
}

export type SourceTotals = Record<FundingSource, number>;

/** One planned beneficiary: its entry, and its amount split over the sources. */
export interface PlanLine extends Omit<PlanEntry, 'excludedBy'> {
  /** Fen per source, adding up to amountFen; absent when the project has no funding. */
  split?: SourceTotals;
}

export interface PlanTotal {
  key: string;
  count: number;
  totalFen: number;
  bySource: SourceTotals;
}

export interface PlanProblem {
  projectCode: string;
  reason: string;
  /** The lines that break the rule, as people can find them: unit, masked name and ID. */
  lines: string[];
}

export interface Plan {
  lines: PlanLine[];
  byProject: (PlanTotal & { name: string; quota?: number; budgetBySource?: SourceTotals })[];
  byUnit: PlanTotal[];
  byCategory: PlanTotal[];
  bySource: SourceTotals;
  count: number;
  totalFen: number;
  /** Money of lines whose project has no funding (in no source's total). */
  unfundedFen: number;
  problems: PlanProblem[];
  ok: boolean;
}

/** The plan without its lines: what its page and the start of 部署 show. */
export type PlanTotals = Omit<Plan, 'lines'>;

/** How an amount over a limit reads: "1 分" below a yuan, "¥12.30" above. */
const fenText = (fen: number) => (fen < 100 ? `${fen} 分` : formatYuan(fen));
export const lineLabel = (l: Pick<PlanLine, 'unit' | 'name' | 'idMasked'>) => `${l.unit} ${maskName(l.name)}（${l.idMasked}）`;
const projectLabel = (p: Pick<Project, 'code' | 'name'>) => `项目${p.code}「${p.name}」`;

const addSources = (into: SourceTotals, add: SourceTotals | undefined) => {
  if (add) for (const k of FUNDING_SOURCE_KEYS) into[k] += add[k];
};

export function computePlan(projects: readonly Project[], register: readonly PlanEntry[]): Plan {
  const order = new Map(projects.map((p, i) => [p.code, i]));
  const included = register.filter((b) => !b.excludedBy);
  const byCode = groupsOf(included, (b) => b.projectCode);
  const problems: PlanProblem[] = [];
  for (const [code, mine] of byCode) {
    if (!order.has(code)) problems.push({ projectCode: code, reason: `项目${code}不在本活动的帮困项目中，涉及 ${mine.length} 条`, lines: mine.map(lineLabel) });
  }

  const lines: PlanLine[] = [];
  const byProject: Plan['byProject'] = [];
  for (const project of projects) {
    const mine = (byCode.get(project.code) ?? [])
      .sort((a, b) => byZh(a.unit, b.unit) || (a.idHash < b.idHash ? -1 : a.idHash > b.idHash ? 1 : 0));
    const budgets = sourceBudgets(project);
    const funded = budgets !== undefined && sumSources(budgets) > 0;
    const splits = funded ? splitEach(mine.map((b) => b.amountFen), budgets) : [];
    const projectLines = mine.map((b, i) => planLine(b, funded ? splits[i] : undefined));
    lines.push(...projectLines);
    problems.push(...projectProblems(project, projectLines, funded ? { ...zeroSources(), ...budgets } : undefined));
    byProject.push({
      ...total(project.code, projectLines),
      name: project.name,
      ...(project.quota ? { quota: project.quota } : {}),
      ...(funded ? { budgetBySource: { ...zeroSources(), ...budgets } } : {}),
    });
  }

  const groupBy = (keyOf: (l: PlanLine) => string) => [...groupsOf(lines, keyOf)].map(([key, ls]) => total(key, ls)).sort((a, b) => byZh(a.key, b.key));
  const all = total('', lines);
  return {
    lines,
    byProject,
    byUnit: groupBy((l) => l.unit),
    byCategory: groupBy((l) => l.category),
    bySource: all.bySource,
    count: all.count,
    totalFen: all.totalFen,
    unfundedFen: lines.filter((l) => !l.split).reduce((n, l) => n + l.amountFen, 0),
    problems,
    ok: problems.length === 0,
  };
}

/** An entry as a line of the plan: its fields but the exclusion mark, and its split if funded. */
function planLine(b: PlanEntry, split: SourceTotals | undefined): PlanLine {
  const { projectCode, idHash, idMasked, name, unit, category, householdSize, amountFen } = b;
  const line: PlanLine = { projectCode, idHash, idMasked, name, unit, category, householdSize, amountFen };
  if (split) line.split = split;
  return line;
}

/** How many entries and how much money each project has, by project code. */
export function projectTotals(entries: readonly Pick<PlanEntry, 'projectCode' | 'amountFen'>[]): Map<string, { count: number; totalFen: number }> {
  const totals = new Map<string, { count: number; totalFen: number }>();
  for (const b of entries) {
    const total = totals.get(b.projectCode);
    if (total) {
      total.count++;
      total.totalFen += b.amountFen;
    } else totals.set(b.projectCode, { count: 1, totalFen: b.amountFen });
  }
  return totals;
}

/** Items grouped by key, in one pass, each group in the items' order. */
function groupsOf<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

function total(key: string, lines: readonly PlanLine[]): PlanTotal {
  const bySource = zeroSources();
  for (const l of lines) addSources(bySource, l.split);
  return { key, count: lines.length, totalFen: lines.reduce((n, l) => n + l.amountFen, 0), bySource };
}

/** What is wrong with one project's lines: funding, categories, quota, budget per source. */
function projectProblems(project: Project, lines: readonly PlanLine[], budgets: SourceTotals | undefined): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const label = projectLabel(project);
  if (!budgets) {
    problems.push({ projectCode: project.code, reason: `${label}未设置资金来源（${FUNDING_SOURCE_KEYS.map(sourceName).join('、')}），请在帮困项目页填写`, lines: [] });
  }
  const ineligible = lines.filter((l) => !isEligible(project, l.category));
  for (const category of new Set(ineligible.map((l) => l.category))) {
    const these = ineligible.filter((l) => l.category === category);
    problems.push({ projectCode: project.code, reason: `${label}不适用于帮困类别“${category}”，涉及 ${these.length} 条`, lines: these.map(lineLabel) });
  }
  if (project.quota !== undefined && lines.length > project.quota) {
    const unit = QUOTA_UNITS[basisOf(project)];
    problems.push({
      projectCode: project.code,
      reason: `${label}超出名额 ${lines.length - project.quota} ${unit}（名额 ${project.quota} ${unit}，名单 ${lines.length} ${unit}）`,
      lines: lines.slice(project.quota).map(lineLabel),
    });
  }
  if (budgets) {
    for (const source of FUNDING_SOURCE_KEYS) {
      let spent = 0;
      let firstOver = -1;
      lines.forEach((l, i) => {
        spent += l.split?.[source] ?? 0;
        if (firstOver < 0 && spent > budgets[source]) firstOver = i;
      });
      if (spent > budgets[source]) {
        problems.push({
          projectCode: project.code,
          reason: `${label}的${sourceName(source)}资金超出预算 ${fenText(spent - budgets[source])}（预算 ${formatYuan(budgets[source])}，计划 ${formatYuan(spent)}）`,
          lines: lines.slice(firstOver).filter((l) => (l.split?.[source] ?? 0) > 0).map(lineLabel),
        });
      }
    }
  }
  return problems;
}

/** One unit's part of the plan: what its list holds, per project and source (for approvers' summaries). */
export function unitPlan(plan: Plan, unit: string) {
  const lines = plan.lines.filter((l) => l.unit === unit);
  const codes = [...new Set(lines.map((l) => l.projectCode))];
  return {
    ...total(unit, lines),
    projects: codes.map((code) => ({ ...total(code, lines.filter((l) => l.projectCode === code)), name: plan.byProject.find((p) => p.key === code)?.name ?? code })),
    problems: plan.problems.filter((p) => codes.includes(p.projectCode)),
  };
}
