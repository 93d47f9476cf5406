import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { runApprovalAction } from '../steps/approval-actions.js';

const deps = mailingDepsFromEnv();

const task = { campaignId: z.string().uuid(), unit: z.string().min(1), round: z.number().int().positive(), step: z.number().int().positive() };
const chainStep = z.object({
  name: z.string().min(1),
  approvers: z.array(z.string().email()).min(1),
  deputy: z.string().email(),
  deadlineDays: z.number().int().positive(),
  reminderFraction: z.number().gt(0).lt(1),
});

/** The deploy workflow's approval steps, one function: which one is the event's `action`. */
const input = z.discriminatedUnion('action', [
  z.object({ action: z.literal('units'), campaignId: z.string().uuid() }),
  z.object({ action: z.literal('plan'), ...task, steps: z.number().int().positive(), config: chainStep }),
  z.object({ action: z.literal('wait'), kind: z.enum(['request', 'reminder', 'escalation']), ...task, taskToken: z.string().min(1) }),
  z.object({ action: z.literal('apply'), ...task }),
  z.object({ action: z.literal('resubmission'), campaignId: z.string().uuid(), unit: z.string().min(1), round: z.number().int().positive(), taskToken: z.string().min(1) }),
]);

export const handler = stepHandler(input, async (event) => runApprovalAction(event, { ...deps, linkKey: (await deps.secrets()).linkKey }));
