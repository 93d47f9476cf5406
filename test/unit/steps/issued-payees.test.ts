// Payments keep whom they pay when issued; payments issued before that read it from the beneficiary. Both give the same files.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sealPayee } from '../../../functions/core/payee.js';
import { PAYMENT_METHODS } from '../../../functions/core/payment-methods.js';
import { paymentReference } from '../../../functions/core/payment-reference.js';
import { sealKeys } from '../../../functions/core/seal.js';
import { insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../../functions/data/campaigns.js';
import { listPayments, payOnce, statusOf } from '../../../functions/data/payments.js';
import { loadSignatureSheets } from '../../../functions/data/signature-sheets.js';
import type { Table } from '../../../functions/data/table.js';
import { bankFileRows, loadPayments } from '../../../functions/steps/bank-file.js';
import { payBatch } from '../../../functions/steps/payments.js';
import { reconcile } from '../../../functions/steps/reconcile.js';
import { paidPopulation } from '../../../functions/steps/sampling.js';
import { startTable } from '../../support/table.js';

const KEYS = sealKeys('p'.repeat(64));
const PEOPLE = 10;
const UNITS = ['莘庄镇', '七宝镇'];
const CATEGORIES = ['低保家庭', '困难老人'];
const hash = (n: number) => n.toString(16).padStart(64, '0');

let table: Table;
let close: () => Promise<void>;
/** Paid by the implement step (each payment with its payee), and as payments were before. */
let issued: Campaign;
let older: Campaign;
/** The beneficiaries of `issued`, as stored (sealing draws a fresh IV each time). */
const stored = new Map<string, Beneficiary>();

const newCampaign = (name: string) => createCampaign(table, {
  name, coordinator: 'coordinator@mzj.example.cn', units: UNITS, categories: CATEGORIES,
  projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000 }], approvers: ['chief@mzj.example.cn'], callbackStaff: ['caller@mzj.example.cn'],
});

/** Person n: a unit, a category and every channel in turn; everyone's ID and account sealed. */
function person(campaignId: string, n: number): Beneficiary {
  const owner = { campaignId, projectCode: 'MZ01', idHash: hash(n) };
  return {
    ...owner, idMasked: `310***********${String(n).padStart(4, '0')}`, name: `对象${n}`, phone: '13800138000', unit: UNITS[n % 2],
    category: CATEGORIES[(n >> 1) % 2], householdSize: 1, amountFen: 50000, paymentMethod: PAYMENT_METHODS[n % PAYMENT_METHODS.length], uploadId: 'u'.repeat(64), row: n + 2,
    ...sealPayee(KEYS, owner, `31011219800101${String(100 + n)}X`, { account: `62220212345678${String(10000 + n)}`, bank: '中国工商银行莘庄支行' }),
  };
}

beforeAll(async () => {
  ({ table, close } = await startTable());
  [issued, older] = [await newCampaign('今年'), await newCampaign('往年')];
  for (const c of [issued, older]) {
    const people = Array.from({ length: PEOPLE }, (_, n) => person(c.id, n));
    if (c === issued) for (const b of people) stored.set(b.idHash, b);
    await insertBeneficiaries(table, people);
  }
  await payBatch({ campaignId: issued.id, keys: Array.from({ length: PEOPLE }, (_, n) => `MZ01#${hash(n)}`), executionId: 'x' }, { table });
  for (let n = 0; n < PEOPLE; n++) await payOnce(table, { campaignId: older.id, projectCode: 'MZ01', idHash: hash(n), amountFen: 50000, paidAt: '2026-01-20T00:00:00Z', executionId: 'x' });
});
afterAll(() => close());

/** What each reader makes of a campaign's payments, with the beneficiary reads it took. */
async function readings(campaign: Campaign) {
  const reads = vi.spyOn(table, 'getMany');
  const views = await loadPayments(table, campaign.id);
  const files = Object.fromEntries((['银行转账', '社保卡'] as const).map((ch) => [ch, bankFileRows(KEYS, campaign, views, ch).rows.map(({ reference: _r, purpose: _p, ...row }) => row)]));
  const sheets = await loadSignatureSheets(table, campaign);
  const population = await paidPopulation(table, campaign.id);
  const lines = [1, 2].map((n) => ({ row: n + 1, reference: paymentReference(KEYS, { campaignId: campaign.id, projectCode: 'MZ01', idHash: hash(n) }, 1), amountFen: 50000, outcome: 'paid' as const }));
  const who = (await reconcile(table, KEYS, campaign.id, lines, new Date())).map((o) => ('who' in o ? o.who : o.why));
  const beneficiaryReads = reads.mock.calls.length;
  reads.mockRestore();
  return { readings: { files, sheets, population, who }, beneficiaryReads };
}

describe('payments with their payees', () => {
  it("reads for a bank file only the payments that may wait in its channel, and makes the same file as from every payment", async () => {
    for (const campaign of [issued, older]) {
      const all = await loadPayments(table, campaign.id);
      for (const channel of ['银行转账', '社保卡'] as const) {
        const read = await loadPayments(table, campaign.id, channel);
        expect(bankFileRows(KEYS, campaign, read, channel)).toEqual(bankFileRows(KEYS, campaign, all, channel));
        // Payments issued with their payee are sent back only for their own channel; older ones, whose channel only the beneficiary holds, always.
        const expected = campaign === issued ? all.filter((v) => v.channel === channel && statusOf(v.payment) === 'issued') : all.filter((v) => statusOf(v.payment) === 'issued');
        expect(read.map((v) => v.payment.idHash).sort()).toEqual(expected.map((v) => v.payment.idHash).sort());
      }
    }
  });

  it('keeps whom each payment pays on the payment when issued', async () => {
    const payments = await listPayments(table, issued.id);
    expect(payments).toHaveLength(PEOPLE);
    for (const p of payments) {
      const b = stored.get(p.idHash)!;
      expect(p).toMatchObject({ name: b.name, idMasked: b.idMasked, unit: b.unit, category: b.category, paymentMethod: b.paymentMethod, sealedId: b.sealedId, sealedAccount: b.sealedAccount });
      expect(p.accountDigest).toBeUndefined();
    }
  });

  it('gives the same bank files, signature sheets, sample population and result names either way, reading beneficiaries only for older payments', async () => {
    const fromPayments = await readings(issued);
    const fromBeneficiaries = await readings(older);
    expect(fromPayments.readings).toEqual(fromBeneficiaries.readings);
    expect(fromPayments.beneficiaryReads).toBe(0);
    expect(fromBeneficiaries.beneficiaryReads).toBeGreaterThan(0);
    // Every channel and person is in them: nothing matched by accident on empty lists.
    expect(fromPayments.readings.files['银行转账']).toHaveLength(2);
    expect(fromPayments.readings.files['社保卡'][0]).toMatchObject({ name: '对象1', idNumber: '31011219800101101X' });
    expect(fromPayments.readings.sheets.flatMap((s) => s.lines)).toHaveLength(6);
    expect(fromPayments.readings.population).toHaveLength(PEOPLE);
    expect(fromPayments.readings.who).toEqual(['七宝镇 对*1（310***********0001）', '莘庄镇 对*2（310***********0002）']);
  });
});
