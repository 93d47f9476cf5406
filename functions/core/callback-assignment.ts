/**
 * Who calls whom (回访分工): evenly, round robin over the staff in draw order, or by town: the
 * coordinator maps units to staff members; the people of a unit not mapped are shared out evenly.
 */

export type AssignmentMode = 'even' | 'byUnit';

/** A campaign's callback settings. */
export interface CallbackSettings {
  assignment: AssignmentMode;
  /** Unit → staff email, used when `assignment` is 'byUnit'. */
  unitStaff: Record<string, string>;
  /** Unanswered calls after which a person is replaced. */
  maxAttempts: number;
}

export const DEFAULT_CALLBACK_SETTINGS: CallbackSettings = { assignment: 'even', unitStaff: {}, maxAttempts: 3 };

/** Each staff member's list, in draw order; every staff member has one, maybe empty. */
export function assignCalls(drawn: readonly { id: string; unit: string }[], staff: readonly string[], settings: Pick<CallbackSettings, 'assignment' | 'unitStaff'>): Record<string, string[]> {
  if (staff.length === 0) throw new RangeError('assignCalls: there must be at least one callback staff member');
  const lists: Record<string, string[]> = Object.fromEntries(staff.map((s) => [s, [] as string[]]));
  let next = 0;
  for (const { id, unit } of drawn) {
    const mapped = settings.assignment === 'byUnit' ? settings.unitStaff[unit] : undefined;
    if (mapped !== undefined && mapped in lists) lists[mapped].push(id);
    else lists[staff[next++ % staff.length]].push(id);
  }
  return lists;
}
