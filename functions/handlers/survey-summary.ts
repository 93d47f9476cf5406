import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { summarizeSurvey } from '../steps/survey-summary.js';

const deps = mailingDepsFromEnv();

export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), (input) => summarizeSurvey(input, deps));
