import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankOrder, sampleSize } from '../../../functions/core/sampling.js';
import { drawStratified, parseStratumKey, stratumKey } from '../../../functions/core/strata.js';

const SEED = 'a'.repeat(64);
const seedArb = fc.stringMatching(/^[0-9a-f]{64}$/);
const STRATA = [stratumKey('莘庄镇', '低保家庭'), stratumKey('莘庄镇', '困难老人'), stratumKey('七宝镇', '低保家庭'), stratumKey('江川路街道', '困难老人')];
/** 300 people spread unevenly over the strata. */
const PEOPLE = Array.from({ length: 300 }, (_, i) => ({ id: `MZ01#${String(i).padStart(4, '0')}`, stratum: STRATA[[0, 0, 0, 1, 1, 2, 3][i % 7]] }));
const populationArb = fc.shuffledSubarray(PEOPLE, { minLength: 1 });
const rulesArb = fc.record({ percent: fc.integer({ min: 0, max: 100 }), minimum: fc.nat(40) });

const byStratum = (draws: ReturnType<typeof drawStratified>) => new Map(draws.map((d) => [d.stratum, d]));

describe('stratumKey', () => {
  it('joins town and category and splits back', () => {
    expect(stratumKey('莘庄镇', '低保家庭')).toBe('莘庄镇|低保家庭');
    expect(parseStratumKey('莘庄镇|低保|家庭')).toEqual({ unit: '莘庄镇', category: '低保|家庭' });
    expect(() => stratumKey('莘|庄', '低保家庭')).toThrow(RangeError);
  });
});

describe('drawStratified', () => {
  it('does not depend on the order of the rows', () => {
    fc.assert(
      fc.property(seedArb, populationArb, rulesArb, (seed, people, { percent, minimum }) => {
        const options = { rate: percent / 100, minimum };
        const draw = drawStratified(seed, people, options);
        expect(drawStratified(seed, [...people].reverse(), options)).toEqual(draw);
        expect(drawStratified(seed, [...people].sort((a, b) => (a.id < b.id ? 1 : -1)), options)).toEqual(draw);
      }),
      { numRuns: 50 },
    );
  });

  it('gives every stratum max(min(pop, minimum), ceil(pop × rate)), the lowest ranks of that stratum', () => {
    fc.assert(
      fc.property(seedArb, populationArb, rulesArb, (seed, people, { percent, minimum }) => {
        const draws = drawStratified(seed, people, { rate: percent / 100, minimum });
        expect(draws.map((d) => d.stratum)).toEqual([...new Set(people.map((p) => p.stratum))].sort());
        for (const d of draws) {
          const ids = people.filter((p) => p.stratum === d.stratum).map((p) => p.id);
          const size = Math.max(Math.min(ids.length, minimum), Math.ceil((ids.length * percent) / 100));
          expect(d.population).toBe(ids.length);
          expect(d.quota).toBe(size);
          expect(d.drawn).toEqual(rankOrder(seed, ids).slice(0, size));
          expect(d.extra).toEqual([]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('defaults to 5% with at least 1 per stratum', () => {
    const draws = drawStratified(SEED, PEOPLE);
    for (const d of draws) expect(d.drawn).toHaveLength(Math.max(1, Math.ceil(d.population * 0.05)));
  });

  it('replacements are the rest of the stratum in rank order and never repeat a drawn id', () => {
    fc.assert(
      fc.property(seedArb, populationArb, rulesArb, fc.subarray(PEOPLE.map((p) => p.id)), (seed, people, { percent }, staff) => {
        const draws = drawStratified(seed, people, { rate: percent / 100, overrides: [{ ids: staff, rate: 1 }] });
        for (const d of draws) {
          const order = rankOrder(seed, people.filter((p) => p.stratum === d.stratum).map((p) => p.id));
          expect(d.replacements).toEqual(order.filter((id) => !d.drawn.includes(id)));
          expect(d.drawn.length + d.replacements.length).toBe(d.population);
          expect(d.replacements.some((id) => d.drawn.includes(id))).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('draws every id listed at 100%, on top of its stratum quota', () => {
    fc.assert(
      fc.property(seedArb, populationArb, fc.subarray(PEOPLE.map((p) => p.id)), (seed, people, staff) => {
        const draws = drawStratified(seed, people, { overrides: [{ ids: staff, rate: 1 }] });
        const plain = byStratum(drawStratified(seed, people));
        const present = new Set(people.map((p) => p.id));
        const drawn = new Set(draws.flatMap((d) => d.drawn));
        expect(staff.filter((id) => present.has(id)).every((id) => drawn.has(id))).toBe(true);
        for (const d of draws) {
          expect(d.extra.every((id) => staff.includes(id))).toBe(true);
          // the quota is filled from the others, by rank
          const others = d.drawn.filter((id) => !d.extra.includes(id));
          expect(others).toHaveLength(Math.min(d.quota, d.population - d.extra.length));
          expect(d.quota).toBe(plain.get(d.stratum)!.quota);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('draws a share of listed ids at a lower rate, per stratum, by rank', () => {
    const listed = PEOPLE.filter((p) => p.stratum === STRATA[0]).slice(0, 10).map((p) => p.id);
    const d = byStratum(drawStratified(SEED, PEOPLE, { overrides: [{ ids: listed, rate: 0.5 }] })).get(STRATA[0])!;
    expect(d.extra).toEqual(rankOrder(SEED, listed).slice(0, 5));
  });

  it('uses a stratum override rate for that stratum only', () => {
    const draws = byStratum(drawStratified(SEED, PEOPLE, { overrides: [{ stratum: STRATA[1], rate: 0.5 }] }));
    const plain = byStratum(drawStratified(SEED, PEOPLE));
    const changed = draws.get(STRATA[1])!;
    expect(changed.drawn).toHaveLength(sampleSize(changed.population, { rate: 0.5 }));
    for (const s of [STRATA[0], STRATA[2], STRATA[3]]) expect(draws.get(s)).toEqual(plain.get(s));
  });

  it('an id override limited to a stratum leaves the others alone', () => {
    const other = PEOPLE.find((p) => p.stratum === STRATA[2])!.id;
    const draws = byStratum(drawStratified(SEED, PEOPLE, { overrides: [{ stratum: STRATA[0], ids: [other], rate: 1 }] }));
    expect(draws.get(STRATA[2])).toEqual(byStratum(drawStratified(SEED, PEOPLE)).get(STRATA[2]));
  });

  it('is reproducible: the same seed and population give the same sample, another seed another', () => {
    const options = { rate: 0.1, minimum: 2, overrides: [{ ids: [PEOPLE[7].id], rate: 1 }] };
    expect(drawStratified(SEED, PEOPLE.map((p) => ({ ...p })), options)).toEqual(drawStratified(SEED, PEOPLE, options));
    expect(drawStratified('b'.repeat(64), PEOPLE, options)).not.toEqual(drawStratified(SEED, PEOPLE, options));
  });

  it('collapses a row listed twice in its stratum and refuses one listed under two strata', () => {
    const twice = [...PEOPLE, PEOPLE[0], PEOPLE[1]];
    expect(drawStratified(SEED, twice)).toEqual(drawStratified(SEED, PEOPLE));
    const moved = { id: PEOPLE[0].id, stratum: STRATA.find((s) => s !== PEOPLE[0].stratum)! };
    expect(() => drawStratified(SEED, [...PEOPLE, moved])).toThrow(/two strata/);
  });

  it('refuses ambiguous or invalid overrides', () => {
    expect(() => drawStratified(SEED, PEOPLE, { overrides: [{ rate: 1 }] })).toThrow(RangeError);
    expect(() => drawStratified(SEED, PEOPLE, { overrides: [{ stratum: STRATA[0], rate: 0.1 }, { stratum: STRATA[0], rate: 0.2 }] })).toThrow(RangeError);
    expect(() => drawStratified(SEED, PEOPLE, { overrides: [{ ids: ['x'], rate: 1 }, { ids: ['x'], rate: 0.5 }] })).toThrow(RangeError);
    expect(() => drawStratified(SEED, PEOPLE, { overrides: [{ ids: ['x'], rate: 2 }] })).toThrow(RangeError);
    expect(() => drawStratified('weak', PEOPLE)).toThrow(RangeError);
  });

  it('draws nothing from an empty population', () => {
    expect(drawStratified(SEED, [])).toEqual([]);
  });
});
