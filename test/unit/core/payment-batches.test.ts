import { describe, expect, it } from 'vitest';
import { paymentBatches, type Payable } from '../../../functions/core/payment-batches.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
/** 250 people over 2 units and 2 projects, in an order unrelated to unit, project or hash. */
const people: Payable[] = Array.from({ length: 250 }, (_, i) => {
  const n = (i * 97) % 250;
  return { unit: n % 5 < 3 ? '莘庄镇' : '七宝镇', projectCode: n % 2 ? 'MZ02' : 'MZ01', idHash: hash(n) };
});
const pair = (p: Payable) => `${p.unit}/${p.projectCode}`;

describe('payment batches', () => {
  const batches = paymentBatches(people, 40);

  it('never mixes two (unit, project) pairs, holds at most the batch size, and holds everyone once', () => {
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(40);
      expect(new Set(batch.map(pair)).size).toBe(1);
    }
    expect(batches.flat().map((p) => p.idHash).sort()).toEqual(people.map((p) => p.idHash).sort());
    // Each pair fills whole batches, then one part-filled: 4 pairs of 75, 75, 50, 50 people.
    const sizes = new Map<string, number>();
    for (const p of people) sizes.set(pair(p), (sizes.get(pair(p)) ?? 0) + 1);
    expect([...sizes.values()].sort()).toEqual([50, 50, 75, 75]);
    expect(batches).toHaveLength(2 + 2 + 2 + 2);
  });

  it('orders pairs by unit then project, and people by hash, whatever the order it is given', () => {
    expect(batches.map((b) => pair(b[0]))).toEqual(['七宝镇/MZ01', '七宝镇/MZ01', '七宝镇/MZ02', '七宝镇/MZ02', '莘庄镇/MZ01', '莘庄镇/MZ01', '莘庄镇/MZ02', '莘庄镇/MZ02']);
    for (const batch of batches) expect(batch.map((p) => p.idHash)).toEqual(batch.map((p) => p.idHash).sort());
    expect(paymentBatches([...people].reverse(), 40)).toEqual(batches);
  });
});
