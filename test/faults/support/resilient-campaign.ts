// A campaign driven as people drive it (pages, mailed links), through restarts of the server: reads
// are retried while it is down, and an action whose answer was lost is checked and, if it did not
// land, done again, as a person would after reloading the page.
import { DemoClient, sleep, until, type CampaignStatus } from '../../../infra/local/demo-client.js';
import { civilAffairsResolutions, RESOLUTION_REASON } from '../../support/minhang/conflicts.js';
import { APPROVERS, COORDINATOR, type MinhangCampaign } from '../../support/minhang/generate.js';

export const PHASES = ['intake', 'approvals', 'payments', 'sampling'] as const;
export type FaultPhase = (typeof PHASES)[number];

/** Called as the driver enters and leaves a phase (the crash harness kills the server in between). */
export interface PhaseHooks {
  enter(phase: FaultPhase): void;
  leave(phase: FaultPhase): Promise<void>;
}

const PATIENCE_MS = 180_000;
const LONG_MS = 300_000;

/** A probe that answers undefined while the server is unreachable or restarting, instead of failing. */
const patient = <T>(probe: () => Promise<T | undefined>) => async () => {
  try {
    return await probe();
  } catch {
    return undefined;
  }
};

export interface CampaignRun {
  campaignId: string;
  surveyed: CampaignStatus;
  paid: CampaignStatus;
  done: CampaignStatus;
  /** Every approval link mailed, by approver, and the ones this run used. */
  approvalLinks: Record<string, string[]>;
  usedLinks: string[];
  phaseMs: Record<FaultPhase, number>;
}

export class ResilientCampaign {
  readonly client: DemoClient;
  campaignId = '';
  private readonly used: string[] = [];

  constructor(readonly base: string, readonly campaign: MinhangCampaign, private readonly log: (line: string) => void = () => undefined) {
    this.client = new DemoClient(base, { patienceMs: PATIENCE_MS });
  }

  status = () => this.client.status(this.campaignId);

  private waitFor<T>(what: string, probe: (s: CampaignStatus) => T | undefined, timeoutMs = LONG_MS): Promise<T> {
    return until(what, patient(async () => probe(await this.status())), timeoutMs);
  }

  /**
   * A user action: done unless `landed` already holds; a lost answer (the server went down) or an
   * answer other than `expected` is followed by checking `landed` for a while, then doing it again.
   */
  private async act(what: string, action: () => Promise<Response>, landed: () => Promise<boolean>, expected = 303): Promise<void> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      if (await patient(landed)()) return;
      const res = await action().catch(() => undefined);
      if (res?.status === expected) return;
      this.log(`  ${what}: ${res ? `HTTP ${res.status}` : 'no answer'}, checking and trying again`);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (await patient(landed)()) return;
        await sleep(500);
      }
    }
    throw new Error(`${what}: did not land after 20 attempts`);
  }

  async create(name: string): Promise<void> {
    await this.client.signIn(COORDINATOR);
    const created = await this.client.post('/campaigns', { ...this.campaign.form, name });
    this.campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    if (!this.campaignId) throw new Error(`campaign not created: HTTP ${created.status}`);
    await this.atGate('survey');
  }

  private atGate(phase: string): Promise<CampaignStatus> {
    return this.waitFor(`the ${phase} gate`, (s) => (s.phase === phase && s.phaseStatus === 'awaiting' ? s : undefined));
  }

  /** Starts a phase, and clicks again (as a coordinator would) if the workflow has not moved a minute later. */
  private async startPhase(phase: string): Promise<void> {
    const started = (s: CampaignStatus) => (s.phase !== phase || s.phaseStatus !== 'awaiting' ? true : undefined);
    for (let click = 1; click <= 5; click++) {
      await this.act(`start ${phase}`, () => this.client.startPhase(this.campaignId, phase), async () => Boolean(started(await this.status())));
      if (await this.waitFor(`${phase} to start`, started, 60_000).catch(() => false)) return;
      this.log(`  ${phase} has not started a minute after the click: clicking again`);
    }
    throw new Error(`${phase} did not start after 5 clicks`);
  }

  /** A CSV file posted as a form's `file`. */
  private file(path: string, fileName: string, csv: string) {
    const body = new FormData();
    body.set('file', new Blob([csv], { type: 'text/csv' }), fileName);
    return this.client.request(path, { method: 'POST', body });
  }

  /**
   * 排摸: the registers are imported (the same file again loads nothing twice), every unit uploads
   * its list (again if its answer was lost, or if it seems stuck after a restart: the same file is
   * the same upload, and its intake starts if it never did); the phase closes.
   */
  async intake(): Promise<CampaignStatus> {
    for (const r of this.campaign.registers) {
      await this.act(`import ${r.fileName}`, () => this.file(`/campaigns/${this.campaignId}/registers`, r.fileName, r.csv), async () => false);
    }
    const uploads = this.campaign.intake.length;
    for (let round = 1; ; round++) {
      const s = await until('the uploads', patient(this.status), LONG_MS);
      for (const list of this.campaign.intake) {
        if (s.uploads.some((u) => u.fileName === list.fileName && u.state === 'done')) continue;
        const present = async () => round === 1 && (await this.status()).uploads.some((u) => u.fileName === list.fileName);
        await this.act(`upload ${list.fileName}`, () => this.client.upload(this.campaignId, list.fileName, list.csv), present);
      }
      const done = await this.waitFor('every upload processed', (x) => (x.uploads.length === uploads && x.uploads.every((u) => u.state === 'done') ? x : undefined), 90_000).catch(() => undefined);
      if (done) break;
      if (round === 3) throw new Error(`uploads not processed after ${round} rounds`);
    }
    const surveyed = await until('the uploads', patient(this.status), LONG_MS);
    await this.startPhase('survey');
    return surveyed;
  }

  /** 部署: conflicts resolved, projects imported, then both approval steps and the posting between them. */
  async approvals(): Promise<void> {
    await this.atGate('deploy');
    await this.resolveConflicts();
    await this.act('import the projects', () => this.file(`/campaigns/${this.campaignId}/projects/import`, '帮困项目表.csv', this.campaign.projectsCsv), async () => false);
    await this.startPhase('deploy');
    await this.approve(APPROVERS[0]);
    await this.passPostings();
    await this.approve(APPROVERS[1]);
  }

  /** Keeps the civil-affairs nomination of every open conflict, through the forms on the campaign page, until none is open. */
  private async resolveConflicts(): Promise<void> {
    const open = async () => ((await this.status()) as CampaignStatus & { conflicts: { open: number } }).conflicts.open;
    for (let round = 1; (await until('the conflicts', patient(open), LONG_MS)) > 0; round++) {
      if (round > 5) throw new Error('conflicts still open after 5 rounds');
      const page = await until('the campaign page', patient(async () => (await this.client.request(`/campaigns/${this.campaignId}`)).text()), LONG_MS);
      for (const { action, keep } of civilAffairsResolutions(page, this.campaign)) {
        // A resolution whose answer was lost is found resolved on the next round's page.
        await this.client.post(action, { keep, reason: RESOLUTION_REASON }).catch(() => undefined);
      }
    }
  }

  approvalLinks(approver: string): Promise<string[]> {
    return this.client.links(approver).then((links) => links.filter((l) => l.includes('/approve/')).map((l) => new URL(l).pathname));
  }

  /**
   * The approver acts on the oldest link of theirs still pending (one mailed before any crash of
   * this step): opens it once every unit's list waits, and approves all in one action. If the
   * answer is lost, they open their links again: each shows 已处理 once its list is decided.
   */
  private async approve(approver: string): Promise<void> {
    const units = this.campaign.units.length;
    const browser = new DemoClient(this.base, { patienceMs: PATIENCE_MS });
    const page = async (link: string) => (await browser.request(link)).text();
    const pending = async () => {
      for (const link of (await this.approvalLinks(approver)).reverse()) if (!(await page(link)).includes('已处理')) return link;
      return undefined;
    };
    await until(`${units} approval links mailed to ${approver}`, patient(async () => ((await this.approvalLinks(approver)).length >= units ? true : undefined)), LONG_MS);
    let first = true;
    const allDecided = async () => (await this.approvalLinks(approver)).length >= units && (await pending()) === undefined;
    for (let round = 1; !(await patient(allDecided)()); round++) {
      if (round > 5) throw new Error(`${approver}: lists still pending after 5 rounds`);
      await this.approveOnce(approver, browser, pending, first, allDecided);
      first = false;
    }
  }

  private async approveOnce(approver: string, browser: DemoClient, pending: () => Promise<string | undefined>, first: boolean, allDecided: () => Promise<boolean>) {
    const units = this.campaign.units.length;
    const page = async (link: string) => (await browser.request(link)).text();
    // The first time, every unit's list waiting at once; after a crash (an approval whose answer was
    // lost may have decided some lists before it), the rest of them.
    let all = first;
    await this.act(`${approver} approves all`, async () => {
      const link = await pending();
      if (!link) return new Response(null, { status: 200 });
      this.used.push(link);
      const html = await until(`lists waiting for ${approver}`, patient(async () => {
        const text = await page(link);
        return text.includes('已处理') || text.includes(all ? `全部同意（共 ${units} 份` : 'name="seen"') ? text : undefined;
      }), LONG_MS);
      all = false;
      if (html.includes('已处理')) return new Response(null, { status: 200 });
      const decision = html.includes('value="approve-all"') ? 'approve-all' : 'approve';
      const body = new URLSearchParams({ decision, seen: /name="seen" value="([a-f0-9]{64})"/.exec(html)?.[1] ?? '' });
      for (const m of html.matchAll(/name="batch" value="([^"]+)"/g)) body.append('batch', m[1].replaceAll('&quot;', '"'));
      return browser.request(link, { method: 'POST', body });
    }, allDecided, 200);
  }

  /** 张榜公示: once every list is posted the clock moves past the period (again, if a restart kept the postings open). */
  private async passPostings(): Promise<void> {
    const lists = this.campaign.units.length;
    const open = await this.waitFor(`${lists} lists posted`, (s) => {
      const p = s.postings.filter((x) => x.status === 'open');
      return p.length === lists ? p : undefined;
    });
    const seconds = Math.max(...open.map((p) => (Date.parse(p.endsAt) - Date.parse(p.openedAt)) / 1000)) + 60;
    const closed = async () => (await this.status()).postings.filter((p) => p.status === 'closed').length >= lists;
    await this.act('move the clock past the posting period', () => this.client.request('/_local/clock', { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) }), closed, 200);
    await until('the postings to close', patient(async () => ((await closed()) ? true : undefined)), LONG_MS);
  }

  /** 实施: started, and waited for until every payment is made. */
  async payments(): Promise<CampaignStatus> {
    await this.atGate('implement');
    await this.startPhase('implement');
    return this.atGate('review');
  }

  /** 回访: the sample is drawn, the coordinator ends the callbacks, the campaign ends. */
  async sampling(): Promise<CampaignStatus> {
    await this.startPhase('review');
    await this.waitFor('the callbacks to wait for their end', (s) => (s.callbacks?.waiting || s.callbacks?.finished ? true : undefined));
    await this.act('end the callbacks', () => this.client.post(`/campaigns/${this.campaignId}/callbacks/finish`), async () => Boolean((await this.status()).callbacks?.finished));
    return this.waitFor('the campaign to finish', (s) => (s.phase === 'done' ? s : undefined));
  }

  /** The whole campaign, with `hooks` around each phase. */
  async run(name: string, hooks: PhaseHooks): Promise<CampaignRun> {
    await this.create(name);
    const phaseMs = {} as Record<FaultPhase, number>;
    const phase = async <T>(p: FaultPhase, step: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      hooks.enter(p);
      const result = await step();
      phaseMs[p] = Date.now() - started;
      await hooks.leave(p);
      return result;
    };
    const surveyed = await phase('intake', () => this.intake());
    await phase('approvals', () => this.approvals());
    const paid = await phase('payments', () => this.payments());
    const done = await phase('sampling', () => this.sampling());
    const approvalLinks: Record<string, string[]> = {};
    for (const a of APPROVERS) approvalLinks[a] = await this.approvalLinks(a);
    return { campaignId: this.campaignId, surveyed, paid, done, approvalLinks, usedLinks: [...this.used], phaseMs };
  }
}
