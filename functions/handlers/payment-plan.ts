import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { planPayments } from '../steps/payments.js';

const table = tableFromEnv();

export const handler = stepHandler(z.object({ campaignId: z.string().uuid(), executionId: z.string().min(1) }), (input) => planPayments(input, { table }));
