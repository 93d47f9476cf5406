// A fresh table in the local store (dynalite, in memory) for tests of the steps and the data layer.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { UNIT_LIST_INDEX } from '../../functions/data/keys.js';
import { Table } from '../../functions/data/table.js';
import { dynamoServer } from '../../infra/local/dynamodb.js';

/** The product's table as the stack defines it (keys and the unit-list index), for a store in a test. */
export const tableDefinition = (name: string): CreateTableCommandInput => ({
  TableName: name,
  AttributeDefinitions: ['pk', 'sk', UNIT_LIST_INDEX.partitionKey].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  GlobalSecondaryIndexes: [{
    IndexName: UNIT_LIST_INDEX.name,
    KeySchema: [{ AttributeName: UNIT_LIST_INDEX.partitionKey, KeyType: 'HASH' }, { AttributeName: UNIT_LIST_INDEX.sortKey, KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...UNIT_LIST_INDEX.attributes] },
  }],
  BillingMode: 'PAY_PER_REQUEST',
});

/** `make` builds the table object, for tests that need a Table subclass. */
export async function startTable<T extends Table = Table>(
  make: (client: DynamoDBClient, name: string) => T = (client, name) => new Table(client, name) as T,
): Promise<{ table: T; close: () => Promise<void> }> {
  const server = dynamoServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new CreateTableCommand(tableDefinition('nuanliu')));
  const table = make(client, 'nuanliu');
  return {
    table,
    close: async () => {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
