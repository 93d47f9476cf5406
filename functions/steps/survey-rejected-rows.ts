import { listUploads, removeRejectedRows } from '../data/uploads.js';
import type { Table } from '../data/table.js';

/**
 * 排摸 close: the rejected rows kept for the error files hold the raw ID numbers the units typed.
 * Once 排摸 closes no corrected file can be uploaded, so they are removed from every upload of the
 * campaign; the counts and the errors (row, column, reason) stay. Safe to repeat.
 */
export async function removeRejectedRowsAtClose(input: { campaignId: string }, deps: { table: Table }): Promise<{ uploadsCleared: number }> {
  let uploadsCleared = 0;
  // Each removal is conditional on rows being there: the rows are never read here.
  for (const upload of await listUploads(deps.table, input.campaignId)) {
    if (await removeRejectedRows(deps.table, upload.campaignId, upload.id)) uploadsCleared++;
  }
  return { uploadsCleared };
}
