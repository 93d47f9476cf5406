import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { drawSample } from '../../../functions/core/sampling.js';
import { drawStratified, stratumKey } from '../../../functions/core/strata.js';

/** 2,000 seeds, fixed (the test gives the same answer every run), as unrelated as fresh ones. */
const SEEDS = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(`seed ${i}`).digest('hex'));

/** Pearson's chi-square of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const expected = counts.reduce((a, b) => a + b, 0) / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/** Upper 0.999 quantiles of chi-square (NIST/SEMATECH table). */
const CRITICAL_0999 = { 3: 16.266, 39: 72.055 } as const;

describe('the draw favours no one', () => {
  it('no stratum is favoured: four equal strata, 20 drawn in all, over 2,000 seeds', () => {
    // Strata whose ids look different (project, unit, hash), as real keys do.
    const strata = ['MZ01', 'GH02', 'CJ03', 'FL04'];
    const people = strata.flatMap((code, s) => Array.from({ length: 50 }, (_, i) => ({ id: `${code}#${createHash('sha256').update(`${s}/${i}`).digest('hex')}`, s })));
    const stratumOf = new Map(people.map((p) => [p.id, p.s]));
    const counts = [0, 0, 0, 0];
    for (const seed of SEEDS) for (const id of drawSample(seed, people.map((p) => p.id), 20)) counts[stratumOf.get(id)!]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2000 * 20);
    expect(chiSquare(counts)).toBeLessThan(CRITICAL_0999[3]);
  });

  it('within a stratum no one is favoured: 40 people, 4 drawn, over 2,000 seeds', () => {
    const stratum = stratumKey('莘庄镇', '低保家庭');
    const people = Array.from({ length: 40 }, (_, i) => ({ id: `MZ01#${String(i).padStart(64, '0')}`, stratum }));
    const counts = new Map(people.map((p) => [p.id, 0]));
    for (const seed of SEEDS) for (const id of drawStratified(seed, people, { rate: 0.1 })[0].drawn) counts.set(id, counts.get(id)! + 1);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(2000 * 4);
    expect(chiSquare([...counts.values()])).toBeLessThan(CRITICAL_0999[39]);
  });

  it('would notice a favoured stratum (the test has power)', () => {
    // One stratum drawn 10% more often than its share: far above the critical value at this size.
    expect(chiSquare([11000, 9667, 9667, 9666])).toBeGreaterThan(CRITICAL_0999[3]);
  });
});
