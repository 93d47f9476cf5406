import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBeneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { excludeBeneficiary, unitHasList } from '../../../functions/data/exclusions.js';
import { Table } from '../../../functions/data/table.js';
import { unitChains } from '../../../functions/steps/approval.js';
import { startTable } from '../../support/table.js';

/** A table that counts the index pages read. */
class CountingTable extends Table {
  indexPagesRead = 0;
  override async *indexPages<T>(index: { name: string; partitionKey: string }, value: string, attributes?: readonly string[], pageSize?: number): AsyncGenerator<T[]> {
    for await (const page of super.indexPages<T>(index, value, attributes, pageSize)) {
      this.indexPagesRead++;
      yield page;
    }
  }
}

const UNITS = ['莘庄镇', '七宝镇', '梅陇镇', '区民政局'];
const person = (n: number) => n.toString(16).padStart(64, '0');
let table: CountingTable;
let close: () => Promise<void>;
let campaign: Campaign;

const nominate = (n: number, unit: string) =>
  storeBeneficiary(table, {
    campaignId: campaign.id, projectCode: 'MZ01', idHash: person(n), idMasked: '310***********0000', name: `对象${n}`, phone: '13800138000',
    unit, category: '低保家庭', householdSize: 1, amountFen: 50000, paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 1,
  });

describe('the units whose lists go through approval', () => {
  beforeAll(async () => {
    ({ table, close } = await startTable((client, name) => new CountingTable(client, name)));
    campaign = await createCampaign(table, {
      name: '测试活动', coordinator: 'coordinator@mzj.example.cn', units: UNITS, categories: ['低保家庭'],
      projects: [{ code: 'MZ01', name: '慰问金', amountFen: 50000 }], approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
    });
    // 莘庄镇: 250 people, all excluded but the last. 七宝镇: all 3 excluded. 梅陇镇: none. 区民政局: 2, both in.
    for (let n = 0; n < 250; n++) await nominate(n, '莘庄镇');
    for (let n = 0; n < 249; n++) await excludeBeneficiary(table, campaign.id, `MZ01#${person(n)}`, 'CONFLICT#x');
    for (let n = 300; n < 303; n++) {
      await nominate(n, '七宝镇');
      await excludeBeneficiary(table, campaign.id, `MZ01#${person(n)}`, 'OBJECTION#y');
    }
    await nominate(400, '区民政局');
    await nominate(401, '区民政局');
  }, 60_000);
  afterAll(() => close());

  it('are those with anyone who stays in the register, in the campaign\'s order, each with its chain', async () => {
    const { units } = await unitChains({ campaignId: campaign.id }, { table });
    expect(units.map((u) => u.unit)).toEqual(['莘庄镇', '区民政局']);
    expect(units[0].steps.length).toBeGreaterThan(0);
  });

  it('reads a unit\'s list only until its first person who stays', async () => {
    table.indexPagesRead = 0;
    expect(await unitHasList(table, campaign.id, '区民政局')).toBe(true);
    expect(table.indexPagesRead).toBe(1);
    table.indexPagesRead = 0;
    // 249 excluded before the one who stays: three pages of 100.
    expect(await unitHasList(table, campaign.id, '莘庄镇')).toBe(true);
    expect(table.indexPagesRead).toBe(3);
    expect(await unitHasList(table, campaign.id, '七宝镇')).toBe(false);
    expect(await unitHasList(table, campaign.id, '梅陇镇')).toBe(false);
  });
});
