import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApprovalTasks, type ApprovalTask } from '../../functions/data/approval-tasks.js';
import { getCampaign } from '../../functions/data/campaigns.js';
import { beneficiaryKey, listBeneficiaryRecords } from '../../functions/data/exclusions.js';
import { createLinkUntil } from '../../functions/data/links.js';
import { listPayments } from '../../functions/data/payments.js';
import { loadPlan } from '../../functions/data/plan.js';
import { postingLines } from '../../functions/data/postings.js';
import { registerCoordinator } from '../../functions/data/sessions.js';
import { getUpload } from '../../functions/data/uploads.js';
import { Table } from '../../functions/data/table.js';
import { getAppSecrets } from '../../functions/shared/secrets.js';
import { startLocalCloud, type LocalCloud } from '../../infra/local/cloud.js';
import { DEMO, demoIdNumber, fundDemoProjects, unitCsv } from '../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../infra/local/demo-client.js';
import { localDynamoClient } from '../../infra/local/dynamodb.js';
import { tempDir } from '../support/engine.js';

// One unit's list (莘庄镇, 65 people) through a configured three-level chain.
const STREET = 'street@jd.example.cn';
const STREET_2 = 'street2@jd.example.cn';
const DEPT = 'dept@mzj.example.cn';
const BUREAU = 'bureau@mzj.example.cn';
const DEPUTY = 'deputy@mzj.example.cn';
const THREE_LEVELS = [`街镇审核, ${STREET}; ${STREET_2}, ${DEPUTY}, 3, 0.5`, `部门审批, ${DEPT}, ${DEPUTY}, 5, 0.5`, `区民政局终审, ${BUREAU}, ${DEPUTY}, 5, 0.5`].join('\n');

describe('approval chains on the local cloud', () => {
  const dataDir = tempDir('nuanliu-chain-');
  let cloud: LocalCloud;
  let coordinator: DemoClient;
  let table: Table;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dataDir, ephemeralPorts: true, movableClock: true });
    coordinator = new DemoClient(cloud.url);
    await coordinator.signIn(DEMO.coordinator);
    const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    const { TableNames } = await localDynamoClient(cloud.endpoints.dynamodb).send(new ListTablesCommand({}));
    table = new Table(localDynamoClient(cloud.endpoints.dynamodb), TableNames![0]);
  }, 120_000);
  afterAll(async () => {
    await cloud?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A campaign whose 莘庄镇 list waits at the first step of `chain`, the coordinator having configured it on the chains page. */
  async function atDeploy(name: string, chain: string): Promise<string> {
    const created = await coordinator.post('/campaigns', {
      name, units: DEMO.units.join('\n'), categories: DEMO.categories.join('\n'),
      projects: DEMO.projects.map((p) => `${p.code},${p.name},${p.yuan}`).join('\n'), approvers: DEMO.approvers.join('\n'), callbackStaff: DEMO.staff,
    });
    const id = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')![1];
    await coordinator.atGate(id, 'survey');
    expect((await coordinator.upload(id, '莘庄镇.csv', unitCsv(0))).status).toBe(303);
    await until('the upload', async () => ((await coordinator.status(id)).uploads[0]?.state === 'done' ? true : undefined));
    expect((await coordinator.post(`/campaigns/${id}/chains`, { default: chain })).status).toBe(200);
    await coordinator.startPhase(id, 'survey');
    await coordinator.atGate(id, 'deploy');
    expect((await fundDemoProjects(coordinator, id)).status).toBe(303);
    expect((await coordinator.startPhase(id, 'deploy')).status).toBe(303);
    return id;
  }

  const tasks = (id: string) => listApprovalTasks(table, id);
  const pending = (id: string, step: number, round = 1) =>
    until(`step ${step} of round ${round} to wait`, async () => (await tasks(id)).find((t) => t.step === step && t.round === round && t.taskToken && !t.decision));

  /** The newest /approve/ link mailed to `to` about campaign `name` that is not in `seen`. */
  async function linkFor(to: string, name: string, seen: string[] = [], subjectStart = '待审批'): Promise<string> {
    return until(`a link mailed to ${to}`, async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(to)}`)).json()) as { subject: string; links: string[]; date: string }[];
      const link = mails.sort((a, b) => b.date.localeCompare(a.date)).filter((m) => m.subject.startsWith(subjectStart) && m.subject.includes(name)).flatMap((m) => m.links).find((l) => l.includes('/approve/') && !seen.includes(new URL(l).pathname));
      return link ? new URL(link).pathname : undefined;
    });
  }

  /** Opens the link in a fresh browser and decides; the page's summary hash goes with the form. */
  async function decide(link: string, fields: Record<string, string>, browser = new DemoClient(cloud.url)) {
    const page = await browser.request(link);
    const seen = /name="seen" value="([a-f0-9]{64})"/.exec(await page.text())?.[1] ?? '';
    const res = await browser.post(link, { ...fields, seen });
    return { status: res.status, text: await res.text() };
  }

  it('a three-level chain approves, step by step, and the audit trail records each decision', async () => {
    const name = '三级审批测试';
    const id = await atDeploy(name, THREE_LEVELS);
    for (const [step, approver] of [[1, STREET], [2, DEPT], [3, BUREAU]] as const) {
      // 张榜公示 before the final step.
      if (step === 3) await coordinator.passPostings(id, 1);
      await pending(id, step);
      const link = await linkFor(approver, name);
      const page = await (await new DemoClient(cloud.url).request(link)).text();
      expect(page).toContain(`第 <b>${step}</b>/3 级`);
      expect(page).toContain('帮困名单共 <b>65</b> 人');
      // The money by funding source, as the plan splits it (60% 区级, 40% 街镇配套): it adds up to the total.
      const fen = (label: string) => Math.round(Number(new RegExp(`${label}</td><td class="num">¥([\\d,.]+)<`).exec(page)![1].replaceAll(',', '')) * 100);
      const total = Math.round(Number(/合计 <b>¥([\d,.]+)<\/b>/.exec(page)![1].replaceAll(',', '')) * 100);
      expect(fen('区级') + fen('街镇配套')).toBe(total);
      expect(fen('区级')).toBe(total * 0.6);
      expect((await decide(link, { decision: 'approve' })).text).toContain('已同意');
    }
    await coordinator.atGate(id, 'implement');
    const decided = (await tasks(id)).map((t) => [t.step, t.stepName, t.decision?.outcome, t.decision?.by]);
    expect(decided).toEqual([[1, '街镇审核', 'approved', STREET], [2, '部门审批', 'approved', DEPT], [3, '区民政局终审', 'approved', BUREAU]]);
    const csv = await (await coordinator.request(`/campaigns/${id}/approvals/audit.csv`)).text();
    expect(csv.split('\r\n').filter((l) => l.includes('"同意"'))).toHaveLength(3);
  }, 180_000);

  it('a reject sends the list back; the coordinator removes a line, uploads a corrected file and resubmits; round 2 sees the fixed list', async () => {
    const name = '退回重审测试';
    const id = await atDeploy(name, THREE_LEVELS);
    await pending(id, 1);
    await decide(await linkFor(STREET, name), { decision: 'approve' });
    await pending(id, 2);
    const firstDeptLink = await linkFor(DEPT, name);
    expect((await decide(firstDeptLink, { decision: 'reject', reason: '名单中有两户已迁出本区，请核实' })).text).toContain('已退回');
    await until('the sent-back mail', async () => {
      const mails = (await (await fetch(`${cloud.url}/_local/mail.json?to=${encodeURIComponent(DEMO.coordinator)}`)).json()) as { subject: string; text: string }[];
      return mails.find((m) => m.subject.startsWith('名单被退回') && m.subject.includes(name) && m.text.includes('已迁出'));
    });

    // The fix, for the unit: one line removed with a reason, then a corrected file.
    const approvals = `/campaigns/${id}/approvals`;
    // The last line (the person whose phone is corrected below is among the first).
    const removed = [...(await (await coordinator.request(approvals)).text()).matchAll(/name="line" value="([^"]+)"/g)].at(-1)![1];
    expect((await coordinator.post(`${approvals}/remove`, { unit: '莘庄镇', round: '1', line: removed, reason: '已迁出本区' })).headers.get('location')).toContain('notice=removed');
    const [header, , , third] = unitCsv(0).split('\n');
    const cells = third.split(',');
    const changedPhone = '13700000002';
    const otherUnit = unitCsv(1).split('\n')[3];
    const corrected = [header, [...cells.slice(0, 2), changedPhone, ...cells.slice(3)].join(','), ['新增对象', demoIdNumber(500), ...cells.slice(2)].join(','), otherUnit].join('\n');
    const sent = await coordinator.upload(id, '莘庄镇-修改.csv', corrected);
    expect(sent.status).toBe(303);
    const uploadId = /\/uploads\/([a-f0-9]{64})/.exec(sent.headers.get('location') ?? '')![1];
    const fixed = await until('the corrected file', async () => (await getUpload(table, id, uploadId))?.processedAt ? getUpload(table, id, uploadId) : undefined);
    expect([fixed!.storedCount, fixed!.updatedCount]).toEqual([1, 1]);
    expect(fixed!.errors).toEqual([{ row: 4, column: '所属单位', reason: '该单位名单不在退回修改状态，不能修改' }]);
    expect((await coordinator.status(id)).phase).toBe('deploy');
    expect((await coordinator.post(`${approvals}/resubmit`, { unit: '莘庄镇', round: '1', note: '已核实，删除一户，更正电话，新增一户' })).status).toBe(303);

    const seenStreet = [await linkFor(STREET, name)];
    for (const [step, approver, seen] of [[1, STREET, seenStreet], [2, DEPT, [firstDeptLink]], [3, BUREAU, []]] as const) {
      if (step === 3) {
        const [posted] = await coordinator.passPostings(id, 1);
        const lines = await postingLines(table, posted.postingId);
        expect(lines).toHaveLength(65);
        expect(lines.map((l) => l.lineKey)).not.toContain(removed);
      }
      await pending(id, step, 2);
      const link = await linkFor(approver, name, [...seen]);
      const page = await (await new DemoClient(cloud.url).request(link)).text();
      expect(page).toContain('第 2 轮');
      expect(page).toContain('帮困名单共 <b>65</b> 人');
      expect((await decide(link, { decision: 'approve' })).text).toContain('已同意');
    }
    await coordinator.atGate(id, 'implement');
    const trail = (await tasks(id)).filter((t) => t.decision).map((t) => [t.round, t.step, t.decision!.outcome]);
    expect(trail).toEqual([[1, 1, 'approved'], [1, 2, 'rejected'], [2, 1, 'approved'], [2, 2, 'approved'], [2, 3, 'approved']]);
    const campaign = (await getCampaign(table, id))!;
    const plan = await loadPlan(table, campaign);
    expect(plan.count).toBe(65);
    expect(plan.lines.map(beneficiaryKey)).not.toContain(removed);
    expect(plan.lines.find((l) => l.name === '新增对象')).toBeDefined();
    expect(plan.lines.find((l) => l.name === cells[0])?.unit).toBe('莘庄镇');
    expect((await listBeneficiaryRecords(table, id)).find((b) => b.name === cells[0])?.phone).toBe(changedPhone);
    expect((await coordinator.startPhase(id, 'implement')).status).toBe(303);
    const payments = await until('the payments', async () => {
      const paid = await listPayments(table, id);
      return paid.length === 65 ? paid : undefined;
    });
    expect(payments.map(beneficiaryKey)).not.toContain(removed);
    expect(await (await coordinator.request(`${approvals}/audit.csv`)).text()).toContain('已迁出本区');
  }, 180_000);

  it('a deadline reminds at its fraction, then escalates to the deputy, who approves', async () => {
    const name = '超期转代理测试';
    const id = await atDeploy(name, `区民政局终审, ${BUREAU}, ${DEPUTY}, 3, 0.5`);
    // The one step is the final one: the list is posted first.
    await coordinator.passPostings(id, 1);
    const task = await pending(id, 1);
    await linkFor(BUREAU, name);
    const seconds = (from: string, to: string) => Math.ceil((Date.parse(to) - Date.parse(from)) / 1000);
    const clock = (advanceSeconds: number) => fetch(`${cloud.url}/_local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds }) });
    // Three working days is at least three calendar days; the reminder comes at half of it.
    expect(seconds(task.issuedAt, task.deadlineAt)).toBeGreaterThanOrEqual(3 * 86400 - 86400);
    expect(seconds(task.issuedAt, task.reminderAt)).toBe(Math.round(seconds(task.issuedAt, task.deadlineAt) / 2));

    await clock(seconds(task.issuedAt, task.reminderAt) - 60);
    await new Promise((r) => setTimeout(r, 500));
    expect((await tasks(id))[0].stage).toBe('requested');
    await clock(120);
    await linkFor(BUREAU, name, [], '审批提醒');
    expect((await tasks(id))[0].stage).toBe('reminded');

    await clock(seconds(task.reminderAt, task.deadlineAt) + 60);
    const deputyLink = await linkFor(DEPUTY, name, [], '代理审批');
    expect((await tasks(id))[0].stage).toBe('escalated');
    expect(await (await new DemoClient(cloud.url).request(deputyLink)).text()).toContain('已请代理审批人审批');
    expect((await decide(deputyLink, { decision: 'approve' })).text).toContain('已同意');
    await coordinator.atGate(id, 'implement');
    expect((await tasks(id))[0].decision).toMatchObject({ outcome: 'approved', by: DEPUTY });
  }, 180_000);

  it('link abuse changes nothing: forged, expired, another approver\'s session, GET prefetch, replay, concurrent POSTs', async () => {
    const name = '链接滥用测试';
    const id = await atDeploy(name, THREE_LEVELS);
    await pending(id, 1);
    const link = await linkFor(STREET, name);
    const otherLink = await linkFor(STREET_2, name);
    const unchanged = async () => {
      const [first] = await tasks(id);
      expect(first.decision).toBeUndefined();
      expect((await coordinator.status(id)).phase).toBe('deploy');
    };
    const anyone = new DemoClient(cloud.url);

    // Forged: the signature changed.
    const forged = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    expect((await anyone.request(forged)).status).toBe(403);
    expect((await anyone.post(forged, { decision: 'approve' })).status).toBe(403);

    // Expired: made as the approval step makes them, for this very task, with its expiry past.
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    const { linkKey } = await getAppSecrets({ APP_SECRETS: Object.values(secrets).find((v) => JSON.parse(v).key)! });
    const expired = `/approve/${await createLinkUntil(table, linkKey, { kind: 'approval', email: STREET, campaignId: id, task: { unit: '莘庄镇', round: 1, step: 1 } }, new Date(Date.now() - 1000))}`;
    const expiredPage = await anyone.post(expired, { decision: 'approve' });
    expect(expiredPage.status).toBe(410);
    expect(await expiredPage.text()).toContain('此审批链接已过期');

    // Another approver, signed in, opens this approver's link.
    await registerCoordinator(table, { email: BUREAU, name: '区民政局' });
    const bureau = new DemoClient(cloud.url);
    await bureau.signIn(BUREAU);
    expect((await bureau.request(link)).status).toBe(403);
    const refused = await decide(link, { decision: 'approve' }, bureau);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('属于另一位审批人');

    // A mail scanner fetches the link, twice: the page shows, nothing is decided.
    for (let i = 0; i < 2; i++) expect((await anyone.request(link)).status).toBe(200);
    await unchanged();

    // Two POSTs at once on the same link, and one on the other approver's link of the same step.
    const answers = await Promise.all([decide(link, { decision: 'approve' }), decide(link, { decision: 'approve' }), decide(otherLink, { decision: 'return', reason: '请补充材料' })]);
    expect(answers.filter((a) => /已同意|已退回修改|已退回/.test(a.text) && !a.text.includes('已处理'))).toHaveLength(1);
    const [first] = await tasks(id);
    expect(first.decision).toBeDefined();

    // A replay of either link: 已处理, and the one decision stays as it was.
    for (const l of [link, otherLink]) expect((await decide(l, { decision: 'reject', reason: '重放' })).text).toContain('已处理');
    const after: ApprovalTask = (await tasks(id))[0];
    expect(after.decision).toEqual(first.decision);
  }, 180_000);
});
