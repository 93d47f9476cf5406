import type { PaymentMethod } from '../core/payment-methods.js';
import { keys, UNIT_LIST_INDEX } from './keys.js';
import { allInProjectPartition } from './project-partition.js';
import type { Table } from './table.js';

/** A stored beneficiary: the ID number only as a keyed hash and a masked form. */
export interface Beneficiary {
  campaignId: string;
  projectCode: string;
  idHash: string;
  idMasked: string;
  name: string;
  phone: string;
  unit: string;
  category: string;
  householdSize: number;
  amountFen: number;
  paymentMethod: PaymentMethod;
  /** The full ID number, sealed (core/payee.ts); absent on beneficiaries stored before payees were sealed. */
  sealedId?: string;
  /** The bank account and its bank for 银行转账, sealed; '' when there is none. */
  sealedAccount?: string;
  /** Keyed digest of the account: how a re-upload tells whether it changed (ciphertexts always differ). */
  accountDigest?: string;
  /** The upload (and its row) that first stored this beneficiary. */
  uploadId: string;
  row: number;
  /** 1 when stored, one more on every change (absent on items stored before versions were kept). */
  version?: number;
  /** The upload (and its row) that last changed this beneficiary, and when. */
  updatedByUploadId?: string;
  updatedRow?: number;
  updatedAt?: string;
}

/**
 * Whom a payment pays: the fields it takes from its beneficiary when issued (data/payments.ts), no
 * more than its readers use (each byte is written once per payment).
 */
export const PAYEE_FIELDS = ['paymentMethod', 'unit', 'name', 'idMasked', 'category', 'sealedId', 'sealedAccount'] as const satisfies readonly (keyof Beneficiary)[];
export type Payee = Partial<Pick<Beneficiary, (typeof PAYEE_FIELDS)[number]>>;

/** A beneficiary's payee fields (those it has). */
export const payeeOf = (b: Payee): Payee => Object.fromEntries(PAYEE_FIELDS.flatMap((f) => (b[f] === undefined ? [] : [[f, b[f]]])));

/** The fields a corrected file may change; the key (campaign, project, person) never changes. */
export const BENEFICIARY_FIELDS = ['name', 'phone', 'unit', 'category', 'householdSize', 'amountFen', 'paymentMethod'] as const;

/**
 * What storing one row of an upload did. 'duplicate': another unit had nominated the same person
 * for the same project first; that nomination stays as it was (少重复: one person, one project, once).
 */
export type StoreOutcome = 'stored' | 'updated' | 'unchanged' | 'duplicate';

/** What storing a row did, with the unit that nominated the person first, for a duplicate. */
export type Stored = { outcome: Exclude<StoreOutcome, 'duplicate'> } | { outcome: 'duplicate'; heldByUnit: string };

/** A beneficiary as stored, with its place in its unit's list. */
const itemOf = (b: Beneficiary) => ({ ...b, ...keys.unitList(b.campaignId, b.unit) });
/** A new beneficiary as upsertBeneficiary and insertBeneficiaries store it. */
const newItem = (b: Beneficiary) => ({ ...itemOf(b), version: 1 });

/** Stores a beneficiary once per (campaign, project, person), as given; a re-upload adds nothing. */
export const storeBeneficiary = (table: Table, b: Beneficiary) =>
  table.putIfAbsent(keys.beneficiary(b.campaignId, b.projectCode, b.idHash), itemOf(b));

/**
 * Stores new beneficiaries, 25 to a request, each only if its (campaign, project, person) is new;
 * per beneficiary, whether it was. Stored as upsertBeneficiary stores a new one.
 */
export const insertBeneficiaries = (table: Table, list: readonly Beneficiary[]) =>
  table.insertMany(list.map((b) => ({ ...newItem(b), ...keys.beneficiary(b.campaignId, b.projectCode, b.idHash) })));

const MAX_ATTEMPTS = 5;

/**
 * Stores a beneficiary, or brings the stored one in line with a corrected file of the same unit.
 * The key stays (campaign, project, person). A row of another unit naming a person stored for
 * the same project is a duplicate and changes nothing. When name, phone, unit, category, household size or amount differ,
 * they are changed with a write conditional on the version read, so that two uploads changing the
 * same person cannot lose one of the changes (the loser reads again and compares again).
 *
 * `seen` is the beneficiary as read beforehand (see getBeneficiaries), null if there was none: it
 * saves the write that would find out. Every write stays conditional, so a change made since the
 * read is never lost: it is read again and compared again.
 *
 * Safe to repeat for the same upload (a retried step): a beneficiary this upload stored counts as
 * 'stored' again, one it changed as 'updated' again.
 */
export async function upsertBeneficiary(table: Table, b: Beneficiary, now = new Date(), seen?: Beneficiary | null): Promise<Stored> {
  const key = keys.beneficiary(b.campaignId, b.projectCode, b.idHash);
  let known = seen ?? undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (!known && (await table.putIfAbsent(key, newItem(b)))) return { outcome: 'stored' };
    const stored = known ?? (await table.get<Beneficiary>(key));
    known = undefined;
    if (!stored) continue;
    if (stored.uploadId === b.uploadId) return { outcome: 'stored' };
    if (stored.unit !== b.unit) return { outcome: 'duplicate', heldByUnit: stored.unit };
    if (BENEFICIARY_FIELDS.every((f) => stored[f] === b[f]) && samePayee(stored, b)) {
      return { outcome: stored.updatedByUploadId === b.uploadId ? 'updated' : 'unchanged' };
    }

    const changes = { ...Object.fromEntries(BENEFICIARY_FIELDS.map((f) => [f, b[f]])), ...payeeChanges(stored, b) };
    const version = stored.version;
    const updated = await table.update(
      key,
      { ...changes, version: (version ?? 0) + 1, updatedByUploadId: b.uploadId, updatedRow: b.row, updatedAt: now.toISOString() },
      version === undefined
        ? { expression: 'attribute_exists(pk) AND attribute_not_exists(#version)', names: { '#version': 'version' } }
        : { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': version } },
    );
    if (updated) return { outcome: 'updated' };
  }
  throw new Error(`A beneficiary of project ${b.projectCode} changed under every one of ${MAX_ATTEMPTS} attempts to update it`);
}

/** The same payee: a sealed ID number is there (the ID itself is the key) and the account digests agree. */
const samePayee = (stored: Beneficiary, b: Beneficiary) => b.sealedId === undefined || (stored.sealedId !== undefined && stored.accountDigest === b.accountDigest);

/** The sealed fields to write when the payee changed (a stored sealed ID number is kept: it seals the same number). */
function payeeChanges(stored: Beneficiary, b: Beneficiary): Partial<Beneficiary> {
  if (b.sealedId === undefined) return {};
  return { sealedId: stored.sealedId ?? b.sealedId, sealedAccount: b.sealedAccount, accountDigest: b.accountDigest };
}

/**
 * Replaces a beneficiary's sealed account (a corrected account for a failed payment), conditional
 * on the version read; false when the beneficiary changed meanwhile or is not there.
 */
export function replaceSealedAccount(table: Table, stored: Beneficiary, sealed: Pick<Beneficiary, 'sealedAccount' | 'accountDigest'>, now: Date) {
  const version = stored.version;
  return table.update(
    keys.beneficiary(stored.campaignId, stored.projectCode, stored.idHash),
    { ...sealed, version: (version ?? 0) + 1, updatedAt: now.toISOString() },
    version === undefined
      ? { expression: 'attribute_exists(pk) AND attribute_not_exists(#version)', names: { '#version': 'version' } }
      : { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': version } },
  );
}

export const listBeneficiaries = (table: Table, campaignId: string) => allInProjectPartition<Beneficiary>(table, campaignId, keys.beneficiaryPartition(campaignId).pk);

/** What UNIT_LIST_INDEX holds of a beneficiary. */
export type UnitListField = (typeof UNIT_LIST_INDEX.attributes)[number];

/** One unit's beneficiaries, from UNIT_LIST_INDEX (not the whole register): the `attributes` asked for, of those it holds. */
export const listUnitBeneficiaries = <K extends UnitListField>(table: Table, campaignId: string, unit: string, attributes: readonly K[]) =>
  table.allInIndex<Pick<Beneficiary & { excludedBy?: string }, K>>(UNIT_LIST_INDEX, keys.unitList(campaignId, unit)[UNIT_LIST_INDEX.partitionKey], attributes);

/** listUnitBeneficiaries page by page, `pageSize` to a page. */
export const unitBeneficiaryPages = <K extends UnitListField>(table: Table, campaignId: string, unit: string, attributes: readonly K[], pageSize: number) =>
  table.indexPages<Pick<Beneficiary & { excludedBy?: string }, K>>(UNIT_LIST_INDEX, keys.unitList(campaignId, unit)[UNIT_LIST_INDEX.partitionKey], attributes, pageSize);

export const beneficiaryPages = (table: Table, campaignId: string, pageSize: number) =>
  table.query<Beneficiary>(keys.beneficiaryPartition(campaignId).pk, undefined, pageSize);

/** The stored beneficiaries of (project, person) pairs, in their order; undefined where there is none. */
export function getBeneficiaries(table: Table, campaignId: string, people: readonly Pick<Beneficiary, 'projectCode' | 'idHash'>[]): Promise<(Beneficiary | undefined)[]>;
/** With `attributes`, only those of each person. */
export function getBeneficiaries<K extends keyof Beneficiary>(table: Table, campaignId: string, people: readonly Pick<Beneficiary, 'projectCode' | 'idHash'>[], attributes: readonly K[]): Promise<(Pick<Beneficiary, K> | undefined)[]>;
export function getBeneficiaries(table: Table, campaignId: string, people: readonly Pick<Beneficiary, 'projectCode' | 'idHash'>[], attributes?: readonly string[]) {
  return table.getMany<Beneficiary>(people.map((p) => keys.beneficiary(campaignId, p.projectCode, p.idHash)), attributes);
}

export const getBeneficiary = (table: Table, campaignId: string, projectCode: string, idHash: string) =>
  table.get<Beneficiary>(keys.beneficiary(campaignId, projectCode, idHash));
