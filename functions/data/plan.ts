import { computePlan, type Plan } from '../core/plan.js';
import type { Campaign } from './campaigns.js';
import { listPlanEntries } from './exclusions.js';
import type { Table } from './table.js';

/** A campaign's plan from its stored register (excluded beneficiaries left out) and its projects. */
export async function loadPlan(table: Table, campaign: Pick<Campaign, 'id' | 'projects'>): Promise<Plan> {
  return computePlan(campaign.projects, await listPlanEntries(table, campaign.id));
}
