import { keys } from './keys.js';
import type { Table } from './table.js';

/** The review workflow waiting for the coordinator to end the callbacks (结束回访), and how they ended. */
export interface CallbackClose {
  campaignId: string;
  /** The wait's task token: kept here, never in a link or a page. */
  taskToken: string;
  waitingSince: string;
  closedAt?: string;
  closedBy?: string;
  /** Why the callbacks ended with cases still open (required then). */
  reason?: string;
  openCases?: number;
}

/**
 * Records the wait's token, always the latest (a retried step gets a new one), keeping an end
 * being recorded: if that end's token turns out stale, the page releases it and the coordinator
 * ends again, with this token.
 */
export const awaitCallbackClose = (table: Table, c: Pick<CallbackClose, 'campaignId' | 'taskToken' | 'waitingSince'>) =>
  table.update(keys.callbackClose(c.campaignId), { campaignId: c.campaignId, taskToken: c.taskToken, waitingSince: c.waitingSince }, { expression: 'attribute_not_exists(pk) OR attribute_exists(pk)' });

export const getCallbackClose = (table: Table, campaignId: string) => table.get<CallbackClose>(keys.callbackClose(campaignId));

/** Ends the callbacks, once: false if they had ended. */
export const markCallbacksClosed = (table: Table, campaignId: string, closed: Required<Pick<CallbackClose, 'closedAt' | 'closedBy' | 'openCases'>> & Pick<CallbackClose, 'reason'>) =>
  table.update(keys.callbackClose(campaignId), closed, { expression: 'attribute_exists(taskToken) AND attribute_not_exists(closedAt)' });

/** Undoes an end that could not reach the workflow (a transient fault), so it can be tried again. */
export const releaseCallbackClose = (table: Table, campaignId: string, closedAt: string) =>
  table.remove(keys.callbackClose(campaignId), ['closedAt', 'closedBy', 'reason', 'openCases'], { expression: 'closedAt = :at', values: { ':at': closedAt } });
