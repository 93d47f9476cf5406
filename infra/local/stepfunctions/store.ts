import { eventLinePrefix, JournalHistory, MemoryHistory, type History } from './history.js';
import type { Journal } from './journal.js';
import type { ChildOutcome, ExecutionRecord, MachineRecord, MapRunRecord, ThreadRecord } from './records.js';

type TokenOutcome = { output: string } | { error?: string; cause?: string };

/**
 * The engine's state: state machines, executions with their history, and where each
 * thread stands. Every change goes through here, so the journal and memory never differ.
 */
export class Store {
  readonly machines = new Map<string, MachineRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  readonly bySeq = new Map<number, ExecutionRecord>();
  /** History events per execution seq: on disk when durable, else in memory. */
  readonly history = new Map<number, History>();
  readonly threads = new Map<string, ThreadRecord>();
  readonly childOutcomes = new Map<string, Map<number, ChildOutcome>>();
  readonly mapRuns = new Map<string, MapRunRecord>();
  /** Task outcomes reported through the API, not yet taken up by their thread. */
  readonly tokenOutcomes = new Map<string, TokenOutcome>();
  readonly heartbeats = new Map<string, number>();
  /** Open task tokens and the thread waiting on each; tokens of finished tasks. */
  readonly tokenOwners = new Map<string, string>();
  readonly closedTokens = new Set<string>();
  clockOffset = 0;
  nextSeq = 1;

  constructor(private readonly journal: Journal) {}

  static threadKey(x: number, id: string): string {
    return `${x}/${id}`;
  }

  /** Replays the journal; if it is mostly superseded records, compacts it and replays that. */
  open(): void {
    let lines = 0;
    this.journal.open((record, offset, bytes) => {
      lines++;
      this.apply(record, offset, bytes);
    });
    if (lines > 1000 && lines > 1.25 * this.compactSize()) {
      this.journal.rewrite(this.snapshot());
      this.clear();
      this.journal.open((record, offset, bytes) => this.apply(record, offset, bytes));
    }
  }

  private clear(): void {
    for (const map of [this.machines, this.executions, this.bySeq, this.history, this.threads, this.childOutcomes, this.mapRuns, this.tokenOutcomes, this.heartbeats, this.tokenOwners]) map.clear();
    this.closedTokens.clear();
  }

  private newHistory(): History {
    return this.journal.durable ? new JournalHistory(this.journal) : new MemoryHistory();
  }

  private apply(r: Record<string, unknown>, offset = 0, bytes = 0): void {
    switch (r.k) {
      case 'm':
        this.machines.set(r.arn as string, strip(r) as unknown as MachineRecord);
        break;
      case 'md':
        this.machines.delete(r.arn as string);
        break;
      case 'x': {
        const rec = strip(r) as unknown as ExecutionRecord;
        this.executions.set(rec.arn, rec);
        this.bySeq.set(rec.seq, rec);
        if (!this.history.has(rec.seq)) this.history.set(rec.seq, this.newHistory());
        this.nextSeq = Math.max(this.nextSeq, rec.seq + 1);
        if (rec.status !== 'RUNNING') this.dropThreads(rec.seq);
        break;
      }
      case 'e': {
        const x = r.x as number;
        const prefix = eventLinePrefix(x).length;
        (this.history.get(x) as JournalHistory | undefined)?.add('', offset + prefix, bytes - prefix - 1);
        break;
      }
      case 't': {
        const rec = strip(r) as unknown as ThreadRecord;
        const key = Store.threadKey(rec.x, rec.id);
        const previous = this.threads.get(key)?.token;
        if (previous && previous !== rec.token) this.tokenOwners.delete(previous);
        if (rec.token) this.tokenOwners.set(rec.token, key);
        this.threads.set(key, rec);
        break;
      }
      case 'te': {
        const key = Store.threadKey(r.x as number, r.id as string);
        const rec = this.threads.get(key);
        if (rec?.token) this.tokenOwners.delete(rec.token);
        this.threads.delete(key);
        this.childOutcomes.delete(key);
        if (r.o !== undefined && rec?.parent !== undefined && rec.slot !== undefined) {
          this.outcomesOf(rec.x, rec.parent).set(rec.slot, r.o as ChildOutcome);
        }
        break;
      }
      case 'co':
        this.outcomesOf(r.x as number, r.p as string).set(r.s as number, r.o as ChildOutcome);
        break;
      case 'cc':
        this.childOutcomes.delete(Store.threadKey(r.x as number, r.p as string));
        break;
      case 'r':
        this.mapRuns.set(r.arn as string, strip(r) as unknown as MapRunRecord);
        break;
      case 'tok':
        this.tokenOutcomes.set(r.token as string, r.o as TokenOutcome);
        break;
      case 'tokx':
        this.tokenOutcomes.delete(r.token as string);
        this.heartbeats.delete(r.token as string);
        this.tokenOwners.delete(r.token as string);
        this.closedTokens.add(r.token as string);
        break;
      case 'hb':
        this.heartbeats.set(r.token as string, r.at as number);
        break;
      case 'c':
        this.clockOffset = r.offset as number;
        break;
    }
  }

  private write(record: Record<string, unknown>): void {
    this.apply(record);
    this.journal.append(record);
  }

  outcomesOf(x: number, parentId: string): Map<number, ChildOutcome> {
    const key = Store.threadKey(x, parentId);
    let outcomes = this.childOutcomes.get(key);
    if (!outcomes) this.childOutcomes.set(key, (outcomes = new Map()));
    return outcomes;
  }

  private dropThreads(x: number): void {
    const prefix = `${x}/`;
    for (const [key, rec] of this.threads) {
      if (!key.startsWith(prefix)) continue;
      if (rec.token) {
        this.tokenOwners.delete(rec.token);
        this.closedTokens.add(rec.token);
      }
      this.threads.delete(key);
    }
    for (const key of this.childOutcomes.keys()) if (key.startsWith(prefix)) this.childOutcomes.delete(key);
  }

  putMachine(rec: MachineRecord): void {
    this.write({ k: 'm', ...rec });
  }
  deleteMachine(arn: string): void {
    this.write({ k: 'md', arn });
  }
  putExecution(rec: ExecutionRecord): void {
    this.write({ k: 'x', ...rec });
  }
  putThread(rec: ThreadRecord): void {
    this.write({ k: 't', ...rec });
  }
  endThread(rec: ThreadRecord, outcome?: ChildOutcome): void {
    this.write({ k: 'te', x: rec.x, id: rec.id, o: outcome });
  }
  /** Forgets the outcomes of a Map's or Parallel's children before it runs them (again). */
  clearOutcomes(x: number, parentId: string): void {
    if (this.childOutcomes.has(Store.threadKey(x, parentId))) this.write({ k: 'cc', x, p: parentId });
  }
  putMapRun(rec: MapRunRecord): void {
    this.write({ k: 'r', ...rec });
  }
  reportToken(token: string, outcome: TokenOutcome): void {
    this.write({ k: 'tok', token, o: outcome });
  }
  closeToken(token: string): void {
    if (!this.closedTokens.has(token)) this.write({ k: 'tokx', token });
  }
  heartbeat(token: string, at: number): void {
    this.write({ k: 'hb', token, at });
  }
  setClockOffset(offset: number): void {
    this.write({ k: 'c', offset });
  }

  eventCount(x: number): number {
    return this.history.get(x)?.length ?? 0;
  }

  /** Appends a history event (its id must be eventCount + 1). */
  addEvent(x: number, event: Record<string, unknown>): number {
    const events = this.history.get(x)!;
    const json = JSON.stringify(event);
    const prefix = eventLinePrefix(x);
    const offset = this.journal.appendLine(`${prefix}${json}}`);
    events.add(json, offset + prefix.length);
    return events.length;
  }

  flush(): void {
    this.journal.flush();
  }

  close(): void {
    this.journal.close();
  }

  private compactSize(): number {
    let n = this.machines.size + this.executions.size + this.threads.size + this.mapRuns.size;
    for (const events of this.history.values()) n += events.length;
    return n;
  }

  private *snapshot(): Iterable<string> {
    for (const record of this.snapshotRecords()) {
      if (typeof record === 'string') yield record;
      else yield JSON.stringify(record);
    }
  }

  /** What a restart needs, in replay order; event lines are copied as they are. */
  private *snapshotRecords(): Iterable<Record<string, unknown> | string> {
    yield { k: 'c', offset: this.clockOffset };
    for (const m of this.machines.values()) yield { k: 'm', ...m };
    for (const x of this.executions.values()) {
      yield { k: 'x', ...x };
      const events = this.history.get(x.seq);
      for (let i = 0; events && i < events.length; i++) yield `${eventLinePrefix(x.seq)}${events.get(i)}}`;
    }
    for (const r of this.mapRuns.values()) yield { k: 'r', ...r };
    // Threads of running executions, parents before children, then the outcomes children left.
    const threads = [...this.threads.values()].sort((a, b) => a.id.length - b.id.length);
    for (const t of threads) yield { k: 't', ...t };
    for (const [key, outcomes] of this.childOutcomes) {
      const cut = key.indexOf('/');
      const [x, p] = [Number(key.slice(0, cut)), key.slice(cut + 1)];
      for (const [s, o] of outcomes) yield { k: 'co', x, p, s, o };
    }
    for (const [token, o] of this.tokenOutcomes) yield { k: 'tok', token, o };
    for (const [token, at] of this.heartbeats) yield { k: 'hb', token, at };
    for (const token of this.closedTokens) yield { k: 'tokx', token };
  }
}

function strip(r: Record<string, unknown>): Record<string, unknown> {
  const { k: _k, ...rest } = r;
  return rest;
}
