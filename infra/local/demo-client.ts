/** What a person does with nuanliu, as HTTP: a browser-like session and the local mailbox. */

export interface CampaignStatus {
  id: string;
  phase: string;
  phaseStatus: string;
  uploads: {
    id: string;
    fileName: string;
    state: string;
    rowCount: number;
    acceptedCount: number;
    storedCount: number;
    updatedCount: number;
    unchangedCount: number;
    rejectedCount: number;
    encoding?: string;
    progress?: { rowsDone: number; rowsTotal: number };
  }[];
  beneficiaries: { count: number; totalFen: number };
  payments: { count: number; totalFen: number };
  postings: { postingId: string; unit: string; status: 'open' | 'closed'; openedAt: string; endsAt: string; lineCount: number }[];
  sample?: { commitment: string; seed: string; population: number; size: number };
  callbacks?: { called: number; reached: number; mismatches: number; openCases: number; waiting: boolean; finished: boolean };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe`, `intervalMs` apart, until it returns a value. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A JSON answer's body; any other answer (a 503 while the server restarts) is an error, never a state. */
async function jsonOf<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${new URL(res.url).pathname}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export type PostingStatus = CampaignStatus['postings'][number];

export interface DemoClientOptions {
  /**
   * How long a read (GET) keeps being retried while the server cannot be reached (a restart),
   * as a person reloads a page; 0 (the default) fails at once. POSTs are never retried here.
   */
  patienceMs?: number;
}

export class DemoClient {
  private cookie = '';

  constructor(readonly base: string, private readonly options: DemoClientOptions = {}) {}

  /** fetch, retried while the server is unreachable for up to `patienceMs` if `retry` (reads only). */
  private async reach(url: string, init: RequestInit, retry: boolean): Promise<Response> {
    const deadline = Date.now() + (retry ? this.options.patienceMs ?? 0 : 0);
    for (;;) {
      try {
        return await fetch(url, init);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
  }

  /** A request as a browser would send it: the session cookie, and Origin on POSTs. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('Cookie', this.cookie);
    if (init.method === 'POST') headers.set('Origin', this.base);
    const res = await this.reach(`${this.base}${path}`, { ...init, headers, redirect: 'manual' }, (init.method ?? 'GET') === 'GET');
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res;
  }

  post(path: string, fields: Record<string, string> = {}) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields) });
  }

  get signedIn(): boolean {
    return this.cookie !== '';
  }

  /** Every link in mail to `to`, newest mail first. */
  async links(to: string): Promise<string[]> {
    const mails = await jsonOf<{ links: string[]; date: string }[]>(await this.reach(`${this.base}/_local/mail.json?to=${encodeURIComponent(to)}`, {}, true));
    return mails.sort((a, b) => b.date.localeCompare(a.date)).flatMap((m) => m.links);
  }

  /** The path of the newest link to `path` mailed to `to` that is not in `seen`. */
  async mailedLink(to: string, path: string, seen: string[] = []): Promise<string> {
    const link = await until(`a ${path} link mailed to ${to}`, async () => (await this.links(to)).find((l) => l.includes(path) && !seen.includes(l)));
    return new URL(link).pathname;
  }

  async signIn(email: string): Promise<void> {
    const seen = await this.links(email);
    await this.post('/signin', { email });
    const link = await this.mailedLink(email, '/s/', seen);
    await this.request(link);
    await this.request(link, { method: 'POST' });
  }

  async status(campaignId: string): Promise<CampaignStatus> {
    return jsonOf<CampaignStatus>(await this.request(`/api/campaigns/${campaignId}`));
  }

  atGate(campaignId: string, phase: string): Promise<CampaignStatus> {
    return until(`the ${phase} gate`, async () => {
      const s = await this.status(campaignId);
      return s.phase === phase && s.phaseStatus === 'awaiting' ? s : undefined;
    }, 120_000);
  }

  startPhase(campaignId: string, phase: string) {
    return this.request(`/campaigns/${campaignId}/phases/${phase}/start`, { method: 'POST' });
  }

  /** Uploads a unit's list: text (sent as UTF-8) or the file's bytes as they are. */
  async upload(campaignId: string, fileName: string, content: string | Uint8Array) {
    const body = new FormData();
    body.set('file', new Blob([content], { type: 'text/csv' }), fileName);
    return this.request(`/campaigns/${campaignId}/uploads`, { method: 'POST', body });
  }

  /**
   * Once `lists` of the campaign's lists are posted (张榜公示), moves the workflows' clock past the
   * posting period (the local cloud must run with a movable clock) and waits for the postings to
   * close. Answers the postings as they were open.
   */
  async passPostings(campaignId: string, lists: number): Promise<PostingStatus[]> {
    const open = await until(`${lists} lists posted`, async () => {
      const postings = (await this.status(campaignId)).postings.filter((p) => p.status === 'open');
      return postings.length === lists ? postings : undefined;
    });
    const seconds = Math.max(...open.map((p) => (Date.parse(p.endsAt) - Date.parse(p.openedAt)) / 1000)) + 60;
    const moved = await this.request('/_local/clock', { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
    if (!moved.ok) throw new Error('公示期需要移动本地时钟：请以 NUANLIU_MOVABLE_CLOCK=1 npm start 启动本地云');
    const ids = new Set(open.map((p) => p.postingId));
    await until('the postings to close', async () => ((await this.status(campaignId)).postings.every((p) => !ids.has(p.postingId) || p.status === 'closed') ? true : undefined));
    return open;
  }
}
