import type { CampaignSummary } from '../core/summary.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** Stores a campaign's summary; summarising again replaces it. */
export const saveSummary = (table: Table, summary: CampaignSummary) => table.put(keys.summary(summary.campaignId), { ...summary });

export const getSummary = (table: Table, campaignId: string) => table.get<CampaignSummary>(keys.summary(campaignId));
