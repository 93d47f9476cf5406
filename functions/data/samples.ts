import type { StratifiedOptions } from '../core/strata.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** One stratum (town × category) of a drawn sample: counts only. */
export interface SampleStratum {
  stratum: string;
  unit: string;
  category: string;
  population: number;
  /** Places of the random draw: max(min(population, minimum), ceil(population × rate)). */
  quota: number;
  /** Drawn in all, the overrides' extra ids included. */
  drawn: number;
  /** Drawn by an id override, on top of the quota. */
  extra: number;
  /** How many of the replacement order are stored (see saveReplacements). */
  replacementsStored: number;
}

/** The seed committed before the draw: its SHA-256 is shown at once, the seed only after the draw. */
export interface SeedCommitment {
  campaignId: string;
  commitment: string;
  seed: string;
  committedAt: string;
  /** When the coordinator was mailed the commitment. */
  commitmentMailedAt?: string;
}

/**
 * A drawn callback sample: the commitment and seed, the rules, the strata and how many each staff
 * member calls. The lists themselves are items apart (saveStaffList): a district's 5,000 keys
 * would not fit in one item.
 */
export interface Sample {
  campaignId: string;
  commitment: string;
  seed: string;
  /** Absent on samples drawn before the seed was committed apart. */
  committedAt?: string;
  drawnAt: string;
  population: number;
  /** People on each staff member's list as drawn (replacements not counted). */
  staffCounts?: Record<string, number>;
  /** Samples drawn before the lists were items apart: beneficiary keys per staff email. */
  assignments?: Record<string, string[]>;
  /** The rules drawn by and the strata (absent on samples drawn before stratification). */
  rules?: StratifiedOptions;
  strata?: SampleStratum[];
}

/** What a draw adds to the committed seed. */
export type Draw = Pick<Sample, 'drawnAt' | 'population' | 'staffCounts' | 'rules' | 'strata'>;

/** Keys per list item: 2,000 keys of ~72 bytes, about 150 KB, well under DynamoDB's 400 KB. */
export const LIST_PART_KEYS = 2000;

/** Records a whole sample once (samples drawn in one step, before the commitment came apart). */
export const saveSample = (table: Table, sample: Sample) => table.putIfAbsent(keys.sample(sample.campaignId), { ...sample });

/** Commits a seed once: false if one was committed already (a retry keeps the first). */
export const commitSeed = (table: Table, c: SeedCommitment) => table.putIfAbsent(keys.sample(c.campaignId), { ...c });

export const markCommitmentMailed = (table: Table, campaignId: string, at: string) => table.update(keys.sample(campaignId), { commitmentMailedAt: at });

/** The committed seed, drawn or not; undefined before the commitment. */
export const getSeedCommitment = (table: Table, campaignId: string) => table.get<SeedCommitment & Partial<Sample>>(keys.sample(campaignId));

/** The sample once drawn; undefined before (even when a seed is committed). */
export async function getSample(table: Table, campaignId: string): Promise<Sample | undefined> {
  const item = await table.get<Partial<Sample>>(keys.sample(campaignId));
  return item?.drawnAt ? (item as Sample) : undefined;
}

/** Records the draw on the committed seed, once: false if it was recorded already. */
export const recordDraw = (table: Table, campaignId: string, draw: Draw) =>
  table.update(keys.sample(campaignId), { ...draw }, { expression: 'attribute_exists(pk) AND attribute_not_exists(drawnAt)' });

/** The number of people drawn, replacements not counted. */
export const sampleSizeOf = (sample: Sample) =>
  Object.values(sample.staffCounts ?? {}).reduce((n, c) => n + c, 0) + Object.values(sample.assignments ?? {}).reduce((n, l) => n + l.length, 0);

/**
 * Records the population a stratum was drawn from, sorted, in parts: with the revealed seed,
 * anyone can re-draw from it, whatever happens to the payments later. A retried draw writes the
 * same parts again.
 */
export async function saveStratumPopulation(table: Table, campaignId: string, stratum: string, ids: readonly string[]): Promise<void> {
  const sorted = [...ids].sort();
  for (let part = 0; part * LIST_PART_KEYS < sorted.length; part++) {
    await table.put(keys.samplePopulation(campaignId, stratum, part), { stratum, part, keys: sorted.slice(part * LIST_PART_KEYS, (part + 1) * LIST_PART_KEYS) });
  }
}

/** The recorded population, each id with its stratum (all strata, or one); empty for samples drawn before it was recorded. */
export async function getSamplePopulation(table: Table, campaignId: string, stratum?: string): Promise<{ id: string; stratum: string }[]> {
  const { pk, skPrefix } = keys.samplePopulationPrefix(campaignId, stratum);
  return (await table.all<{ stratum: string; keys: string[] }>(pk, skPrefix)).flatMap((p) => p.keys.map((id) => ({ id, stratum: p.stratum })));
}

/** Stores one staff member's list, in parts; a retried draw writes the same parts again. */
export async function saveStaffList(table: Table, campaignId: string, staff: string, list: readonly string[]): Promise<void> {
  const parts = Math.max(1, Math.ceil(list.length / LIST_PART_KEYS));
  for (let part = 0; part < parts; part++) {
    await table.put(keys.sampleList(campaignId, staff, part), { staff, part, keys: list.slice(part * LIST_PART_KEYS, (part + 1) * LIST_PART_KEYS) });
  }
}

interface ListPart {
  staff: string;
  part: number;
  keys: string[];
  mailedAt?: string;
}

/** A staff member's list as drawn, in draw order (replacements apart, see listReplacements). */
export async function getStaffList(table: Table, sample: Sample, staff: string): Promise<string[]> {
  if (sample.assignments) return sample.assignments[staff] ?? [];
  const { pk, skPrefix } = keys.sampleListPrefix(sample.campaignId, staff);
  return (await table.all<ListPart>(pk, skPrefix)).flatMap((p) => p.keys);
}

/** Whether a staff member was mailed their list's link (marked on its first part). */
export async function listMailed(table: Table, campaignId: string, staff: string): Promise<boolean> {
  return Boolean((await table.get<ListPart>(keys.sampleList(campaignId, staff, 0)))?.mailedAt);
}

export const markListMailed = (table: Table, campaignId: string, staff: string, at: string) => table.update(keys.sampleList(campaignId, staff, 0), { mailedAt: at });

/**
 * Stores the head of a stratum's replacement order, in its own item so that the sample item stays
 * small. Only this head is kept: the whole order follows from the seed and the paid list (drawStratified).
 */
export const saveReplacements = (table: Table, campaignId: string, stratum: string, replacements: readonly string[]) =>
  table.put(keys.sampleReplacements(campaignId, stratum), { stratum, keys: [...replacements] });

export async function getReplacements(table: Table, campaignId: string, stratum: string): Promise<string[] | undefined> {
  return (await table.get<{ keys: string[] }>(keys.sampleReplacements(campaignId, stratum)))?.keys;
}
