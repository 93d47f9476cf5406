import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { summarizeSurvey } from '../steps/survey-summary.js';

const deps = mailingDepsFromEnv();

export const handler = stepHandler(z.object({
  campaignId: z.string().uuid(),
  dedup: z.object({ stored: z.number().int().nonnegative(), duplicatesFound: z.number().int().nonnegative(), combinable: z.number().int().nonnegative() }),
}), (input) => summarizeSurvey(input, deps));
