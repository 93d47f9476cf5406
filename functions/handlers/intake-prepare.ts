import { z } from 'zod';
import { baseConfig, readConfig } from '../shared/config.js';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { getAppSecrets } from '../shared/secrets.js';
import { prepareIntake } from '../steps/intake.js';

const config = readConfig(baseConfig);
const table = tableFromEnv();

/** Intake, step 1: read and check the file, write its accepted rows in batches. */
export const handler = stepHandler(z.object({ campaignId: z.string().uuid(), uploadId: z.string().regex(/^[a-f0-9]{64}$/) }), async (input) =>
  prepareIntake(input, { table, ...(await getAppSecrets(config)) }),
);
