// The pages put under concurrency and load, reached as people reach them: through mailed links.
import { DEMO, type DemoCampaign } from '../../../infra/local/demo-campaign.js';
import { DemoClient, until } from '../../../infra/local/demo-client.js';

/** The paths of the `count` newest /approve/ links mailed to `approver` that are not in `seen`. */
export function approvalLinks(client: DemoClient, approver: string, count: number, seen: string[] = []): Promise<string[]> {
  return until(`${count} approval links mailed to ${approver}`, async () => {
    const fresh = (await client.links(approver)).map((l) => new URL(l).pathname).filter((l) => l.startsWith('/approve/') && !seen.includes(l));
    return fresh.length >= count ? fresh.slice(0, count) : undefined;
  });
}

/** The summary hash a decision page shows, which the decision form sends back. */
export async function seenHash(base: string, link: string): Promise<string> {
  const page = await (await new DemoClient(base).request(link)).text();
  const hash = /name="seen" value="([a-f0-9]{64})"/.exec(page)?.[1];
  if (!hash) throw new Error(`no decision form at ${link}`);
  return hash;
}

/** One approver's decision on one link, from a browser of its own: status and page text. */
export async function decide(base: string, link: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await new DemoClient(base).post(link, fields);
  return { status: res.status, text: await res.text() };
}

/** 回访 started: the review workflow waits for the calls; answers the callback list's link mailed to the staff. */
export async function callbackLinkOf(demo: DemoCampaign): Promise<string> {
  const started = await demo.client.startPhase(demo.campaignId, 'review');
  if (started.status !== 303) throw new Error(`回访 did not start: HTTP ${started.status}`);
  await until('the review workflow to wait for the callbacks', async () => ((await demo.client.status(demo.campaignId)).callbacks?.waiting ? true : undefined), 120_000);
  return demo.client.mailedLink(DEMO.staff, '/callback/');
}
