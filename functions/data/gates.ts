import type { Phase } from '../core/phases.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

/** A campaign waiting for its coordinator to start a phase; the task token stays server-side. */
export interface Gate {
  campaignId: string;
  phase: Phase;
  taskToken: string;
  openedAt: string;
  passedAt?: string;
}

export const openGate = (table: Table, gate: Gate) => table.put(keys.gate(gate.campaignId, gate.phase), { ...gate });

export const getGate = (table: Table, campaignId: string, phase: Phase) => table.get<Gate>(keys.gate(campaignId, phase));

/** Marks the gate passed once; false if another request passed it first. */
export const passGate = (table: Table, campaignId: string, phase: Phase, taskToken: string, now = new Date()) =>
  table.update(keys.gate(campaignId, phase), { passedAt: now.toISOString() }, {
    expression: 'taskToken = :token AND attribute_not_exists(passedAt)',
    values: { ':token': taskToken },
  });

/** Undoes passGate when the workflow could not be told (a transient fault): the coordinator may try again. */
export const reopenGate = (table: Table, campaignId: string, phase: Phase, taskToken: string, passedAt: Date) =>
  table.remove(keys.gate(campaignId, phase), ['passedAt'], {
    expression: 'taskToken = :token AND passedAt = :at',
    values: { ':token': taskToken, ':at': passedAt.toISOString() },
  });
