import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { payBatches } from '../steps/payments.js';

const table = tableFromEnv();

/** 实施: pay the planned batches a distributed Map's child execution names. */
export const handler = stepHandler(
  z.object({ campaignId: z.string().uuid(), batches: z.array(z.number().int().nonnegative()).min(1).max(100), executionId: z.string().min(1) }),
  (input) => payBatches(input, { table }),
);
