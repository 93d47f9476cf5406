import type { MiddlewareHandler } from 'hono';
import { getCampaign } from '../data/campaigns.js';
import { campaignOfLiveLink } from '../data/links.js';
import { getPosting, POSTING_ID } from '../data/postings.js';
import type { AppDeps } from './context.js';
import { Archived } from './errors.js';

/** The banner every page about an archived campaign shows. */
export const ARCHIVED_BANNER = '<p class="notice"><b>已归档</b>：本活动已结束并归档，只读。页面和导出仍可查看，不能再修改。</p>';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CAMPAIGN_PATH = /^\/campaigns\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;
/** A link's page: `/<kind>/<credential>[/...]`, the credential `id.signature` (see data/links.ts). */
const LINK_PATH = /^\/[\w-]+\/([\w-]{1,64}\.[\w-]+)(?:\/|$)/;
const POSTING_PATH = /^\/posting\/([^/]+)(?:\/|$)/;

/**
 * The campaign a request is about: named in its path (/campaigns/<id>/…), by the link it carries
 * (an approver's or callback staff member's credential that can still act), or by the public
 * posting it names. Undefined for requests about no campaign (sign-in, creating a campaign), and
 * for a forged, expired or spent link, whose own route refuses it as such.
 */
export async function campaignOfRequest(deps: Pick<AppDeps, 'table' | 'secrets' | 'now'>, path: string): Promise<string | undefined> {
  const inPath = CAMPAIGN_PATH.exec(path)?.[1];
  if (inPath) return inPath;
  const posting = POSTING_PATH.exec(path)?.[1];
  if (posting) return POSTING_ID.test(posting) ? (await getPosting(deps.table, posting))?.campaignId : undefined;
  const credential = LINK_PATH.exec(path)?.[1];
  return credential ? campaignOfLiveLink(deps.table, (await deps.secrets()).linkKey, credential, deps.now()) : undefined;
}

/**
 * 建档: a campaign whose workflow marked it done is archived, read-only. Every state-changing
 * request about it is refused here, before any route runs (409, nothing changed); every page
 * under /campaigns/<id> still opens, with the 已归档 banner.
 */
export function readOnlyWhenArchived(deps: Pick<AppDeps, 'table' | 'secrets' | 'now'>): MiddlewareHandler {
  return async (c, next) => {
    // A page needs its campaign only for the banner: a link's page is left to its route.
    const mutating = MUTATING.has(c.req.method);
    const campaignId = mutating ? await campaignOfRequest(deps, c.req.path) : CAMPAIGN_PATH.exec(c.req.path)?.[1];
    const archived = campaignId !== undefined && (await getCampaign(deps.table, campaignId))?.phase === 'done';
    if (archived && mutating) throw new Archived();
    await next();
    if (!archived || c.res.status !== 200 || !c.res.headers.get('content-type')?.startsWith('text/html')) return;
    const page = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(page.replace('<main>', `<main>\n${ARCHIVED_BANNER}`), { status: 200, headers });
  };
}
