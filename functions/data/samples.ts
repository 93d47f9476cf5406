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

/** A drawn callback sample: the seed's commitment, the seed, the rules, the strata and who calls whom. */
export interface Sample {
  campaignId: string;
  commitment: string;
  seed: string;
  drawnAt: string;
  population: number;
  /** Beneficiary keys (`projectCode#idHash`) per callback staff email, in draw order. */
  assignments: Record<string, string[]>;
  /** The rules drawn by and the strata (absent on samples drawn before stratification). */
  rules?: StratifiedOptions;
  strata?: SampleStratum[];
}

/** Records the sample once: a retried draw keeps the first. */
export const saveSample = (table: Table, sample: Sample) => table.putIfAbsent(keys.sample(sample.campaignId), { ...sample });

export const getSample = (table: Table, campaignId: string) => table.get<Sample>(keys.sample(campaignId));

/**
 * Stores the head of a stratum's replacement order, in its own item so that the sample item stays
 * small. Only this head is kept: the whole order follows from the seed and the paid list (drawStratified).
 */
export const saveReplacements = (table: Table, campaignId: string, stratum: string, replacements: readonly string[]) =>
  table.put(keys.sampleReplacements(campaignId, stratum), { stratum, keys: [...replacements] });

export async function getReplacements(table: Table, campaignId: string, stratum: string): Promise<string[] | undefined> {
  return (await table.get<{ keys: string[] }>(keys.sampleReplacements(campaignId, stratum)))?.keys;
}
