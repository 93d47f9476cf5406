import { eventually, type TestEngine } from './engine.js';

/** The execution's history events, oldest first. */
const historyOf = (t: TestEngine, executionArn: string) => t.engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events as Record<string, any>[];

/** Waits until the execution's history holds `n` events of `type`. */
export function untilEvent(t: TestEngine, executionArn: string, type: string, n = 1) {
  return eventually(() => (historyOf(t, executionArn).filter((e) => e.type === type).length >= n ? true : undefined), 5000, type);
}

/**
 * The HistoryEvent field that holds the details of an event of `type`: `stateEnteredEventDetails`
 * for every `…StateEntered` event (and likewise `…StateExited`), else `taskScheduledEventDetails`
 * for TaskScheduled and so on.
 */
const detailsKey = (type: string) => {
  const state = /State(Entered|Exited)$/.exec(type);
  const name = state ? `State${state[1]}` : type;
  return `${name[0].toLowerCase()}${name.slice(1)}EventDetails`;
};

/** The details of every event of `type` (their `detailsKey` field), in order. */
export function detailsOf(history: Record<string, any>[], type: string): Record<string, any>[] {
  return history.filter((e) => e.type === type).map((e) => e[detailsKey(type)]);
}

/** How many of `events` (history event types) are `type`. */
export const count = (events: string[], type: string) => events.filter((e) => e === type).length;
