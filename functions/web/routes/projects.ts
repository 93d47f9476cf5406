import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { readIntakeFile } from '../../core/intake-file.js';
import { buildProjectTemplate } from '../../core/project-file.js';
import { headerOfProjectColumn, mergeProjects, parseProjectCells, PROJECT_COLUMNS, projectCells, validateProjectRows, type ProjectCells } from '../../core/project-rows.js';
import { saveProjects, type Campaign } from '../../data/campaigns.js';
import { getGate, type Gate } from '../../data/gates.js';
import { parseExclusivePairs } from '../campaign-form.js';
import type { AppDeps, WebEnv } from '../context.js';
import { BadRequest, Conflict, NotFound, TooLarge } from '../errors.js';
import { projectFormPage, projectsPage } from '../pages/projects.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';
import { formBody } from './util.js';

const MAX_PROJECT_FILE_BYTES = 1024 * 1024;
const TOO_LARGE = '帮困项目表超过 1 MB。';

/** Projects and pairs may change until 部署 starts, and again when an approver returns the plan to the 部署 gate. */
export const acceptsProjectChanges = (campaign: Campaign, deployGate: Gate | undefined) =>
  campaign.phase === 'survey' || (campaign.phase === 'deploy' && campaign.phaseStatus !== 'running' && !deployGate?.passedAt);

const rulesOf = (campaign: Campaign) => ({ units: campaign.units, categories: campaign.categories });

/** The campaign named in the path, if its projects may still change; else 409. */
async function openCampaignOf(c: Context, deps: AppDeps): Promise<Campaign> {
  const campaign = await campaignOf(c, deps);
  if (!acceptsProjectChanges(campaign, await getGate(deps.table, campaign.id, 'deploy'))) throw new Conflict('「部署」阶段启动后，帮困项目和互斥项目不再修改。');
  return campaign;
}

/** 帮困项目: the coordinator sets each project's terms (one by one or from a sheet) and the exclusive pairs. */
export function projectRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  const page = async (c: Context<WebEnv>, campaign: Campaign, extra: Partial<Parameters<typeof projectsPage>[0]> = {}) =>
    projectsPage({ user: c.var.coordinator.email, campaign, open: acceptsProjectChanges(campaign, await getGate(deps.table, campaign.id, 'deploy')), notice: c.req.query('notice'), ...extra });

  app.get('/campaigns/:id/projects', async (c) => c.html(await page(c, await campaignOf(c, deps))));

  app.get('/campaigns/:id/projects/template.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const file = await buildProjectTemplate({ ...rulesOf(campaign), projects: campaign.projects });
    return c.body(new Uint8Array(file), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`帮困项目表-${campaign.name}.xlsx`, 'projects.xlsx') });
  });

  app.post(
    '/campaigns/:id/projects/import',
    bodyLimit({ maxSize: MAX_PROJECT_FILE_BYTES + 16 * 1024, onError: () => { throw new TooLarge(TOO_LARGE); } }),
    async (c) => {
      const campaign = await openCampaignOf(c, deps);
      const file = (await formBody(c)).file;
      if (!(file instanceof File)) throw new BadRequest('请选择要导入的帮困项目表。');
      if (file.size === 0) throw new BadRequest('上传的文件是空的。');
      if (file.size > MAX_PROJECT_FILE_BYTES) throw new TooLarge(TOO_LARGE);
      const content = await readIntakeFile(Buffer.from(await file.arrayBuffer()), file.name);
      const { projects, errors } = content.problems.length
        ? { projects: [], errors: content.problems.map((reason) => ({ row: 0, column: '文件', reason })) }
        : validateProjectRows(content.rows, rulesOf(campaign), content.rowNumbers);
      if (errors.length) return c.html(await page(c, campaign, { importErrors: errors, notice: undefined }), 400);
      await saveProjects(deps.table, campaign.id, mergeProjects(campaign.projects, projects));
      return c.redirect(`/campaigns/${campaign.id}/projects?notice=projects-imported`, 303);
    },
  );

  app.get('/campaigns/:id/projects/new', async (c) => {
    const campaign = await openCampaignOf(c, deps);
    const cells = Object.fromEntries(PROJECT_COLUMNS.map((col) => [col.key, col.key === 'basis' ? '按人' : ''])) as ProjectCells;
    return c.html(projectFormPage({ user: c.var.coordinator.email, campaign, cells }));
  });

  app.get('/campaigns/:id/projects/:code', async (c) => {
    const campaign = await openCampaignOf(c, deps);
    const project = campaign.projects.find((p) => p.code === c.req.param('code'));
    if (!project) throw new NotFound('没有找到这个帮困项目。');
    return c.html(projectFormPage({ user: c.var.coordinator.email, campaign, code: project.code, cells: projectCells(project) }));
  });

  app.post('/campaigns/:id/projects', async (c) => {
    const campaign = await openCampaignOf(c, deps);
    let body: Record<string, string | File | (string | File)[]>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      throw new BadRequest('提交的表单无法读取，请返回页面后重试。');
    }
    const field = (name: string) => [body[name]].flat().filter((v): v is string => typeof v === 'string');
    const editing = field('editing')[0];
    const cells = Object.fromEntries(PROJECT_COLUMNS.map((col) => [col.key, (col.key === 'categories' ? field(col.key).join('、') : field(col.key)[0] ?? '').trim()])) as ProjectCells;
    if (editing !== undefined) {
      if (!campaign.projects.some((p) => p.code === editing)) throw new NotFound('没有找到这个帮困项目。');
      cells.code = editing;
    }
    const parsed = parseProjectCells(cells, rulesOf(campaign));
    const taken = editing === undefined && campaign.projects.some((p) => p.code.toUpperCase() === cells.code.toUpperCase());
    if (!parsed.ok || taken) {
      const errors = parsed.ok ? [] : parsed.errors;
      if (taken) errors.unshift({ column: headerOfProjectColumn('code'), reason: `项目编号“${cells.code}”已存在，请在列表中点“修改”` });
      return c.html(projectFormPage({ user: c.var.coordinator.email, campaign, code: editing, cells, errors }), 400);
    }
    await saveProjects(deps.table, campaign.id, mergeProjects(campaign.projects, [parsed.project]));
    return c.redirect(`/campaigns/${campaign.id}/projects?notice=project-saved`, 303);
  });

  app.post('/campaigns/:id/projects/pairs', async (c) => {
    const campaign = await openCampaignOf(c, deps);
    const text = (await formBody(c)).exclusivePairs;
    const typed = typeof text === 'string' ? text : '';
    const pairs = parseExclusivePairs(typed, campaign.projects.map((p) => p.code));
    if (!pairs.ok) return c.html(await page(c, campaign, { pairs: { text: typed, errors: pairs.errors }, notice: undefined }), 400);
    await saveProjects(deps.table, campaign.id, campaign.projects, pairs.pairs);
    return c.redirect(`/campaigns/${campaign.id}/projects?notice=pairs-saved#pairs`, 303);
  });
}
