/**
 * How the payable register is cut into payment batches: never two (unit, project) pairs in one
 * batch, so that each batch belongs to one unit's list of one project (its channel files and its
 * reconciliation stay per unit and project); at most `size` people each; and always the same cut
 * for the same register, so that a retried plan writes the same batches.
 */

export interface Payable {
  unit: string;
  projectCode: string;
  idHash: string;
}

/** Code-point order, the same on every machine (no locale). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The batches: pairs in order of unit then project, people in order of their hash. */
export function paymentBatches<T extends Payable>(payable: readonly T[], size: number): T[][] {
  const pairs = new Map<string, T[]>();
  for (const p of payable) {
    const id = JSON.stringify([p.unit, p.projectCode]);
    const pair = pairs.get(id);
    if (pair) pair.push(p);
    else pairs.set(id, [p]);
  }
  const ordered = [...pairs.values()].sort((a, b) => byCodePoint(a[0].unit, b[0].unit) || byCodePoint(a[0].projectCode, b[0].projectCode));
  const batches: T[][] = [];
  for (const people of ordered) {
    people.sort((a, b) => byCodePoint(a.idHash, b.idHash));
    for (let from = 0; from < people.length; from += size) batches.push(people.slice(from, from + size));
  }
  return batches;
}
