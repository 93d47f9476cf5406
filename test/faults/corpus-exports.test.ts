// The corpus's hostile text (formulas, markup) once it is in a campaign: every exported sheet shows
// it as text, never as a formula, and every page and mail shows it inert. The campaign's name and
// its projects' names come through the real forms and routes; intake refuses such beneficiary names
// (姓名不能包含数字或符号), so those are stored as another import path might store them, and paid;
// approvers' return reasons are recorded as the approval link records them.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { createAdaptorServer } from '@hono/node-server';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../functions/core/masking.js';
import { decideTask, openApprovalTask } from '../../functions/data/approval-tasks.js';
import { listBeneficiaries, storeBeneficiary } from '../../functions/data/beneficiaries.js';
import { beneficiaryKey } from '../../functions/data/exclusions.js';
import { payOnce } from '../../functions/data/payments.js';
import { openPosting } from '../../functions/data/postings.js';
import { getUpload } from '../../functions/data/uploads.js';
import type { Mail } from '../../functions/shared/mailer.js';
import { payBatch } from '../../functions/steps/payments.js';
import { commitSamplingSeed, drawCallbackSample } from '../../functions/steps/sampling.js';
import { summariseCampaign } from '../../functions/steps/campaign-summary.js';
import { personId, personName, personPhone } from '../support/intake-files.js';
import { createCampaignVia, CSV_HEADER, eventually, idNumber, importProjects, linkIn, ORIGIN, SECRETS, signedIn, startWeb, upload, uploadIdOf, type Browser, type Web } from '../unit/web/harness.js';
import { CORPUS_DIR, FORMULAS, MARKUP } from './corpus/make-corpus.js';

/** A campaign name that is both a formula and markup. */
const CAMPAIGN_NAME = '=HYPERLINK("http://x.cn","<script>alert(1)</script>")';
const HOSTILE = [...FORMULAS, ...MARKUP];
const STAFF = 'caller1@mzj.example.cn';
/** What a spreadsheet runs as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Markup from the corpus that would run if a page showed it unescaped. */
const LIVE_MARKUP = [/<script>alert/i, /<img src=x/i, /<svg onload/i, /href="javascript:/i];

let web: Web;
let b: Browser;
let campaignId: string;
let uploadId: string;
let postingId: string;
let callbackPath: string;
const corpus = (name: string) => readFileSync(join(CORPUS_DIR, name));

beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  campaignId = await createCampaignVia(web, b, { name: CAMPAIGN_NAME });
  for (const file of ['projects-formula-names.csv', 'projects-markup.csv']) {
    expect((await importProjects(b, campaignId, corpus(file).toString('utf8'), file)).status, file).toBe(303);
  }
  const res = await upload(b, campaignId, corpus('formula-injection.csv'), 'formula-injection.csv');
  uploadId = uploadIdOf(res);
  await eventually(async () => (await getUpload(web.table, campaignId, uploadId))?.processedAt, 'intake', 10_000);
  // Valid people paid by bank transfer in the project named by a formula, through intake, for the bank file.
  const transfers = [0, 1].map((n) => [personName(n), personId(7000 + n), personPhone(7000 + n), '莘庄镇', '低保家庭', 'Q0', '1', '', '银行转账', `62220200000000${7000 + n}`, '中国工商银行上海市分行'].join(','));
  const paidBy = uploadIdOf(await upload(b, campaignId, `${CSV_HEADER},银行账号,开户银行\n${transfers.join('\n')}\n`, 'transfers.csv'));
  expect(await eventually(async () => (await getUpload(web.table, campaignId, paidBy))?.processedAt && getUpload(web.table, campaignId, paidBy), 'intake', 10_000)).toMatchObject({ storedCount: 2 });
  const keys = (await listBeneficiaries(web.table, campaignId)).filter((p) => p.paymentMethod === '银行转账').map(beneficiaryKey);
  expect(await payBatch({ campaignId, keys, executionId: 'implement' }, { table: web.table })).toMatchObject({ paid: 2 });

  // One paid beneficiary per hostile name, half in a project named by a formula (Q0), half by markup (H0).
  for (const [i, name] of HOSTILE.entries()) {
    const person = { campaignId, projectCode: i % 2 ? 'H0' : 'Q0', idHash: i.toString(16).padStart(64, '0') };
    await storeBeneficiary(web.table, {
      ...person, idMasked: maskIdNumber(idNumber(i)), name, phone: `1380013${String(8000 + i)}`, unit: '莘庄镇', category: '低保家庭',
      householdSize: 1, amountFen: 30000, paymentMethod: '现金', uploadId: 'other', row: i + 2,
    });
    await payOnce(web.table, { ...person, amountFen: 30000, paidAt: new Date().toISOString(), executionId: 'corpus' });
  }
  // Approvers' reasons are free text they type: one returned list per hostile reason, decided as the approval link records it.
  const now = new Date().toISOString();
  for (const [i, reason] of HOSTILE.entries()) {
    const ref = { campaignId, unit: '莘庄镇', round: i + 1, step: 1 };
    await openApprovalTask(web.table, {
      ...ref, steps: 1, stepName: '区民政局审核', approvers: ['chief@mzj.example.cn'], deputy: 'director@mzj.example.cn',
      issuedAt: now, reminderAt: now, deadlineAt: now, unknownYears: [], stage: 'requested',
    });
    await decideTask(web.table, ref, { outcome: 'returned', reason, by: 'chief@mzj.example.cn', at: now, linkId: `link${i}`, summaryHash: '0'.repeat(64), batch: false });
  }
  postingId = (await openPosting(web.table, { campaignId, unit: '莘庄镇', openedAt: new Date().toISOString() })).postingId;
  // The review steps as the workflow runs them, mailing through the harness's recorder.
  const mailing = { table: web.table, sendMail: async (m: Mail) => void web.mails.push(m), publicUrl: ORIGIN };
  await commitSamplingSeed({ campaignId }, mailing);
  await drawCallbackSample({ campaignId }, { ...mailing, linkKey: SECRETS.linkKey });
  await summariseCampaign({ campaignId }, mailing);
  callbackPath = linkIn(web, STAFF);
});
afterAll(() => web?.close());

/** Text cells of every sheet of a workbook, and whether any cell holds a formula. */
async function cellsOf(bytes: ArrayBuffer): Promise<{ texts: string[]; formulas: string[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  const texts: string[] = [];
  const formulas: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => {
    // A shared formula is of this type too.
    if (cell.type === ExcelJS.ValueType.Formula) formulas.push(`${sheet.name}!${cell.address}`);
    else if (typeof cell.value === 'string') texts.push(cell.value);
    else if (cell.value && typeof cell.value === 'object' && 'richText' in cell.value) texts.push(cell.value.richText.map((r) => r.text).join(''));
  })));
  return { texts, formulas };
}

/** Whether `text` shows one of the hostile strings (neutralised or inside longer text). */
const showsHostile = (text: string) => HOSTILE.some((h) => text.includes(h.replace(/^[\t\r]/, '')));

const sheets = () => ({
  'error file (XLSX)': `/campaigns/${campaignId}/uploads/${uploadId}/errors.xlsx`,
  'plan': `/campaigns/${campaignId}/plan.xlsx`,
  'signature sheet': `/campaigns/${campaignId}/signatures.xlsx?unit=${encodeURIComponent('莘庄镇')}`,
  'summary': `/campaigns/${campaignId}/summary.xlsx`,
  'callback list': `${callbackPath}/list.xlsx`,
  'bank file (XLSX)': `/campaigns/${campaignId}/payments/bank-file?channel=transfer&format=xlsx`,
  'audit (XLSX)': `/campaigns/${campaignId}/approvals/audit.xlsx`,
  'intake template': `/campaigns/${campaignId}/template.xlsx`,
  'project sheet': `/campaigns/${campaignId}/projects/template.xlsx`,
});
const csvs = () => ({
  'error file (CSV)': `/campaigns/${campaignId}/uploads/${uploadId}/errors.csv`,
  'bank file (CSV)': `/campaigns/${campaignId}/payments/bank-file?channel=transfer&format=csv`,
  'audit (CSV)': `/campaigns/${campaignId}/approvals/audit.csv`,
});

describe('formulas from the corpus in exported sheets', () => {
  it.each(Object.keys(sheets()))('%s: no cell is a formula, every hostile text starts with an apostrophe', async (what) => {
    const res = await b.get(sheets()[what as keyof ReturnType<typeof sheets>]);
    expect(res.status, what).toBe(200);
    const { texts, formulas } = await cellsOf(await res.arrayBuffer());
    expect(formulas, what).toEqual([]);
    expect(texts.filter((t) => FORMULA_START.test(t)), what).toEqual([]);
    expect(texts.some(showsHostile), `${what} shows none of the hostile text`).toBe(true);
  });

  it.each(Object.keys(csvs()))('%s: no field starts as a formula', async (what) => {
    const res = await b.get(csvs()[what as keyof ReturnType<typeof csvs>]);
    expect(res.status, what).toBe(200);
    const fields = (parseCsv(Buffer.from(await res.arrayBuffer()), { bom: true, relax_column_count: true }) as string[][]).flat();
    expect(fields.filter((f) => FORMULA_START.test(f)), what).toEqual([]);
    expect(fields.some(showsHostile), `${what} shows none of the hostile text`).toBe(true);
  });
});

describe('markup from the corpus on pages and in mails', () => {
  const pages = () => [
    '/', `/campaigns/${campaignId}`, `/campaigns/${campaignId}/projects`, `/campaigns/${campaignId}/plan`,
    `/campaigns/${campaignId}/uploads/${uploadId}`, `/campaigns/${campaignId}/signatures?unit=${encodeURIComponent('莘庄镇')}`,
    `/campaigns/${campaignId}/summary`, `/campaigns/${campaignId}/approvals`, `/campaigns/${campaignId}/payments`,
    `/campaigns/${campaignId}/registers`, `/campaigns/${campaignId}/visits`, `/posting/${postingId}`, callbackPath,
  ];

  it('every page shows the hostile text escaped, never live', async () => {
    for (const path of pages()) {
      const res = await b.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      for (const pattern of LIVE_MARKUP) expect(html, `${path}: ${pattern}`).not.toMatch(pattern);
      // The campaign's name is on every page but the public ones, escaped.
      expect(html, path).toMatch(/&lt;script&gt;alert\(1\)&lt;\/script&gt;|&lt;img src=x|&lt;\*+&gt;/);
    }
  });

  it('every mail about the campaign (seed, callback lists, summary) has no live markup in its HTML', () => {
    const about = web.mails.filter((m) => m.subject.includes(CAMPAIGN_NAME));
    expect(about.map((m) => m.subject.split('：')[0]).sort()).toEqual(['回访任务', '回访任务', '回访抽样种子承诺', '活动总结已生成']);
    for (const mail of about) {
      for (const pattern of LIVE_MARKUP) expect(mail.html, `${mail.subject}: ${pattern}`).not.toMatch(pattern);
      // Where the HTML names the campaign, it is escaped.
      if (mail.html.includes('alert(1)')) expect(mail.html, mail.subject).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    expect(about.some((m) => m.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;')), 'no mail shows the name in HTML').toBe(true);
  });
});

describe('in a real browser (Chromium)', () => {
  it('the callback list and the campaign page show the names as text, and no script of theirs runs', async () => {
    const server = createAdaptorServer({ fetch: (request: Request) => web.app.fetch(request) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const chrome = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const context = await chrome.newContext();
      const [name, value] = b.cookie.split('=');
      await context.addCookies([{ name, value, url: base }]);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${base}${callbackPath}`, { waitUntil: 'load' });
      const shown = await page.textContent('main');
      expect(HOSTILE.filter((h) => shown?.includes(h.trim())).length, 'the callback list shows hostile names as text').toBeGreaterThan(0);
      await page.goto(`${base}/campaigns/${campaignId}`, { waitUntil: 'load' });
      expect(await page.title()).toContain('<script>alert(1)</script>');
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      // The watch itself works: the same markup, live on a blank page (no policy of ours), does open a dialog.
      await page.goto('about:blank');
      await page.setContent(MARKUP[1]);
      await expect.poll(() => dialogs.length).toBe(1);
    } finally {
      await chrome.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
