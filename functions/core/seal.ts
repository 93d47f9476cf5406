/**
 * Sealed personal data: AES-256-GCM under keys derived from the application's seal key, with a
 * random IV per seal and the record's context (which beneficiary, which field) as additional
 * authenticated data, so a sealed value cannot be moved to another record. Because of the random
 * IV two seals of one value differ: compare keyed digests, never ciphertexts.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/** The keys one seal key gives: encryption, keyed digests, payment references. */
export interface SealKeys {
  cipher: Buffer;
  digest: Buffer;
  reference: Buffer;
}

/** Thrown when a sealed value was altered, belongs to another context, or the key is not the one that sealed it. */
export class SealError extends Error {
  override name = 'SealError';
}

const subKey = (sealKey: string, purpose: string) => Buffer.from(hkdfSync('sha256', Buffer.from(sealKey, 'utf8'), Buffer.alloc(0), `nuanliu/seal/${purpose}`, 32));

export function sealKeys(sealKey: string): SealKeys {
  if (sealKey.length < 32) throw new RangeError('sealKeys: the seal key must be a secret of at least 32 characters');
  return { cipher: subKey(sealKey, 'cipher'), digest: subKey(sealKey, 'digest'), reference: subKey(sealKey, 'reference') };
}

/** IVs drawn from the system's CSPRNG a block at a time (a call per seal cost more than the seal); each used once. */
const IV_BLOCK_BYTES = IV_BYTES * 1024;
let ivBlock = Buffer.alloc(0);
let ivTaken = 0;

function freshIv(): Buffer {
  if (ivTaken + IV_BYTES > ivBlock.length) [ivBlock, ivTaken] = [randomBytes(IV_BLOCK_BYTES), 0];
  ivTaken += IV_BYTES;
  return ivBlock.subarray(ivTaken - IV_BYTES, ivTaken);
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url; a fresh random IV for each seal. */
export function seal(keys: SealKeys, context: string, plaintext: string): string {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', keys.cipher, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function openSeal(keys: SealKeys, context: string, sealed: string): string {
  const [version, iv, tag, body, ...rest] = sealed.split('.');
  if (version !== VERSION || body === undefined || rest.length) throw new SealError('Not a sealed value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.cipher, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealError('The sealed value cannot be opened with this key and context');
  }
}

/** A keyed digest (hex HMAC-SHA256) of a value, for telling whether a sealed value changed. */
export const keyedDigest = (keys: SealKeys, context: string, value: string) =>
  createHmac('sha256', keys.digest).update(`${context}\u0000${value}`, 'utf8').digest('hex');
