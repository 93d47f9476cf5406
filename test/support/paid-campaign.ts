import type { CallbackSettings } from '../../functions/core/callback-assignment.js';
import { insertBeneficiaries, type Beneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../functions/data/campaigns.js';
import { payOnce } from '../../functions/data/payments.js';
import type { Table } from '../../functions/data/table.js';

export const PAID_UNITS = ['莘庄镇', '七宝镇'];
export const personHash = (n: number) => n.toString(16).padStart(64, '0');
/** Person n's number in a beneficiary key (`MZ01#<hash of n>`). */
export const personOf = (key: string) => parseInt(key.slice(5), 16);

/**
 * A campaign at 回访: `perUnit` people in each of two towns (one category, so one stratum per
 * town), all paid; person n is 对象n of town n % 2, phone 1390000nnnn. Sampled at 5%, at least 3 per stratum.
 */
export async function paidCampaign(table: Table, props: { name: string; coordinator: string; staff: string[]; perUnit: number; settings?: CallbackSettings }): Promise<Campaign> {
  const campaign = await createCampaign(table, {
    name: props.name, coordinator: props.coordinator, units: PAID_UNITS, categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000 }], approvers: ['chief@mzj.example.cn'], callbackStaff: props.staff,
    callbackSampling: { rate: 0.05, minimum: 3 }, ...(props.settings ? { callbackSettings: props.settings } : {}),
  });
  const people: Beneficiary[] = Array.from({ length: 2 * props.perUnit }, (_, n) => ({
    campaignId: campaign.id, projectCode: 'MZ01', idHash: personHash(n), idMasked: '310***********0000', name: `对象${n}`,
    phone: `1390000${String(n).padStart(4, '0')}`, unit: PAID_UNITS[n % 2], category: '低保家庭', householdSize: 1, amountFen: 50000,
    paymentMethod: '银行转账', uploadId: 'u'.repeat(64), row: n + 2,
  }));
  await insertBeneficiaries(table, people);
  for (const p of people) await payOnce(table, { campaignId: campaign.id, projectCode: 'MZ01', idHash: p.idHash, amountFen: 50000, paidAt: '2026-01-20T00:00:00Z', executionId: 'x' });
  return campaign;
}
