import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { drawCallbackSample } from '../steps/sampling.js';

const deps = mailingDepsFromEnv();

export const handler = stepHandler(z.object({ campaignId: z.string().uuid() }), async (input) =>
  drawCallbackSample(input, { ...deps, linkKey: (await deps.secrets()).linkKey }),
);
