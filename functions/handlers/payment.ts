import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { payBatch } from '../steps/payments.js';

const table = tableFromEnv();

export const handler = stepHandler(
  z.object({ campaignId: z.string().uuid(), keys: z.array(z.string().regex(/^[\w-]+#[a-f0-9]{64}$/)).max(1000), executionId: z.string().min(1) }),
  (input) => payBatch(input, { table }),
);
