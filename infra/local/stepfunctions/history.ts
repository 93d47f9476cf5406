import type { Journal } from './journal.js';

/** One execution's history events, serialised. */
export interface History {
  readonly length: number;
  get(index: number): string;
  /** Records an event whose JSON sits at `offset` in the journal (durable) or is `json` itself. */
  add(json: string, offset: number): void;
}

/** Without a journal, events stay in memory. */
export class MemoryHistory implements History {
  private readonly events: string[] = [];
  get length() {
    return this.events.length;
  }
  get(index: number) {
    return this.events[index];
  }
  add(json: string) {
    this.events.push(json);
  }
}

/** With a journal, only where each event lies in it: a long campaign's history stays on disk. */
export class JournalHistory implements History {
  private offsets: number[] = [];
  private sizes: number[] = [];
  constructor(private readonly journal: Journal) {}
  get length() {
    return this.offsets.length;
  }
  get(index: number) {
    return this.journal.read(this.offsets[index], this.sizes[index]);
  }
  add(json: string, offset: number, bytes = Buffer.byteLength(json)) {
    this.offsets.push(offset);
    this.sizes.push(bytes);
  }
}

/** An event's journal line: `{"k":"e","x":<seq>,"e":<event>}`; the event starts after the prefix. */
export const eventLinePrefix = (x: number) => `{"k":"e","x":${x},"e":`;
