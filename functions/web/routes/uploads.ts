import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getGate } from '../../data/gates.js';
import { getUpload, saveUpload, type Upload } from '../../data/uploads.js';
import { acceptsUploads, uploadView } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound, TooLarge } from '../errors.js';
import { uploadPage } from '../pages/uploads.js';
import { toCsv } from '../spreadsheet.js';
import { startIntake } from '../workflows.js';
import { attachment, campaignOf } from './campaigns.js';
import { formBody } from './util.js';

export const MAX_UPLOAD_BYTES = 256 * 1024;
const TOO_LARGE = '文件超过 256 KB，暂不能上传。请把名单拆分成几个较小的文件分别上传（更大文件的上传将在后续版本中支持）。';

/** A file name to show: its last path segment, without control characters, not too long. */
function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return Array.from(clean).slice(-120).join('') || '未命名文件';
}

async function uploadOf(c: Context, deps: AppDeps, campaignId: string): Promise<Upload> {
  const id = c.req.param('uploadId') ?? '';
  const upload = /^[a-f0-9]{64}$/.test(id) ? await getUpload(deps.table, campaignId, id) : undefined;
  if (!upload) throw new NotFound('没有找到这个名单文件。');
  return upload;
}

export function uploadRoutes(app: Hono<WebEnv>, deps: AppDeps) {
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
      if (!acceptsUploads(campaign, await getGate(deps.table, campaign.id, 'survey'))) {
        throw new Conflict('只有在「排摸」阶段启动之前才能上传帮困对象名单。');
      }
      const file = (await formBody(c)).file;
      if (!(file instanceof File)) throw new BadRequest('请选择要上传的名单文件。');
      if (file.size === 0) throw new BadRequest('上传的文件是空的。');
      if (file.size > MAX_UPLOAD_BYTES) throw new TooLarge(TOO_LARGE);
      const bytes = Buffer.from(await file.arrayBuffer());
      const uploadId = createHash('sha256').update(bytes).digest('hex');
      const fresh = await saveUpload(deps.table, {
        campaignId: campaign.id,
        id: uploadId,
        fileName: cleanFileName(file.name),
        uploadedAt: deps.now().toISOString(),
        uploadedBy: c.var.coordinator.email,
        content: bytes.toString('base64'),
        rowCount: 0,
        acceptedCount: 0,
        errors: [],
      });
      const page = `/campaigns/${campaign.id}/uploads/${uploadId}`;
      if (!fresh) {
        // The same content again is the same upload. If its intake never started (a fault
        // between saving and starting), starting it now is safe: the execution name is fixed.
        const existing = await getUpload(deps.table, campaign.id, uploadId);
        if (existing && !existing.processedAt) await startIntake(deps, campaign.id, uploadId);
        return c.redirect(`${page}?notice=duplicate`, 303);
      }
      await startIntake(deps, campaign.id, uploadId);
      return c.redirect(`${page}?notice=uploaded`, 303);
    },
  );

  app.get('/campaigns/:id/uploads/:uploadId', async (c) => {
    const campaign = await campaignOf(c, deps);
    const upload = await uploadView(deps, await uploadOf(c, deps, campaign.id));
    return c.html(uploadPage(c.var.coordinator.email, campaign, upload, c.req.query('notice')));
  });

  app.get('/campaigns/:id/uploads/:uploadId/errors.csv', async (c) => {
    const campaign = await campaignOf(c, deps);
    const upload = await uploadOf(c, deps, campaign.id);
    if (!upload.processedAt) throw new Conflict('文件尚未处理完成，请稍后再下载问题清单。');
    const csv = toCsv([['行号', '列', '原因'], ...upload.errors.map((e) => [e.row, e.column, e.reason])]);
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachment(`问题清单-${upload.fileName}.csv`, 'errors.csv'),
    });
  });
}
