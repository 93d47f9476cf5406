// How the campaign's people resolve its exclusive-project conflicts: from the campaign page's forms,
// keeping the civil-affairs nomination of each (民政优先).
import type { MinhangCampaign } from './generate.js';

export const RESOLUTION_REASON = '按民政优先原则保留民政项目';

/** Each open conflict's resolve form on the page, with the civil-affairs project it keeps. */
export function civilAffairsResolutions(page: string, campaign: Pick<MinhangCampaign, 'exclusivePairs'>): { action: string; keep: string }[] {
  return [...page.matchAll(/action="(\/campaigns\/[^"]+\/conflicts\/[^"]+\/resolve)"([\s\S]*?)<\/form>/g)].map(([, action, form]) => {
    const keep = [...form.matchAll(/name="keep" value="([^"]+)"/g)].map((m) => m[1]).find((code) => campaign.exclusivePairs.some(([civil]) => civil === code));
    if (!keep) throw new Error(`a conflict without a civil-affairs project: ${action}`);
    return { action, keep };
  });
}
