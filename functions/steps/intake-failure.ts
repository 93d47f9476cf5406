import { attemptOf, deleteUploadParts, getUpload, recordIntakeFailure, writtenBatchCount, type Upload } from '../data/uploads.js';
import type { Table } from '../data/table.js';

/*
 * When the intake workflow fails (a step failed after its retries), its Catch runs this step: the
 * file's chunks and the batches hold raw ID numbers and personal data, so they are deleted, and the
 * failure is recorded on the upload for the unit, which may upload the same file again (see
 * restartUpload). Beneficiaries that batches stored before the failure stay: the next attempt
 * counts them as this upload's own (see upsertBeneficiary).
 */

/** What a Catch puts beside the state's input: the error's name and its cause. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

export interface IntakeFailureInput {
  campaignId: string;
  uploadId: string;
  attempt: number;
  error: CaughtError;
}

export interface IntakeFailureDeps {
  table: Table;
  now?: () => Date;
  /** Where the technical error goes (default: the function's log), without personal data. */
  log?: (entry: Record<string, unknown>) => void;
}

/** Why the attempt failed, for the unit: where it stopped, never internals. */
export function failureReasonOf(upload: Pick<Upload, 'batchCount'>, error: CaughtError): string {
  const stage = upload.batchCount === undefined ? '读取和检查文件时出错' : '保存名单数据时出错';
  return `处理失败：${stage}${error.Error === 'States.Timeout' ? '（处理超时）' : ''}。`;
}

/** Digit runs as long as a phone or an ID number: never logged, whatever an error message quotes. */
const redacted = (text: string) => text.replace(/\d{11,}[\dXx]?/g, '[redacted]');

/** The error as logged: its name, and the cause's type and message (not its stack), redacted. */
function loggedError(error: CaughtError): Record<string, unknown> {
  let cause: { errorType?: unknown; errorMessage?: unknown } = {};
  try {
    cause = JSON.parse(error.Cause ?? '{}') as typeof cause;
  } catch {
    cause = { errorMessage: error.Cause };
  }
  return {
    error: error.Error,
    errorType: typeof cause.errorType === 'string' ? cause.errorType : undefined,
    errorMessage: typeof cause.errorMessage === 'string' ? redacted(cause.errorMessage).slice(0, 500) : undefined,
  };
}

const defaultLog = (entry: Record<string, unknown>) => console.error(JSON.stringify(entry));

/**
 * Deletes the failed attempt's chunks and batches, then records the failure on the upload. The
 * deletion comes first, so that once the upload says it failed (and may be uploaded again) nothing
 * of the attempt is left. Safe to repeat: an attempt already recorded, finished, or followed by a
 * later one (whose file is saved again) is left alone.
 */
export async function failIntake(input: IntakeFailureInput, deps: IntakeFailureDeps): Promise<{ uploadId: string; attempt: number; reason?: string }> {
  const { table } = deps;
  const { campaignId, uploadId, attempt } = input;
  (deps.log ?? defaultLog)({ level: 'ERROR', message: 'Intake failed', campaignId, uploadId, attempt, ...loggedError(input.error) });
  const upload = await getUpload(table, campaignId, uploadId);
  if (!upload) throw new Error(`Unknown upload: ${campaignId}/${uploadId}`);
  if (attemptOf(upload) !== attempt || upload.processedAt || upload.failedAt) return { uploadId, attempt };

  // A Prepare that failed part-way may have written batches without recording how many.
  const batchCount = upload.batchCount ?? (await writtenBatchCount(table, campaignId, uploadId));
  await deleteUploadParts(table, { ...upload, batchCount });
  const reason = failureReasonOf(upload, input.error);
  const failedAt = (deps.now ?? (() => new Date()))().toISOString();
  await recordIntakeFailure(table, campaignId, uploadId, attempt, { failedAt, failureReason: reason });
  return { uploadId, attempt, reason };
}
