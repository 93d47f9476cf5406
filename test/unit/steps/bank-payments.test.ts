// Reconciliation and retries under concurrency, on real dynalite: the conditional writes decide.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPayee, sealPayee } from '../../../functions/core/payee.js';
import { paymentReference } from '../../../functions/core/payment-reference.js';
import { sealKeys } from '../../../functions/core/seal.js';
import { getBeneficiary, insertBeneficiaries, type Beneficiary } from '../../../functions/data/beneficiaries.js';
import { getPayment, payOnce, recordOutcomes, statusOf } from '../../../functions/data/payments.js';
import type { Table } from '../../../functions/data/table.js';
import { bankFileRows, loadPayments } from '../../../functions/steps/bank-file.js';
import { retryPayment } from '../../../functions/steps/payment-retry.js';
import { reconcile, rememberReferences } from '../../../functions/steps/reconcile.js';
import { startTable } from '../../support/table.js';

const KEYS = sealKeys('s'.repeat(64));
const CAMPAIGN = { id: 'c-bank', name: '对账测试', projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50_000 }] };
const hash = (n: number) => n.toString(16).padStart(64, '0');
const ID = (n: number) => `31011219800101${String(100 + n)}X`;
const ACCOUNT = { account: '6222021234567890123', bank: '中国工商银行莘庄支行' };

let table: Table;
let close: () => Promise<void>;

const person = (n: number, sealed: boolean): Beneficiary => {
  const owner = { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(n) };
  return {
    ...owner, idMasked: '310***********100X', name: `对象${n}`, phone: '13800138000', unit: '莘庄镇', category: '低保家庭', householdSize: 1,
    amountFen: 50_000, paymentMethod: '银行转账', uploadId: 'u', row: n + 2, ...(sealed ? sealPayee(KEYS, owner, ID(n), ACCOUNT) : {}),
  };
};

beforeAll(async () => {
  ({ table, close } = await startTable());
  // Person 3 was stored before payees were sealed.
  await insertBeneficiaries(table, [person(1, true), person(2, true), person(3, false)]);
  for (const n of [1, 2, 3]) {
    await payOnce(table, { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(n), amountFen: 50_000, paidAt: '2025-01-20T00:00:00Z', executionId: 'x' });
  }
});
afterAll(() => close());

const ref = (n: number, attempt = 1) => paymentReference(KEYS, { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(n) }, attempt);

describe('bank file and reconciliation', () => {
  it('leaves out, and counts apart, a payment whose payee has no sealed details', async () => {
    const { rows, missing } = bankFileRows(KEYS, CAMPAIGN, await loadPayments(table, CAMPAIGN.id), '银行转账');
    expect(rows.map((r) => [r.reference, r.idNumber, r.account])).toEqual([[ref(1), ID(1), ACCOUNT.account], [ref(2), ID(2), ACCOUNT.account]].sort((a, b) => a[0].localeCompare(b[0])));
    expect(missing.map((m) => m.payment.idHash)).toEqual([hash(3)]);
  });

  it('reads each payment without its execution, times or account digest, for the page and for a channel', async () => {
    for (const views of [await loadPayments(table, CAMPAIGN.id), await loadPayments(table, CAMPAIGN.id, '银行转账')]) {
      expect(views.map((v) => v.payment.idHash).sort()).toEqual([hash(1), hash(2), hash(3)]);
      for (const { payment } of views) {
        expect(payment).not.toHaveProperty('executionId');
        expect(payment).not.toHaveProperty('paidAt');
        expect(payment).not.toHaveProperty('accountDigest');
        expect(payment).toMatchObject({ campaignId: CAMPAIGN.id, projectCode: 'MZ01', amountFen: 50_000, paymentMethod: '银行转账' });
      }
    }
  });

  it('records each line once when the same file is reconciled twice at the same time', async () => {
    const lines = [
      { row: 2, reference: ref(1), amountFen: 50_000, outcome: 'paid' as const },
      { row: 3, reference: ref(2), amountFen: 50_000, outcome: 'failed' as const, reason: '账户已冻结' },
    ];
    const [a, b] = await Promise.all([reconcile(table, KEYS, CAMPAIGN.id, lines, new Date()), reconcile(table, KEYS, CAMPAIGN.id, lines, new Date())]);
    for (const i of [0, 1]) {
      expect([a[i], b[i]].map((o) => o.kind)).toEqual([lines[i].outcome, lines[i].outcome]);
      expect([a[i], b[i]].filter((o) => 'changed' in o && o.changed)).toHaveLength(1);
    }
    expect((await getPayment(table, CAMPAIGN.id, 'MZ01', hash(1)))?.attempts).toHaveLength(1);
    expect(await getPayment(table, CAMPAIGN.id, 'MZ01', hash(2))).toMatchObject({ status: 'failed', failure: '账户已冻结', attempts: [{ attempt: 1, outcome: 'failed' }] });
  });

  it('records a line listed twice in one file once, and answers every line in the file\'s order', async () => {
    const lines = [
      { row: 2, reference: ref(3), amountFen: 50_000, outcome: 'paid' as const },
      { row: 3, reference: 'NOSUCHREFERENCE', amountFen: 50_000, outcome: 'paid' as const },
      { row: 4, reference: ref(3), amountFen: 50_000, outcome: 'paid' as const },
    ];
    const outcomes = await reconcile(table, KEYS, CAMPAIGN.id, lines, new Date());
    expect(outcomes.map((o) => [o.row, o.kind])).toEqual([[2, 'paid'], [3, 'unknown'], [4, 'paid']]);
    expect(outcomes.filter((o) => 'changed' in o && o.changed)).toHaveLength(1);
    expect((await getPayment(table, CAMPAIGN.id, 'MZ01', hash(3)))?.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'paid' })]);
  });

  it('makes one attempt of two retries at once; the old reference then matches as unknown', async () => {
    const retry = (account: string) => retryPayment(table, KEYS, { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(2), attempt: 1, account: { account, bank: '中国银行' } }, new Date());
    const accounts = ['6217001234567890001', '6217001234567890002'];
    const outcomes = await Promise.all(accounts.map(retry));
    expect([...outcomes].sort()).toEqual(['reissued', 'stale']);
    const won = accounts[outcomes.indexOf('reissued')];
    expect(await getPayment(table, CAMPAIGN.id, 'MZ01', hash(2))).toMatchObject({ status: 'issued', attempt: 2 });
    // The next bank file pays the winner's account, and the beneficiary keeps it too.
    const views = await loadPayments(table, CAMPAIGN.id);
    expect(bankFileRows(KEYS, CAMPAIGN, views, '银行转账').rows.map((r) => [r.reference, r.account])).toEqual([[ref(2, 2), won]]);
    const beneficiary = (await getBeneficiary(table, CAMPAIGN.id, 'MZ01', hash(2)))!;
    expect(openPayee(KEYS, { ...beneficiary, campaignId: CAMPAIGN.id }, { sealedId: beneficiary.sealedId!, sealedAccount: beneficiary.sealedAccount! }).account?.account).toBe(won);
    const [outcome] = await reconcile(table, KEYS, CAMPAIGN.id, [{ row: 2, reference: ref(2, 1), amountFen: 50_000, outcome: 'paid' }], new Date());
    expect(outcome).toMatchObject({ kind: 'unknown', why: expect.stringContaining('第1次发放') });
    expect(await getPayment(table, CAMPAIGN.id, 'MZ01', hash(2))).toMatchObject({ status: 'issued', attempt: 2 });
    expect(await retryPayment(table, KEYS, { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(2), attempt: 1 }, new Date())).toBe('stale');
  });

  it('matches a later file by the references it kept, reading only the payments it names; a reference it lacks reads them all again', async () => {
    const readAll = vi.spyOn(table, 'allInRanges');
    const file = (reference: string) => [{ row: 2, reference, amountFen: 50_000, outcome: 'paid' as const }];
    const [again] = await reconcile(table, KEYS, CAMPAIGN.id, file(ref(1)), new Date());
    expect(again).toMatchObject({ kind: 'paid', changed: false, attempt: 1, who: expect.stringContaining('对*1') });
    expect(readAll).not.toHaveBeenCalled();
    // The retry above gave person 2 a second attempt, whose reference was made after the index was kept.
    const [paid] = await reconcile(table, KEYS, CAMPAIGN.id, file(ref(2, 2)), new Date());
    expect(paid).toMatchObject({ kind: 'paid', changed: true, attempt: 2 });
    expect(readAll).toHaveBeenCalledTimes(1);
    readAll.mockRestore();
  });

  it('records the lines of a bank file it made with no read first; a payment changed since, or another amount, is judged as it stands', async () => {
    await insertBeneficiaries(table, [4, 5, 6, 7].map((n) => person(n, true)));
    for (const n of [4, 5, 6, 7]) {
      await payOnce(table, { campaignId: CAMPAIGN.id, projectCode: 'MZ01', idHash: hash(n), amountFen: 50_000, paidAt: '2025-01-20T00:00:00Z', executionId: 'x', name: `对象${n}`, idMasked: '310***********100X', unit: '莘庄镇' });
    }
    // The bank file, as its route makes it: its references are kept with how each payment waited.
    const waiting = (await loadPayments(table, CAMPAIGN.id, '银行转账')).filter((v) => [4, 5, 6, 7].some((n) => v.payment.idHash === hash(n)));
    rememberReferences(KEYS, CAMPAIGN.id, waiting.map((v) => v.payment));
    const byKey = vi.spyOn(table, 'getMany');
    const one = vi.spyOn(table, 'get');
    const lines = [
      { row: 2, reference: ref(4), amountFen: 50_000, outcome: 'paid' as const },
      { row: 3, reference: ref(5), amountFen: 50_000, outcome: 'failed' as const, reason: '户名不符' },
    ];
    const outcomes = await reconcile(table, KEYS, CAMPAIGN.id, lines, new Date());
    expect(outcomes).toMatchObject([{ kind: 'paid', changed: true, attempt: 1, who: '莘庄镇 对*4（310***********100X）' }, { kind: 'failed', reason: '户名不符', changed: true }]);
    expect(byKey).not.toHaveBeenCalled();
    expect(one).not.toHaveBeenCalled();
    expect(await getPayment(table, CAMPAIGN.id, 'MZ01', hash(5))).toMatchObject({ status: 'failed', attempts: [{ attempt: 1, outcome: 'failed', reason: '户名不符' }] });

    // Another sandbox recorded person 6 as paid since; a line of another amount for person 7 changes nothing.
    const six = (await getPayment(table, CAMPAIGN.id, 'MZ01', hash(6)))!;
    expect(await recordOutcomes(table, [{ payment: six, outcome: { reference: ref(6), outcome: 'paid', at: '2025-01-21T00:00:00Z' } }])).toEqual([true]);
    const [changed, otherAmount, again] = await reconcile(table, KEYS, CAMPAIGN.id, [
      { row: 2, reference: ref(6), amountFen: 50_000, outcome: 'failed', reason: '账户已销户' },
      { row: 3, reference: ref(7), amountFen: 49_999, outcome: 'paid' },
      { row: 4, reference: ref(4), amountFen: 50_000, outcome: 'paid' },
    ], new Date());
    expect(changed).toMatchObject({ kind: 'unknown', why: expect.stringContaining('已记为“成功”') });
    expect(otherAmount).toMatchObject({ kind: 'unknown', why: expect.stringContaining('金额不符') });
    expect(again).toMatchObject({ kind: 'paid', changed: false, who: '莘庄镇 对*4（310***********100X）' });
    expect(await getPayment(table, CAMPAIGN.id, 'MZ01', hash(6))).toMatchObject({ status: 'paid', attempts: [{ outcome: 'paid' }] });
    const seven = (await getPayment(table, CAMPAIGN.id, 'MZ01', hash(7)))!;
    expect([statusOf(seven), seven.attempts]).toEqual(['issued', undefined]);
    byKey.mockRestore();
    one.mockRestore();
  });
});
