import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyedIdHash } from '../../../functions/core/keyed-hash.js';
import { normalizeIdNumber } from '../../../functions/core/id-number.js';
import { PEOPLE } from './fixtures.js';

const KEY = 'test-only-key-0123456789abcdef';

describe('keyedIdHash', () => {
  it('is HMAC-SHA256 hex of the normalised number', () => {
    const expected = createHmac('sha256', KEY).update(PEOPLE.a).digest('hex');
    expect(keyedIdHash(KEY, PEOPLE.a)).toBe(expected);
    expect(keyedIdHash(KEY, PEOPLE.a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives one key per person whatever the spelling, once normalised', () => {
    const upgraded = normalizeIdNumber('110105491231002');
    const lower = normalizeIdNumber('11010519491231002x');
    if (!upgraded.ok || !lower.ok) throw new Error('fixture');
    expect(keyedIdHash(KEY, upgraded.value)).toBe(keyedIdHash(KEY, lower.value));
  });

  it('depends on the key and on the number, and never contains the number', () => {
    const hash = keyedIdHash(KEY, PEOPLE.a);
    expect(keyedIdHash(`${KEY}!`, PEOPLE.a)).not.toBe(hash);
    expect(keyedIdHash(KEY, PEOPLE.b)).not.toBe(hash);
    expect(hash).not.toContain(PEOPLE.a.slice(0, 6));
  });

  it('refuses short keys and numbers that are not normalised, without echoing them', () => {
    expect(() => keyedIdHash('short', PEOPLE.a)).toThrow(RangeError);
    for (const raw of ['110105491231002', ` ${PEOPLE.a}`, '11010519491231002x', '']) {
      let thrown: unknown;
      try {
        keyedIdHash(KEY, raw);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, raw).toBeInstanceOf(RangeError);
      if (raw.trim()) expect((thrown as Error).message).not.toContain(raw.trim());
    }
  });
});
