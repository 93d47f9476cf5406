import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { removeRejectedRowsAtClose } from '../steps/survey-rejected-rows.js';

const table = tableFromEnv();

/** 排摸 close: remove the rejected rows (raw ID numbers) kept for the error files. */
export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), (input) => removeRejectedRowsAtClose(input, { table }));
