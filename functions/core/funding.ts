/**
 * Funding sources (资金来源) and the exact split of an amount of fen across them. Every split is
 * integer fen and adds up exactly to what was split; rounding is the largest-remainder method,
 * ties broken by the sources' order, so the same input always gives the same split.
 */

/** The sources a project's money comes from, in the order sheets and pages show them. */
export const FUNDING_SOURCES = [
  { key: 'city', name: '市级' },
  { key: 'department', name: '部门预算' },
  { key: 'district', name: '区级' },
  { key: 'town', name: '街镇配套' },
  { key: 'line', name: '条线自筹' },
  { key: 'donation', name: '社会募集' },
] as const;

export type FundingSource = (typeof FUNDING_SOURCES)[number]['key'];
export const FUNDING_SOURCE_KEYS = FUNDING_SOURCES.map((s) => s.key) as [FundingSource, ...FundingSource[]];
export const sourceName = (key: FundingSource) => FUNDING_SOURCES.find((s) => s.key === key)!.name;

/** Fen per source; a source absent holds 0. */
export type SourceAmounts = Partial<Record<FundingSource, number>>;

const ZERO_SOURCES = Object.freeze(Object.fromEntries(FUNDING_SOURCE_KEYS.map((k) => [k, 0])) as Record<FundingSource, number>);
/** Every source with 0 fen (a new object each time). */
export const zeroSources = (): Record<FundingSource, number> => ({ ...ZERO_SOURCES });

export const sumSources = (amounts: SourceAmounts) => FUNDING_SOURCE_KEYS.reduce((n, k) => n + (amounts[k] ?? 0), 0);

/**
 * Splits `totalFen` in proportion to `weights` (non-negative integers, not all 0) by largest
 * remainder: each source gets the floor of its exact share, and the fen left over go one each to
 * the largest remainders (earlier sources first on a tie). No part exceeds its exact share by a
 * whole fen, so a part never exceeds its weight when `totalFen` ≤ the sum of the weights.
 */
export function splitByWeights(totalFen: number, weights: SourceAmounts): Record<FundingSource, number> {
  const sum = sumSources(weights);
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) throw new RangeError('splitByWeights: totalFen must be a non-negative integer');
  if (sum <= 0) throw new RangeError('splitByWeights: the weights must not all be 0');
  const parts = zeroSources();
  const remainders = exactlyInNumbers(totalFen, weights) ? floorShares(totalFen, weights, sum, parts) : floorSharesBig(totalFen, weights, sum, parts);
  const order = FUNDING_SOURCE_KEYS.map((_, i) => i).sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1));
  for (let left = totalFen - sumSources(parts), i = 0; left > 0; left--, i++) parts[FUNDING_SOURCE_KEYS[order[i]]] += 1;
  return parts;
}

/** Whether every share's product stays within the integers a Number holds exactly. */
const exactlyInNumbers = (totalFen: number, weights: SourceAmounts) =>
  FUNDING_SOURCE_KEYS.every((k) => totalFen * (weights[k] ?? 0) <= Number.MAX_SAFE_INTEGER);

/**
 * Each source's floor share into `parts`; the remainders, in the sources' order. Exact within
 * exactlyInNumbers: below 2^53 a correctly rounded quotient of integers never reaches the next integer.
 */
function floorShares(totalFen: number, weights: SourceAmounts, sum: number, parts: Record<FundingSource, number>): number[] {
  return FUNDING_SOURCE_KEYS.map((key) => {
    const exact = totalFen * (weights[key] ?? 0);
    parts[key] = Math.floor(exact / sum);
    return exact - parts[key] * sum;
  });
}

/** floorShares in BigInt, for products past Number's exact integers. */
function floorSharesBig(totalFen: number, weights: SourceAmounts, sum: number, parts: Record<FundingSource, number>): bigint[] {
  const total = BigInt(totalFen);
  const big = BigInt(sum);
  return FUNDING_SOURCE_KEYS.map((key) => {
    const exact = total * BigInt(weights[key] ?? 0);
    parts[key] = Number(exact / big);
    return exact % big;
  });
}

/**
 * Splits each of `amounts` (in order) so that the parts of every amount add up to it and the parts
 * of all amounts add up, per source, to `splitByWeights(sum of amounts, weights)`. Each amount is
 * split in proportion to what is still left per source, so no source runs below 0 and the
 * per-source totals carry no rounding drift however many amounts there are.
 */
export function splitEach(amounts: readonly number[], weights: SourceAmounts): Record<FundingSource, number>[] {
  let left = splitByWeights(amounts.reduce((n, a) => n + a, 0), weights);
  return amounts.map((amount) => {
    const part = sumSources(left) === 0 ? zeroSources() : splitByWeights(amount, left);
    const rest = { ...left };
    for (const k of FUNDING_SOURCE_KEYS) rest[k] -= part[k];
    left = rest;
    return part;
  });
}
