/**
 * Stratified callback sample (分层抽样): the fair draw of sampling.ts, run per stratum (town × category).
 * Each stratum's ids are put in rank order (HMAC-SHA256(seed, id), see rankOrder); the lowest ranks
 * are drawn and the rest of that order is the replacement order: a person unreachable after N
 * attempts is replaced by the first in it not used yet. Anyone with the seed and the list redoes it.
 */
import { rankOrder, sampleSize } from './sampling.js';

/** The one way a stratum key is built. A unit may not contain '|', so the key splits back unambiguously. */
export function stratumKey(unit: string, category: string): string {
  if (unit.includes('|')) throw new RangeError(`stratumKey: a unit may not contain "|" (${unit})`);
  return `${unit}|${category}`;
}

export function parseStratumKey(key: string): { unit: string; category: string } {
  const at = key.indexOf('|');
  if (at < 0) throw new RangeError(`parseStratumKey: not a stratum key (${key})`);
  return { unit: key.slice(0, at), category: key.slice(at + 1) };
}

/**
 * A rule that differs from the default rate.
 * - `{ stratum, rate }`: the whole stratum's quota uses this rate (the minimum still holds).
 * - `{ ids, rate }` (optionally with `stratum`): of the listed ids in each stratum, ceil(n × rate)
 *   are drawn (all of them at rate 1, e.g. households related to staff), IN ADDITION to the
 *   stratum's quota: they never use up the places of the random draw. Listed ids that are not in
 *   the population are ignored.
 */
export interface SamplingOverride {
  stratum?: string;
  ids?: readonly string[];
  rate: number;
}

export interface StratifiedOptions {
  /** Default rate per stratum (5%). */
  rate?: number;
  /** Minimum per stratum, population permitting (1). */
  minimum?: number;
  overrides?: readonly SamplingOverride[];
}

export interface StratumDraw {
  stratum: string;
  population: number;
  /** The random draw's places: sampleSize(population, { rate, minimum }) with the stratum's rate. */
  quota: number;
  /** Drawn by an id override, on top of the quota (rank order). */
  extra: string[];
  /** Everyone drawn, extra included, in rank order. */
  drawn: string[];
  /** The rest of the stratum in rank order: who replaces an unreachable person, first to last. */
  replacements: string[];
}

/**
 * Draws every stratum; strata sorted by key. Independent of the input's order. An id listed twice
 * with the same stratum counts once; an id listed under two strata is refused (RangeError), since
 * it could then be drawn, or replace someone, twice.
 */
export function drawStratified(seed: string, population: readonly { id: string; stratum: string }[], options: StratifiedOptions = {}): StratumDraw[] {
  const { rate = 0.05, minimum = 1, overrides = [] } = options;
  const members = groupByStratum(population);
  const { stratumRates, idRules } = splitOverrides(overrides);
  return [...members.keys()].sort().map((stratum) => {
    const order = rankOrder(seed, members.get(stratum)!);
    const quota = sampleSize(order.length, { rate: stratumRates.get(stratum) ?? rate, minimum });
    const extra = new Set<string>();
    for (const rule of idRules) {
      if (rule.stratum !== undefined && rule.stratum !== stratum) continue;
      const listed = order.filter((id) => rule.ids.has(id));
      listed.slice(0, sampleSize(listed.length, { rate: rule.rate, minimum: 0 })).forEach((id) => extra.add(id));
    }
    const chosen = new Set([...extra, ...order.filter((id) => !extra.has(id)).slice(0, quota)]);
    return {
      stratum, population: order.length, quota,
      extra: order.filter((id) => extra.has(id)),
      drawn: order.filter((id) => chosen.has(id)),
      replacements: order.filter((id) => !chosen.has(id)),
    };
  });
}

function groupByStratum(population: readonly { id: string; stratum: string }[]): Map<string, string[]> {
  const stratumOfId = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const { id, stratum } of population) {
    const known = stratumOfId.get(id);
    if (known === stratum) continue;
    if (known !== undefined) throw new RangeError(`drawStratified: ${id} is listed under two strata (${known}, ${stratum})`);
    stratumOfId.set(id, stratum);
    const list = members.get(stratum);
    if (list) list.push(id);
    else members.set(stratum, [id]);
  }
  return members;
}

function splitOverrides(overrides: readonly SamplingOverride[]) {
  const stratumRates = new Map<string, number>();
  const idRules: { stratum?: string; ids: Set<string>; rate: number }[] = [];
  const listedIds = new Set<string>();
  for (const o of overrides) {
    sampleSize(0, { rate: o.rate }); // validates the rate
    if (o.ids) {
      for (const id of o.ids) {
        if (listedIds.has(id)) throw new RangeError(`drawStratified: ${id} is listed by two overrides`);
        listedIds.add(id);
      }
      idRules.push({ stratum: o.stratum, ids: new Set(o.ids), rate: o.rate });
    } else if (o.stratum !== undefined) {
      if (stratumRates.has(o.stratum)) throw new RangeError(`drawStratified: two rates for stratum ${o.stratum}`);
      stratumRates.set(o.stratum, o.rate);
    } else {
      throw new RangeError('drawStratified: an override needs a stratum or ids');
    }
  }
  return { stratumRates, idRules };
}
