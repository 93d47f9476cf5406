/** Writes one request keeps in flight at once, when it has many to make. */
export const WRITES_IN_FLIGHT = 16;

/**
 * `write` for each item, `lanes` in flight at once (the next begins as soon as one ends); the
 * results in the items' order. After a failure no new write begins, and the failure is thrown.
 */
export async function inFlight<T, R>(items: readonly T[], write: (item: T, index: number) => Promise<R>, lanes = WRITES_IN_FLIGHT): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const at = next++;
      try {
        results[at] = await write(items[at], at);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
