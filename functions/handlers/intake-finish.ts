import { z } from 'zod';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { finishIntake } from '../steps/intake.js';

const table = tableFromEnv();

/** Intake, step 3: add the batches' results up on the upload; delete the file and the batches. */
export const handler = stepHandler(z.object({ campaignId: z.string().uuid(), uploadId: z.string().regex(/^[a-f0-9]{64}$/) }), async (input) => finishIntake(input, { table }));
