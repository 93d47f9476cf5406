import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { summariseCampaign } from '../steps/campaign-summary.js';

const deps = mailingDepsFromEnv();

export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), (input) => summariseCampaign(input, deps));
