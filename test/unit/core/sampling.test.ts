import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commitment, drawSample, newSeed, rankOf, sampleSize, verifyCommitment,
} from '../../../functions/core/sampling.js';

const SEED = 'a'.repeat(64);
const OTHER_SEED = 'b'.repeat(64);
const POPULATION = Array.from({ length: 500 }, (_, i) => `beneficiary-${String(i).padStart(4, '0')}`);
const seedArb = fc.stringMatching(/^[0-9a-f]{64}$/);

describe('seed and commitment', () => {
  it('makes a fresh 32-byte hex seed each time', () => {
    const seed = newSeed();
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(newSeed()).not.toBe(seed);
  });

  it('commits to the seed with SHA-256 of its text, checkable by anyone', () => {
    expect(commitment(SEED)).toBe(createHash('sha256').update(SEED).digest('hex'));
    expect(verifyCommitment(SEED, commitment(SEED))).toBe(true);
    expect(verifyCommitment(SEED, commitment(SEED).toUpperCase())).toBe(true);
    expect(verifyCommitment(OTHER_SEED, commitment(SEED))).toBe(false);
    expect(verifyCommitment(SEED, 'not-a-hash')).toBe(false);
  });

  it('ranks with HMAC-SHA256 keyed by the seed text', () => {
    expect(rankOf(SEED, 'x')).toBe(createHmac('sha256', SEED).update('x').digest('hex'));
  });

  it('refuses weak or malformed seeds', () => {
    expect(() => rankOf('1234', 'x')).toThrow(RangeError);
    expect(() => drawSample('A'.repeat(64), ['x'], 1)).toThrow(RangeError);
    expect(() => commitment('')).toThrow(RangeError);
  });
});

describe('drawSample', () => {
  it('returns the ids with the lowest ranks, in rank order', () => {
    const sample = drawSample(SEED, POPULATION, 25);
    const expected = [...POPULATION].sort((a, b) => (rankOf(SEED, a) < rankOf(SEED, b) ? -1 : 1)).slice(0, 25);
    expect(sample).toEqual(expected);
  });

  it('is reproducible from its seed', () => {
    fc.assert(
      fc.property(seedArb, fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 60 }), fc.nat(70), (seed, ids, size) => {
        expect(drawSample(seed, ids, size)).toEqual(drawSample(seed, [...ids], size));
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(seedArb, fc.shuffledSubarray(POPULATION, { minLength: 1 }), fc.nat(30), (seed, ids, size) => {
        const reversed = [...ids].reverse();
        const sorted = [...ids].sort();
        expect(drawSample(seed, reversed, size)).toEqual(drawSample(seed, ids, size));
        expect(drawSample(seed, sorted, size)).toEqual(drawSample(seed, ids, size));
      }),
    );
  });

  it('never returns duplicates and caps the size at the population', () => {
    const withDuplicates = ['a', 'b', 'a', 'c', 'b', 'a'];
    const sample = drawSample(SEED, withDuplicates, 10);
    expect([...sample].sort()).toEqual(['a', 'b', 'c']);
    expect(drawSample(SEED, POPULATION, 10_000)).toHaveLength(POPULATION.length);
    expect(drawSample(SEED, POPULATION, 0)).toEqual([]);
    expect(drawSample(SEED, [], 5)).toEqual([]);
    fc.assert(
      fc.property(seedArb, fc.array(fc.constantFrom(...POPULATION.slice(0, 20))), fc.nat(40), (seed, ids, size) => {
        const drawn = drawSample(seed, ids, size);
        expect(new Set(drawn).size).toBe(drawn.length);
        expect(drawn.length).toBe(Math.min(size, new Set(ids).size));
        expect(drawn.every((id) => ids.includes(id))).toBe(true);
      }),
    );
  });

  it('a larger sample extends a smaller one with the same seed', () => {
    expect(drawSample(SEED, POPULATION, 40).slice(0, 10)).toEqual(drawSample(SEED, POPULATION, 10));
  });

  it('a different seed gives a different sample', () => {
    expect(drawSample(OTHER_SEED, POPULATION, 25)).not.toEqual(drawSample(SEED, POPULATION, 25));
    fc.assert(
      fc.property(seedArb, seedArb, (a, b) => {
        fc.pre(a !== b);
        // 25 of 500: two seeds agreeing by chance is astronomically unlikely.
        expect(drawSample(a, POPULATION, 25)).not.toEqual(drawSample(b, POPULATION, 25));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a negative or fractional size', () => {
    expect(() => drawSample(SEED, POPULATION, -1)).toThrow(RangeError);
    expect(() => drawSample(SEED, POPULATION, 2.5)).toThrow(RangeError);
  });
});

describe('sampleSize', () => {
  it('is 5% rounded up, at least 1, at most the population', () => {
    expect(sampleSize(0)).toBe(0);
    expect(sampleSize(1)).toBe(1);
    expect(sampleSize(19)).toBe(1);
    expect(sampleSize(20)).toBe(1);
    expect(sampleSize(21)).toBe(2);
    expect(sampleSize(100)).toBe(5);
    expect(sampleSize(112_800)).toBe(5_640);
  });

  it('honours rate and minimum', () => {
    expect(sampleSize(100, { rate: 0.07 })).toBe(7); // 100 × 0.07 = 7.000000000000001 in binary
    expect(sampleSize(10, { minimum: 30 })).toBe(10);
    expect(sampleSize(300, { minimum: 30 })).toBe(30);
    expect(sampleSize(1000, { rate: 0.1, minimum: 30 })).toBe(100);
    expect(sampleSize(50, { rate: 1 })).toBe(50);
    expect(sampleSize(50, { rate: 0, minimum: 0 })).toBe(0);
  });

  it('satisfies its definition for all inputs', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.integer({ min: 0, max: 100 }), fc.nat(1000), (population, percent, minimum) => {
        const size = sampleSize(population, { rate: percent / 100, minimum });
        expect(size).toBeLessThanOrEqual(population);
        expect(size).toBeGreaterThanOrEqual(Math.min(population, minimum));
        expect(size * 100).toBeGreaterThanOrEqual(population * percent);
        expect(size === Math.min(population, minimum) || (size - 1) * 100 < population * percent).toBe(true);
      }),
    );
  });

  it('refuses nonsense', () => {
    expect(() => sampleSize(-1)).toThrow(RangeError);
    expect(() => sampleSize(10.5)).toThrow(RangeError);
    expect(() => sampleSize(10, { rate: 1.5 })).toThrow(RangeError);
    expect(() => sampleSize(10, { rate: Number.NaN })).toThrow(RangeError);
    expect(() => sampleSize(10, { minimum: -1 })).toThrow(RangeError);
  });
});
