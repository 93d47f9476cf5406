/**
 * At most `limit` holders at once; the others wait their turn, first come first served. A waiter
 * whose signal aborts leaves the line without ever holding a turn.
 */
export class Turns {
  private holders = 0;
  private readonly line: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.holders < this.limit) {
      this.holders++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        this.holders++;
        resolve();
      };
      const onAbort = () => {
        this.line.splice(this.line.indexOf(turn), 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('Aborted while waiting'));
      };
      this.line.push(turn);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  give(): void {
    this.holders--;
    this.line.shift()?.();
  }
}
