import type { Coverage } from '../core/coverage.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** The coverage check of a campaign's base registers, as of `checkedAt`; a later check replaces it. */
export interface CoverageReport extends Coverage {
  campaignId: string;
  checkedAt: string;
  /** Households per register (登记类别), as loaded. */
  registers: { register: string; households: number }[];
}

export const saveCoverage = (table: Table, report: CoverageReport) => table.put(keys.coverage(report.campaignId), { ...report });

export const getCoverage = (table: Table, campaignId: string) => table.get<CoverageReport>(keys.coverage(campaignId));
