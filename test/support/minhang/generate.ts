// The Minhang-shaped campaign: from a seed and a scale, the form, the project sheet, the registers, the
// units' intake files and the counts a correct run must produce. Same seed and scale, same bytes.
import { BANK_CHANNELS, PAYMENT_METHODS, type PaymentMethod } from '../../../functions/core/payment-methods.js';
import { MAX_REGISTER_BYTES } from '../../../functions/web/routes/registers.js';
import { MAX_UPLOAD_BYTES } from '../../../functions/web/routes/uploads.js';
import { intakeCsv, type IntakeLine } from '../intake-files.js';
import { idNumberOf, nameOf, phoneOf, withWrongCheck } from './people.js';
import { apportion, Random } from './random.js';
import {
  BANK_TRANSFER_SHARE, CATEGORIES, CIVIL_AFFAIRS, DEPARTMENTS, FAULT_RATES, HIGH_STANDARD_SHARE, INVALID_KINDS,
  PROJECT_GROUPS, REGISTERED_SHARE, REGISTERS, TOWNS, type InvalidKind, type ProjectGroup,
} from './shape.js';
import { filesWithin } from './split-files.js';

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 10;

export const COORDINATOR = 'coordinator@nuanliu.local';
export const APPROVERS = ['street.reviewer@nuanliu.local', 'bureau.approver@nuanliu.local'] as const;
export const CALLBACK_STAFF = 'callback.staff@nuanliu.local';

export interface GeneratedProject {
  code: string;
  name: string;
  unit: string;
  group: ProjectGroup['key'];
  category: string;
  yuan: number;
  /** Beneficiaries intake stores for it (nominations without faults, and the planted conflicts' second nominations). */
  stored: number;
}

export interface GeneratedFile {
  fileName: string;
  /** CSV, UTF-8 with a byte order mark. */
  csv: string;
}

export interface Expected {
  /** Data rows over all intake files. */
  rows: number;
  rejected: number;
  rejectedByKind: Record<InvalidKind, number>;
  /** Rows naming a person another unit nominated first for the same project. */
  duplicates: number;
  stored: number;
  conflicts: number;
  registered: number;
  uncovered: number;
  /** Beneficiaries left once every conflict keeps its civil-affairs nomination. */
  payable: number;
  payableFen: number;
  /** Payable beneficiaries paid through a bank channel (银行转账, 社保卡): the lines of the bank files. */
  payableByBank: number;
}

export interface MinhangCampaign {
  seed: string;
  scale: number;
  /** The new-campaign form's fields. */
  form: { name: string; units: string; categories: string; projects: string; exclusivePairs: string; approvers: string; callbackStaff: string };
  projects: GeneratedProject[];
  /** The exclusive pairs, [civil-affairs code, department code]: a conflict keeps the first. */
  exclusivePairs: [string, string][];
  /** The project sheet (附表1) with standards, budgets and funding shares. */
  projectsCsv: string;
  registers: GeneratedFile[];
  /** Each unit's list: one file, or its parts where one file would pass the upload limit. */
  intake: (GeneratedFile & { unit: string })[];
  /** The units with a list, in the campaign's order. */
  units: string[];
  expected: Expected;
}

type Row = IntakeLine;

/** At least one of a fault, whatever the scale. */
const plant = (rate: number, of: number) => (of === 0 ? 0 : Math.max(1, Math.round(rate * of)));

const code = (prefix: string, i: number) => `${prefix}${String(i + 1).padStart(2, '0')}`;

function shuffle<T>(rnd: Random, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** The largest file each page takes; a file past it is split, as the page asks. */
export interface FileLimits {
  registerBytes: number;
  uploadBytes: number;
}
const PAGE_LIMITS: FileLimits = { registerBytes: MAX_REGISTER_BYTES, uploadBytes: MAX_UPLOAD_BYTES };

export function generateMinhang(seed: string, scale: number, limits: FileLimits = PAGE_LIMITS): MinhangCampaign {
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) throw new RangeError(`scale must be within ${MIN_SCALE}…${MAX_SCALE}, got ${scale}`);
  const rnd = new Random(`minhang:${seed}`);
  let nextPerson = rnd.int(0, 9_000_000);
  const person = () => {
    const n = nextPerson++;
    return { id: idNumberOf(n), name: nameOf([rnd.next(), rnd.next(), rnd.next()]), phone: phoneOf(n, rnd.int(0, 6)) };
  };
  const method = (): PaymentMethod => (rnd.next() < BANK_TRANSFER_SHARE ? '银行转账' : rnd.pick(PAYMENT_METHODS.slice(1)));

  const projects: GeneratedProject[] = [];
  const rowsOf = new Map<string, Row[]>();
  for (const group of PROJECT_GROUPS) {
    const counts = apportion(Math.max(group.projects, Math.round(group.people * scale)), Array.from({ length: group.projects }, () => 0.5 + rnd.next()), 1);
    for (let i = 0; i < group.projects; i++) {
      const unit = group.key === 'civil' ? CIVIL_AFFAIRS : group.key === 'department' ? DEPARTMENTS[1 + (i % (DEPARTMENTS.length - 1))] : TOWNS[i % TOWNS.length];
      const category = CATEGORIES[i % CATEGORIES.length];
      // Most standards sit low in the range; a few (大重病, 助学) reach its top.
      const span = rnd.next() < HIGH_STANDARD_SHARE ? group.maxYuan - group.minYuan : Math.min(800, group.maxYuan - group.minYuan);
      const yuan = group.minYuan + Math.round((rnd.next() * span) / 50) * 50;
      const project: GeneratedProject = { code: code(group.prefix, i), name: `${unit}${category}帮困（${i + 1}）`, unit, group: group.key, category, yuan, stored: counts[i] };
      projects.push(project);
      rowsOf.set(project.code, Array.from({ length: counts[i] }, () => ({
        ...person(),
        // Towns survey the households of civil-affairs projects; departments and towns nominate for their own.
        unit: group.key === 'civil' ? rnd.pick(TOWNS) : unit,
        category,
        project: project.code,
        householdSize: rnd.int(1, 5),
        paymentMethod: method(),
      })));
    }
  }
  const byCode = new Map(projects.map((p) => [p.code, p]));
  const civil = projects.filter((p) => p.group === 'civil');
  const departmentProjects = projects.filter((p) => p.group === 'department');
  const exclusivePairs = civil.map((p, i): [string, string] => [p.code, departmentProjects[i].code]);
  const civilRows = civil.flatMap((p) => rowsOf.get(p.code)!);
  const validRows = projects.flatMap((p) => rowsOf.get(p.code)!);

  // Faults: duplicates and conflicts on distinct civil-affairs nominations.
  const duplicateCount = plant(FAULT_RATES.duplicateNominations, civilRows.length);
  const conflictCount = plant(FAULT_RATES.exclusiveConflicts, civilRows.length);
  const chosen = shuffle(rnd, rnd.sample(civilRows.length, duplicateCount + conflictCount));
  const duplicates = chosen.slice(0, duplicateCount).map((i): Row => {
    const original = civilRows[i];
    const other = TOWNS[(TOWNS.indexOf(original.unit as (typeof TOWNS)[number]) + rnd.int(1, TOWNS.length - 1)) % TOWNS.length];
    return { ...original, unit: other };
  });
  const conflicts = chosen.slice(duplicateCount).map((i): Row => {
    const original = civilRows[i];
    const exclusive = byCode.get(exclusivePairs.find(([a]) => a === original.project)![1])!;
    exclusive.stored++;
    return { ...original, unit: exclusive.unit, project: exclusive.code, category: exclusive.category };
  });
  const invalidCount = plant(FAULT_RATES.invalidRows, validRows.length);
  const rejectedByKind = Object.fromEntries(INVALID_KINDS.map((k) => [k, 0])) as Record<InvalidKind, number>;
  const invalid = Array.from({ length: invalidCount }, (_, i): Row => {
    const kind = INVALID_KINDS[i % INVALID_KINDS.length];
    rejectedByKind[kind]++;
    const row = { ...rnd.pick(validRows), ...person() };
    if (kind === 'id-check-digit') row.id = withWrongCheck(row.id);
    if (kind === 'phone') row.phone = row.phone.slice(0, 7);
    if (kind === 'missing-name') row.name = '';
    if (kind === 'unknown-category') row.category = '其他困难群体';
    return row;
  });

  // Registers: half the civil-affairs nominations in a register category, and households nobody nominated.
  let uncovered = 0;
  const registers = REGISTERS.flatMap((register): GeneratedFile[] => {
    const candidates = civil.filter((p) => p.category === register).flatMap((p) => rowsOf.get(p.code)!);
    const covered = rnd.sample(candidates.length, Math.round(REGISTERED_SHARE * candidates.length)).map((i) => candidates[i]);
    const missing = Array.from({ length: plant(FAULT_RATES.uncoveredHouseholds, covered.length) }, () => ({ ...person(), unit: rnd.pick(TOWNS) }));
    uncovered += missing.length;
    const lines = shuffle(rnd, [...covered, ...missing]).map((r) => [r.name, r.id, r.unit, register].join(','));
    return filesWithin(limits.registerBytes, `${register}名册.csv`, lines, (part) => `\uFEFF${['姓名,身份证号码,所属单位,登记类别', ...part].join('\n')}\n`);
  });
  const registered = registers.reduce((n, r) => n + r.csv.trimEnd().split('\n').length - 1, 0);

  // Each unit's file: its rows in a shuffled order, faults among them.
  const byUnit = new Map<string, Row[]>();
  for (const row of [...validRows, ...duplicates, ...conflicts, ...invalid]) {
    const list = byUnit.get(row.unit);
    if (list) list.push(row);
    else byUnit.set(row.unit, [row]);
  }
  const units = [...TOWNS, ...DEPARTMENTS].filter((u) => byUnit.has(u));
  const intake = units.flatMap((unit) => filesWithin(limits.uploadBytes, `${unit}帮困对象.csv`, shuffle(rnd, byUnit.get(unit)!), intakeCsv).map((file) => ({ unit, ...file })));

  const stored = validRows.length + conflicts.length;
  const sources = [...new Set(PROJECT_GROUPS.flatMap((g) => Object.keys(g.funding)))];
  const projectsCsv = [
    ['项目编号', '项目名称', '责任单位', '标准类型(按人/按户)', '标准金额(元)', '预算总额(元)', ...sources].join(','),
    ...projects.map((p) => {
      const funding = PROJECT_GROUPS.find((g) => g.key === p.group)!.funding;
      return [p.code, p.name, p.unit, '按人', String(p.yuan), String(p.yuan * p.stored), ...sources.map((s) => (funding[s] ? `${funding[s]}%` : ''))].join(',');
    }),
  ].join('\n');

  return {
    seed,
    scale,
    form: {
      name: `闵行区元旦春节帮困送温暖（${seed.slice(0, 20)}，${scale}×）`,
      units: [...TOWNS, ...DEPARTMENTS].join('\n'),
      categories: CATEGORIES.join('\n'),
      projects: projects.map((p) => `${p.code},${p.name},${p.yuan}`).join('\n'),
      exclusivePairs: exclusivePairs.map((pair) => pair.join(',')).join('\n'),
      approvers: APPROVERS.join('\n'),
      callbackStaff: CALLBACK_STAFF,
    },
    projects,
    exclusivePairs,
    projectsCsv,
    registers,
    intake,
    units,
    expected: {
      rows: validRows.length + duplicates.length + conflicts.length + invalid.length,
      rejected: invalid.length,
      rejectedByKind,
      duplicates: duplicates.length,
      stored,
      conflicts: conflicts.length,
      registered,
      uncovered,
      payable: stored - conflicts.length,
      payableFen: validRows.reduce((n, r) => n + byCode.get(r.project)!.yuan * 100, 0),
      payableByBank: validRows.filter((r) => (BANK_CHANNELS as readonly string[]).includes(r.paymentMethod)).length,
    },
  };
}
