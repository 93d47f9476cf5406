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
  /** Their place on the list (1 for the first drawn), as the page numbers them. */
  number: number;
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

/** A callback link opened: whose list, and its keys in order (each found replacement right after the person it replaces). */
interface OpenedList extends Omit<CallbackList, 'people'> {
  keys: string[];
  replacements: Replacement[];
}

async function openList(c: Context, deps: AppDeps): Promise<OpenedList> {
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
  const [drawn, replacements] = await Promise.all([getStaffList(deps.table, sample, staff), listReplacements(deps.table, campaign.id)]);
  return { staff, campaign, sample, keys: withReplacements(drawn, replacements.filter((r) => r.staff === staff)), replacements };
}

/**
 * The list a callback link opens: the staff member's drawn people in draw order, each replacement
 * right after the person replaced. Only what a phone call needs: never ID numbers.
 */
export async function callbackListOf(c: Context, deps: AppDeps): Promise<CallbackList> {
  const { keys, replacements, ...list } = await openList(c, deps);
  const [found, outcomes] = await Promise.all([
    getBeneficiaries(deps.table, list.campaign.id, keys.map((k) => parseBeneficiaryKey(k)!)),
    listCallOutcomes(deps.table, list.campaign.id),
  ]);
  const byKey = new Map(found.filter((b): b is Beneficiary => b !== undefined).map((b) => [beneficiaryKey(b), b]));
  const outcomeOf = new Map(outcomes.map((o) => [o.beneficiaryKey, o]));
  const replacedOf = new Map(replacements.map((r) => [r.replacedKey, r]));
  const replacing = new Map(replacements.filter((r) => r.replacementKey).map((r) => [r.replacementKey!, r.replacedKey]));
  const projects = new Map(list.campaign.projects.map((p) => [p.code, p.name]));
  const nameOf = (key: string | undefined) => (key ? (byKey.get(key)?.name ?? '') : '');
  const people = keys.flatMap((key, i): CallbackPerson[] => {
    const b = byKey.get(key);
    if (!b) return [];
    const replaced = replacedOf.get(key);
    return [{
      key, number: i + 1, beneficiary: b, outcome: outcomeOf.get(key),
      name: b.name, phone: b.phone, project: projects.get(b.projectCode) ?? b.projectCode, amount: formatYuan(b.amountFen), paymentMethod: b.paymentMethod, unit: b.unit,
      ...(replacing.has(key) ? { replaces: nameOf(replacing.get(key)) } : {}),
      ...(replaced ? { replacedBy: nameOf(replaced.replacementKey) } : {}),
    }];
  });
  return { ...list, people };
}

/** The person a call's form names, if they are on the link's list: only their own record is read. */
export async function callbackPersonOf(c: Context, deps: AppDeps, key: string) {
  const { keys, replacements, ...list } = await openList(c, deps);
  const at = keys.indexOf(key);
  const parsed = parseBeneficiaryKey(key);
  const [beneficiary] = at >= 0 && parsed ? await getBeneficiaries(deps.table, list.campaign.id, [parsed]) : [];
  const person = beneficiary && { key, number: at + 1, beneficiary, replaced: replacements.some((r) => r.replacedKey === key) };
  return { ...list, person };
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
