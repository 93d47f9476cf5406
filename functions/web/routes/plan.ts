import type { Hono } from 'hono';
import { loadRegister, registerInputs } from '../campaign-facts.js';
import type { AppDeps, WebEnv } from '../context.js';
import { planPage } from '../pages/plan.js';
import { planWorkbook } from '../plan-sheet.js';
import { currentPlan } from '../register-tally.js';
import { attachment, campaignOf, XLSX_TYPE } from './campaigns.js';

/**
 * 资金计划: the plan computed from the register and the projects, as a page with charts and as XLSX
 * (every line), both from the register kept between looks when it is current (see register-tally.ts).
 */
export function planRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/plan', async (c) => {
    const campaign = await campaignOf(c, deps);
    const { register } = await loadRegister(deps, campaign);
    return c.html(planPage(c.var.coordinator.email, campaign, register.plan, register.beneficiaries.settling));
  });

  app.get('/campaigns/:id/plan.xlsx', async (c) => {
    const campaign = await campaignOf(c, deps);
    const file = await planWorkbook(campaign.name, campaign.projects, await currentPlan(deps.table, campaign, () => registerInputs(deps, campaign)));
    return c.body(new Uint8Array(file), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachment(`资金计划-${campaign.name}.xlsx`, 'plan.xlsx') });
  });
}
