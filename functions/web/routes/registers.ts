import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { surveyTakesLists } from '../../core/upload-window.js';
import { getGate } from '../../data/gates.js';
import { getRegisterUpload, listRegisteredHouseholds, listRegisterUploads, type RegisterUpload } from '../../data/registers.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound, TooLarge } from '../errors.js';
import { registersPage, registerUploadPage } from '../pages/registers.js';
import { importRegister } from '../register-import.js';
import { campaignOf } from './campaigns.js';
import { formBody, shownFileName } from './util.js';

export const MAX_REGISTER_BYTES = 1024 * 1024;
const TOO_LARGE = '名册文件超过 1 MB，请按街镇拆分成几个较小的文件分别上传。';

async function registerUploadOf(c: Context, deps: AppDeps, campaignId: string): Promise<RegisterUpload> {
  const id = c.req.param('uploadId') ?? '';
  const upload = /^[a-f0-9]{64}$/.test(id) ? await getRegisterUpload(deps.table, campaignId, id) : undefined;
  if (!upload) throw new NotFound('没有找到这个名册文件。');
  return upload;
}

/** 名册: the coordinator loads base registers (低保、特困 …) during 排摸, for the coverage check at its close. */
export function registerRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/registers', async (c) => {
    const campaign = await campaignOf(c, deps);
    const [uploads, households, surveyGate] = await Promise.all([
      listRegisterUploads(deps.table, campaign.id),
      listRegisteredHouseholds(deps.table, campaign.id),
      getGate(deps.table, campaign.id, 'survey'),
    ]);
    const perRegister = new Map<string, number>();
    for (const h of households) perRegister.set(h.register, (perRegister.get(h.register) ?? 0) + 1);
    return c.html(registersPage({
      user: c.var.coordinator.email,
      campaign,
      uploads: uploads.sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt)),
      registers: [...perRegister].map(([register, count]) => ({ register, households: count })),
      open: surveyTakesLists(campaign, surveyGate),
      notice: c.req.query('notice'),
    }));
  });

  app.post(
    '/campaigns/:id/registers',
    bodyLimit({
      maxSize: MAX_REGISTER_BYTES + 16 * 1024,
      onError: () => {
        throw new TooLarge(TOO_LARGE);
      },
    }),
    async (c) => {
      const campaign = await campaignOf(c, deps);
      if (!surveyTakesLists(campaign, await getGate(deps.table, campaign.id, 'survey'))) {
        throw new Conflict('只有在「排摸」阶段结束之前才能导入名册。');
      }
      const file = (await formBody(c)).file;
      if (!(file instanceof File)) throw new BadRequest('请选择要上传的名册文件。');
      if (file.size === 0) throw new BadRequest('上传的文件是空的。');
      if (file.size > MAX_REGISTER_BYTES) throw new TooLarge(TOO_LARGE);
      const { idHashKey } = await deps.secrets();
      const { upload, fresh } = await importRegister({ table: deps.table, idHashKey }, campaign, {
        bytes: Buffer.from(await file.arrayBuffer()),
        fileName: shownFileName(file.name),
        uploadedBy: c.var.coordinator.email,
        at: deps.now(),
      });
      // A file of which nothing could be stored is not said to be loaded: its page lists why.
      const notice = !fresh ? 'register-duplicate' : upload.storedCount === 0 ? 'register-refused' : 'register-loaded';
      return c.redirect(`/campaigns/${campaign.id}/registers/${upload.id}?notice=${notice}`, 303);
    },
  );

  app.get('/campaigns/:id/registers/:uploadId', async (c) => {
    const campaign = await campaignOf(c, deps);
    const upload = await registerUploadOf(c, deps, campaign.id);
    return c.html(registerUploadPage(c.var.coordinator.email, campaign, upload, c.req.query('notice')));
  });
}
