import { randomUUID } from 'node:crypto';
import type { Phase, PhaseStatus } from '../core/phases.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

import type { Project } from '../core/project.js';
import type { StratifiedOptions } from '../core/strata.js';
import { DEFAULT_CALLBACK_SETTINGS, type CallbackSettings } from '../core/callback-assignment.js';

export type { Project } from '../core/project.js';

export interface Campaign {
  id: string;
  name: string;
  coordinator: string;
  units: string[];
  categories: string[];
  projects: Project[];
  /** Pairs of project codes a person may not receive both of; every other pair combines. */
  exclusivePairs: [string, string][];
  approvers: string[];
  callbackStaff: string[];
  /** Callback sampling rules (rate, minimum per stratum, overrides); absent: 5%, at least 1 per stratum. */
  callbackSampling?: StratifiedOptions;
  /** Who calls whom and when an unreachable person is replaced; absent: evenly, after 3 calls. */
  callbackSettings?: CallbackSettings;
  phase: Phase | 'done';
  phaseStatus: PhaseStatus;
  executionArn?: string;
  createdAt: string;
}

export type NewCampaign = Omit<Campaign, 'id' | 'phase' | 'phaseStatus' | 'createdAt' | 'executionArn' | 'exclusivePairs' | 'callbackSampling' | 'callbackSettings'> &
  Partial<Pick<Campaign, 'exclusivePairs' | 'callbackSampling' | 'callbackSettings'>>;

export async function createCampaign(table: Table, input: NewCampaign, now = new Date()): Promise<Campaign> {
  const campaign: Campaign = { ...input, exclusivePairs: input.exclusivePairs ?? [], id: randomUUID(), phase: 'survey', phaseStatus: 'awaiting', createdAt: now.toISOString() };
  await table.putIfAbsent(keys.campaign(campaign.id), { ...campaign });
  await table.put(keys.campaignListEntry(campaign.createdAt, campaign.id), { campaignId: campaign.id, name: campaign.name });
  return campaign;
}

/** A campaign; one stored before project pairs were configurable has none (every pair combines). */
export async function getCampaign(table: Table, id: string): Promise<Campaign | undefined> {
  const campaign = await table.get<Campaign>(keys.campaign(id));
  return campaign && { ...campaign, exclusivePairs: campaign.exclusivePairs ?? [] };
}

export async function listCampaigns(table: Table): Promise<{ campaignId: string; name: string }[]> {
  return (await table.all<{ campaignId: string; name: string }>(keys.campaignList().pk)).reverse();
}

export const recordExecution = (table: Table, id: string, executionArn: string) => table.update(keys.campaign(id), { executionArn });

export const setPhase = (table: Table, id: string, phase: Phase | 'done', phaseStatus: PhaseStatus) =>
  table.update(keys.campaign(id), { phase, phaseStatus });

/** Replaces a campaign's projects (and, when given, its mutually exclusive pairs). */
export const saveProjects = (table: Table, id: string, projects: Project[], exclusivePairs?: [string, string][]) =>
  table.update(keys.campaign(id), exclusivePairs ? { projects, exclusivePairs } : { projects });

/** The campaign's callback settings, the defaults where none were saved. */
export const callbackSettingsOf = (campaign: Pick<Campaign, 'callbackSettings'>): CallbackSettings => campaign.callbackSettings ?? DEFAULT_CALLBACK_SETTINGS;

export const saveCallbackSettings = (table: Table, id: string, callbackSettings: CallbackSettings) => table.update(keys.campaign(id), { callbackSettings });
