import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listRegisteredHouseholds, storeRegisteredHouseholds, type RegisteredHousehold } from '../../../functions/data/registers.js';
import type { Table } from '../../../functions/data/table.js';
import { startTable } from '../../support/table.js';

const CAMPAIGN = '00000000-0000-4000-8000-00000000abcd';
const household = (n: number, name: string, uploadId: string): RegisteredHousehold => ({
  campaignId: CAMPAIGN, register: n % 2 ? '低保' : '特困', idHash: n.toString(16).padStart(64, '0'), idMasked: `310***********${String(n).padStart(4, '0')}`,
  name, unit: '莘庄镇', uploadId, row: n + 1,
});

let table: Table;
let close: () => Promise<void>;
beforeAll(async () => ({ table, close } = await startTable()));
afterAll(() => close());

describe('storing a base register\'s households', () => {
  it('inserts new households many to a request, and overwrites those loaded before, one by one', async () => {
    const puts = vi.spyOn(table, 'put');
    await storeRegisteredHouseholds(table, Array.from({ length: 60 }, (_, n) => household(n, `户主${n}`, 'a'.repeat(64))));
    expect(puts).not.toHaveBeenCalled();
    expect(await listRegisteredHouseholds(table, CAMPAIGN)).toHaveLength(60);

    // A corrected file: ten households again, renamed, and five new ones.
    await storeRegisteredHouseholds(table, Array.from({ length: 15 }, (_, i) => household(50 + i, `更正${50 + i}`, 'b'.repeat(64))));
    expect(puts).toHaveBeenCalledTimes(10);
    puts.mockRestore();
    const stored = await listRegisteredHouseholds(table, CAMPAIGN);
    expect(stored).toHaveLength(65);
    const byRow = new Map(stored.map((h) => [h.row, h]));
    expect(byRow.get(50)).toMatchObject({ name: '户主49', uploadId: 'a'.repeat(64) });
    for (let n = 50; n < 65; n++) expect(byRow.get(n + 1)).toMatchObject({ name: `更正${n}`, uploadId: 'b'.repeat(64), register: n % 2 ? '低保' : '特困' });
  });
});
