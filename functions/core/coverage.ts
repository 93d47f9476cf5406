/**
 * 广覆盖、不遗漏: every household on a base register (低保, 特困 …) should be covered by at least one
 * project. A household is matched to beneficiaries by the keyed hash of its ID number.
 */
import { byZh } from './zh-order.js';

/** One household as a base register lists it: the ID number only hashed and masked. */
export interface RegisterEntry {
  idHash: string;
  idMasked: string;
  name: string;
  unit: string;
  register: string;
}

/** A household that no project covers, as the report lists it (masked). */
export interface UncoveredHousehold {
  idMasked: string;
  name: string;
  registers: string[];
}

export interface UnitCoverage {
  unit: string;
  registered: number;
  covered: number;
  uncovered: number;
  /** The first uncovered households, in register order; fewer than `uncovered` when the list is capped. */
  listed: UncoveredHousehold[];
}

export interface Coverage {
  registered: number;
  covered: number;
  uncovered: number;
  /** Every unit with a registered household: the campaign's units in their order, then any others. */
  units: UnitCoverage[];
}

export interface CoverageOptions {
  /** The campaign's units, to order the report as the campaign lists them. */
  unitOrder?: readonly string[];
  /** Uncovered households listed per unit (default 100). */
  perUnit?: number;
  /** Uncovered households listed in all (default 3000), so that the stored report stays small. */
  total?: number;
}

/**
 * Counts, per unit, the registered households that no beneficiary covers. A person on two
 * registers is one household (in the unit where first listed); `covered` holds the hashes of
 * every beneficiary still in the register (not excluded).
 */
export function coverageByUnit(entries: readonly RegisterEntry[], covered: ReadonlySet<string>, options: CoverageOptions = {}): Coverage {
  const perUnit = options.perUnit ?? 100;
  let budget = options.total ?? 3000;
  const households = new Map<string, RegisterEntry & { registers: string[] }>();
  for (const e of entries) {
    const seen = households.get(e.idHash);
    if (!seen) households.set(e.idHash, { ...e, registers: [e.register] });
    else if (!seen.registers.includes(e.register)) seen.registers.push(e.register);
  }
  const units = new Map<string, UnitCoverage & { gaps: UncoveredHousehold[] }>();
  for (const h of households.values()) {
    let unit = units.get(h.unit);
    if (!unit) units.set(h.unit, (unit = { unit: h.unit, registered: 0, covered: 0, uncovered: 0, listed: [], gaps: [] }));
    unit.registered++;
    if (covered.has(h.idHash)) unit.covered++;
    else {
      unit.uncovered++;
      if (unit.gaps.length < perUnit) unit.gaps.push({ idMasked: h.idMasked, name: h.name, registers: h.registers });
    }
  }
  const order = options.unitOrder ?? [];
  const rank = (unit: string) => (order.includes(unit) ? order.indexOf(unit) : order.length);
  const sorted = [...units.values()]
    .sort((a, b) => rank(a.unit) - rank(b.unit) || byZh(a.unit, b.unit))
    .map(({ gaps, ...unit }): UnitCoverage => {
      const listed = gaps.slice(0, Math.max(0, budget));
      budget -= listed.length;
      return { ...unit, listed };
    });
  const sum = (pick: (u: UnitCoverage) => number) => sorted.reduce((n, u) => n + pick(u), 0);
  return { registered: households.size, covered: sum((u) => u.covered), uncovered: sum((u) => u.uncovered), units: sorted };
}
