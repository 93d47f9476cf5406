import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { requestApproval } from '../steps/approval.js';

const deps = mailingDepsFromEnv();

export const handler = stepHandler(
  z.object({
    campaignId: z.string().uuid(),
    approver: z.string().email(),
    step: z.number().int().positive(),
    steps: z.number().int().positive(),
    taskToken: z.string().min(1),
  }),
  async (input) => requestApproval(input, { ...deps, linkKey: (await deps.secrets()).linkKey }),
);
