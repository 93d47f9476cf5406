import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBeneficiary } from '../../../functions/data/beneficiaries.js';
import { setPhase } from '../../../functions/data/campaigns.js';
import { listBeneficiaryRecords } from '../../../functions/data/exclusions.js';
import { listRemovals } from '../../../functions/data/removals.js';
import { getUpload } from '../../../functions/data/uploads.js';
import { browser, createCampaignVia, CSV_HEADER, eventually, idNumber, signedIn, startWeb, upload, uploadIdOf, type Browser, type Web } from './harness.js';

let web: Web;
let coordinator: Browser;
beforeAll(async () => {
  web = await startWeb();
  coordinator = await signedIn(web);
});
afterAll(() => web.close());

const FIRST = 'chief@mzj.example.cn';
const row = (name: string, n: number, unit: string, phone = '13800138000') => `${name},${idNumber(n)},${phone},${unit},低保家庭,MZ01,1,,社保卡`;

async function uploaded(campaignId: string, lines: string[]) {
  const id = uploadIdOf(await upload(coordinator, campaignId, [CSV_HEADER, ...lines].join('\n')));
  return eventually(async () => {
    const u = await getUpload(web.table, campaignId, id);
    return u?.processedAt ? u : undefined;
  }, 'the upload to be processed');
}

/** A campaign whose 莘庄镇 list (three people) the first approver rejected: it waits for resubmission. */
async function sentBack() {
  const campaignId = await createCampaignVia(web, coordinator, { name: '退回修改测试', units: '莘庄镇\n区民政局' });
  await uploaded(campaignId, [row('王小明', 1, '莘庄镇'), row('李小红', 2, '莘庄镇'), row('赵大海', 3, '莘庄镇'), row('周一', 4, '区民政局')]);
  const mailed = web.mails.length;
  await web.sfn.send(new StartExecutionCommand({ stateMachineArn: web.approvalWorkflowArn, input: JSON.stringify({ campaignId }) }));
  const mail = await eventually(async () => web.mails.slice(mailed).find((m) => m.to === FIRST && m.subject.includes('莘庄镇')), 'the approval mail');
  const path = mail.text.match(/https?:\/\/\S+/)![0].replace(/^https?:\/\/[^/]+/, '');
  const approver = browser(web);
  const seen = /name="seen" value="([a-f0-9]{64})"/.exec(await (await approver.get(path)).text())![1];
  await approver.form(path, { decision: 'return', reason: '有一户已迁出', seen });
  await eventually(async () => web.mails.some((m) => m.subject.startsWith('名单被退回') && m.subject.includes('退回修改测试')), 'the sent-back mail');
  // The stand-in campaign workflow does not run 部署: the campaign is put where 部署 would have it.
  await setPhase(web.table, campaignId, 'deploy', 'running');
  return campaignId;
}

const lineValue = (page: string, masked: string) => new RegExp(`name="line" value="([^"]+)" aria-label="移出 ${masked}"`).exec(page)?.[1];

describe('fixing a sent-back list', () => {
  it('lists its lines masked; removal needs a reason, excludes once and is recorded; a second removal changes nothing', async () => {
    const campaignId = await sentBack();
    const approvals = `/campaigns/${campaignId}/approvals`;
    const page = await (await coordinator.get(approvals)).text();
    expect(page).toContain('名单共 3 人');
    for (const masked of ['王*明', '李*红', '赵*海']) expect(page).toContain(masked);
    for (const raw of ['王小明', idNumber(1), idNumber(2), '周*']) expect(page).not.toContain(raw);
    for (const b of (await listBeneficiaryRecords(web.table, campaignId)).filter((b) => b.unit === '莘庄镇')) expect(page).toContain(b.idMasked);
    const line = lineValue(page, '王\\*明')!;
    expect(line).toMatch(/^MZ01#[a-f0-9]{64}$/);

    const noReason = await coordinator.form(`${approvals}/remove`, { unit: '莘庄镇', round: '1', line, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('请填写移出原因');
    const none = await coordinator.form(`${approvals}/remove`, { unit: '莘庄镇', round: '1', reason: '已迁出' });
    expect(await none.text()).toContain('请选择要移出名单的人员');
    expect((await listBeneficiaryRecords(web.table, campaignId)).filter((b) => b.excludedBy)).toEqual([]);

    const removed = await coordinator.form(`${approvals}/remove`, { unit: '莘庄镇', round: '1', line, reason: '已迁出本区' });
    expect(removed.headers.get('location')).toContain('notice=removed');
    const again = await coordinator.form(`${approvals}/remove`, { unit: '莘庄镇', round: '1', line, reason: '再次移出' });
    expect(again.headers.get('location')).toContain('notice=already-removed');

    const excluded = (await listBeneficiaryRecords(web.table, campaignId)).filter((b) => b.excludedBy);
    expect(excluded.map((b) => [b.name, b.excludedBy])).toEqual([['王小明', 'resubmission#莘庄镇#1']]);
    const removals = await listRemovals(web.table, campaignId);
    expect(removals.map((r) => [r.nameMasked, r.reason, r.by])).toEqual([['王*明', '已迁出本区', 'coordinator@mzj.example.cn']]);
    const after = await (await coordinator.get(approvals)).text();
    expect(after).toContain('名单共 2 人');
    expect(lineValue(after, '王\\*明')).toBeUndefined();
    expect(after).toContain('退回后移出名单的人员');
    const csv = await (await coordinator.get(`${approvals}/audit.csv`)).text();
    expect(csv).toContain('移出名单：王*明');
    expect(csv).toContain('已迁出本区');
    expect(csv).not.toContain(idNumber(1));
  });

  it('takes a corrected file for the sent-back unit only; after resubmission neither removal nor upload is taken', async () => {
    const campaignId = await sentBack();
    const approvals = `/campaigns/${campaignId}/approvals`;
    expect(await (await coordinator.get(approvals)).text()).toContain('上传修改后的名单');
    const corrected = await uploaded(campaignId, [row('李小红', 2, '莘庄镇', '13912345678'), row('钱新', 5, '莘庄镇'), row('周一', 4, '区民政局', '13912345678')]);
    expect([corrected.storedCount, corrected.updatedCount]).toEqual([1, 1]);
    expect(corrected.errors).toEqual([{ row: 4, column: '所属单位', reason: '该单位名单不在退回修改状态，不能修改' }]);
    expect(corrected.rejectedRows).toBeUndefined();
    const people = await listBeneficiaryRecords(web.table, campaignId);
    expect(people.find((b) => b.name === '李小红')?.phone).toBe('13912345678');
    expect(people.find((b) => b.name === '周一')?.phone).toBe('13800138000');
    expect(await (await coordinator.get(approvals)).text()).toContain('名单共 4 人');

    const line = lineValue(await (await coordinator.get(approvals)).text(), '钱\\*')!;
    expect((await coordinator.form(`${approvals}/resubmit`, { unit: '莘庄镇', round: '1', note: '已更正' })).status).toBe(303);
    const late = await coordinator.form(`${approvals}/remove`, { unit: '莘庄镇', round: '1', line, reason: '已迁出' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('该单位名单不在退回修改状态');
    const [projectCode, idHash] = line.split('#');
    expect((await getBeneficiary(web.table, campaignId, projectCode, idHash)) as object).not.toHaveProperty('excludedBy');
    const refused = await upload(coordinator, campaignId, [CSV_HEADER, row('孙三', 6, '莘庄镇')].join('\n'));
    expect(refused.status).toBe(409);
  });
});
