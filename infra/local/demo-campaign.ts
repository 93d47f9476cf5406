import { checkCharacter } from '../../functions/core/id-number.js';
import { PAYMENT_METHODS } from '../../functions/core/payment-methods.js';
import { DemoClient, until, type CampaignStatus } from './demo-client.js';

/** The demo's people and plan: 3 units, 2 projects, 2 approvers, 1 callback staff member. */
export const DEMO = {
  coordinator: 'coordinator@nuanliu.local',
  units: ['莘庄镇', '七宝镇', '江川路街道'],
  categories: ['低保家庭', '困难老人'],
  approvers: ['street.reviewer@nuanliu.local', 'bureau.approver@nuanliu.local'],
  staff: 'callback.staff@nuanliu.local',
  projects: [
    { code: 'MZ01', name: '低保家庭春节慰问', yuan: 500 },
    { code: 'MZ02', name: '困难老人关爱礼包', yuan: 300 },
  ],
  perUnit: [67, 67, 66],
  /** Planted errors per unit: one mistyped ID number, one phone number too short. */
  invalidPerUnit: 2,
};

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';
/** A made-up name, distinct for each n below 10,000. */
const personName = (n: number) => SURNAMES[n % 20] + GIVEN[Math.floor(n / 20) % 27] + GIVEN[Math.floor(n / 540) % 27];

/** A made-up 18-digit ID number with a correct check character. */
export function demoIdNumber(n: number): string {
  const first17 = `310112${1940 + (n % 60)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(100 + (n % 899))}`;
  return first17 + checkCharacter(first17);
}

/** One unit's intake list as CSV (UTF-8 with BOM, as Excel saves it). */
export function unitCsv(unitIndex: number): string {
  const header = '姓名,身份证号码,联系电话,所属单位,帮困类别,帮困项目,家庭人数,发放方式,银行账号,开户银行';
  const rows: string[] = [];
  for (let i = 0; i < DEMO.perUnit[unitIndex]; i++) {
    const n = unitIndex * 1000 + i;
    let id = demoIdNumber(n);
    let phone = `139${String(10000000 + n).padStart(8, '0')}`;
    if (i === 0) id = id.slice(0, 10) + ((Number(id[10]) + 1) % 10) + id.slice(11);
    if (i === 1) phone = '1391234';
    const project = DEMO.projects[i % 2];
    const method = PAYMENT_METHODS[i % PAYMENT_METHODS.length];
    // 银行转账 needs an account and its bank (made up, like the rest).
    const account = method === '银行转账' ? [`6222${String(n).padStart(15, '0')}`, '中国工商银行上海市分行'] : ['', ''];
    rows.push([personName(n), id, phone, DEMO.units[unitIndex], DEMO.categories[i % 2], project.code, String(1 + (i % 4)), method, ...account].join(','));
  }
  return `\uFEFF${[header, ...rows].join('\n')}`;
}

export type Check = { ok: boolean; what: string };

/** Steps of the demo, each usable on its own by tests. */
export class DemoCampaign {
  readonly checks: Check[] = [];
  campaignId = '';

  constructor(readonly client: DemoClient, private readonly log: (line: string) => void = () => undefined) {}

  check(ok: boolean, what: string): void {
    this.checks.push({ ok, what });
    this.log(`${ok ? '✓' : '✗'} ${what}`);
  }

  /** Creates the demo's campaign; `fields` change or add fields of the form (e.g. units, projects, exclusivePairs). */
  async create(name = `演示活动 ${new Date().toISOString().slice(0, 16)}`, fields: Record<string, string> = {}): Promise<string> {
    if (!this.client.signedIn) await this.client.signIn(DEMO.coordinator);
    const created = await this.client.post('/campaigns', {
      name,
      units: DEMO.units.join('\n'),
      categories: DEMO.categories.join('\n'),
      projects: DEMO.projects.map((p) => `${p.code},${p.name},${p.yuan}`).join('\n'),
      approvers: DEMO.approvers.join('\n'),
      callbackStaff: DEMO.staff,
      ...fields,
    });
    this.campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    this.check(created.status === 303 && this.campaignId !== '', 'the coordinator creates a campaign');
    await this.client.atGate(this.campaignId, 'survey');
    return this.campaignId;
  }

  /** 排摸: every unit uploads its list; the coordinator closes the phase. */
  async survey(): Promise<CampaignStatus> {
    for (let u = 0; u < DEMO.units.length; u++) {
      this.check((await this.client.upload(this.campaignId, `${DEMO.units[u]}.csv`, unitCsv(u))).status === 303, `${DEMO.units[u]} uploads its list`);
    }
    const surveyed = await until('every upload to be processed', async () => {
      const s = await this.client.status(this.campaignId);
      return s.uploads.length === DEMO.units.length && s.uploads.every((u) => u.state === 'done') ? s : undefined;
    });
    const expected = DEMO.perUnit.reduce((a, b) => a + b, 0) - DEMO.invalidPerUnit * DEMO.units.length;
    const rejected = surveyed.uploads.reduce((n, u) => n + u.rejectedCount, 0);
    this.check(surveyed.beneficiaries.count === expected, `${expected} beneficiaries stored (got ${surveyed.beneficiaries.count})`);
    this.check(rejected === DEMO.invalidPerUnit * DEMO.units.length, `${DEMO.invalidPerUnit * DEMO.units.length} rows rejected with reasons (got ${rejected})`);
    this.check((await this.client.startPhase(this.campaignId, 'survey')).status === 303, 'the coordinator closes 排摸');
    return surveyed;
  }

  /** 部署 up to the approvers' mail: the projects' funding first (a plan within budget), then the start. */
  async startDeploy(): Promise<void> {
    await this.client.atGate(this.campaignId, 'deploy');
    this.check((await fundDemoProjects(this.client, this.campaignId)).status === 303, 'the coordinator imports the projects\' funding');
    this.check((await this.client.startPhase(this.campaignId, 'deploy')).status === 303, 'the coordinator starts 部署');
  }

  /**
   * One approver, in a browser of their own (not the coordinator's session), opens one of the
   * emailed links (one per unit's list), approves every pending list in one action, and a second
   * click changes nothing.
   */
  async approve(approver: string, seen: string[] = []): Promise<string> {
    const units = DEMO.units.length;
    const links = await until(`${units} approval links mailed to ${approver}`, async () => {
      const fresh = (await this.client.links(approver)).filter((l) => l.includes('/approve/') && !seen.includes(l));
      return fresh.length >= units ? fresh.map((l) => new URL(l).pathname) : undefined;
    });
    const browser = new DemoClient(this.client.base);
    // Every unit's list waiting at once: after a restart a mail can come again before its list waits again.
    const html = await until(`${units} lists waiting for ${approver}`, async () => {
      const page = await browser.request(links[0]);
      const text = await page.text();
      return page.status === 200 && text.includes(`全部同意（共 ${units} 份`) ? text : undefined;
    });
    this.check(html.includes('帮困名单共'), `${approver} opens the decision page: the unit's summary, and every list waiting`);
    const body = new URLSearchParams({ decision: 'approve-all', seen: /name="seen" value="([a-f0-9]{64})"/.exec(html)?.[1] ?? '' });
    for (const m of html.matchAll(/name="batch" value="([^"]+)"/g)) body.append('batch', m[1].replaceAll('&quot;', '"'));
    const approved = await browser.request(links[0], { method: 'POST', body });
    this.check(approved.status === 200 && (await approved.text()).includes(`共 ${units} 份名单`), `${approver} approves the ${units} units' lists in one action`);
    this.check((await (await browser.post(links[0], { decision: 'approve' })).text()).includes('已处理'), `a second click for ${approver} shows 已处理`);
    return links[0];
  }

  /** 张榜公示 before the final approval: every unit's list is posted, then the period passes (see DemoClient.passPostings). */
  async passPostings(): Promise<void> {
    const posted = await this.client.passPostings(this.campaignId, DEMO.units.length);
    this.check(posted.every((p) => p.lineCount > 0), `each unit's list is posted (${posted.map((p) => p.lineCount).join(' + ')} lines, names and IDs masked), and the posting period passes`);
  }

  /** 实施: every approved beneficiary is paid once. */
  async implement(): Promise<CampaignStatus> {
    await this.client.atGate(this.campaignId, 'implement');
    this.check((await this.client.startPhase(this.campaignId, 'implement')).status === 303, 'the coordinator starts 实施');
    const paid = await this.client.atGate(this.campaignId, 'review');
    this.check(paid.payments.count === paid.beneficiaries.count, `every beneficiary paid once (${paid.payments.count} payments for ${paid.beneficiaries.count})`);
    this.check(paid.payments.totalFen === paid.beneficiaries.totalFen, 'payments total the approved amounts');
    return paid;
  }

  /** 回访: a random sample, mailed to the callback staff as a page and a spreadsheet. */
  async review(paid: CampaignStatus): Promise<CampaignStatus> {
    this.check((await this.client.startPhase(this.campaignId, 'review')).status === 303, 'the coordinator starts 回访');
    await until('the review workflow to wait for the callbacks to end', async () => ((await this.client.status(this.campaignId)).callbacks?.waiting ? true : undefined), 120_000);
    this.check((await this.client.post(`/campaigns/${this.campaignId}/callbacks/finish`)).status === 303, 'the coordinator ends the callbacks (结束回访)');
    const done = await until('the campaign to finish', async () => {
      const s = await this.client.status(this.campaignId);
      return s.phase === 'done' ? s : undefined;
    }, 120_000);
    const list = await this.client.mailedLink(DEMO.staff, '/callback/');
    const page = await (await this.client.request(list)).text();
    this.check(/139\d{8}/.test(page) && !/310112\d{11}[\dX]/.test(page), 'the callback list shows phone numbers and no ID number');
    const xlsx = await this.client.request(`${list}?format=xlsx`);
    this.check(xlsx.status === 200 && (xlsx.headers.get('content-type') ?? '').includes('spreadsheetml'), 'the callback list downloads as XLSX');
    this.check(done.sample !== undefined && done.sample.size >= 1 && done.sample.population === paid.payments.count, `a sample of ${done.sample?.size} drawn from ${done.sample?.population} paid`);
    return done;
  }

  get ok(): boolean {
    return this.checks.every((c) => c.ok);
  }
}

/**
 * The demo's projects as a project sheet (附表1): per-person standards, funded 60% by the district and
 * 40% by the towns, each with a budget for every person the demo could nominate.
 */
export function demoProjectsCsv(): string {
  const people = DEMO.perUnit.reduce((a, b) => a + b, 0);
  const rows = DEMO.projects.map((p) => [p.code, p.name, '按人', String(p.yuan), String(p.yuan * people), '60%', '40%'].join(','));
  return ['项目编号,项目名称,标准类型(按人/按户),标准金额(元),预算总额(元),区级,街镇配套', ...rows].join('\n');
}

/** Imports the demo's project sheet through the projects page. */
export function fundDemoProjects(client: DemoClient, campaignId: string) {
  const body = new FormData();
  body.set('file', new Blob([demoProjectsCsv()], { type: 'text/csv' }), '帮困项目表.csv');
  return client.request(`/campaigns/${campaignId}/projects/import`, { method: 'POST', body });
}

/** The whole demo campaign, start to finish. */
export async function runDemoCampaign(base: string, log: (line: string) => void = () => undefined) {
  const started = Date.now();
  const client = new DemoClient(base);
  const demo = new DemoCampaign(client, log);
  demo.check((await fetch(`${base}/health`)).ok, 'the local cloud is healthy');
  await client.signIn(DEMO.coordinator);
  demo.check(client.signedIn, 'the coordinator signs in through the emailed link');
  await demo.create();
  const surveyed = await demo.survey();
  await demo.startDeploy();
  await demo.approve(DEMO.approvers[0]);
  await demo.passPostings();
  await demo.approve(DEMO.approvers[1]);
  const paid = await demo.implement();
  const done = await demo.review(paid);
  return {
    ok: demo.ok,
    campaignId: demo.campaignId,
    beneficiaries: done.beneficiaries.count,
    rejected: surveyed.uploads.reduce((n, u) => n + u.rejectedCount, 0),
    payments: done.payments.count,
    paidFen: done.payments.totalFen,
    sample: done.sample,
    seconds: (Date.now() - started) / 1000,
    failed: demo.checks.filter((c) => !c.ok).map((c) => c.what),
  };
}
