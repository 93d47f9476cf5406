import { z } from 'zod';
import { PHASES } from '../core/phases.js';
import { tableFromEnv } from '../shared/deps.js';
import { stepHandler } from '../shared/handler.js';
import { openPhaseGate } from '../steps/gate.js';

const table = tableFromEnv();

export const handler = stepHandler(
  z.object({ campaignId: z.string().uuid(), phase: z.enum(PHASES), taskToken: z.string().min(1) }),
  (input) => openPhaseGate(input, { table }),
);
