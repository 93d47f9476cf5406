import { keys } from './keys.js';
import type { Table } from './table.js';

/** A drawn callback sample: the seed's commitment, the seed, and who calls whom. */
export interface Sample {
  campaignId: string;
  commitment: string;
  seed: string;
  drawnAt: string;
  population: number;
  /** Beneficiary keys (`projectCode#idHash`) per callback staff email, in draw order. */
  assignments: Record<string, string[]>;
}

/** Records the sample once: a retried draw keeps the first. */
export const saveSample = (table: Table, sample: Sample) => table.putIfAbsent(keys.sample(sample.campaignId), { ...sample });

export const getSample = (table: Table, campaignId: string) => table.get<Sample>(keys.sample(campaignId));
