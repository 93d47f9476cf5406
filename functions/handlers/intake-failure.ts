import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { failIntake } from '../steps/intake-failure.js';

const table = tableFromEnv();

/** Intake, when a step failed: delete the file and the batches; record the failure on the upload. */
export const handler = stepHandler(
  z.object({
    campaignId: z.string().uuid(),
    uploadId: z.string().regex(/^[a-f0-9]{64}$/),
    attempt: z.number().int().positive(),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
  }),
  async (input) => failIntake(input, { table }),
);
