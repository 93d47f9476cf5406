import type { Phase } from '../core/phases.js';
import { setPhase } from '../data/campaigns.js';
import { openGate } from '../data/gates.js';
import type { Table } from '../data/table.js';

/** The campaign now waits for its coordinator to start `phase`; the token is kept server-side. */
export async function openPhaseGate(input: { campaignId: string; phase: Phase; taskToken: string }, deps: { table: Table; now?: Date }) {
  await openGate(deps.table, { ...input, openedAt: (deps.now ?? new Date()).toISOString() });
  await setPhase(deps.table, input.campaignId, input.phase, 'awaiting');
  return { campaignId: input.campaignId, phase: input.phase };
}
