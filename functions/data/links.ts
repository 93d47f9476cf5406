import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { keys } from './keys.js';
import type { Table } from './table.js';

export type LinkKind = 'signin' | 'approval' | 'callback';

/** What a link lets its holder do. The task token, if any, never leaves the server. */
export interface Link {
  id: string;
  kind: LinkKind;
  email: string;
  campaignId?: string;
  taskToken?: string;
  /** What is being approved, for the decision page. */
  subject?: Record<string, unknown>;
  /** The approval task (of `campaignId`) an approval link decides; its token stays on the task. */
  task?: { unit: string; round: number; step: number };
  expiresAt: string;
  usedAt?: string;
  outcome?: string;
}

const sign = (key: string, id: string, expiresAt: string) => createHmac('sha256', key).update(`${id}.${expiresAt}`).digest('base64url');

/** Creates a link and returns the opaque, signed credential that goes into its URL. */
export async function createLink(table: Table, linkKey: string, link: Omit<Link, 'id' | 'expiresAt'>, ttlHours: number, now = new Date()): Promise<string> {
  return createLinkUntil(table, linkKey, link, new Date(now.getTime() + ttlHours * 3600_000));
}

/** Creates a link that expires at a given instant; returns its credential. */
export async function createLinkUntil(table: Table, linkKey: string, link: Omit<Link, 'id' | 'expiresAt'>, until: Date): Promise<string> {
  const id = randomBytes(18).toString('base64url');
  const expiresAt = until.toISOString();
  await table.putIfAbsent(keys.link(id), { ...link, id, expiresAt });
  return `${id}.${sign(linkKey, id, expiresAt)}`;
}

export type LinkCheck = { ok: true; link: Link } | { ok: false; problem: 'invalid' | 'expired' | 'used'; link?: Link };

/** Checks a credential: a forged or unknown one is invalid; an old one expired; a spent one used. */
export async function checkLink(table: Table, linkKey: string, credential: string, kind: LinkKind, now = new Date()): Promise<LinkCheck> {
  const link = await signedLink(table, linkKey, credential);
  if (!link || link.kind !== kind) return { ok: false, problem: 'invalid' };
  if (link.usedAt) return { ok: false, problem: 'used', link };
  if (new Date(link.expiresAt) <= now) return { ok: false, problem: 'expired', link };
  return { ok: true, link };
}

/** Spends a link once: false if it was already used (a second click, a race). */
export const useLink = (table: Table, id: string, outcome: string, now = new Date()) =>
  table.update(keys.link(id), { usedAt: now.toISOString(), outcome }, { expression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)' });

/** Replaces the recorded outcome of a spent link (for example: the task had closed meanwhile). */
export const setLinkOutcome = (table: Table, id: string, outcome: string) =>
  table.update(keys.link(id), { outcome }, { expression: 'attribute_exists(usedAt)' });

/**
 * Un-spends a link whose effect could not be delivered (a transient fault), so that its holder
 * can try again; only if it is still spent with exactly this use.
 */
export const releaseLink = (table: Table, id: string, usedAt: string) =>
  table.remove(keys.link(id), ['usedAt', 'outcome'], { expression: 'usedAt = :usedAt', values: { ':usedAt': usedAt } });

/** The link a credential names, if its signature holds (whatever its kind, use or expiry). */
async function signedLink(table: Table, linkKey: string, credential: string): Promise<Link | undefined> {
  const [id, signature] = credential.split('.');
  if (!id || !signature || !/^[\w-]{1,64}$/.test(id)) return undefined;
  const link = await table.get<Link>(keys.link(id));
  if (!link) return undefined;
  const expected = Buffer.from(sign(linkKey, id, link.expiresAt));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? link : undefined;
}

/**
 * The campaign of a link that can still act (signed, unspent, unexpired), whatever its kind; undefined
 * for any other credential, which its own route refuses anyway.
 */
export async function campaignOfLiveLink(table: Table, linkKey: string, credential: string, now = new Date()): Promise<string | undefined> {
  const link = await signedLink(table, linkKey, credential);
  return link && !link.usedAt && new Date(link.expiresAt) > now ? link.campaignId : undefined;
}
