// The posting fragment (workflows/posting.ts) rendered in a small state machine and run on the
// local engine with the real steps against dynalite; the clock is moved past the posting window.
import { Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { StateGraph, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../functions/core/masking.js';
import { storeBeneficiary } from '../../functions/data/beneficiaries.js';
import { createCampaign, type Campaign } from '../../functions/data/campaigns.js';
import { includedBeneficiaries } from '../../functions/data/exclusions.js';
import { classifyPosting, fileObjection, heldLineKeys, resolveObjection } from '../../functions/data/objections.js';
import { getPosting, listPostings, postingLines, setPostingDays } from '../../functions/data/postings.js';
import type { Table } from '../../functions/data/table.js';
import { getPaymentBatch } from '../../functions/data/payments.js';
import { payBatch, planPayments } from '../../functions/steps/payments.js';
import { closePostingStep, openPostingStep } from '../../functions/steps/posting.js';
import { PostingFragment } from '../../workflows/posting.js';
import { fnArn } from '../support/engine.js';
import { engineForTest, passDeadline } from '../support/harness.js';
import { detailsOf, untilEvent } from '../support/history.js';
import { startTable } from '../support/table.js';

const DAY = 86_400;
const UNIT = '莘庄镇';

/** The fragment alone between a start and a Succeed, as the deploy chain will hold it. */
function postingMachine() {
  const stack = new Stack();
  const ref = (name: string) => LambdaFunction.fromFunctionArn(stack, name, fnArn(name));
  const fragment = new PostingFragment(stack, 'Posting', { open: ref('posting-open'), close: ref('posting-close') });
  const chain = fragment.next(new Succeed(stack, 'Final approval'));
  return stack.resolve(new StateGraph(chain.startState, 'posting').toGraphJson());
}

let table: Table;
let close: () => Promise<void>;
beforeAll(async () => ({ table, close } = await startTable()));
afterAll(() => close());

async function campaignWithList(): Promise<Campaign> {
  const campaign = await createCampaign(table, {
    name: '2025年春节帮困', coordinator: 'c@mzj.example.cn', units: [UNIT, '古美街道'], categories: ['低保家庭'],
    projects: [{ code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000 }], approvers: ['a@mzj.example.cn'], callbackStaff: ['s@mzj.example.cn'],
  });
  const people = [
    { name: '张小明', hash: 'a', unit: UNIT },
    { name: '李四', hash: 'b', unit: UNIT },
    { name: '欧阳小红', hash: 'c', unit: UNIT },
    { name: '王五', hash: 'd', unit: '古美街道' },
  ];
  for (const [i, p] of people.entries()) {
    await storeBeneficiary(table, {
      campaignId: campaign.id, projectCode: 'MZ01', idHash: p.hash.repeat(64), idMasked: maskIdNumber('31011219800101001X'), name: p.name, phone: '13800138000',
      unit: p.unit, category: '低保家庭', householdSize: 1, amountFen: 50000 + i, paymentMethod: '现金', uploadId: 'u', row: i + 2,
    });
  }
  return campaign;
}

function postingEngine() {
  return engineForTest({
    'posting-open': (event: { campaignId: string; unit: string; openedAt: string }) => openPostingStep(event, { table }),
    'posting-close': (event: { postingId: string }) => closePostingStep(event, { table }),
  });
}

/** Starts the fragment for the unit and waits until it waits at the end of the posting. */
async function startPosting(t: ReturnType<typeof postingEngine>, campaignId: string) {
  const arn = t.start(postingMachine(), { campaignId, unit: UNIT, approvalStep: 3 });
  await untilEvent(t, arn, 'WaitStateEntered');
  const [posting] = await listPostings(table, campaignId);
  return { arn, posting };
}

describe('the posting fragment on the engine', () => {
  it('posts the unit\'s list for 7 days; an objection holds one line; the approval goes ahead after the window', async () => {
    const campaign = await campaignWithList();
    const t = postingEngine();
    const { arn, posting } = await startPosting(t, campaign.id);

    // The posting opened when the workflow entered the step, by the workflow's clock, and ends 7 days on.
    const entered = detailsOf(t.engine.getExecutionHistory({ executionArn: arn, maxResults: 100 }).events, 'TaskStateEntered')[0];
    expect(entered.name).toBe('Open posting');
    expect(Math.abs(Date.parse(posting.openedAt) - t.engine.clock.now())).toBeLessThan(5000);
    expect(Date.parse(posting.endsAt) - Date.parse(posting.openedAt)).toBeGreaterThanOrEqual(7 * DAY * 1000);
    expect(Date.parse(posting.endsAt) - Date.parse(posting.openedAt)).toBeLessThan(7 * DAY * 1000 + 1000);
    const lines = await postingLines(table, posting.postingId);
    expect(lines.map((l) => l.nameMasked)).toEqual(['张*明', '李*', '欧**红']);

    const filed = await fileObjection(table, { posting, line: lines[1], reason: '该户已迁出本区', contact: '', source: 's1', at: new Date() });
    expect(filed.outcome).toBe('filed');
    const during = await classifyPosting(table, posting);
    expect(during.classes.held).toEqual([lines[1].lineKey]);
    expect(during.classes.approvable).toEqual([lines[0].lineKey, lines[2].lineKey]);

    // Still waiting two seconds before the end of the seventh day; done after it.
    const done = await passDeadline(t, arn, 7 * DAY, 2);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toEqual({
      campaignId: campaign.id, unit: UNIT, approvalStep: 3,
      posting: { postingId: posting.postingId, unit: UNIT, endsAt: posting.endsAt, approvable: 2, held: 1, removed: 0 },
    });
    const closed = (await getPosting(table, posting.postingId))!;
    expect(closed.status).toBe('closed');
    expect(closed.outcome).toMatchObject({ heldKeys: [lines[1].lineKey], removedKeys: [] });
    // The held line waits for the reviewer after the close, unpaid; dismissing it releases it.
    expect(await heldLineKeys(table, campaign.id)).toEqual([lines[1].lineKey]);
    const planned = await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table });
    expect((await Promise.all(planned.batches.map((n) => getPaymentBatch(table, campaign.id, n)))).flat()).not.toContain(lines[1].lineKey);
    expect(await payBatch({ campaignId: campaign.id, keys: [lines[1].lineKey], executionId: 'held' }, { table })).toEqual({ paid: 0, alreadyPaid: 0, missing: 1 });
    if (filed.outcome !== 'filed') throw new Error('not filed');
    expect(await resolveObjection(table, { campaignId: campaign.id, objectionId: filed.objection.objectionId, outcome: 'dismissed', reason: '经核实仍在本区居住', by: 'c@mzj.example.cn', at: new Date() })).toBe('resolved');
    expect((await classifyPosting(table, closed)).classes.approvable).toHaveLength(3);
    expect(await heldLineKeys(table, campaign.id)).toEqual([]);
    expect(await includedBeneficiaries(table, campaign.id)).toHaveLength(4);
    expect((await planPayments({ campaignId: campaign.id, executionId: 'implement' }, { table })).beneficiaries).toBe(planned.beneficiaries + 1);
  });

  it('an upheld objection removes its line from the list and from the register', async () => {
    const campaign = await campaignWithList();
    await setPostingDays(table, campaign.id, 3);
    const t = postingEngine();
    const { arn, posting } = await startPosting(t, campaign.id);
    expect(posting.days).toBe(3);
    const lines = await postingLines(table, posting.postingId);
    const first = await fileObjection(table, { posting, line: lines[0], reason: '该户家庭收入超标', contact: '13900139000', source: 's1', at: new Date() });
    const second = await fileObjection(table, { posting, line: lines[0], reason: '同一户重复领取', contact: '', source: 's2', at: new Date() });
    if (first.outcome !== 'filed' || second.outcome !== 'filed') throw new Error('not filed');
    expect(await resolveObjection(table, { campaignId: campaign.id, objectionId: first.objection.objectionId, outcome: 'upheld', reason: '经核实收入超标', by: 'c@mzj.example.cn', at: new Date() })).toBe('resolved');
    // A second decision on the same objection changes nothing; the other objection on the line is settled with it.
    expect(await resolveObjection(table, { campaignId: campaign.id, objectionId: first.objection.objectionId, outcome: 'dismissed', reason: 'x', by: 'c@mzj.example.cn', at: new Date() })).toBe('already-resolved');
    expect(await resolveObjection(table, { campaignId: campaign.id, objectionId: second.objection.objectionId, outcome: 'dismissed', reason: 'x', by: 'c@mzj.example.cn', at: new Date() })).toBe('already-resolved');

    const done = await passDeadline(t, arn, 3 * DAY, 2);
    expect(done.output).toMatchObject({ posting: { approvable: 2, held: 0, removed: 1 } });
    expect((await includedBeneficiaries(table, campaign.id)).map((b) => b.name).sort()).toEqual(['欧阳小红', '李四', '王五'].sort());
    expect(await heldLineKeys(table, campaign.id)).toEqual([]);
  });

  it('the close records the held and removed lines in the posting\'s order, from the objections filed in any order', async () => {
    const campaign = await campaignWithList();
    const t = postingEngine();
    const { arn, posting } = await startPosting(t, campaign.id);
    const lines = await postingLines(table, posting.postingId);
    const file = async (line: (typeof lines)[number], source: string) => {
      const filed = await fileObjection(table, { posting, line, reason: '情况不符', contact: '', source, at: new Date() });
      if (filed.outcome !== 'filed') throw new Error('not filed');
      return filed.objection;
    };
    await file(lines[2], 's1');
    const upheld = await file(lines[1], 's2');
    await file(lines[0], 's3');
    await file(lines[2], 's4');
    await resolveObjection(table, { campaignId: campaign.id, objectionId: upheld.objectionId, outcome: 'upheld', reason: '经核实已迁出', by: 'c@mzj.example.cn', at: new Date() });
    const { classes } = await classifyPosting(table, posting);

    const done = await passDeadline(t, arn, 7 * DAY, 2);
    expect(done.output).toMatchObject({ posting: { approvable: 0, held: 2, removed: 1 } });
    const { outcome } = (await getPosting(table, posting.postingId))!;
    expect(outcome).toEqual({ approvable: 0, held: 2, removed: 1, heldKeys: [lines[0].lineKey, lines[2].lineKey], removedKeys: [lines[1].lineKey] });
    expect(outcome).toMatchObject({ heldKeys: classes.held, removedKeys: classes.removed });
  });

  it('a retried open names the same posting; a list posted again leaves the removed line out', async () => {
    const campaign = await campaignWithList();
    const openedAt = new Date().toISOString();
    const once = await openPostingStep({ campaignId: campaign.id, unit: UNIT, openedAt }, { table });
    const again = await openPostingStep({ campaignId: campaign.id, unit: UNIT, openedAt }, { table });
    expect(again).toEqual(once);
    expect(await listPostings(table, campaign.id)).toHaveLength(1);
    const posting = (await getPosting(table, once.postingId))!;
    const [line] = await postingLines(table, posting.postingId);
    const filed = await fileObjection(table, { posting, line, reason: '该户家庭收入超标', contact: '', source: 's1', at: new Date() });
    if (filed.outcome !== 'filed') throw new Error('not filed');
    await resolveObjection(table, { campaignId: campaign.id, objectionId: filed.objection.objectionId, outcome: 'upheld', reason: '收入超标', by: 'c@mzj.example.cn', at: new Date() });
    const resubmitted = await openPostingStep({ campaignId: campaign.id, unit: UNIT, openedAt: new Date(Date.now() + 1000).toISOString() }, { table });
    expect(resubmitted.postingId).not.toBe(once.postingId);
    expect(resubmitted.lines).toBe(2);
  });

  it('rate-limits objections per source and day', async () => {
    const campaign = await campaignWithList();
    const opened = await openPostingStep({ campaignId: campaign.id, unit: UNIT, openedAt: new Date().toISOString() }, { table });
    const posting = (await getPosting(table, opened.postingId))!;
    const [line] = await postingLines(table, posting.postingId);
    const at = new Date('2025-01-10T03:00:00Z');
    const file = (source: string, when = at) => fileObjection(table, { posting, line, reason: '该户已迁出本区', contact: '', source, at: when });
    for (let i = 0; i < 5; i++) expect((await file('s1')).outcome).toBe('filed');
    expect((await file('s1')).outcome).toBe('rate-limited');
    expect((await file('s2')).outcome).toBe('filed');
    expect((await file('s1', new Date('2025-01-11T03:00:00Z'))).outcome).toBe('filed');
  });
});
