import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { buildIntakeErrorWorkbook, REASON_HEADER } from '../../core/intake-file.js';
import { surveyTakesLists } from '../../core/upload-window.js';
import type { Campaign } from '../../data/campaigns.js';
import { getGate } from '../../data/gates.js';
import { unitsTakingUploadsNow } from '../../data/upload-window.js';
import { attemptOf, getUpload, restartUpload, saveUpload, saveUploadFile, type Upload } from '../../data/uploads.js';
import { uploadView } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, Gone, NotFound, TooLarge } from '../errors.js';
import { ERROR_FILE_REMOVED, uploadPage } from '../pages/uploads.js';
import { toCsv } from '../spreadsheet.js';
import { startIntake } from '../workflows.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody, shownFileName } from './util.js';

/**
 * The largest file taken: a form carrying it, base64 as API Gateway passes a binary body, stays
 * within Lambda's 6 MB request payload. A CSV of 20,000 rows is about 2 MB.
 */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
const TOO_LARGE = '文件超过 4 MB，不能上传。请把名单按单位或按项目拆分成几个较小的文件，分别上传（每个文件不超过 4 MB，约 4 万行）。';

async function uploadOf(c: Context, deps: AppDeps, campaignId: string): Promise<Upload> {
  const id = c.req.param('uploadId') ?? '';
  const upload = /^[a-f0-9]{64}$/.test(id) ? await getUpload(deps.table, campaignId, id) : undefined;
  if (!upload) throw new NotFound('没有找到这个名单文件。');
  return upload;
}

export function uploadRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  /** Error files serve corrected re-uploads: only while 排摸 takes lists, before its close removes their rows. */
  const errorFilesOpen = async (campaign: Campaign) => surveyTakesLists(campaign, await getGate(deps.table, campaign.id, 'survey'));

  app.post(
    '/campaigns/:id/uploads',
    // The form's own overhead on top of the file; a bigger body is refused before it is read.
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES + 16 * 1024,
      onError: () => {
        throw new TooLarge(TOO_LARGE);
      },
    }),
    async (c) => {
      const campaign = await campaignOf(c, deps);
      // Which rows of the file may change what is intake's to say, row by row (see prepareIntake).
      if ((await unitsTakingUploadsNow(deps.table, campaign)).length === 0) {
        throw new Conflict('只有在「排摸」阶段启动之前，或单位名单被退回修改、尚未重新提交时，才能上传帮困对象名单。');
      }
      const file = (await formBody(c)).file;
      if (!(file instanceof File)) throw new BadRequest('请选择要上传的名单文件。');
      if (file.size === 0) throw new BadRequest('上传的文件是空的。');
      if (file.size > MAX_UPLOAD_BYTES) throw new TooLarge(TOO_LARGE);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const uploadId = createHash('sha256').update(bytes).digest('hex');
      const page = `/campaigns/${campaign.id}/uploads/${uploadId}`;
      // The same content again is the same upload. If its intake never started (a fault
      // between saving and starting), starting it now is safe: the execution name is fixed.
      const duplicate = async (existing: Upload | undefined) => {
        if (existing && !existing.processedAt && !existing.failedAt) await startIntake(deps, campaign.id, uploadId, attemptOf(existing));
        return c.redirect(`${page}?notice=duplicate`, 303);
      };
      // The file is written before the upload that names it, and not again for an upload already
      // there: its intake may have finished and deleted the file, which holds raw ID numbers.
      const newUpload = async (): Promise<Upload> => ({
        campaignId: campaign.id,
        id: uploadId,
        fileName: shownFileName(file.name),
        uploadedAt: deps.now().toISOString(),
        uploadedBy: c.var.coordinator.email,
        chunkCount: await saveUploadFile(deps.table, campaign.id, uploadId, bytes),
        rowCount: 0,
        acceptedCount: 0,
        errors: [],
        attempt: 1,
      });
      const existing = await getUpload(deps.table, campaign.id, uploadId);
      if (existing) {
        if ((await uploadView(deps, existing)).state !== 'failed') return duplicate(existing);
        // A failed upload comes again: its file is saved again and the next attempt starts, once
        // (of two such uploads at the same time, the other finds the upload restarted).
        const failedAttempt = attemptOf(existing);
        if (!(await restartUpload(deps.table, await newUpload(), failedAttempt))) return duplicate(await getUpload(deps.table, campaign.id, uploadId));
        await startIntake(deps, campaign.id, uploadId, failedAttempt + 1);
        return c.redirect(`${page}?notice=retried`, 303);
      }
      const fresh = await saveUpload(deps.table, await newUpload());
      if (!fresh) return duplicate(await getUpload(deps.table, campaign.id, uploadId));
      await startIntake(deps, campaign.id, uploadId, 1);
      return c.redirect(`${page}?notice=uploaded`, 303);
    },
  );

  app.get('/campaigns/:id/uploads/:uploadId', async (c) => {
    const campaign = await campaignOf(c, deps);
    const stored = await uploadOf(c, deps, campaign.id);
    const upload = await uploadView(deps, stored);
    const errorFiles = await errorFilesOpen(campaign);
    return c.html(uploadPage(c.var.coordinator.email, campaign, upload, { notice: c.req.query('notice'), errorFiles, rejectedRowsKept: stored.rejectedRows?.rows.length ?? 0 }));
  });

  /**
   * The error file: the rejected rows as they were sent, plus 错误原因, to correct and upload again.
   * It holds the raw ID numbers the unit typed (nowhere else shown), so it is only a download.
   */
  const rejectedRowsOf = async (c: Context) => {
    const campaign = await campaignOf(c, deps);
    const upload = await uploadOf(c, deps, campaign.id);
    if (!(await errorFilesOpen(campaign))) throw new Gone(ERROR_FILE_REMOVED, '错误文件已删除');
    if (!upload.processedAt) throw new Conflict('文件尚未处理完成，请稍后再下载错误文件。');
    if (!upload.rejectedRows?.rows.length) throw new NotFound('这个文件没有被退回的数据行。');
    return { campaign, upload, rejected: upload.rejectedRows };
  };
  const errorFileName = (fileName: string, extension: string) => `退回的行-${fileName.replace(/\.[^.]*$/, '')}.${extension}`;

  app.get('/campaigns/:id/uploads/:uploadId/errors.csv', async (c) => {
    const { upload, rejected } = await rejectedRowsOf(c);
    const csv = toCsv([[...rejected.headers, REASON_HEADER], ...rejected.rows.map((r) => [...r.values, r.reasons])]);
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachment(errorFileName(upload.fileName, 'csv'), 'errors.csv'),
    });
  });

  app.get('/campaigns/:id/uploads/:uploadId/errors.xlsx', async (c) => {
    const { campaign, upload, rejected } = await rejectedRowsOf(c);
    const rules = { units: campaign.units, categories: campaign.categories, projects: campaign.projects };
    const file = await buildIntakeErrorWorkbook(rules, rejected);
    return c.body(new Uint8Array(file), 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': attachment(errorFileName(upload.fileName, 'xlsx'), 'errors.xlsx'),
    });
  });
}
