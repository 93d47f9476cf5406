/**
 * De-duplication keys for ID numbers: HMAC-SHA256 under a secret key, so the raw number never becomes
 * a key and a leaked table of keys cannot be reversed by enumerating the (small) space of ID numbers.
 */
import { createHmac } from 'node:crypto';

const NORMALIZED_ID = /^\d{17}[\dX]$/;
const MIN_KEY_LENGTH = 16;

/** Hex HMAC-SHA256 of a normalised 18-character ID number (see normalizeIdNumber). */
export function keyedIdHash(key: string, normalizedId: string): string {
  if (key.length < MIN_KEY_LENGTH) {
    throw new RangeError(`keyedIdHash: the key must be a secret of at least ${MIN_KEY_LENGTH} characters`);
  }
  // Only the normalised form, so "x"/"X" or 15/18-digit spellings of one person cannot give two keys.
  // The message never includes the number itself.
  if (!NORMALIZED_ID.test(normalizedId)) {
    throw new RangeError('keyedIdHash: expected a normalised 18-character ID number (normalizeIdNumber)');
  }
  return createHmac('sha256', key).update(normalizedId, 'utf8').digest('hex');
}
