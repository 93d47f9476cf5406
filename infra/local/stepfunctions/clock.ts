/**
 * The engine's clock: real time plus an offset that tests and demos can move forward,
 * so a seven-day Wait fires in seconds. Moving it is refused unless enabled.
 */
export class Clock {
  private offsetMs = 0;
  private readonly sleepers = new Set<{ due: number; wake: () => void }>();

  constructor(readonly movable = false) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Restores a persisted offset (journal replay). */
  restoreOffset(ms: number): void {
    this.offsetMs = ms;
  }

  advance(ms: number): void {
    if (!this.movable) throw new Error('The clock is not movable; start the engine with a movable clock');
    if (!(ms >= 0)) throw new Error('The clock only moves forward');
    this.offsetMs += ms;
    for (const sleeper of [...this.sleepers]) if (sleeper.due <= this.now()) sleeper.wake();
  }

  /** Resolves at `due` (engine time) or rejects with the signal's reason. */
  sleepUntil(due: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let timer: NodeJS.Timeout | undefined;
      const sleeper = {
        due,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.sleepers.delete(sleeper);
        reject(signal!.reason);
      };
      const arm = () => {
        const delay = due - this.now();
        if (delay <= 0) return sleeper.wake();
        // setTimeout caps at ~24.8 days; re-arm for longer waits.
        timer = setTimeout(arm, Math.min(delay, 2 ** 31 - 1));
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  }
}
