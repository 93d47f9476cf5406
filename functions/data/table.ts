import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/** The single table, with the few operations the product uses. */
export class Table {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return Item as T | undefined;
  }

  async put(key: Key, item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.name, Item: { ...item, ...key } }));
  }

  /** Puts only if the key is new; false if it existed. The basis of every once-only effect. */
  async putIfAbsent(key: Key, item: Item): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.name, Item: { ...item, ...key }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Sets fields if `condition` holds; false when it does not. */
  async update(key: Key, fields: Item, condition?: { expression: string; values?: Item; names?: Record<string, string> }): Promise<boolean> {
    const entries = Object.entries(fields);
    const names: Record<string, string> = { ...condition?.names };
    const values: Item = { ...condition?.values };
    entries.forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
          ConditionExpression: condition?.expression ?? 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Removes fields if `condition` holds; false when it does not. */
  async remove(key: Key, fields: string[], condition: { expression: string; values?: Item; names?: Record<string, string> }): Promise<boolean> {
    const names: Record<string, string> = { ...condition.names };
    fields.forEach((name, i) => (names[`#r${i}`] = name));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: `REMOVE ${fields.map((_, i) => `#r${i}`).join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: condition.values && Object.keys(condition.values).length ? condition.values : undefined,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Every item of a partition (optionally under a sort-key prefix), page by page. */
  async *query<T>(pk: string, skPrefix?: string, pageSize = 500): AsyncGenerator<T[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
          ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':sk': skPrefix } : { ':pk': pk },
          ExclusiveStartKey: start,
          Limit: pageSize,
          ConsistentRead: true,
        }),
      );
      if (page.Items?.length) yield page.Items as T[];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async all<T>(pk: string, skPrefix?: string): Promise<T[]> {
    const items: T[] = [];
    for await (const page of this.query<T>(pk, skPrefix)) items.push(...page);
    return items;
  }
}
