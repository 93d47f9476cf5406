import { randomUUID } from 'node:crypto';
import type { Phase, PhaseStatus } from '../core/phases.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

export interface Project {
  code: string;
  name: string;
  amountFen: number;
}

export interface Campaign {
  id: string;
  name: string;
  coordinator: string;
  units: string[];
  categories: string[];
  projects: Project[];
  approvers: string[];
  callbackStaff: string[];
  phase: Phase | 'done';
  phaseStatus: PhaseStatus;
  executionArn?: string;
  createdAt: string;
}

export type NewCampaign = Omit<Campaign, 'id' | 'phase' | 'phaseStatus' | 'createdAt' | 'executionArn'>;

export async function createCampaign(table: Table, input: NewCampaign, now = new Date()): Promise<Campaign> {
  const campaign: Campaign = { ...input, id: randomUUID(), phase: 'survey', phaseStatus: 'awaiting', createdAt: now.toISOString() };
  await table.putIfAbsent(keys.campaign(campaign.id), { ...campaign });
  await table.put(keys.campaignListEntry(campaign.createdAt, campaign.id), { campaignId: campaign.id, name: campaign.name });
  return campaign;
}

export const getCampaign = (table: Table, id: string) => table.get<Campaign>(keys.campaign(id));

export async function listCampaigns(table: Table): Promise<{ campaignId: string; name: string }[]> {
  return (await table.all<{ campaignId: string; name: string }>(keys.campaignList().pk)).reverse();
}

export const recordExecution = (table: Table, id: string, executionArn: string) => table.update(keys.campaign(id), { executionArn });

export const setPhase = (table: Table, id: string, phase: Phase | 'done', phaseStatus: PhaseStatus) =>
  table.update(keys.campaign(id), { phase, phaseStatus });
