import type { Hono } from 'hono';
import { z } from 'zod';
import type { CallbackSettings } from '../../core/callback-assignment.js';
import { callbackSettingsOf, saveCallbackSettings, type Campaign } from '../../data/campaigns.js';
import { getSample } from '../../data/samples.js';
import type { AppDeps, WebEnv } from '../context.js';
import { callbackSettingsPage } from '../pages/callback-settings.js';
import { campaignOf } from './campaigns.js';
import { formBody } from './util.js';

/** The settings form of a campaign: unit i's staff member is field `unit${i}` ('' for evenly). */
const settingsForm = (campaign: Campaign) =>
  z.object({
    assignment: z.enum(['even', 'byUnit'], { error: '请选择分工方式' }),
    maxAttempts: z.coerce.number({ error: '替换次数须为 1 到 10 之间的整数' }).int('替换次数须为 1 到 10 之间的整数').min(1, '替换次数须为 1 到 10 之间的整数').max(10, '替换次数须为 1 到 10 之间的整数'),
    ...Object.fromEntries(campaign.units.map((unit, i) => [`unit${i}`, z.union([z.literal(''), z.enum(campaign.callbackStaff as [string, ...string[]])], { error: `「${unit}」的回访人员不在本活动的回访人员中` }).default('')])),
  });

export function callbackSettingsRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/callback-settings', async (c) => {
    const campaign = await campaignOf(c, deps);
    const drawn = Boolean(await getSample(deps.table, campaign.id));
    return c.html(callbackSettingsPage(c.var.coordinator.email, campaign, callbackSettingsOf(campaign), { drawn, notice: c.req.query('notice') }));
  });

  app.post('/campaigns/:id/callback-settings', async (c) => {
    const campaign = await campaignOf(c, deps);
    const parsed = settingsForm(campaign).safeParse(await formBody(c));
    if (!parsed.success) {
      const errors = [...new Set(parsed.error.issues.map((i) => i.message))];
      return c.html(callbackSettingsPage(c.var.coordinator.email, campaign, callbackSettingsOf(campaign), { errors }), 400);
    }
    const form = parsed.data as Record<string, string | number>;
    const unitStaff = Object.fromEntries(campaign.units.map((unit, i) => [unit, String(form[`unit${i}`] ?? '')]).filter(([, staff]) => staff));
    const settings: CallbackSettings = { assignment: parsed.data.assignment, unitStaff, maxAttempts: parsed.data.maxAttempts };
    await saveCallbackSettings(deps.table, campaign.id, settings);
    return c.redirect(`/campaigns/${campaign.id}/callback-settings?notice=callback-settings-saved`, 303);
  });
}
