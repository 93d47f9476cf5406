/**
 * `npm run demo`: a small campaign against a running local cloud (NUANLIU_URL), acting only
 * through what people use: the HTTP pages and the links in the mailbox. Exit 0 only if every
 * check holds.
 */
import { checkCharacter } from '../../functions/core/id-number.js';

const BASE = (process.env.NUANLIU_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const COORDINATOR = process.env.COORDINATOR_EMAIL ?? 'coordinator@nuanliu.local';
const UNITS = ['莘庄镇', '七宝镇', '江川路街道'];
const APPROVERS = ['street.reviewer@nuanliu.local', 'bureau.approver@nuanliu.local'];
const STAFF = 'callback.staff@nuanliu.local';
const PROJECTS = [
  { code: 'MZ01', name: '低保家庭春节慰问', yuan: 500 },
  { code: 'MZ02', name: '困难老人关爱礼包', yuan: 300 },
];
const PER_UNIT = [67, 67, 66];
const INVALID_PER_UNIT = 2;

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? '✓' : '✗'} ${what}`);
  if (!ok) failures.push(what);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cookie = '';
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('Cookie', cookie);
  if (init.method === 'POST') headers.set('Origin', BASE);
  const res = await fetch(`${BASE}${path}`, { ...init, headers, redirect: 'manual' });
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0];
  return res;
}
const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The newest link to `path` in mail to `to` that is not among `seen`. */
async function mailedLink(to: string, path: string, seen = new Set<string>()): Promise<string> {
  return until(`a ${path} link mailed to ${to}`, async () => {
    const mails = (await (await fetch(`${BASE}/_local/mail.json?to=${encodeURIComponent(to)}`)).json()) as { links: string[]; date: string }[];
    const links = mails.sort((a, b) => b.date.localeCompare(a.date)).flatMap((m) => m.links).filter((l) => l.includes(path) && !seen.has(l));
    return links[0];
  });
}
async function allLinks(to: string): Promise<Set<string>> {
  const mails = (await (await fetch(`${BASE}/_local/mail.json?to=${encodeURIComponent(to)}`)).json()) as { links: string[] }[];
  return new Set(mails.flatMap((m) => m.links));
}

interface Status {
  phase: string;
  phaseStatus: string;
  uploads: { state: string; rowCount: number; storedCount: number; rejectedCount: number }[];
  beneficiaries: { count: number; totalFen: number };
  payments: { count: number; totalFen: number };
  sample?: { commitment: string; seed: string; population: number; size: number };
}
const status = async (id: string) => (await (await request(`/api/campaigns/${id}`)).json()) as Status;
const atGate = (id: string, phase: string) => until(`the ${phase} gate`, async () => {
  const s = await status(id);
  return s.phase === phase && s.phaseStatus === 'awaiting' ? s : undefined;
}, 120_000);

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';
/** A made-up name, distinct for each n below 10,000. */
const personName = (n: number) => SURNAMES[n % 20] + GIVEN[Math.floor(n / 20) % 27] + GIVEN[Math.floor(n / 540) % 27];

/** A valid-looking 18-digit ID number (made up; check character computed). */
function idNumber(n: number): string {
  const first17 = `310112${1940 + (n % 60)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(100 + (n % 899))}`;
  return first17 + checkCharacter(first17);
}

function unitCsv(unitIndex: number): string {
  const header = '姓名,身份证号码,联系电话,所属单位,帮困类别,帮困项目,家庭人数';
  const rows: string[] = [];
  for (let i = 0; i < PER_UNIT[unitIndex]; i++) {
    const n = unitIndex * 1000 + i;
    let id = idNumber(n);
    let phone = `139${String(10000000 + n).padStart(8, '0')}`;
    if (i < INVALID_PER_UNIT) {
      // Planted errors: a mistyped ID number, and a phone number too short.
      if (i === 0) id = id.slice(0, 10) + ((Number(id[10]) + 1) % 10) + id.slice(11);
      else phone = '1391234';
    }
    const project = PROJECTS[i % 2];
    rows.push([personName(n), id, phone, UNITS[unitIndex], i % 2 ? '困难老人' : '低保家庭', project.code, String(1 + (i % 4))].join(','));
  }
  return [header, ...rows].join('\n');
}

const started = Date.now();
console.log(`Demo campaign against ${BASE}`);
const health = await fetch(`${BASE}/health`);
check(health.ok, 'the local cloud is healthy');

// The coordinator signs in through the emailed link.
const before = await allLinks(COORDINATOR);
await request('/signin', form({ email: COORDINATOR }));
const signIn = await mailedLink(COORDINATOR, '/s/', before);
const signInPath = new URL(signIn).pathname;
check((await request(signInPath)).status === 200, 'opening the sign-in link shows a page and signs nobody in');
check((await request(signInPath, { method: 'POST' })).status === 303 && cookie !== '', 'the sign-in link signs the coordinator in');

// A campaign with three units, two projects, two approvers and one callback staff member.
const created = await request('/campaigns', form({
  name: `演示活动 ${new Date().toISOString().slice(0, 16)}`,
  units: UNITS.join('\n'),
  categories: ['低保家庭', '困难老人'].join('\n'),
  projects: PROJECTS.map((p) => `${p.code},${p.name},${p.yuan}`).join('\n'),
  approvers: APPROVERS.join('\n'),
  callbackStaff: STAFF,
}));
const campaignId = /\/campaigns\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')?.[1];
check(created.status === 303 && campaignId !== undefined, 'the coordinator creates a campaign');
if (!campaignId) process.exit(1);
await atGate(campaignId, 'survey');

// 排摸: each unit's list is uploaded; bad rows come back with reasons.
for (let u = 0; u < UNITS.length; u++) {
  const body = new FormData();
  body.set('file', new Blob([`\uFEFF${unitCsv(u)}`], { type: 'text/csv' }), `${UNITS[u]}.csv`);
  const res = await request(`/campaigns/${campaignId}/uploads`, { method: 'POST', body });
  check(res.status === 303, `${UNITS[u]} uploads its list`);
}
const surveyed = await until('every upload to be processed', async () => {
  const s = await status(campaignId);
  return s.uploads.length === UNITS.length && s.uploads.every((u) => u.state === 'done') ? s : undefined;
});
const expectedStored = PER_UNIT.reduce((a, b) => a + b, 0) - INVALID_PER_UNIT * UNITS.length;
const rejected = surveyed.uploads.reduce((n, u) => n + u.rejectedCount, 0);
check(surveyed.beneficiaries.count === expectedStored, `${expectedStored} beneficiaries stored (got ${surveyed.beneficiaries.count})`);
check(rejected === INVALID_PER_UNIT * UNITS.length, `${INVALID_PER_UNIT * UNITS.length} rows rejected with reasons (got ${rejected})`);
check((await request(`/campaigns/${campaignId}/phases/survey/start`, { method: 'POST' })).status === 303, 'the coordinator closes 排摸');

// 部署: each approver decides through the emailed link.
await atGate(campaignId, 'deploy');
check((await request(`/campaigns/${campaignId}/phases/deploy/start`, { method: 'POST' })).status === 303, 'the coordinator starts 部署');
for (const approver of APPROVERS) {
  const link = new URL(await mailedLink(approver, '/approve/')).pathname;
  const page = await request(link);
  check(page.status === 200 && (await page.text()).includes('同意'), `${approver} opens the decision page`);
  const decided = await request(link, form({ decision: 'approve' }));
  check(decided.status === 200, `${approver} approves`);
  const again = await request(link, form({ decision: 'approve' }));
  check((await again.text()).includes('已处理'), `a second click for ${approver} shows 已处理`);
}

// 实施: pay every approved beneficiary once.
await atGate(campaignId, 'implement');
check((await request(`/campaigns/${campaignId}/phases/implement/start`, { method: 'POST' })).status === 303, 'the coordinator starts 实施');
const paid = await atGate(campaignId, 'review');
check(paid.payments.count === paid.beneficiaries.count, `every beneficiary paid once (${paid.payments.count} payments for ${paid.beneficiaries.count})`);
check(paid.payments.totalFen === paid.beneficiaries.totalFen, 'payments total the approved amounts');

// 回访: a random sample, mailed to the callback staff.
check((await request(`/campaigns/${campaignId}/phases/review/start`, { method: 'POST' })).status === 303, 'the coordinator starts 回访');
const done = await until('the campaign to finish', async () => {
  const s = await status(campaignId);
  return s.phase === 'done' ? s : undefined;
}, 120_000);
const list = new URL(await mailedLink(STAFF, '/callback/')).pathname;
const listPage = await (await request(list)).text();
check(/139\d{8}/.test(listPage) && !/310112\d{11}[\dX]/.test(listPage), 'the callback list shows phone numbers and no ID number');
const xlsx = await request(`${list}?format=xlsx`);
check(xlsx.status === 200 && (xlsx.headers.get('content-type') ?? '').includes('spreadsheetml'), 'the callback list downloads as XLSX');
check(done.sample !== undefined && done.sample.size >= 1 && done.sample.population === paid.payments.count, `a sample of ${done.sample?.size} drawn from ${done.sample?.population} paid`);

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nSummary: ${done.beneficiaries.count} beneficiaries, ${rejected} rejected rows, ${done.payments.count} payments (¥${(done.payments.totalFen / 100).toFixed(2)}), sample ${done.sample?.size} (commitment ${done.sample?.commitment.slice(0, 16)}…, seed ${done.sample?.seed.slice(0, 16)}…). ${seconds} s.`);
console.log(JSON.stringify({ ok: failures.length === 0, campaignId, beneficiaries: done.beneficiaries.count, rejected, payments: done.payments.count, sample: done.sample?.size, seconds: Number(seconds) }));
process.exit(failures.length === 0 ? 0 : 1);
