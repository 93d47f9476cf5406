import { StatesError } from './errors.js';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

/** States.Runtime and States.DataLimitExceeded are terminal: no retrier or catcher takes them. */
const TERMINAL = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/** States.TaskFailed matches every error except these. */
const TIMEOUTS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

/** Whether an ErrorEquals list names this error, with the wildcards AWS documents. */
export function errorMatches(errorEquals: string[], error: string): boolean {
  if (TERMINAL.has(error)) return errorEquals.includes(error) && error !== 'States.Runtime';
  return errorEquals.some(
    (name) =>
      name === error ||
      name === 'States.ALL' ||
      (name === 'States.Timeout' && error === 'States.HeartbeatTimeout') ||
      (name === 'States.TaskFailed' && !TIMEOUTS.has(error)),
  );
}

/** The retrier that handles this error (only the first whose ErrorEquals matches is considered). */
export function findRetrier(retriers: Retrier[] | undefined, error: StatesError): number {
  return retriers?.findIndex((r) => errorMatches(r.ErrorEquals, error.error)) ?? -1;
}

export function findCatcher(catchers: Catcher[] | undefined, error: StatesError): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error.error));
}

/** Delay before retry number `attempt` (0-based), in milliseconds. */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number = Math.random): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  let seconds = interval * Math.pow(rate, attempt);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}
