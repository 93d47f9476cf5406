import type { Context } from 'hono';
import { formatYuan } from '../core/money.js';
import { getBeneficiaries, type Beneficiary } from '../data/beneficiaries.js';
import { listCallOutcomes, type CallOutcome } from '../data/callbacks.js';
import { getCampaign, type Campaign } from '../data/campaigns.js';
import { beneficiaryKey, parseBeneficiaryKey } from '../data/exclusions.js';
import { checkLink } from '../data/links.js';
import { listReplacements, type Replacement } from '../data/replacements.js';
import { getSample, getStaffList, type Sample } from '../data/samples.js';
import type { AppDeps } from './context.js';
import { Forbidden, Gone, NotFound } from './errors.js';
import type { CallbackRow } from './spreadsheet.js';

/** One person on a staff member's list, with what calling them found so far. */
export interface CallbackPerson extends CallbackRow {
  key: string;
  beneficiary: Beneficiary;
  outcome?: CallOutcome;
  /** Whom this person replaces (their name), when they joined the list as a replacement. */
  replaces?: string;
  /** Who replaced this person (their name), or '' while none was found. */
  replacedBy?: string;
}

export interface CallbackList {
  staff: string;
  campaign: Campaign;
  sample: Sample;
  people: CallbackPerson[];
}

/**
 * The list a callback link opens: the staff member's drawn people in draw order, each replacement
 * right after the person replaced. Only what a phone call needs: never ID numbers.
 */
export async function callbackListOf(c: Context, deps: AppDeps): Promise<CallbackList> {
  const { linkKey } = await deps.secrets();
  const result = await checkLink(deps.table, linkKey, c.req.param('credential') ?? '', 'callback', deps.now());
  if (!result.ok) {
    if (result.problem === 'expired') throw new Gone('此回访名单链接已过期。如需继续回访，请联系活动协调员。');
    throw new Forbidden('链接无效。请使用邮件中的完整链接。', '链接无效');
  }
  const staff = result.link.email;
  const campaign = result.link.campaignId ? await getCampaign(deps.table, result.link.campaignId) : undefined;
  const sample = campaign ? await getSample(deps.table, campaign.id) : undefined;
  if (!campaign || !sample) throw new NotFound('没有找到这份回访名单。');
  const [drawn, replacements, outcomes] = await Promise.all([
    getStaffList(deps.table, sample, staff),
    listReplacements(deps.table, campaign.id),
    listCallOutcomes(deps.table, campaign.id),
  ]);
  const keys = withReplacements(drawn, replacements.filter((r) => r.staff === staff));
  const found = await getBeneficiaries(deps.table, campaign.id, keys.map((k) => parseBeneficiaryKey(k)!));
  const byKey = new Map(found.filter((b): b is Beneficiary => b !== undefined).map((b) => [beneficiaryKey(b), b]));
  const outcomeOf = new Map(outcomes.map((o) => [o.beneficiaryKey, o]));
  const replacedOf = new Map(replacements.map((r) => [r.replacedKey, r]));
  const replacing = new Map(replacements.filter((r) => r.replacementKey).map((r) => [r.replacementKey!, r.replacedKey]));
  const projects = new Map(campaign.projects.map((p) => [p.code, p.name]));
  const nameOf = (key: string | undefined) => (key ? (byKey.get(key)?.name ?? '') : '');
  const people = keys.flatMap((key): CallbackPerson[] => {
    const b = byKey.get(key);
    if (!b) return [];
    const replaced = replacedOf.get(key);
    return [{
      key, beneficiary: b, outcome: outcomeOf.get(key),
      name: b.name, phone: b.phone, project: projects.get(b.projectCode) ?? b.projectCode, amount: formatYuan(b.amountFen), paymentMethod: b.paymentMethod, unit: b.unit,
      ...(replacing.has(key) ? { replaces: nameOf(replacing.get(key)) } : {}),
      ...(replaced ? { replacedBy: nameOf(replaced.replacementKey) } : {}),
    }];
  });
  return { staff, campaign, sample, people };
}

/** The drawn keys with each found replacement right after the person it replaces (chains included). */
function withReplacements(drawn: readonly string[], mine: readonly Replacement[]): string[] {
  const next = new Map(mine.filter((r) => r.replacementKey).map((r) => [r.replacedKey, r.replacementKey!]));
  return drawn.flatMap((key) => {
    const chain = [key];
    for (let at = next.get(key); at !== undefined && !chain.includes(at); at = next.get(at)) chain.push(at);
    return chain;
  });
}
