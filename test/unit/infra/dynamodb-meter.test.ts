// The local DynamoDB's bench meter: off by default; when on, it counts what each write request writes
// and leaves the requests as they were.
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoMeter } from '../../../infra/local/dynamodb-meter.js';
import { startTable } from '../../support/table.js';

const reset = () => Object.assign(dynamoMeter, { requests: {}, itemsWritten: 0, writeUnits: 0, readUnits: 0 });

describe('the local DynamoDB meter', () => {
  afterEach(() => {
    delete process.env.NUANLIU_METER_DYNAMODB;
    reset();
  });

  it('counts nothing unless switched on', async () => {
    reset();
    const { table, close } = await startTable();
    await table.put({ pk: 'p', sk: 'a' }, { n: 1 });
    await close();
    expect(dynamoMeter.itemsWritten).toBe(0);
  });

  it('counts items put, batch-written and updated, with a write unit per started KB, and reads still answer', async () => {
    process.env.NUANLIU_METER_DYNAMODB = '1';
    reset();
    const { table, close } = await startTable();
    await table.put({ pk: 'p', sk: 'small' }, { n: 1 });
    await table.put({ pk: 'p', sk: 'big' }, { text: 'x'.repeat(2500) });
    await table.insertMany([1, 2, 3].map((i) => ({ pk: 'p', sk: `batch#${i}`, i })));
    await table.update({ pk: 'p', sk: 'small' }, { n: 2 });
    expect(await table.get({ pk: 'p', sk: 'small' })).toMatchObject({ n: 2 });
    // Answered by the store's own handlers, which give the meter the body they parsed.
    expect(await table.getMany([{ pk: 'p', sk: 'batch#2' }, { pk: 'p', sk: 'none' }])).toEqual([{ pk: 'p', sk: 'batch#2', i: 2 }, undefined]);
    await close();
    expect(dynamoMeter.requests).toMatchObject({ PutItem: 2, BatchExecuteStatement: 1, UpdateItem: 1, GetItem: 1, BatchGetItem: 1 });
    expect(dynamoMeter.itemsWritten).toBe(6);
    // 1 (small) + 3 (2.5 KB) + 3 (batch) + 1 (update)
    expect(dynamoMeter.writeUnits).toBe(8);
    expect(dynamoMeter.readUnits).toBeGreaterThanOrEqual(2);
  });
});
