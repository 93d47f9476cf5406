import { describe, expect, it } from 'vitest';
import { LatestCampaigns } from '../../../functions/shared/latest-campaigns.js';

describe('LatestCampaigns', () => {
  it('keeps the latest campaigns up to its limit, dropping the one kept longest ago', () => {
    const kept = new LatestCampaigns<number>(2);
    kept.keep('a', 1);
    kept.keep('b', 2);
    kept.keep('a', 3); // a is now the latest
    kept.keep('c', 4);
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([3, undefined, 4]);
  });
});
