import { createHash } from 'node:crypto';
import { beneficiaryKey, excludeBeneficiary, isExcluded, parseBeneficiaryKey, type BeneficiaryRecord } from './exclusions.js';
import { keys } from './keys.js';
import type { Table } from './table.js';

export type ConflictStatus = 'open' | 'resolved';

export interface Resolution {
  /** The beneficiary kept (`projectCode#idHash`); the other is excluded. */
  keep: string;
  reason: string;
  by: string;
  at: string;
}

/**
 * One person nominated for two mutually exclusive projects (by one unit or two), keyed by
 * (campaign, idHash, pair). The coordinator resolves it by keeping one nomination, with a reason.
 */
export interface Conflict {
  campaignId: string;
  id: string;
  idHash: string;
  idMasked: string;
  name: string;
  /** The two project codes, in code order. */
  projects: [string, string];
  /** The two beneficiaries' keys (`projectCode#idHash`), aligned with `projects`. */
  beneficiaries: [string, string];
  /** The units that nominated them, aligned with `projects`. */
  units: [string, string];
  status: ConflictStatus;
  foundAt: string;
  resolution?: Resolution;
}

/** The conflict's id: derived from (idHash, pair), so finding it again names the same conflict. */
export const conflictIdOf = (idHash: string, projects: readonly [string, string]) =>
  createHash('sha256').update(`${idHash}#${[...projects].sort().join('#')}`).digest('hex').slice(0, 32);

export const CONFLICT_ID = /^[a-f0-9]{32}$/;

/** Records a newly found conflict once; one already recorded (open or resolved) is left as it is. */
export const saveConflict = (table: Table, conflict: Conflict) => table.putIfAbsent(keys.conflict(conflict.campaignId, conflict.id), { ...conflict });

export const getConflict = (table: Table, campaignId: string, conflictId: string) => table.get<Conflict>(keys.conflict(campaignId, conflictId));

export const listConflicts = (table: Table, campaignId: string) => table.all<Conflict>(keys.conflictPartition(campaignId).pk);

export type ResolveOutcome = 'resolved' | 'already-resolved' | 'not-found' | 'invalid-keep' | 'kept-excluded';

/** The beneficiary of a conflict that its resolution does not keep. */
export const notKept = (conflict: Conflict, keep: string) => conflict.beneficiaries.find((b) => b !== keep)!;

export interface ResolveInput {
  campaignId: string;
  conflictId: string;
  keep: string;
  reason: string;
  by: string;
  at: Date;
  /** The campaign's mutually exclusive project pairs: where the same person's other conflicts can be. */
  exclusivePairs: readonly (readonly [string, string])[];
}

/**
 * Resolves a conflict: keeps one beneficiary and excludes the other. The resolution is one
 * conditional write (open → resolved), so a double submit resolves once; the exclusion follows
 * the stored resolution and is idempotent, so a retry after a fault completes it. Other open
 * conflicts of the same person that the exclusion settles are resolved with it, attributed alike.
 */
export async function resolveConflict(table: Table, input: ResolveInput): Promise<ResolveOutcome> {
  const conflict = await getConflict(table, input.campaignId, input.conflictId);
  if (!conflict) return 'not-found';
  if (conflict.status === 'open') {
    if (!conflict.beneficiaries.includes(input.keep)) return 'invalid-keep';
    const kept = parseBeneficiaryKey(input.keep)!;
    const keptRecord = await table.get<BeneficiaryRecord>(keys.beneficiary(input.campaignId, kept.projectCode, kept.idHash));
    if (!keptRecord || isExcluded(keptRecord)) return 'kept-excluded';
  }
  const resolution: Resolution = { keep: input.keep, reason: input.reason, by: input.by, at: input.at.toISOString() };
  const won = await table.update(keys.conflict(input.campaignId, input.conflictId), { status: 'resolved', resolution }, {
    expression: '#status = :open',
    names: { '#status': 'status' },
    values: { ':open': 'open' },
  });
  const settled = won ? { ...conflict, status: 'resolved' as const, resolution } : (await getConflict(table, input.campaignId, input.conflictId))!;
  const excluded = notKept(settled, settled.resolution!.keep);
  await excludeBeneficiary(table, input.campaignId, excluded, settled.id);
  if (won) await settleOthers(table, settled, excluded, input);
  return won ? 'resolved' : 'already-resolved';
}

/**
 * Open conflicts in which the beneficiary just excluded takes part need no decision any more. They
 * are the same person's, each pairing the excluded project with one it excludes: read by their ids.
 */
async function settleOthers(table: Table, resolved: Conflict, excluded: string, input: Pick<ResolveInput, 'by' | 'at' | 'exclusivePairs'>) {
  const { projectCode: project, idHash } = parseBeneficiaryKey(excluded)!;
  const partners = input.exclusivePairs.filter((pair) => pair.includes(project)).map((pair) => (pair[0] === project ? pair[1] : pair[0]));
  const ids = partners.map((other) => conflictIdOf(idHash, [project, other])).filter((id) => id !== resolved.id);
  const candidates = await table.getMany<Conflict>(ids.map((id) => keys.conflict(resolved.campaignId, id)));
  const others = candidates.filter((c): c is Conflict => c?.status === 'open' && c.beneficiaries.includes(excluded));
  for (const other of others) {
    const keep = notKept(other, excluded);
    const resolution: Resolution = { keep, reason: `「${project}」已在处理另一冲突时排除`, by: input.by, at: input.at.toISOString() };
    await table.update(keys.conflict(other.campaignId, other.id), { status: 'resolved', resolution }, {
      expression: '#status = :open',
      names: { '#status': 'status' },
      values: { ':open': 'open' },
    });
  }
}

/** The conflict record for a pair of one person's nominations found by the de-duplication. */
export function conflictFrom(campaignId: string, found: { idHash: string; idMasked: string; name: string; projects: [string, string]; units: [string, string] }, foundAt: Date): Conflict {
  return {
    campaignId,
    id: conflictIdOf(found.idHash, found.projects),
    idHash: found.idHash,
    idMasked: found.idMasked,
    name: found.name,
    projects: found.projects,
    beneficiaries: [beneficiaryKey({ projectCode: found.projects[0], idHash: found.idHash }), beneficiaryKey({ projectCode: found.projects[1], idHash: found.idHash })],
    units: found.units,
    status: 'open',
    foundAt: foundAt.toISOString(),
  };
}
