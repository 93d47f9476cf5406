// Drives a generated Minhang campaign through the product as its people do: HTTP routes, pages and
// mailed links only (as infra/local/demo-campaign.ts does), each phase timed.
import { parse as parseCsv } from 'csv-parse/sync';
import { DemoClient, sleep, until, type CampaignStatus } from '../../infra/local/demo-client.js';
import { civilAffairsResolutions, RESOLUTION_REASON } from '../support/minhang/conflicts.js';
import { APPROVERS, CALLBACK_STAFF, COORDINATOR, type MinhangCampaign } from '../support/minhang/generate.js';

/** Bank lines the bank's result file reports failed (at least one), and calls recorded in 回访. */
export const BANK_FAILURE_RATE = 0.001;
export const CALLBACKS_RECORDED = 5;
/** Lines per bank result file uploaded, as a bank returns them in batches (at 1×, 5 files). */
const RESULT_LINES_PER_FILE = 20_000;
/** Reads of the campaign page in a row that may fail before the run gives up. */
const MAX_PAGE_READS = 10;
/** Times one failed upload is uploaded again before the run gives up. */
const MAX_UPLOAD_RETRIES = 3;

/** What the campaign's people see, to compare with the generator's expectations. */
export interface Observed {
  stored: number;
  rejected: number;
  duplicates: number;
  registered: number;
  uncovered: number;
  conflicts: number;
  bankLines: number;
  bankFailures: number;
  sample: number;
  samplePopulation: number;
}

/** What grew between two readings of the same counters. */
const countsSince = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, d]) => d !== 0));

export class CampaignDriver {
  readonly client: DemoClient;
  readonly phases: Record<string, number> = {};
  campaignId = '';
  private readonly seen: Partial<Observed> = {};
  /** Failed uploads uploaded again, by file name. */
  readonly retries = new Map<string, number>();

  /** Each phase's share of the `counters` given (e.g. the store's meter), when given. */
  readonly phaseCounts: Record<string, Record<string, number>> = {};

  constructor(
    base: string,
    private readonly c: MinhangCampaign,
    private readonly timeoutMs: number,
    private readonly log: (line: string) => void,
    private readonly counters?: () => Record<string, number>,
  ) {
    this.client = new DemoClient(base);
  }

  private async phase<T>(name: string, step: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const before = this.counters?.();
    const result = await step();
    this.phases[name] = +((performance.now() - started) / 1000).toFixed(2);
    const counts = before && countsSince(before, this.counters!());
    if (counts) this.phaseCounts[name] = counts;
    this.log(`  ${name.padEnd(22)} ${this.phases[name]} s${counts ? ` ${JSON.stringify(counts)}` : ''}`);
    return result;
  }

  /** Page reads and result uploads that failed (a 5xx, e.g. the HTTP API's time limit) and were made again, as a person reloads. */
  failedPageReads = 0;

  private async status(): Promise<CampaignStatus> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.client.request(`/api/campaigns/${this.campaignId}`);
      if (res.ok) return (await res.json()) as CampaignStatus;
      if (attempt === MAX_PAGE_READS) throw new Error(`the campaign page failed ${attempt} times running (HTTP ${res.status})`);
      this.failedPageReads++;
      this.log(`  the campaign page answered HTTP ${res.status}; reloading`);
      await sleep(1000);
    }
  }
  /** Waits as a coordinator watching the campaign page does: a look every second (each reads the whole register). */
  private wait = <T>(what: string, probe: () => Promise<T | undefined>) => until(what, probe, this.timeoutMs, 1000);
  private atGate = (phase: string) => this.wait(`the ${phase} gate`, async () => {
    const s = await this.status();
    return s.phase === phase && s.phaseStatus === 'awaiting' ? s : undefined;
  });

  private expectStatus(res: Response, status: number, what: string): Response {
    if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}`);
    return res;
  }

  private file(path: string, fileName: string, content: string) {
    const body = new FormData();
    body.set('file', new Blob([content], { type: 'text/csv' }), fileName);
    return this.client.request(path, { method: 'POST', body });
  }

  async run(): Promise<Observed> {
    const id = () => this.campaignId;
    await this.phase('create', async () => {
      await this.client.signIn(COORDINATOR);
      const created = this.expectStatus(await this.client.post('/campaigns', this.c.form), 303, 'create the campaign');
      this.campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
      await this.atGate('survey');
    });
    await this.phase('registers', async () => {
      for (const r of this.c.registers) this.expectStatus(await this.file(`/campaigns/${id()}/registers`, r.fileName, r.csv), 303, `import ${r.fileName}`);
    });
    await this.phase('uploads', async () => {
      for (const f of this.c.intake) this.expectStatus(await this.client.upload(id(), f.fileName, f.csv), 303, `upload ${f.fileName}`);
      const done = await this.wait('every upload to be processed', async () => {
        const s = await this.status();
        await this.uploadFailedAgain(s);
        return s.uploads.length === this.c.intake.length && s.uploads.every((u) => u.state === 'done') ? s : undefined;
      });
      this.seen.stored = done.beneficiaries.count;
      this.seen.rejected = done.uploads.reduce((n, u) => n + u.rejectedCount, 0);
      this.seen.duplicates = done.uploads.reduce((n, u) => n + ((u as { duplicateCount?: number }).duplicateCount ?? 0), 0);
    });
    await this.phase('close survey', async () => {
      this.expectStatus(await this.client.startPhase(id(), 'survey'), 303, 'close 排摸');
      const s = await this.atGate('deploy') as CampaignStatus & { conflicts: { open: number }; coverage?: { registered: number; uncovered: number } };
      this.seen.conflicts = s.conflicts.open;
      const covered = await this.wait('the coverage report', async () => ((await this.status()) as typeof s).coverage);
      this.seen.registered = covered.registered;
      this.seen.uncovered = covered.uncovered;
    });
    await this.phase('resolve conflicts', () => this.resolveConflicts());
    await this.phase('import projects', async () => {
      this.expectStatus(await this.file(`/campaigns/${id()}/projects/import`, '帮困项目表.csv', this.c.projectsCsv), 303, 'import the project sheet');
    });
    await this.phase('plan', async () => {
      this.expectStatus(await this.client.request(`/campaigns/${id()}/plan`), 200, 'the plan page');
      this.expectStatus(await this.client.request(`/campaigns/${id()}/plan.xlsx`), 200, 'the plan workbook');
    });
    const lists = this.c.units.length;
    await this.phase('deploy and approve', async () => {
      this.expectStatus(await this.client.startPhase(id(), 'deploy'), 303, 'start 部署');
      await this.approveAll(lists);
    });
    await this.phase('implement', async () => {
      await this.atGate('implement');
      this.expectStatus(await this.client.startPhase(id(), 'implement'), 303, 'start 实施');
      await this.atGate('review');
    });
    await this.phase('bank files', () => this.reconcile());
    await this.phase('review', () => this.review());
    await this.phase('summary', async () => {
      this.expectStatus(await this.client.request(`/campaigns/${id()}/summary`), 200, 'the summary page');
      this.expectStatus(await this.client.request(`/campaigns/${id()}/summary.xlsx`), 200, 'the summary workbook');
    });
    return this.seen as Observed;
  }

  /** As a coordinator does with an upload that failed: uploads the same file again (a few times at most). */
  private async uploadFailedAgain(s: CampaignStatus): Promise<void> {
    for (const u of s.uploads.filter((x) => x.state === 'failed')) {
      const file = this.c.intake.find((f) => f.fileName === u.fileName);
      const again = (this.retries.get(u.fileName) ?? 0) + 1;
      if (!file || again > MAX_UPLOAD_RETRIES) throw new Error(`the upload ${u.fileName} failed ${again - 1} times after the first`);
      this.retries.set(u.fileName, again);
      this.log(`  ${u.fileName} failed; uploaded again (${again})`);
      this.expectStatus(await this.client.upload(this.campaignId, file.fileName, file.csv), 303, `upload ${file.fileName} again`);
    }
  }

  /** Keeps the civil-affairs nomination of every conflict, through the forms on the campaign page. */
  private async resolveConflicts(): Promise<void> {
    const page = await (await this.client.request(`/campaigns/${this.campaignId}`)).text();
    const forms = civilAffairsResolutions(page, this.c);
    for (const { action, keep } of forms) {
      this.expectStatus(await this.client.post(action, { keep, reason: RESOLUTION_REASON }), 303, 'resolve a conflict');
    }
    const s = (await this.status()) as CampaignStatus & { conflicts: { open: number; resolved: number } };
    if (s.conflicts.open !== 0) throw new Error(`${s.conflicts.open} conflicts still open after resolving ${forms.length}`);
  }

  /**
   * Every unit's list through both approvers and its 张榜公示. Each round, each approver opens a
   * fresh mailed link and approves every list waiting for them in one action (lists reach them as
   * their units' chains get there); open postings are passed by moving the local clock past their
   * period. Until the second approver has approved every list.
   */
  private async approveAll(lists: number): Promise<void> {
    const used = new Set<string>();
    const approved: Record<string, number> = Object.fromEntries(APPROVERS.map((a) => [a, 0]));
    const deadline = Date.now() + this.timeoutMs;
    while (approved[APPROVERS[1]] < lists) {
      if (Date.now() > deadline) throw new Error(`approvals stalled: ${JSON.stringify(approved)} of ${lists} lists`);
      let moved = false;
      for (const approver of APPROVERS) {
        const n = await this.approveWaiting(approver, used);
        approved[approver] += n;
        moved ||= n > 0;
      }
      const open = (await this.status()).postings.filter((p) => p.status === 'open');
      if (open.length) {
        const seconds = Math.max(...open.map((p) => (Date.parse(p.endsAt) - Date.parse(p.openedAt)) / 1000)) + 60;
        this.expectStatus(await this.client.request('/_local/clock', { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) }), 200, 'move the local clock');
        const ids = new Set(open.map((p) => p.postingId));
        await this.wait('the postings to close', async () => ((await this.status()).postings.every((p) => !ids.has(p.postingId) || p.status === 'closed') ? true : undefined));
        moved = true;
      }
      if (!moved) await sleep(1000);
    }
  }

  /**
   * One approver, in a browser of their own, opens their unopened mailed links, newest first, until
   * one shows lists waiting, and approves every list it shows; how many. A link is spent only once
   * opened: a list that reached them after a page was drawn is on a later link's page.
   */
  private async approveWaiting(approver: string, used: Set<string>): Promise<number> {
    const fresh = (await this.client.links(approver)).filter((l) => l.includes('/approve/') && !used.has(l));
    for (const url of fresh) {
      used.add(url);
      const approved = await this.approveShown(approver, new URL(url).pathname);
      if (approved) return approved;
    }
    return 0;
  }

  /** Opens one approval link and approves every list its page shows waiting; how many (0 if none). */
  private async approveShown(approver: string, link: string): Promise<number> {
    const browser = new DemoClient(this.client.base);
    const html = await (await browser.request(link)).text();
    // One list waiting shows 同意 only; more show 全部同意（共 N 份）.
    const all = Number(/全部同意（共 (\d+) 份/.exec(html)?.[1] ?? 0);
    const waiting = all || (html.includes('name="decision" value="approve"') ? 1 : 0);
    if (!waiting) return 0;
    const body = new URLSearchParams({ decision: all ? 'approve-all' : 'approve', seen: /name="seen" value="([a-f0-9]{64})"/.exec(html)?.[1] ?? '' });
    for (const m of html.matchAll(/name="batch" value="([^"]+)"/g)) body.append('batch', m[1].replaceAll('&quot;', '"'));
    const res = await browser.request(link, { method: 'POST', body });
    const done = res.status === 200 && (await res.text()).includes(all ? `共 ${waiting} 份名单` : '您的审批意见（同意）已提交');
    if (!done) throw new Error(`${approver} could not approve the ${waiting} waiting lists (HTTP ${res.status})`);
    return waiting;
  }

  /** Downloads both bank channels' files and uploads the bank's results: all paid but a planted few. */
  private async reconcile(): Promise<void> {
    const lines: string[][] = [];
    for (const channel of ['transfer', 'card']) {
      const res = this.expectStatus(await this.client.request(`/campaigns/${this.campaignId}/payments/bank-file?channel=${channel}&format=csv`), 200, `the ${channel} bank file`);
      const [, ...rows] = parseCsv(Buffer.from(await res.arrayBuffer()), { bom: true }) as string[][];
      lines.push(...rows);
    }
    const failures = Math.max(1, Math.round(BANK_FAILURE_RATE * lines.length));
    const results = lines.map(([, reference, , , , , amount], i) => [reference, amount, i < failures ? '失败' : '成功', i < failures ? '账户已销户' : ''].join(','));
    for (let from = 0; from < results.length; from += RESULT_LINES_PER_FILE) {
      const csv = ['付款参考号,金额（元）,处理结果,失败原因', ...results.slice(from, from + RESULT_LINES_PER_FILE)].join('\n');
      const name = `代发结果-${from / RESULT_LINES_PER_FILE + 1}.csv`;
      // An answer lost to the time limit is uploaded again, as a person would: lines recorded before change nothing.
      for (let attempt = 1; ; attempt++) {
        const res = await this.file(`/campaigns/${this.campaignId}/payments/results`, name, csv);
        if (res.status === 200) break;
        if (res.status !== 503 || attempt === MAX_PAGE_READS) this.expectStatus(res, 200, `upload ${name}`);
        this.failedPageReads++;
        this.log(`  ${name} answered HTTP 503; uploaded again`);
      }
    }
    this.seen.bankLines = lines.length;
    this.seen.bankFailures = failures;
  }

  /** 回访: the sample mailed to the callback staff, a few calls recorded on their page, then 结束回访. */
  private async review(): Promise<void> {
    this.expectStatus(await this.client.startPhase(this.campaignId, 'review'), 303, 'start 回访');
    await this.wait('the review workflow to wait for the callbacks', async () => ((await this.status()).callbacks?.waiting ? true : undefined));
    const list = await this.client.mailedLink(CALLBACK_STAFF, '/callback/');
    const staff = new DemoClient(this.client.base);
    const page = await (await staff.request(list)).text();
    const people = [...page.matchAll(/name="person" value="([^"]+)">\s*<input type="hidden" name="seen" value="(\d+)">/g)].slice(0, CALLBACKS_RECORDED);
    for (const [, person, seen] of people) {
      this.expectStatus(await staff.post(list, { person, seen, reached: 'yes', received: 'right', visited: 'yes', satisfaction: '满意', notes: '' }), 303, 'record a call');
    }
    const called = (await this.status()).callbacks?.called ?? 0;
    if (called !== people.length) throw new Error(`${people.length} calls recorded, the campaign counts ${called}`);
    this.expectStatus(await this.client.post(`/campaigns/${this.campaignId}/callbacks/finish`), 303, '结束回访');
    const done = await this.wait('the campaign to finish', async () => {
      const s = await this.status();
      return s.phase === 'done' ? s : undefined;
    });
    this.seen.sample = done.sample?.size ?? 0;
    this.seen.samplePopulation = done.sample?.population ?? 0;
  }
}
