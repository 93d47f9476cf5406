import type { Context, Hono } from 'hono';
import { buildIntakeTemplate } from '../../core/intake-file.js';
import { createCampaign, getCampaign, listCampaigns, recordExecution, type Campaign } from '../../data/campaigns.js';
import { getSample, sampleSizeOf } from '../../data/samples.js';
import { callbackProgress } from '../callback-progress.js';
import { campaignFormValues, parseCampaignForm } from '../campaign-form.js';
import { loadFacts, startReasons } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { NotFound } from '../errors.js';
import { historyLines, type HistoryLine } from '../history.js';
import { campaignPage } from '../pages/campaign.js';
import { campaignForm, campaignList } from '../pages/campaigns.js';
import { unchangedCountOf } from '../pages/uploads.js';
import { listPostings } from '../../data/postings.js';
import { executionArnOf, executionHistory, startCampaignWorkflow } from '../workflows.js';
import { formBody } from './util.js';
import { redeliverLostDecisions } from '../approval-delivery.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The campaign named in the path, or 404. */
export async function campaignOf(c: Context, deps: AppDeps): Promise<Campaign> {
  const id = c.req.param('id') ?? '';
  const campaign = UUID.test(id) ? await getCampaign(deps.table, id) : undefined;
  if (!campaign) throw new NotFound('没有找到这个活动。');
  return campaign;
}

/** Attachment headers with a zh-CN file name (RFC 6266/5987). */
export function attachment(fileName: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function campaignRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/', async (c) => c.html(campaignList(c.var.coordinator.email, await listCampaigns(deps.table))));

  app.get('/campaigns/new', (c) => c.html(campaignForm(c.var.coordinator.email)));

  app.post('/campaigns', async (c) => {
    const user = c.var.coordinator.email;
    const values = campaignFormValues(await formBody(c));
    const parsed = parseCampaignForm(values);
    if (!parsed.ok) return c.html(campaignForm(user, values, parsed.errors), 400);
    const campaign = await createCampaign(deps.table, { ...parsed.campaign, coordinator: user }, deps.now());
    const executionArn = await startCampaignWorkflow(deps, campaign.id);
    await recordExecution(deps.table, campaign.id, executionArn);
    return c.redirect(`/campaigns/${campaign.id}?notice=created`, 303);
  });

  app.get('/campaigns/:id', async (c) => {
    const campaign = await campaignOf(c, deps);
    await redeliverLostDecisions(deps, campaign);
    const [facts, callbacks] = await Promise.all([loadFacts(deps, campaign), callbackProgress(deps.table, campaign.id)]);
    let history: HistoryLine[] = [];
    let historyUnavailable = false;
    try {
      history = historyLines(await executionHistory(deps, campaign.executionArn ?? executionArnOf(deps.campaignWorkflowArn, campaign.id)));
    } catch (err) {
      // The page still shows the campaign when the workflow service cannot answer.
      if ((err as Error).name !== 'ExecutionDoesNotExist') console.error(JSON.stringify({ level: 'warn', what: 'history unavailable', error: (err as Error).name }));
      historyUnavailable = true;
    }
    const reasons = campaign.phase === 'done' ? [] : startReasons(campaign.phase, facts);
    return c.html(
      campaignPage({ user: c.var.coordinator.email, facts, reasons, callbacks, history, historyUnavailable, notice: c.req.query('notice') }),
    );
  });

  /** The JSON API: a campaign's state and counts, for tools and the demo. No personal data. */
  app.get('/api/campaigns/:id', async (c) => {
    const campaign = await campaignOf(c, deps);
    await redeliverLostDecisions(deps, campaign);
    const [facts, sample, postings, callbacks] = await Promise.all([loadFacts(deps, campaign), getSample(deps.table, campaign.id), listPostings(deps.table, campaign.id), callbackProgress(deps.table, campaign.id)]);
    return c.json({
      id: campaign.id,
      name: campaign.name,
      phase: campaign.phase,
      phaseStatus: campaign.phaseStatus,
      startReasons: campaign.phase === 'done' ? [] : startReasons(campaign.phase, facts),
      uploads: facts.uploads.map((u) => ({
        id: u.id, fileName: u.fileName, state: u.state, rowCount: u.rowCount, acceptedCount: u.acceptedCount, storedCount: u.storedCount ?? 0,
        updatedCount: u.updatedCount ?? 0, unchangedCount: unchangedCountOf(u), duplicateCount: u.duplicateCount ?? 0, rejectedCount: u.rejectedCount ?? u.errors.length,
        ...(u.encoding ? { encoding: u.encoding } : {}), ...(u.progress ? { progress: u.progress } : {}),
      })),
      beneficiaries: facts.beneficiaries,
      payments: facts.payments,
      conflicts: { open: facts.conflicts.open, resolved: facts.conflicts.resolved },
      coverage: facts.coverage && { checkedAt: facts.coverage.checkedAt, registered: facts.coverage.registered, uncovered: facts.coverage.uncovered },
      postings: postings.map((p) => ({ postingId: p.postingId, unit: p.unit, status: p.status, openedAt: p.openedAt, endsAt: p.endsAt, lineCount: p.lineCount })),
      sample: sample && { commitment: sample.commitment, seed: sample.seed, population: sample.population, size: sampleSizeOf(sample) },
      callbacks: callbacks && {
        called: callbacks.called, reached: callbacks.reached, mismatches: callbacks.mismatches, openCases: callbacks.openCases,
        waiting: Boolean(callbacks.close && !callbacks.close.closedAt), finished: Boolean(callbacks.close?.closedAt),
      },
    });
  });

  app.get('/campaigns/:id/template.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const file = await buildIntakeTemplate({ units: campaign.units, categories: campaign.categories, projects: campaign.projects });
    return c.body(new Uint8Array(file), 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': attachment(`帮困对象录入模板-${campaign.name}.xlsx`, 'template.xlsx'),
    });
  });
}
