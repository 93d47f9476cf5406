import { addWorkingDays, pointBetween } from '../core/working-days.js';
import { chainFor, getApprovalChains, type ChainStep } from '../data/approval-chains.js';
import { getApprovalTask, openApprovalTask, storeTaskToken, type ApprovalTask, type TaskRef, type TaskStage } from '../data/approval-tasks.js';
import { getCampaign, type Campaign } from '../data/campaigns.js';
import { includedUnitPlanEntries, unitHasList } from '../data/exclusions.js';
import { inFlight } from '../data/in-flight.js';
import { createLinkUntil } from '../data/links.js';
import type { Table } from '../data/table.js';
import { approvalMail, type ApprovalMailKind } from '../mail/messages.js';
import type { SendMail } from '../shared/mailer.js';
import { AlreadyDecidedError, RejectedError, ReturnedError } from './approval-errors.js';
import { summariseList, type ListSummary, type ShownDecision } from './list-summary.js';

/** After the deadline the deputy has this long; then the step's wait ends (and 部署 fails). */
export const ESCALATED_WAIT_DAYS = 14;
const DAY_MS = 24 * 3600_000;

export interface ApprovalDeps {
  table: Table;
  linkKey: string;
  sendMail: SendMail;
  publicUrl: string;
  now?: () => Date;
}

async function campaignOf(table: Table, campaignId: string): Promise<Campaign> {
  const campaign = await getCampaign(table, campaignId);
  if (!campaign) throw new Error(`Unknown campaign ${campaignId}`);
  return campaign;
}

/**
 * The units whose lists go through approval (those with anyone in the register), each with its
 * chain, in the campaign's order: each unit's list is looked into, not the whole register.
 */
export async function unitChains(input: { campaignId: string }, deps: Pick<ApprovalDeps, 'table'>) {
  const campaign = await campaignOf(deps.table, input.campaignId);
  const [chains, hasList] = await Promise.all([
    getApprovalChains(deps.table, campaign.id),
    inFlight(campaign.units, (unit) => unitHasList(deps.table, campaign.id, unit)),
  ]);
  const units = campaign.units.filter((_, i) => hasList[i]);
  return { units: units.map((unit) => ({ unit, steps: chainFor(campaign, chains, unit) })) };
}

export interface StepInput extends TaskRef {
  steps: number;
  config: ChainStep;
}

/**
 * Opens the task of one step (once) with its deadline in working days and its reminder point,
 * and answers the two waits in seconds for the workflow's TimeoutSecondsPath: until the
 * reminder, then from the reminder to the deadline.
 */
export async function planStep(input: StepInput, deps: Pick<ApprovalDeps, 'table' | 'now'>) {
  const now = deps.now?.() ?? new Date();
  const { deadline, unknownYears } = addWorkingDays(now, input.config.deadlineDays);
  if (unknownYears.length) console.warn(JSON.stringify({ level: 'warn', what: 'holidays unknown: deadline counted with weekends only', years: unknownYears }));
  const task = await openApprovalTask(deps.table, {
    campaignId: input.campaignId, unit: input.unit, round: input.round, step: input.step, steps: input.steps,
    stepName: input.config.name, approvers: input.config.approvers, deputy: input.config.deputy,
    issuedAt: now.toISOString(),
    reminderAt: pointBetween(now, deadline, input.config.reminderFraction).toISOString(),
    deadlineAt: deadline.toISOString(),
    unknownYears,
    stage: 'requested',
  });
  const reminderAt = Date.parse(task.reminderAt);
  return {
    reminderSeconds: Math.max(1, Math.ceil((reminderAt - now.getTime()) / 1000)),
    escalateSeconds: Math.max(1, Math.ceil((Date.parse(task.deadlineAt) - Math.max(reminderAt, now.getTime())) / 1000)),
  };
}

/** What the decision page and the mail show for a task: its unit's list as it is now (given, or read). */
export async function shownFor(table: Table, task: ApprovalTask, campaign?: Campaign, summary?: ListSummary): Promise<ShownDecision> {
  const c = campaign ?? (await campaignOf(table, task.campaignId));
  const list = summary ?? summariseList(c, task.unit, await includedUnitPlanEntries(table, c.id, task.unit));
  return { summary: list, round: task.round, step: task.step, steps: task.steps, stepName: task.stepName };
}

const STAGES: Record<ApprovalMailKind, TaskStage> = { request: 'requested', reminder: 'reminded', escalation: 'escalated' };

/**
 * One wait of a step: stores its task token on the task (server-side; replacing the previous
 * wait's), then mails each recipient a link of their own: the approvers when asked and reminded,
 * the deputy once the deadline has passed. A task decided meanwhile fails with AlreadyDecided.
 */
export async function issueWait(input: TaskRef & { kind: ApprovalMailKind; taskToken: string }, deps: ApprovalDeps) {
  if (!(await storeTaskToken(deps.table, input, input.taskToken, STAGES[input.kind]))) throw new AlreadyDecidedError();
  const task = (await getApprovalTask(deps.table, input))!;
  const shown = await shownFor(deps.table, task);
  const now = deps.now?.() ?? new Date();
  const validUntil = new Date(Math.max(Date.parse(task.deadlineAt), now.getTime()) + ESCALATED_WAIT_DAYS * DAY_MS);
  const recipients = input.kind === 'escalation' ? [task.deputy] : task.approvers;
  for (const email of recipients) {
    const credential = await createLinkUntil(deps.table, deps.linkKey, { kind: 'approval', email, campaignId: task.campaignId, task: { unit: task.unit, round: task.round, step: task.step } }, validUntil);
    await deps.sendMail(approvalMail(email, `${deps.publicUrl}/approve/${credential}`, shown, { kind: input.kind, deadlineAt: task.deadlineAt, validUntil: validUntil.toISOString(), unknownYears: task.unknownYears }));
  }
  return { unit: task.unit, round: task.round, step: task.step, mailed: recipients.length };
}

/** A decision that reached the task but not its wait (the wait was being re-issued): applied here. */
export async function applyRecordedDecision(input: TaskRef, deps: Pick<ApprovalDeps, 'table'>) {
  const decision = (await getApprovalTask(deps.table, input))?.decision;
  if (!decision) throw new Error('No recorded decision to apply');
  if (decision.outcome === 'rejected') throw new RejectedError(decision.reason ?? '');
  if (decision.outcome === 'returned') throw new ReturnedError(decision.reason ?? '');
  return { decision: 'approved', approver: decision.by, at: decision.at };
}
