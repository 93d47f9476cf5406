import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { findConflicts } from '../steps/survey-dedup.js';

const table = tableFromEnv();

export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), (input) => findConflicts(input, { table }));
