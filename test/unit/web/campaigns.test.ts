import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getCampaign } from '../../../functions/data/campaigns.js';
import type { Table } from '../../../functions/data/table.js';
import { getGate, passGate } from '../../../functions/data/gates.js';
import { keys } from '../../../functions/data/keys.js';
import { saveTally, savePaymentPlan } from '../../../functions/data/payments.js';
import { getUpload, listUploads, saveUpload } from '../../../functions/data/uploads.js';
import { loadFacts, uploadView } from '../../../functions/web/campaign-facts.js';
import type { AppDeps } from '../../../functions/web/context.js';
import { executionArnOf, intakeStatus } from '../../../functions/web/workflows.js';
import {
  browser,
  createCampaignVia,
  CSV_HEADER,
  eventually,
  FAILING_FILE,
  idNumber,
  importProjects,
  signedIn,
  startWeb,
  upload,
  type Browser,
  type Web,
  uploadIdOf,
} from './harness.js';

let web: Web;
let b: Browser;
beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
});
afterAll(() => web.close());

const processed = (campaignId: string, uploadId: string) =>
  eventually(async () => (await getUpload(web.table, campaignId, uploadId))?.processedAt, 'intake of the upload');

const GOOD_CSV = [
  CSV_HEADER,
  `张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡`,
  `李四,${idNumber(2)},021-64123456,区民政局,低收入困难家庭,困难职工慰问,1,1000,社保卡`,
].join('\n');

describe('creating a campaign', () => {
  it('re-renders the form with zh-CN reasons and the values typed', async () => {
    const res = await b.form('/campaigns', {
      name: '',
      units: '莘庄镇\n莘庄镇',
      categories: '低保家庭',
      projects: 'MZ01,慰问金,abc\n坏 编码,名称,100',
      approvers: 'not-an-email',
      callbackStaff: '',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('请填写活动名称');
    expect(html).toContain('第2行：与第1行重复');
    expect(html).toContain('第1行：金额格式不正确');
    expect(html).toContain('项目编码“坏 编码”无效');
    expect(html).toContain('“not-an-email”不是有效的邮箱地址');
    expect(html).toContain('请至少填写一个回访人员');
    expect(html).toContain('MZ01,慰问金,abc'); // the values come back
  });

  it('stores the campaign and starts its workflow named by the campaign id', async () => {
    const id = await createCampaignVia(web, b);
    const campaign = await getCampaign(web.table, id);
    expect(campaign).toMatchObject({
      name: '2025年元旦春节帮困送温暖',
      coordinator: 'coordinator@mzj.example.cn',
      units: ['区民政局', '莘庄镇'],
      projects: [
        { code: 'MZ01', name: '春节帮困慰问金', amountFen: 50000 },
        { code: 'GH02', name: '困难职工慰问', amountFen: 80050 },
      ],
      approvers: ['chief@mzj.example.cn', 'director@mzj.example.cn'],
      callbackStaff: ['caller1@mzj.example.cn', 'caller2@mzj.example.cn'],
      executionArn: executionArnOf(web.campaignWorkflowArn, id),
    });
    const execution = await web.sfn.send(new DescribeExecutionCommand({ executionArn: campaign!.executionArn }));
    expect(execution).toMatchObject({ name: id, status: 'RUNNING' });
    expect(JSON.parse(execution.input!)).toEqual({ campaignId: id });

    const page = await b.get(`/campaigns/${id}?notice=created`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of ['活动已创建', '排摸', '部署', '实施', '回访', '待启动', '未开始', '等待协调员启动「排摸」', 'ExecutionStarted']) {
      expect(html).toContain(text);
    }
    // The survey cannot start before any list came in: a disabled button and the reasons.
    expect(html).toMatch(/<button type="submit" disabled>启动「排摸」阶段/);
    expect(html).toContain('还没有处理完成的名单文件');
    // The task token never reaches a page.
    expect(html).not.toContain((await getGate(web.table, id, 'survey'))!.taskToken);

    const list = await b.get('/');
    expect(await list.text()).toContain(`/campaigns/${id}`);
  });

  it('renders HTML in names inert', async () => {
    const id = await createCampaignVia(web, b, { name: '<script>alert(1)</script>', units: '<img src=x onerror=alert(1)>\n莘庄镇' });
    const html = await (await b.get(`/campaigns/${id}`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('serves the intake template with the campaign\'s lists', async () => {
    const id = await createCampaignVia(web, b);
    const res = await b.get(`/campaigns/${id}/template.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    expect(book.getWorksheet('帮困对象')?.getRow(1).getCell(1).value).toBe('姓名');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'; style-src 'self' 'unsafe-inline'");
  });

  it('answers 404 with a zh-CN page for an unknown campaign', async () => {
    const res = await b.get('/campaigns/4f9c1f0e-8d5e-4b7a-9a59-1f7c1e0c2a11');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('没有找到这个活动');
  });
});

describe('uploads', () => {
  it('shows every row-level reason of a malformed CSV, and offers them as CSV', async () => {
    const id = await createCampaignVia(web, b);
    const csv = [
      CSV_HEADER,
      `张三,${idNumber(1)},13800138000,莘庄镇,低保家庭,MZ01,3,,社保卡`,
      `李四,110105194912310021,1380013,莘庄镇,低保家庭,MZ01,3,,社保卡`,
      `王五,${idNumber(3)},13900139000,<b>外区</b>,低保家庭,XX99,0,,社保卡`,
    ].join('\n');
    const res = await upload(b, id, csv, 'bad.csv');
    expect(res.status).toBe(303);
    const uploadId = uploadIdOf(res);
    expect(uploadId).toMatch(/^[a-f0-9]{64}$/);
    await processed(id, uploadId);

    const page = await b.get(`/campaigns/${id}/uploads/${uploadId}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<th class="num">行号</th><th>列</th><th>原因</th>');
    expect(html).toMatch(/<td class="num">3<\/td><td>身份证号码<\/td><td>校验位错误/);
    expect(html).toMatch(/<td class="num">3<\/td><td>联系电话<\/td>/);
    expect(html).toMatch(/<td class="num">4<\/td><td>所属单位<\/td><td>“&lt;b&gt;外区&lt;\/b&gt;”不在单位名单中/);
    expect(html).toMatch(/<td class="num">4<\/td><td>帮困项目<\/td>/);
    expect(html).toMatch(/<td class="num">4<\/td><td>家庭人数<\/td>/);
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).not.toContain('110105194912310021'); // nothing echoes ID numbers

    const csvRes = await b.get(`/campaigns/${id}/uploads/${uploadId}/errors.csv`);
    expect(csvRes.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csvRes.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    // The error file: the rejected rows as sent, plus 错误原因 (more in uploads.test.ts).
    expect(text).toContain('"姓名","身份证号码","联系电话","所属单位","帮困类别","帮困项目","家庭人数","发放金额(元)","发放方式","银行账号","开户银行","错误原因"');
    expect(text).toMatch(/"李四","110105194912310021",.*"身份证号码：校验位错误/);

    const campaignPage = await (await b.get(`/campaigns/${id}`)).text();
    expect(campaignPage).toContain('bad.csv');
    expect(campaignPage).toContain('已完成');
  });

  it('takes the same file twice as one upload', async () => {
    const id = await createCampaignVia(web, b);
    const first = await upload(b, id, GOOD_CSV, 'a.csv');
    const second = await upload(b, id, GOOD_CSV, 'copy-of-a.csv');
    expect(uploadIdOf(second)).toBe(uploadIdOf(first));
    expect(second.headers.get('location')).toContain('notice=duplicate');
    expect(await listUploads(web.table, id)).toHaveLength(1);
    await processed(id, uploadIdOf(first));
    const html = await (await b.get(second.headers.get('location')!)).text();
    expect(html).toContain('该文件此前已上传过');
    expect((await getUpload(web.table, id, uploadIdOf(first)))?.storedCount).toBe(2);
    expect(web.sent.filter((c) => c === 'StartExecutionCommand').length).toBeGreaterThan(0);
  });

  it('refuses files over 4 MB with a zh-CN message', async () => {
    const id = await createCampaignVia(web, b);
    const res = await upload(b, id, new Uint8Array(4 * 1024 * 1024 + 1).fill(65), 'big.csv');
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('文件超过 4 MB');
    expect(await listUploads(web.table, id)).toHaveLength(0);
  });

  it('shows an upload still processing with an auto refresh, and a failed intake as failed', async () => {
    const id = await createCampaignVia(web, b);
    const waiting = 'a'.repeat(64);
    await saveUpload(web.table, { campaignId: id, id: waiting, fileName: 'waiting.csv', uploadedAt: new Date().toISOString(), uploadedBy: 'x@y.cn', chunkCount: 0, rowCount: 0, acceptedCount: 0, errors: [] });
    const html = await (await b.get(`/campaigns/${id}/uploads/${waiting}`)).text();
    expect(html).toContain('正在处理');
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    // A file still processing holds the survey back.
    const refused = await b.form(`/campaigns/${id}/phases/survey/start`, {});
    expect(await refused.text()).toContain('还有 1 个文件正在处理');

    const res = await upload(b, id, `${GOOD_CSV}\n`, FAILING_FILE);
    const location = res.headers.get('location')!;
    const failed = await eventually(async () => {
      const text = await (await b.get(location)).text();
      return text.includes('状态：处理失败') ? text : undefined;
    }, 'the failed intake');
    expect(failed).not.toContain('http-equiv="refresh"');
    // Why, in the unit's terms (the file was being read), and how to try again; no internals.
    expect(failed).toContain('处理失败：读取和检查文件时出错。');
    expect(failed).toContain('请重新上传同一个文件');
    expect(failed).not.toContain('intake failed');
    // A failed file holds nothing back: only the one still processing does.
    expect(await (await b.form(`/campaigns/${id}/phases/survey/start`, {})).text()).toContain('还有 1 个文件正在处理');
  });

  it('shows an upload done, not failed, when its workflow ended after the upload was read', async () => {
    const id = await createCampaignVia(web, b);
    const uploadId = uploadIdOf(await upload(b, id, `${GOOD_CSV}\n`));
    const stored = await processed(id, uploadId).then(() => getUpload(web.table, id, uploadId));
    // As a page read it while Finish was still running: no processedAt yet, the execution since SUCCEEDED.
    const { processedAt: _, ...readBeforeFinish } = stored!;
    const deps = { table: web.table, sfn: web.sfn, intakeWorkflowArn: web.intakeWorkflowArn } as unknown as AppDeps;
    await eventually(async () => ((await intakeStatus(deps, stored!)) === 'SUCCEEDED' ? true : undefined), 'the intake execution to end');
    expect((await uploadView(deps, readBeforeFinish)).state).toBe('done');
  });

  it('reads the register only once the uploads\' states are read, so an upload shown done has every row counted', async () => {
    const id = await createCampaignVia(web, b);
    await processed(id, uploadIdOf(await upload(b, id, `${GOOD_CSV}\n`)));
    const reads: string[] = [];
    const kind = (pk: string, sk?: string) => (pk.endsWith('#BENEFICIARIES') ? 'register' : String(sk).startsWith('UPLOAD#') ? 'upload' : 'other');
    const watched = Object.create(web.table) as Table;
    watched.query = async function* (pk: string, skPrefix?: string, ...rest: unknown[]) {
      reads.push(`${kind(pk, skPrefix)} start`);
      yield* (web.table.query as (...a: unknown[]) => AsyncGenerator<never[]>).call(watched, pk, skPrefix, ...rest);
      reads.push(`${kind(pk, skPrefix)} end`);
    } as Table['query'];
    watched.allInRanges = async function (pk: string, ...rest: unknown[]) {
      reads.push(`${kind(pk)} start`);
      const items = await (web.table.allInRanges as (...a: unknown[]) => Promise<never[]>).call(watched, pk, ...rest);
      reads.push(`${kind(pk)} end`);
      return items;
    } as Table['allInRanges'];
    const facts = await loadFacts({ table: watched, sfn: web.sfn, intakeWorkflowArn: web.intakeWorkflowArn } as unknown as AppDeps, (await getCampaign(web.table, id))!);
    expect(facts.uploads.map((u) => u.state)).toEqual(['done']);
    expect(reads.indexOf('register start')).toBeGreaterThan(reads.lastIndexOf('upload end'));
  });

  it('starts a second attempt when a failed file is uploaded again, and shows it done', async () => {
    const id = await createCampaignVia(web, b);
    const first = await upload(b, id, `${GOOD_CSV}\n`, FAILING_FILE);
    const uploadId = uploadIdOf(first);
    await eventually(async () => (await getUpload(web.table, id, uploadId))?.failedAt, 'the failed intake');

    // The same content under another name: the stand-in Prepare fails only files named FAILING_FILE.
    const again = await upload(b, id, `${GOOD_CSV}\n`, 'fixed.csv');
    expect(again.headers.get('location')).toBe(`/campaigns/${id}/uploads/${uploadId}?notice=retried`);
    const done = await eventually(async () => {
      const u = await getUpload(web.table, id, uploadId);
      return u?.processedAt ? u : undefined;
    }, 'the second attempt');
    expect(done).toMatchObject({ attempt: 2, fileName: 'fixed.csv', storedCount: done.acceptedCount });
    expect(done.failedAt).toBeUndefined();
    expect(done.failureReason).toBeUndefined();
    const page = await (await b.get(`/campaigns/${id}/uploads/${uploadId}`)).text();
    expect(page).toContain('状态：已完成（第 2 次处理）');

    // Once done, the same file again is a duplicate: no third attempt.
    const third = await upload(b, id, `${GOOD_CSV}\n`, 'fixed.csv');
    expect(third.headers.get('location')).toContain('notice=duplicate');
    expect((await getUpload(web.table, id, uploadId))?.attempt).toBe(2);
  });
});

describe('starting phases', () => {
  it('tells the workflow again of a start recorded but lost before it reached it (the server died in between)', async () => {
    const id = await createCampaignVia(web, b);
    await processed(id, uploadIdOf(await upload(b, id, GOOD_CSV, 'good.csv')));
    const gate = await eventually(() => getGate(web.table, id, 'survey'), 'the survey gate');
    // What the route records first; the crash came before it told the workflow.
    expect(await passGate(web.table, id, 'survey', gate.taskToken, new Date(Date.now() - 60_000))).toBe(true);
    expect((await getCampaign(web.table, id))?.phaseStatus).toBe('awaiting');

    const before = web.sent.filter((c) => c === 'SendTaskSuccessCommand').length;
    const again = await b.form(`/campaigns/${id}/phases/survey/start`, {});
    expect(again.headers.get('location')).toBe(`/campaigns/${id}?notice=already-started`);
    expect(web.sent.filter((c) => c === 'SendTaskSuccessCommand').length).toBe(before + 1);
    await eventually(() => getGate(web.table, id, 'deploy'), 'the deploy gate');
  });

  it('refuses with reasons until the preconditions hold, then starts once on a double click', async () => {
    const id = await createCampaignVia(web, b);
    const start = () => b.form(`/campaigns/${id}/phases/survey/start`, {});

    const refused = await start();
    expect(refused.status).toBe(409);
    const reasons = await refused.text();
    expect(reasons).toContain('还没有处理完成的名单文件');
    expect(reasons).toContain('还没有入库的帮困对象');
    expect((await b.form(`/campaigns/${id}/phases/deploy/start`, {})).status).toBe(409);
    expect((await b.form(`/campaigns/${id}/phases/nonsense/start`, {})).status).toBe(404);

    const up = await upload(b, id, GOOD_CSV, 'good.csv');
    await processed(id, uploadIdOf(up));
    expect(await (await b.get(`/campaigns/${id}`)).text()).toMatch(/<button type="submit">启动「排摸」阶段/);

    const before = web.sent.filter((c) => c === 'SendTaskSuccessCommand').length;
    const [one, two] = await Promise.all([start(), start()]);
    expect([one.status, two.status]).toEqual([303, 303]);
    const notices = [one.headers.get('location'), two.headers.get('location')].sort();
    expect(notices).toEqual([`/campaigns/${id}?notice=already-started`, `/campaigns/${id}?notice=started`]);
    expect(web.sent.filter((c) => c === 'SendTaskSuccessCommand').length).toBe(before + 1);
    expect((await getGate(web.table, id, 'survey'))?.passedAt).toBeDefined();

    // The workflow ran the survey and now waits at the deploy gate; uploads are closed.
    await eventually(() => getGate(web.table, id, 'deploy'), 'the deploy gate');
    const late = await upload(b, id, `${GOOD_CSV}\n\n`, 'late.csv');
    expect(late.status).toBe(409);
    const third = await start();
    expect(third.status).toBe(409);
    expect(await third.text()).toContain('「排摸」阶段已经完成');

    // 部署 waits for a plan within budget: the projects' funding.
    expect(await (await b.get(`/campaigns/${id}`)).text()).toContain('资金计划未通过核对：项目MZ01「春节帮困慰问金」未设置资金来源');
    expect((await importProjects(b, id)).status).toBe(303);
    const page = await (await b.get(`/campaigns/${id}`)).text();
    expect(page).toContain('「排摸」已由协调员启动');
    expect(page).toContain('等待协调员启动「部署」');
    expect(page).toMatch(/<button type="submit">启动「部署」阶段/);
    // The implement phase needs the deploy phase first.
    const implement = await b.form(`/campaigns/${id}/phases/implement/start`, {});
    expect(implement.status).toBe(409);
    expect(await implement.text()).toContain('需先完成「部署」阶段');
  });

  it('lets the coordinator try again when the workflow could not be told', async () => {
    const id = await createCampaignVia(web, b);
    const up = await upload(b, id, GOOD_CSV, 'good.csv');
    await processed(id, uploadIdOf(up));
    web.failOnce.add('SendTaskSuccessCommand');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await b.form(`/campaigns/${id}/phases/survey/start`, {})).status).toBe(500);
    } finally {
      errors.mockRestore();
    }
    expect((await getGate(web.table, id, 'survey'))?.passedAt).toBeUndefined();
    const retry = await b.form(`/campaigns/${id}/phases/survey/start`, {});
    expect(retry.headers.get('location')).toBe(`/campaigns/${id}?notice=started`);
    await eventually(() => getGate(web.table, id, 'deploy'), 'the deploy gate');
  });

  it('requires a payment before the review phase', async () => {
    const id = await createCampaignVia(web, b);
    const up = await upload(b, id, GOOD_CSV, 'good.csv');
    await processed(id, uploadIdOf(up));
    // 部署 needs a plan within budget: the projects' funding.
    expect((await importProjects(b, id)).status).toBe(303);
    for (const phase of ['survey', 'deploy', 'implement'] as const) {
      expect((await b.form(`/campaigns/${id}/phases/${phase}/start`, {})).status).toBe(303);
      const next = ({ survey: 'deploy', deploy: 'implement', implement: 'review' } as const)[phase];
      await eventually(() => getGate(web.table, id, next), `the ${next} gate`);
    }
    const review = await b.form(`/campaigns/${id}/phases/review/start`, {});
    expect(review.status).toBe(409);
    expect(await review.text()).toContain('还没有任何发放记录');
  });

  it('shows how far 实施 has paid, from its batches paid so far', async () => {
    const id = await createCampaignVia(web, b);
    await web.table.update(keys.campaign(id), { phase: 'implement', phaseStatus: 'running' });
    await savePaymentPlan(web.table, id, { executionId: 'implement', batches: 3, payable: { count: 250, totalFen: 9_000_000 } });
    await saveTally(web.table, id, [0], { executionId: 'implement', count: 100, totalFen: 4_000_000 });
    const page = await (await b.get(`/campaigns/${id}`)).text();
    expect(page).toContain('发放进行中：已发放 <b>100</b> 笔（计划 250 笔），合计 <b>¥40,000.00</b>（计划 ¥90,000.00）');
    const status = (await (await b.get(`/api/campaigns/${id}`)).json()) as { payments: unknown };
    expect(status.payments).toEqual({ count: 100, totalFen: 4_000_000, planned: { count: 250, totalFen: 9_000_000 } });
  });

  it('does not start anything for a GET or a foreign origin', async () => {
    const id = await createCampaignVia(web, b);
    expect((await b.get(`/campaigns/${id}/phases/survey/start`)).status).toBe(404);
    const foreign = await b.request(`/campaigns/${id}/phases/survey/start`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await getGate(web.table, id, 'survey'))?.passedAt).toBeUndefined();
    // Signed-out visitors are sent to sign in.
    expect((await browser(web).form(`/campaigns/${id}/phases/survey/start`, {})).headers.get('location')).toBe('/signin');
  });
});
