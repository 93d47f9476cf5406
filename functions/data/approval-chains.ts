import type { Campaign } from './campaigns.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** One step of an approval chain, e.g. 街镇审核 → 部门审批 → 区民政局终审. */
export interface ChainStep {
  name: string;
  /** Who decides; each gets the mail and a link of their own. */
  approvers: string[];
  /** Who is asked instead once the deadline has passed. */
  deputy: string;
  /** The deadline, in working days from the step's start. */
  deadlineDays: number;
  /** When the reminder goes out, as a fraction of the time to the deadline (e.g. 0.5). */
  reminderFraction: number;
}

/** The chains a coordinator configured: one for every unit, and any unit's own instead. */
export interface ApprovalChains {
  campaignId: string;
  defaultChain: ChainStep[];
  units: Record<string, ChainStep[]>;
  updatedAt: string;
  updatedBy: string;
}

export const DEFAULT_DEADLINE_DAYS = 5;
export const DEFAULT_REMINDER_FRACTION = 0.5;

export const getApprovalChains = (table: Table, campaignId: string) => table.get<ApprovalChains>(keys.approvalChains(campaignId));

export const saveApprovalChains = (table: Table, chains: ApprovalChains) => table.put(keys.approvalChains(chains.campaignId), { ...chains });

/**
 * The chain a unit's list goes through: its own, else the campaign's default; a campaign with
 * none configured has the campaign form's approvers in order, the coordinator as their deputy.
 */
export function chainFor(campaign: Pick<Campaign, 'approvers' | 'coordinator'>, chains: ApprovalChains | undefined, unit: string): ChainStep[] {
  const own = chains?.units[unit];
  if (own?.length) return own;
  if (chains?.defaultChain.length) return chains.defaultChain;
  return campaign.approvers.map((approver, i) => ({
    name: `第${i + 1}级审批`,
    approvers: [approver],
    deputy: campaign.coordinator,
    deadlineDays: DEFAULT_DEADLINE_DAYS,
    reminderFraction: DEFAULT_REMINDER_FRACTION,
  }));
}
