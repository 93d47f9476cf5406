import type { Hono } from 'hono';
import { getSample, getSamplePopulation, getStaffList } from '../../data/samples.js';
import type { AppDeps, WebEnv } from '../context.js';
import { NotFound } from '../errors.js';
import { toCsv } from '../spreadsheet.js';
import { attachment, campaignOf } from './campaigns.js';

export const POPULATION_COLUMNS = ['分层（单位|类别）', '对象编号（项目编码#对象编号）', '是否抽中'] as const;

/**
 * The population a callback sample was drawn from, per stratum, with who was drawn: with the
 * seed revealed on the campaign page, anyone can re-draw the sample and compare. Keys only: the
 * 对象编号 is a keyed hash, no personal data.
 */
export function sampleRoutes(app: Hono<WebEnv>, deps: AppDeps) {
  app.get('/campaigns/:id/sample/population.csv', async (c) => {
    const campaign = await campaignOf(c, deps);
    const sample = await getSample(deps.table, campaign.id);
    if (!sample) throw new NotFound('尚未抽取回访样本：抽样完成后才能下载抽样总体。');
    const population = await getSamplePopulation(deps.table, campaign.id);
    if (!population.length) throw new NotFound('这次抽样没有保存抽样总体（抽样早于此功能）。');
    const staff = Object.keys(sample.staffCounts ?? sample.assignments ?? {});
    const drawn = new Set((await Promise.all(staff.map((s) => getStaffList(deps.table, sample, s)))).flat());
    const csv = toCsv([[...POPULATION_COLUMNS], ...population.map((p) => [p.stratum, p.id, drawn.has(p.id) ? '是' : '否'])]);
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`抽样总体-${campaign.name}.csv`, 'sample-population.csv') });
  });
}
