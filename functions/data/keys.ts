/**
 * Every key of the single table, built here and nowhere else. Keys carry a version prefix so
 * that a later shape of an entity can live beside the old one during a migration.
 */
const V = 'v1';

/** The partition of one upload's temporary items: its file's chunks, its batches and their results. */
const uploadParts = (campaignId: string, uploadId: string) => `${V}#CAMPAIGN#${campaignId}#UPLOAD#${uploadId}`;
/** Sequence numbers sort as numbers. */
const seq = (n: number) => String(n).padStart(6, '0');

/**
 * The table's one secondary index: beneficiaries by unit, so that a unit's list (for its approvers
 * and its posting) is read without the whole register. Sparse: only beneficiaries carry its key.
 * It holds only what a list shows (`attributes`): no phone, no sealed ID or account.
 */
export const UNIT_LIST_INDEX = {
  name: 'unitList',
  partitionKey: 'unitList',
  sortKey: 'sk',
  attributes: ['projectCode', 'idHash', 'idMasked', 'name', 'unit', 'category', 'householdSize', 'amountFen', 'row', 'excludedBy'],
} as const;

export const keys = {
  campaign: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'META' }),
  campaignList: () => ({ pk: `${V}#CAMPAIGNS` }),
  campaignListEntry: (createdAt: string, campaignId: string) => ({ pk: `${V}#CAMPAIGNS`, sk: `${createdAt}#${campaignId}` }),
  upload: (campaignId: string, uploadId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: `UPLOAD#${uploadId}` }),
  uploadPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, skPrefix: 'UPLOAD#' }),
  /** Part n of an upload's file, kept until its intake finishes. */
  uploadChunk: (campaignId: string, uploadId: string, n: number) => ({ pk: uploadParts(campaignId, uploadId), sk: `CHUNK#${seq(n)}` }),
  /** Batch n of an upload's accepted rows, kept until its intake finishes. */
  intakeBatch: (campaignId: string, uploadId: string, n: number) => ({ pk: uploadParts(campaignId, uploadId), sk: `BATCH#${seq(n)}` }),
  /** What storing batch n did, written once. */
  intakeBatchPrefix: (campaignId: string, uploadId: string) => ({ pk: uploadParts(campaignId, uploadId), skPrefix: 'BATCH#' }),
  /** The number of a batch item, from its sort key. */
  intakeBatchNumber: (sk: string) => Number(sk.slice('BATCH#'.length)),
  intakeBatchResult: (campaignId: string, uploadId: string, n: number) => ({ pk: uploadParts(campaignId, uploadId), sk: `RESULT#${seq(n)}` }),
  intakeBatchResultPrefix: (campaignId: string, uploadId: string) => ({ pk: uploadParts(campaignId, uploadId), skPrefix: 'RESULT#' }),
  beneficiary: (campaignId: string, projectCode: string, idHash: string) => ({
    pk: `${V}#CAMPAIGN#${campaignId}#BENEFICIARIES`,
    sk: `${projectCode}#${idHash}`,
  }),
  beneficiaryPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#BENEFICIARIES` }),
  /**
   * Bounds that split the sort keys `<projectCode>#<idHash>` of a register or payments partition by
   * their first character, for reads in ranges (Table.allInRanges); project-partition.ts adds each
   * project's middle. A bound has no '#': never a key.
   */
  projectKeyBounds: [...'123456789', 'A', 'H', 'O', 'V', '_', 'a', 'h', 'o', 'v'] as readonly string[],
  /** A beneficiary's entry in UNIT_LIST_INDEX: its unit's list (a unit never changes once stored). */
  unitList: (campaignId: string, unit: string) => ({ [UNIT_LIST_INDEX.partitionKey]: `${V}#CAMPAIGN#${campaignId}#UNIT#${unit}` }),
  payment: (campaignId: string, projectCode: string, idHash: string) => ({
    pk: `${V}#CAMPAIGN#${campaignId}#PAYMENTS`,
    sk: `${projectCode}#${idHash}`,
  }),
  paymentPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#PAYMENTS` }),
  conflict: (campaignId: string, conflictId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CONFLICTS`, sk: conflictId }),
  conflictPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CONFLICTS` }),
  registeredHousehold: (campaignId: string, register: string, idHash: string) => ({
    pk: `${V}#CAMPAIGN#${campaignId}#REGISTERS`,
    sk: `${register}#${idHash}`,
  }),
  registerPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#REGISTERS` }),
  registerUpload: (campaignId: string, uploadId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: `REGISTER#${uploadId}` }),
  registerUploadPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, skPrefix: 'REGISTER#' }),
  coverage: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'COVERAGE' }),
  gate: (campaignId: string, phase: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: `GATE#${phase}` }),
  sample: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'SAMPLE' }),
  /** Part n of one callback staff member's list of the sample (keys only, no personal data). */
  sampleList: (campaignId: string, staff: string, part: number) => ({ pk: `${V}#CAMPAIGN#${campaignId}#SAMPLE_LISTS`, sk: `STAFF#${staff}#${seq(part)}` }),
  /** One staff member's list parts. */
  sampleListPrefix: (campaignId: string, staff: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#SAMPLE_LISTS`, skPrefix: `STAFF#${staff}#` }),
  /** Part n of one stratum's population as drawn from: the keys, sorted (no personal data). */
  samplePopulation: (campaignId: string, stratum: string, part: number) => ({ pk: `${V}#CAMPAIGN#${campaignId}#SAMPLE_POPULATION`, sk: `STRATUM#${stratum}#${seq(part)}` }),
  samplePopulationPrefix: (campaignId: string, stratum?: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#SAMPLE_POPULATION`, skPrefix: stratum === undefined ? 'STRATUM#' : `STRATUM#${stratum}#` }),
  /** The head of one stratum's replacement order (keys only, no personal data). */
  sampleReplacements: (campaignId: string, stratum: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#SAMPLE_REPLACEMENTS`, sk: `STRATUM#${stratum}` }),
  decision: (campaignId: string, at: string, linkId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: `DECISION#${at}#${linkId}` }),
  decisionPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, skPrefix: 'DECISION#' }),
  link: (linkId: string) => ({ pk: `${V}#LINK#${linkId}`, sk: 'LINK' }),
  session: (sessionId: string) => ({ pk: `${V}#SESSION#${sessionId}`, sk: 'SESSION' }),
  coordinator: (email: string) => ({ pk: `${V}#COORDINATOR#${email.toLowerCase()}`, sk: 'COORDINATOR' }),
  /** A public posting (张榜公示), found by its opaque id alone: the public page's URL carries nothing else. */
  posting: (postingId: string) => ({ pk: `${V}#POSTING#${postingId}`, sk: 'POSTING' }),
  /** A campaign's entry for one posting of one unit's list, opened at `openedAt`. */
  postingEntry: (campaignId: string, openedAt: string, unit: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: `POSTING#${openedAt}#${unit}` }),
  postingEntryPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, skPrefix: 'POSTING#' }),
  postingSettings: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'POSTING_SETTINGS' }),
  objection: (campaignId: string, objectionId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#OBJECTIONS`, sk: objectionId }),
  objectionPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#OBJECTIONS` }),
  /** How many objections one source filed against one posting in one day (rate limit). */
  objectionCount: (postingId: string, day: string, source: string) => ({ pk: `${V}#POSTING#${postingId}`, sk: `COUNT#${day}#${source}` }),
  /** The approval chains configured for a campaign's units. */
  approvalChains: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'CHAINS' }),
  /** One step of one unit's list in one round of its approval chain: its task token and its decision. */
  approvalTask: (campaignId: string, unit: string, round: number, step: number) => ({
    pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`,
    sk: `TASK#${unit}#${seq(round)}#${seq(step)}`,
  }),
  approvalTaskPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`, skPrefix: 'TASK#' }),
  /** A unit's list sent back in a round, waiting for its resubmission (with that wait's task token). */
  resubmission: (campaignId: string, unit: string, round: number) => ({ pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`, sk: `RESUBMIT#${unit}#${seq(round)}` }),
  resubmissionPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`, skPrefix: 'RESUBMIT#' }),
  /** A line removed from a unit's list while it was sent back in a round: who, when and why. */
  lineRemoval: (campaignId: string, unit: string, round: number, lineKey: string) => ({
    pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`,
    sk: `REMOVAL#${unit}#${seq(round)}#${lineKey}`,
  }),
  lineRemovalPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#APPROVALS`, skPrefix: 'REMOVAL#' }),
  /** Batch n of a campaign's payment plan: the keys of the beneficiaries it pays (no personal data). */
  paymentBatch: (campaignId: string, n: number) => ({ pk: `${V}#CAMPAIGN#${campaignId}#PAYMENT_BATCHES`, sk: `BATCH#${seq(n)}` }),
  /** What a group of a payment plan's batches (from batch `first`) paid in one execution, once paid: counts and money only. */
  paymentTally: (campaignId: string, executionId: string, first: number) => ({ pk: `${V}#CAMPAIGN#${campaignId}#PAYMENT_TALLIES`, sk: `${executionId}#BATCHES#${seq(first)}` }),
  paymentTallyPrefix: (campaignId: string, executionId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#PAYMENT_TALLIES`, skPrefix: `${executionId}#BATCHES#` }),
  /** A campaign's latest payment plan: the execution that made it, its batches, and whom and how much it pays. */
  paymentPlan: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'PAYMENT_PLAN' }),
  /** The recorded outcome of calling one sampled beneficiary (`projectCode#idHash`). */
  callOutcome: (campaignId: string, beneficiaryKey: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CALLBACKS`, sk: `OUTCOME#${beneficiaryKey}` }),
  callOutcomePrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CALLBACKS`, skPrefix: 'OUTCOME#' }),
  /** A sampled beneficiary replaced after too many unanswered calls: by whom, for which staff member. */
  replacement: (campaignId: string, replacedKey: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CALLBACKS`, sk: `REPLACED#${replacedKey}` }),
  replacementPrefix: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CALLBACKS`, skPrefix: 'REPLACED#' }),
  /** A beneficiary taken from a replacement order, once: whom they replace. */
  replacementClaim: (campaignId: string, beneficiaryKey: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#CALLBACKS`, sk: `CLAIM#${beneficiaryKey}` }),
  /** The review workflow's wait for the coordinator to end the callbacks (its task token), and how it ended. */
  callbackClose: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'CALLBACK_CLOSE' }),
  /** A follow-up case opened by a callback mismatch, assigned to the beneficiary's unit. */
  followUp: (campaignId: string, caseId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#FOLLOW_UPS`, sk: caseId }),
  followUpPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#FOLLOW_UPS` }),
  /** The campaign's summary (总结): counts and money only, no personal data; a later run replaces it. */
  summary: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}`, sk: 'SUMMARY' }),
  /** A leader's visit (走访慰问) to one household, keyed by (campaign, idHash, date, leader): the same visit twice is one. */
  visit: (campaignId: string, idHash: string, date: string, leader: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#VISITS`, sk: `${idHash}#${date}#${leader}` }),
  visitPartition: (campaignId: string) => ({ pk: `${V}#CAMPAIGN#${campaignId}#VISITS` }),
};
