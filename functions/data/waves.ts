/** Writes one request keeps in flight at once, when it has many to make. */
export const WRITES_IN_FLIGHT = 16;

/** `write` for each item, WRITES_IN_FLIGHT at a time (each wave awaited before the next); the results in order. */
export async function inWaves<T, R>(items: readonly T[], write: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += WRITES_IN_FLIGHT) results.push(...(await Promise.all(items.slice(i, i + WRITES_IN_FLIGHT).map(write))));
  return results;
}
