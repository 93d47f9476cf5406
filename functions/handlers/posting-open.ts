import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { openPostingStep } from '../steps/posting.js';

const table = tableFromEnv();

export const handler = stepHandler(
  z.object({ campaignId: z.string().uuid(), unit: z.string().min(1).max(100), openedAt: z.string().datetime({ offset: true }) }),
  (input) => openPostingStep(input, { table }),
);
