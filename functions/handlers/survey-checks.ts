import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { checkRegister } from '../steps/survey-checks.js';

const table = tableFromEnv();

/** The conflicts and the coverage report are stored on the campaign; the workflow gets their counts. */
export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), (input) => checkRegister(input, { table }));
