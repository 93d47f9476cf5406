import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { checkCoverage, coverageCounts } from '../steps/survey-coverage.js';

const table = tableFromEnv();

/** The report, with its masked lists, is stored on the campaign; the workflow gets its counts. */
export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), async (input) => coverageCounts(await checkCoverage(input, { table })));
