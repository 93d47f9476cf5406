/**
 * Which units' lists may be uploaded, and when: the one place that says so. Intake takes every
 * unit's list while 排摸 waits to start; during 部署 it takes only the lists sent back for
 * correction (rejected or returned, not yet resubmitted), so that the unit can fix them.
 */
import type { Phase, PhaseStatus } from './phases.js';

type CampaignState = { phase: Phase | 'done'; phaseStatus: PhaseStatus; units: readonly string[] };
type GateState = { passedAt?: string } | undefined;
type SentBack = { unit: string; taskToken?: string; resubmittedAt?: string };

/** The refusal of a row naming a unit whose list is not sent back. */
export const NOT_SENT_BACK = '该单位名单不在退回修改状态，不能修改';

/** A list sent back and waiting for its resubmission: its unit may still change it. */
export const isSentBack = (r: SentBack) => Boolean(r.taskToken) && !r.resubmittedAt;

/** Whether 排摸 takes lists and registers: while the campaign waits at the 排摸 gate, not yet passed. */
export const surveyTakesLists = (campaign: CampaignState, surveyGate: GateState) =>
  campaign.phase === 'survey' && campaign.phaseStatus === 'awaiting' && !surveyGate?.passedAt;

/** The units whose lists may be uploaded now, in the campaign's order; none when uploads are closed. */
export function unitsTakingUploads(campaign: CampaignState, surveyGate: GateState, resubmissions: readonly SentBack[]): string[] {
  if (surveyTakesLists(campaign, surveyGate)) return [...campaign.units];
  if (campaign.phase !== 'deploy' || campaign.phaseStatus !== 'running') return [];
  const sentBack = new Set(resubmissions.filter(isSentBack).map((r) => r.unit));
  return campaign.units.filter((u) => sentBack.has(u));
}
