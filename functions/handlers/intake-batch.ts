import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { storeIntakeBatches } from '../steps/intake.js';

const table = tableFromEnv();

/** Intake, step 2: store the rows of some batches (a distributed Map's batch of batch numbers). */
export const handler = stepHandler(
  z.object({ campaignId: z.string().uuid(), uploadId: z.string().regex(/^[a-f0-9]{64}$/), batches: z.array(z.number().int().nonnegative()).max(100) }),
  async (input) => storeIntakeBatches(input, { table }),
);
