import type { Variables } from './paths.js';

/** One scope of workflow variables; Map iterations and Parallel branches read their parent's. */
export class Frame implements Variables {
  constructor(
    readonly own: Record<string, unknown> = {},
    readonly parent?: Frame,
  ) {}

  get(name: string): { found: boolean; value?: unknown } {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      if (Object.prototype.hasOwnProperty.call(frame.own, name)) return { found: true, value: frame.own[name] };
    }
    return { found: false };
  }

  /** Every variable in scope, inner names shadowing outer ones (for JSONata bindings). */
  all(): Record<string, unknown> {
    return this.parent ? { ...this.parent.all(), ...this.own } : { ...this.own };
  }

  assign(values: Record<string, unknown>): void {
    Object.assign(this.own, values);
  }
}
