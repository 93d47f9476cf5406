// The bad-input corpus (test/faults/corpus/) posted through the real upload routes of the web app
// (real dynalite, the real Step Functions engine running intake): every file is answered in zh-CN,
// within a time and memory bound, the valid rows of a mixed file are all stored, and nothing
// crashes. The two huge files are made on the fly (see corpus/README.md).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBeneficiaries } from '../../functions/data/beneficiaries.js';
import { getUpload, type Upload } from '../../functions/data/uploads.js';
import { createCampaignVia, eventually, signedIn, startWeb, uploadIdOf, type Browser, type Web } from '../unit/web/harness.js';
import { buildCorpusFile, CORPUS, CORPUS_DIR, writeHugeFiles, type CorpusFile, type Route } from './corpus/make-corpus.js';

/** Per file, from the POST until the answer (for intake: until the upload is processed). */
const TIME_BOUND_MS = 10_000;
/** Per huge file (refused at the door, but 80 MB still has to be sent). */
const HUGE_TIME_BOUND_MS = 30_000;
/** Growth of the process's heap and RSS across one file's handling. */
const HEAP_BOUND_BYTES = 200 * 1024 * 1024;
const RSS_BOUND_BYTES = 400 * 1024 * 1024;

const ROUTES: Record<Route, (campaignId: string) => string> = {
  intake: (id) => `/campaigns/${id}/uploads`,
  projects: (id) => `/campaigns/${id}/projects/import`,
  registers: (id) => `/campaigns/${id}/registers`,
  visits: (id) => `/campaigns/${id}/visits/import`,
  bank: (id) => `/campaigns/${id}/payments/results`,
};

const CJK = /[\u4e00-\u9fff]/;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Markup from the corpus that would run if a page showed it unescaped. */
const LIVE_MARKUP = [/<script>alert/i, /<img src=x/i, /<svg onload/i, /href="javascript:/i, /onerror=alert\(1\)>/i];

let web: Web;
let b: Browser;
let campaignId: string;
beforeAll(async () => {
  web = await startWeb();
  b = await signedIn(web);
  campaignId = await createCampaignVia(web, b);
});
afterAll(() => web?.close());

interface Answer {
  status: number;
  /** The page the user ends on (for intake: the upload's page once processed). */
  html: string;
  upload?: Upload;
  ms: number;
  heapGrowth: number;
  rssGrowth: number;
}

async function post(route: Route, bytes: Uint8Array, fileName: string): Promise<Answer> {
  global.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const body = new FormData();
  body.set('file', new File([bytes], fileName));
  const res = await b.request(ROUTES[route](campaignId), { method: 'POST', body });
  let html = await res.text();
  let upload: Upload | undefined;
  if (res.status === 303) {
    const location = res.headers.get('location')!;
    if (route === 'intake') {
      const uploadId = uploadIdOf(res);
      upload = await eventually(async () => {
        const u = await getUpload(web.table, campaignId, uploadId);
        return u?.processedAt || u?.failedAt ? u : undefined;
      }, `intake of ${fileName}`, TIME_BOUND_MS);
    }
    html = await (await b.get(location)).text();
  }
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  return { status: res.status, html, upload, ms, heapGrowth: after.heapUsed - before.heapUsed, rssGrowth: after.rss - before.rss };
}

/** The zh-CN reasons intake recorded for the upload. */
const reasonsOf = (upload: Upload) => [...upload.errors.map((e) => e.reason), ...(upload.failureReason ? [upload.failureReason] : [])];

const figures: { file: string; ms: number; heapMb: number; rssMb: number }[] = [];
afterAll(() => {
  const worst = (key: 'ms' | 'heapMb' | 'rssMb') => figures.reduce((w, f) => (f[key] > w[key] ? f : w), figures[0]);
  if (figures.length) console.log('corpus: slowest', worst('ms'), 'most heap', worst('heapMb'), 'most RSS', worst('rssMb'));
});

function expectBounded(file: string, answer: Answer, ms = TIME_BOUND_MS) {
  figures.push({ file, ms: Math.round(answer.ms), heapMb: Math.round(answer.heapGrowth / 2 ** 20), rssMb: Math.round(answer.rssGrowth / 2 ** 20) });
  expect(answer.ms, `${file}: time`).toBeLessThan(ms);
  expect(answer.heapGrowth, `${file}: heap growth`).toBeLessThan(HEAP_BOUND_BYTES);
  expect(answer.rssGrowth, `${file}: RSS growth`).toBeLessThan(RSS_BOUND_BYTES);
}

function expectInert(file: string, html: string) {
  for (const pattern of LIVE_MARKUP) expect(html, `${file}: ${pattern}`).not.toMatch(pattern);
}

describe('the bad-input corpus', () => {
  it('has at least 40 files checked in, each as the script makes it (the zip bombs, slow to make, only checked for size)', async () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    for (const file of CORPUS) {
      const checkedIn = readFileSync(join(CORPUS_DIR, file.name));
      if (file.name.includes('zip-bomb')) expect(checkedIn.length, file.name).toBeLessThan(4 * 1024 * 1024);
      else expect(Buffer.compare(checkedIn, Buffer.from(await buildCorpusFile(file.name))), file.name).toBe(0);
    }
  });

  const byRoute = (route: Route) => CORPUS.filter((f) => f.route === route);

  describe.each(byRoute('intake').map((f) => [f.name, f] as const))('intake: %s', (_name, file: CorpusFile) => {
    it(`${file.kind}: answered in zh-CN, bounded, valid rows stored`, async () => {
      const answer = await post('intake', readFileSync(join(CORPUS_DIR, file.name)), file.name);
      expectBounded(file.name, answer);
      expectInert(file.name, answer.html);
      const upload = answer.upload;
      if (!upload) {
        // Refused at the door (an empty file): a 4xx page that says why.
        expect(answer.status, file.name).toBe(400);
        expect(answer.html, file.name).toContain(file.says);
        return;
      }
      expect(upload.failedAt, `${file.name}: ${upload.failureReason}`).toBeUndefined();
      const stored = (await listBeneficiaries(web.table, campaignId)).filter((p) => p.uploadId === upload.id);
      expect(stored.length, file.name).toBe(file.validRows);
      expect(upload.storedCount ?? 0, file.name).toBe(file.validRows);
      const reasons = reasonsOf(upload);
      if (file.says === undefined) {
        expect(reasons, file.name).toEqual([]);
        return;
      }
      // Every row not stored has a reason, in zh-CN, on the upload's page too.
      expect(reasons.some((r) => r.includes(file.says!)), `${file.name}: ${reasons.join(' | ')}`).toBe(true);
      for (const reason of reasons) expect(reason, file.name).toMatch(CJK);
      expect(answer.html, file.name).toContain(file.says);
      expect(upload.rejectedCount ?? 0, file.name).toBe(upload.rowCount - file.validRows);
    });
  });

  describe.each((['projects', 'registers', 'visits', 'bank'] as const).flatMap((route) => byRoute(route).map((f) => [`${route}: ${f.name}`, f] as const)))('%s', (_name, file: CorpusFile) => {
    it(`${file.kind}: answered in zh-CN, bounded`, async () => {
      const answer = await post(file.route, readFileSync(join(CORPUS_DIR, file.name)), file.name);
      expectBounded(file.name, answer);
      expectInert(file.name, answer.html);
      expect(answer.status, file.name).toBeLessThan(500);
      expect(answer.html, file.name).toContain(file.says);
    });
  });

  it('leaves the app answering afterwards, every intake file recorded with an outcome', async () => {
    expect((await b.get(`/campaigns/${campaignId}`)).status).toBe(200);
    const uploads = await Promise.all(byRoute('intake').filter((f) => f.name !== 'empty.csv').map(async (f) => getUpload(web.table, campaignId, sha256(readFileSync(join(CORPUS_DIR, f.name))))));
    expect(uploads.filter((u) => !u?.processedAt).length).toBe(0);
  });

  describe('the huge files, made on the fly', () => {
    let dir: string;
    let huge: ReturnType<typeof writeHugeFiles>;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'nuanliu-corpus-'));
      huge = writeHugeFiles(dir);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['intake', 'projects', 'registers', 'visits', 'bank'] as const)('a 10 MB single cell and 1,000,000 rows, to %s: refused as too large, in zh-CN', async (route) => {
      for (const path of [huge.cell10mb, huge.rows1m]) {
        const name = path.split('/').pop()!;
        const answer = await post(route, readFileSync(path), name);
        expectBounded(`${route}/${name}`, answer, HUGE_TIME_BOUND_MS);
        expect(answer.status, `${route}/${name}`).toBe(413);
        expect(answer.html).toMatch(/超过 \d MB/);
      }
    });
  });
});
