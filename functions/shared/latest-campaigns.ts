/**
 * What a warm sandbox keeps per campaign between invocations, for the latest few campaigns only:
 * keeping one campaign again makes it the latest; past the limit the longest unused one goes.
 */
export class LatestCampaigns<V> {
  private readonly kept = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(campaignId: string): V | undefined {
    return this.kept.get(campaignId);
  }

  keep(campaignId: string, value: V): V {
    this.kept.delete(campaignId);
    this.kept.set(campaignId, value);
    if (this.kept.size > this.limit) this.kept.delete(this.kept.keys().next().value!);
    return value;
  }
}
