import { unitsTakingUploads } from '../core/upload-window.js';
import type { Campaign } from './campaigns.js';
import { getGate } from './gates.js';
import { listResubmissions } from './resubmissions.js';
import type { Table } from './table.js';

/** The units whose lists may be uploaded now (see core/upload-window.ts), read from the table. */
export async function unitsTakingUploadsNow(table: Table, campaign: Campaign): Promise<string[]> {
  const [surveyGate, resubmissions] = await Promise.all([getGate(table, campaign.id, 'survey'), listResubmissions(table, campaign.id)]);
  return unitsTakingUploads(campaign, surveyGate, resubmissions);
}
