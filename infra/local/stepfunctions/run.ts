import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.js';
import { runtimeError, StatesError } from './errors.js';
import type { QueryLanguage, StateDefinition } from './dataflow.js';
import type { ExecutionRecord, ThreadRecord } from './records.js';
import type { Store } from './store.js';
import type { Host } from './host.js';

export interface Scope {
  StartAt: string;
  States: Record<string, StateDefinition>;
  language: QueryLanguage;
}

/** AWS's history quota for a Standard workflow execution. */
export const MAX_HISTORY_EVENTS = 25_000;
export const SCOPE_SEPARATOR = '\u001f';

const iso = (ms: number) => new Date(ms).toISOString();

/** The live side of one execution: its parsed definition, scopes, cancellation and event writer. */
export class ExecutionRun {
  readonly definition: any;
  readonly controller = new AbortController();
  private readonly scopes = new Map<string, Scope>();
  readonly executionContext: Record<string, unknown>;
  readonly machineContext: Record<string, unknown>;

  constructor(
    readonly host: Host,
    readonly rec: ExecutionRecord,
  ) {
    this.definition = JSON.parse(rec.definition);
    setMaxListeners(0, this.controller.signal);
    this.scopes.set('', { StartAt: this.definition.StartAt, States: this.definition.States, language: this.definition.QueryLanguage ?? 'JSONPath' });
    this.executionContext = {
      Id: rec.arn,
      Input: JSON.parse(rec.input),
      Name: rec.name,
      RoleArn: rec.roleArn,
      StartTime: iso(rec.startDate),
      RedriveCount: 0,
    };
    const machineName = rec.machineArn.split(':')[6];
    this.machineContext = { Id: rec.machineArn, Name: machineName };
  }

  get store(): Store {
    return this.host.store;
  }
  get clock(): Clock {
    return this.host.clock;
  }

  /** The States map a thread runs in, found by walking its scope path from the top level. */
  scope(path: string): Scope {
    let scope = this.scopes.get(path);
    if (scope) return scope;
    const cut = path.lastIndexOf(SCOPE_SEPARATOR);
    const outer = this.scope(cut === -1 ? '' : path.slice(0, cut));
    const part = path.slice(cut + 1);
    const [stateName, branch] = part.split('#');
    const state = outer.States[stateName];
    const body = branch !== undefined ? state.Branches[Number(branch)] : (state.ItemProcessor ?? state.Iterator);
    if (!body) throw runtimeError(`No scope at '${path}'`);
    const language = body.QueryLanguage ?? state.QueryLanguage ?? outer.language;
    scope = { StartAt: body.StartAt, States: body.States, language };
    this.scopes.set(path, scope);
    return scope;
  }

  languageOf(scope: Scope, state: StateDefinition): QueryLanguage {
    return state.QueryLanguage ?? scope.language;
  }

  /** The context object (`$$`, `$states.context`) for a state. */
  context(thread: ThreadRecord, extra?: Record<string, unknown>): Record<string, unknown> {
    return {
      Execution: this.executionContext,
      State: { EnteredTime: iso(thread.enteredTime), Name: thread.state, RetryCount: (thread.retries ?? []).reduce((a, b) => a + b, 0) },
      StateMachine: this.machineContext,
      ...extra,
    };
  }

  /** Writes a history event on behalf of a thread and chains previousEventId. */
  emit(thread: { lastEvent: number } | undefined, type: string, details?: Record<string, unknown>): number {
    const x = this.rec.seq;
    const id = this.store.eventCount(x) + 1;
    if (this.rec.type === 'STANDARD' && id >= MAX_HISTORY_EVENTS && !type.startsWith('Execution')) {
      throw new StatesError(
        'States.Runtime',
        `The execution reached the maximum number of events in its history (${MAX_HISTORY_EVENTS}). Use a Distributed Map or a nested workflow for large workloads.`,
      );
    }
    const event: Record<string, unknown> = { timestamp: this.clock.now() / 1000, type, id, previousEventId: thread?.lastEvent ?? 0 };
    if (details) Object.assign(event, details);
    this.store.addEvent(x, event);
    if (thread) thread.lastEvent = id;
    return id;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
}

