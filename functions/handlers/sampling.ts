import { z } from 'zod';
import { mailingDepsFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { awaitCallbacks, commitSamplingSeed, drawCallbackSample } from '../steps/sampling.js';

const deps = mailingDepsFromEnv();

/** The review workflow's steps, one function: which one is the event's `action`. */
const input = z.discriminatedUnion('action', [
  z.object({ action: z.literal('commit'), campaignId: z.string().uuid() }),
  z.object({ action: z.literal('draw'), campaignId: z.string().uuid() }),
  z.object({ action: z.literal('await'), campaignId: z.string().uuid(), taskToken: z.string().min(1) }),
]);

export const handler = stepHandler(input, async (event) => {
  switch (event.action) {
    case 'commit':
      return commitSamplingSeed(event, deps);
    case 'draw':
      return drawCallbackSample(event, { ...deps, linkKey: (await deps.secrets()).linkKey });
    case 'await':
      return awaitCallbacks(event, deps);
  }
});
