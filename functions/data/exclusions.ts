import { listBeneficiaries, listUnitBeneficiaries, PAYEE_FIELDS, unitBeneficiaryPages, type Beneficiary, type Payee, type UnitListField } from './beneficiaries.js';
import type { PlanEntry } from '../core/plan.js';
import { keys } from './keys.js';
import { allInProjectPartition } from './project-partition.js';
import type { Table } from './table.js';

/** A beneficiary as stored, with the mark a resolved conflict leaves on the one not kept. */
export type BeneficiaryRecord = Beneficiary & {
  /** The conflict whose resolution excluded this beneficiary, `objection#<id>` for an upheld objection (see objections.ts), or `resubmission#<unit>#<round>` for a line removed from a sent-back list (see removals.ts): it is neither approved nor paid. */
  excludedBy?: string;
};

/** A beneficiary's key within its campaign, as payments and conflicts name it: `projectCode#idHash`. */
export const beneficiaryKey = (b: { projectCode: string; idHash: string }) => `${b.projectCode}#${b.idHash}`;

export function parseBeneficiaryKey(key: string): { projectCode: string; idHash: string } | undefined {
  const match = /^([\w-]+)#([a-f0-9]{64})$/.exec(key);
  return match ? { projectCode: match[1], idHash: match[2] } : undefined;
}

export const isExcluded = (b: Pick<BeneficiaryRecord, 'excludedBy'>) => Boolean(b.excludedBy);

/** Every beneficiary of a campaign, excluded ones included, each with its exclusion mark. */
export const listBeneficiaryRecords = (table: Table, campaignId: string) => listBeneficiaries(table, campaignId) as Promise<BeneficiaryRecord[]>;

/** Every beneficiary of a campaign, excluded ones included, with only the `fields` a reader needs. */
export const listRegisterFields = <F extends keyof BeneficiaryRecord>(table: Table, campaignId: string, fields: readonly F[]) =>
  allInProjectPartition<Pick<BeneficiaryRecord, F>>(table, campaignId, keys.beneficiaryPartition(campaignId).pk, fields);

const REGISTER_ENTRY_FIELDS = ['projectCode', 'idHash', 'unit', 'amountFen', 'excludedBy'] as const;
/** What a payment plan reads of each beneficiary: its key, its unit, its amount and its exclusion mark. */
export type RegisterEntry = Pick<BeneficiaryRecord, (typeof REGISTER_ENTRY_FIELDS)[number]>;
export const listRegisterEntries = (table: Table, campaignId: string): Promise<RegisterEntry[]> => listRegisterFields(table, campaignId, REGISTER_ENTRY_FIELDS);

/** What the plan and the campaign's totals read of each beneficiary: no contact details, no sealed ID or account. */
const PLAN_ENTRY_FIELDS = ['projectCode', 'idHash', 'idMasked', 'name', 'unit', 'category', 'householdSize', 'amountFen', 'excludedBy'] as const;
export const listPlanEntries = (table: Table, campaignId: string): Promise<PlanEntry[]> => listRegisterFields(table, campaignId, PLAN_ENTRY_FIELDS);
/** The beneficiaries who stay in the register, with only the `fields` a reader needs. */
export async function includedRegisterFields<F extends keyof BeneficiaryRecord>(table: Table, campaignId: string, fields: readonly F[]): Promise<Pick<BeneficiaryRecord, F>[]> {
  return (await listRegisterFields(table, campaignId, [...fields, 'excludedBy'])).filter((b) => !isExcluded(b));
}
export const includedPlanEntries = (table: Table, campaignId: string): Promise<PlanEntry[]> => includedRegisterFields(table, campaignId, PLAN_ENTRY_FIELDS);
/** The plan entries of (project, person) pairs, in their order; undefined where there is no beneficiary. */
export const getPlanEntries = (table: Table, campaignId: string, people: readonly Pick<BeneficiaryRecord, 'projectCode' | 'idHash'>[]) =>
  table.getMany<PlanEntry>(people.map((p) => keys.beneficiary(campaignId, p.projectCode, p.idHash)), PLAN_ENTRY_FIELDS);
/** One unit's plan entries who stay in the register: what its list's summary reads. */
export const includedUnitPlanEntries = (table: Table, campaignId: string, unit: string): Promise<PlanEntry[]> => includedUnitFields(table, campaignId, unit, PLAN_ENTRY_FIELDS);

/** What a payment reads of its beneficiary: its key, amount and exclusion mark, and whom it pays. */
export type PaymentEntry = RegisterEntry & Payee;

/** The payment entries of (project, person) pairs, in their order; undefined where there is no beneficiary. */
export const getPaymentEntries = (table: Table, campaignId: string, people: readonly Pick<BeneficiaryRecord, 'projectCode' | 'idHash'>[]) =>
  table.getMany<PaymentEntry>(people.map((p) => keys.beneficiary(campaignId, p.projectCode, p.idHash)), [...REGISTER_ENTRY_FIELDS, ...PAYEE_FIELDS]);

/** The beneficiaries who stay in the register: approved and paid. */
export async function includedBeneficiaries(table: Table, campaignId: string): Promise<BeneficiaryRecord[]> {
  return (await listBeneficiaryRecords(table, campaignId)).filter((b) => !isExcluded(b));
}

/**
 * One unit's beneficiaries who stay in the register (its list), with only the `fields` a reader
 * needs, read from the unit's index entries only.
 */
export async function includedUnitFields<F extends UnitListField>(table: Table, campaignId: string, unit: string, fields: readonly F[]): Promise<Pick<BeneficiaryRecord, F>[]> {
  return (await listUnitBeneficiaries(table, campaignId, unit, [...fields, 'excludedBy'])).filter((b) => !isExcluded(b));
}

/** Entries unitHasList reads at a time: one page, unless the first so many are all excluded. */
const FIRST_LOOK = 100;

/** Whether the unit has anyone who stays in the register: read from its list until the first such person. */
export async function unitHasList(table: Table, campaignId: string, unit: string): Promise<boolean> {
  for await (const page of unitBeneficiaryPages(table, campaignId, unit, ['excludedBy'], FIRST_LOOK)) {
    if (page.some((b) => !isExcluded(b))) return true;
  }
  return false;
}

/**
 * Marks a beneficiary excluded: by a conflict's resolution, an upheld objection, or a removal from a
 * sent-back list (see removals.ts). Idempotent: a beneficiary already excluded keeps its first
 * mark. Answers the mark the beneficiary now carries; undefined if there is no such beneficiary.
 */
export async function excludeBeneficiary(table: Table, campaignId: string, key: string, mark: string): Promise<string | undefined> {
  const parsed = parseBeneficiaryKey(key);
  if (!parsed) return undefined;
  const target = keys.beneficiary(campaignId, parsed.projectCode, parsed.idHash);
  if (await table.update(target, { excludedBy: mark }, { expression: 'attribute_exists(pk) AND attribute_not_exists(excludedBy)' })) return mark;
  return (await table.get<BeneficiaryRecord>(target))?.excludedBy;
}
