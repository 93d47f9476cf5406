/**
 * 少重复: one person nominated for several projects, by one unit or by several. Keyed on the keyed
 * hash of the normalised ID number, across every unit and project of a campaign. A pair of projects
 * configured as mutually exclusive is a conflict for the coordinator; any other pair combines.
 */

/** One nomination of one person for one project, as stored (see Beneficiary). */
export interface Nomination {
  idHash: string;
  projectCode: string;
  unit: string;
  idMasked: string;
  name: string;
  /** Set once a resolved conflict excluded this nomination. */
  excludedBy?: string;
}

/** Two nominations of one person for mutually exclusive projects. */
export interface DuplicateConflict {
  idHash: string;
  idMasked: string;
  name: string;
  /** The two project codes, in code order. */
  projects: [string, string];
  /** The two nominations' units, aligned with `projects`. */
  units: [string, string];
}

export interface Duplicates {
  /** People nominated for two or more projects. */
  people: number;
  /** Pairs of one person's nominations for two projects that combine. */
  combinable: number;
  /** Pairs for mutually exclusive projects where neither nomination is already excluded. */
  conflicts: DuplicateConflict[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Whether two project codes may not be received together, under a campaign's exclusive pairs. */
export function exclusivity(exclusivePairs: readonly (readonly [string, string])[]): (a: string, b: string) => boolean {
  const pairs = new Set(exclusivePairs.map(([a, b]) => pairKey(a, b)));
  return (a, b) => pairs.has(pairKey(a, b));
}

/** Finds every person nominated more than once and sorts each pair of their nominations into combinable or conflicting. */
export function findDuplicates(nominations: readonly Nomination[], exclusivePairs: readonly (readonly [string, string])[]): Duplicates {
  const exclusive = exclusivity(exclusivePairs);
  const byPerson = new Map<string, Nomination[]>();
  for (const n of nominations) {
    const list = byPerson.get(n.idHash);
    if (list) list.push(n);
    else byPerson.set(n.idHash, [n]);
  }
  const result: Duplicates = { people: 0, combinable: 0, conflicts: [] };
  for (const list of byPerson.values()) {
    if (list.length < 2) continue;
    result.people++;
    const sorted = [...list].sort((x, y) => (x.projectCode < y.projectCode ? -1 : x.projectCode > y.projectCode ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const [a, b] = [sorted[i], sorted[j]];
        if (!exclusive(a.projectCode, b.projectCode)) result.combinable++;
        else if (!a.excludedBy && !b.excludedBy) {
          result.conflicts.push({ idHash: a.idHash, idMasked: a.idMasked, name: a.name, projects: [a.projectCode, b.projectCode], units: [a.unit, b.unit] });
        }
      }
    }
  }
  return result;
}
