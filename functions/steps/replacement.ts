import { drawStratified } from '../core/strata.js';
import { claimCandidate, finishReplacement, getReplacement, startReplacement, type Replacement } from '../data/replacements.js';
import { getReplacements, getSamplePopulation, type Sample } from '../data/samples.js';
import type { Table } from '../data/table.js';
import { paidPopulation } from './sampling.js';

/**
 * Replaces a sampled person not reached after the campaign's number of calls: by the first of
 * their stratum's replacement order (the stored head, then the rest recomputed from the seed) not
 * taken by an earlier replacement. Each take is one conditional put, so two staff members replacing
 * in the same stratum at once never get the same person; the same seed and the same history of
 * replacements give the same replacements. Calling it again for the same person answers the first.
 */
export async function replaceUnreached(
  input: { sample: Sample; replacedKey: string; stratum: string; staff: string },
  deps: { table: Table; now: Date },
): Promise<Replacement> {
  const { sample, replacedKey, stratum } = input;
  const campaignId = sample.campaignId;
  await startReplacement(deps.table, { campaignId, replacedKey, stratum, staff: input.staff, at: deps.now.toISOString() });
  const replacement = (await getReplacement(deps.table, campaignId, replacedKey))!;
  if (replacement.replacementKey || replacement.exhausted) return replacement;
  const head = (await getReplacements(deps.table, campaignId, stratum)) ?? [];
  for await (const candidate of candidates(deps.table, sample, stratum, head)) {
    if (await claimCandidate(deps.table, campaignId, candidate, replacedKey)) {
      await finishReplacement(deps.table, campaignId, replacedKey, { replacementKey: candidate });
      return { ...replacement, replacementKey: candidate };
    }
  }
  await finishReplacement(deps.table, campaignId, replacedKey, { exhausted: true });
  return { ...replacement, exhausted: true };
}

/** The stratum's replacement order: the stored head, then (only if needed) the rest from the seed and the recorded population. */
async function* candidates(table: Table, sample: Sample, stratum: string, head: readonly string[]): AsyncGenerator<string> {
  yield* head;
  const recorded = await getSamplePopulation(table, sample.campaignId, stratum);
  // Samples drawn before the population was recorded re-read the paid list.
  const population = recorded.length ? recorded : (await paidPopulation(table, sample.campaignId)).filter((p) => p.stratum === stratum);
  const order = drawStratified(sample.seed, population, sample.rules ?? {}).find((d) => d.stratum === stratum)?.replacements ?? [];
  yield* order.slice(head.length);
}
