import { describe, expect, it } from 'vitest';
import { inFlight, WRITES_IN_FLIGHT } from '../../../functions/data/in-flight.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inFlight', () => {
  it('keeps WRITES_IN_FLIGHT writes going, starting the next as one ends, and answers in order', async () => {
    let running = 0;
    let most = 0;
    let firstEnded = false;
    let begunBeforeFirstEnded = 0;
    const results = await inFlight(Array.from({ length: 100 }, (_, i) => i), async (i) => {
      if (!firstEnded) begunBeforeFirstEnded++;
      most = Math.max(most, ++running);
      await tick(i === 0 ? 200 : 2);
      running--;
      if (i === 0) firstEnded = true;
      return i * 2;
    });
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(most).toBe(WRITES_IN_FLIGHT);
    // The slow first write held up none of the others: all began before it ended.
    expect(begunBeforeFirstEnded).toBe(100);
  });

  it('begins no write after one fails, and throws that failure', async () => {
    const begun: number[] = [];
    const failure = inFlight(Array.from({ length: 100 }, (_, i) => i), async (i) => {
      begun.push(i);
      await tick(1);
      if (i === 20) throw new Error('store refused');
      return i;
    });
    await expect(failure).rejects.toThrow('store refused');
    await tick(20);
    expect(begun.length).toBeLessThan(20 + WRITES_IN_FLIGHT + 1);
  });

  it('answers nothing for no items', async () => {
    expect(await inFlight([], async () => 1)).toEqual([]);
  });
});
