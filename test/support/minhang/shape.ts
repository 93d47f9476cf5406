// The shape of Minhang's 2020 campaign (seeds/001, DOMAIN.md): its units, categories, project groups,
// person-times and standards, and the rates at which the generator plants faults.

/** The 14 towns and streets (13 towns/streets and the industrial zone). */
export const TOWNS = [
  '江川路街道', '古美路街道', '新虹街道', '浦锦街道', '莘庄镇', '七宝镇', '颛桥镇',
  '华漕镇', '虹桥镇', '梅陇镇', '吴泾镇', '马桥镇', '浦江镇', '莘庄工业区',
] as const;

/** District departments running projects; the first is the civil-affairs bureau. */
export const DEPARTMENTS = [
  '区民政局', '区人社局', '区医保局', '区教育局', '区总工会', '团区委', '区妇联', '区残联', '区退役军人事务局', '区卫健委',
] as const;

export const CIVIL_AFFAIRS = DEPARTMENTS[0];

export const CATEGORIES = [
  '低保家庭', '低收入困难家庭', '特困供养人员', '困难老人', '困境儿童',
  '大重病家庭', '残疾人', '困难职工', '失业及就业困难人员', '贫困学生',
] as const;

/** The categories on the base registers (广覆盖: each register household should be nominated). */
export const REGISTERS = ['低保家庭', '特困供养人员'] as const;

export interface ProjectGroup {
  key: 'civil' | 'department' | 'town';
  /** Project code prefix. */
  prefix: string;
  projects: number;
  /** Person-times at scale 1. */
  people: number;
  /** Per-person standard range, yuan. */
  minYuan: number;
  maxYuan: number;
  /** Funding shares (percent) by source header of the project sheet. */
  funding: Record<string, number>;
}

/** 11 civil-affairs, 34 department and 77 town projects: 122, about 112,800 person-times at 1×. */
export const PROJECT_GROUPS: readonly ProjectGroup[] = [
  { key: 'civil', prefix: 'MZ', projects: 11, people: 63_426, minYuan: 300, maxYuan: 1_100, funding: { 市级: 30, 区级: 70 } },
  { key: 'department', prefix: 'BM', projects: 34, people: 23_149, minYuan: 200, maxYuan: 30_000, funding: { 部门预算: 60, 条线自筹: 20, 社会募集: 20 } },
  { key: 'town', prefix: 'JZ', projects: 77, people: 21_469, minYuan: 200, maxYuan: 10_000, funding: { 区级: 40, 街镇配套: 50, 社会募集: 10 } },
];

/** Share of person-times per standard: most projects pay little, a few (大重病) pay a lot. */
export const HIGH_STANDARD_SHARE = 0.1;

/** Planted faults, as shares of the rows they apply to (each at least one when the scale is above 0). */
export const FAULT_RATES = {
  /** Rows with a fault that intake rejects (bad ID check digit, bad phone, missing name, unknown category). */
  invalidRows: 0.01,
  /** Civil-affairs nominations nominated again, for the same project, by another town. */
  duplicateNominations: 0.005,
  /** Civil-affairs nominations whose person a department also nominates for the project exclusive with it. */
  exclusiveConflicts: 0.003,
  /** Register households (beyond the covered ones) that no unit nominates. */
  uncoveredHouseholds: 0.02,
} as const;

/** Share of civil-affairs nominations in a register category that are on a base register. */
export const REGISTERED_SHARE = 0.5;

/** Share of bank-paid rows (银行转账); the rest are spread over the other methods. */
export const BANK_TRANSFER_SHARE = 0.7;

export const INVALID_KINDS = ['id-check-digit', 'phone', 'missing-name', 'unknown-category'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];
