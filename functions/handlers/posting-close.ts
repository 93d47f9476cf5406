import { z } from 'zod';
import { POSTING_ID } from '../data/postings.js';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { closePostingStep } from '../steps/posting.js';

const table = tableFromEnv();

export const handler = stepHandler(z.object({ postingId: z.string().regex(POSTING_ID) }), (input) => closePostingStep(input, { table }));
