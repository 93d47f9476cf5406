import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { StatesError } from '../errors.js';
import type { TaskCall } from '../host.js';

const COMMANDS = {
  getItem: GetItemCommand,
  putItem: PutItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
} as const;

/** The optimized DynamoDB integrations: Parameters are the API request, the response is the result. */
export async function callDynamoDB(client: DynamoDBClient | undefined, call: TaskCall): Promise<unknown> {
  if (!client) throw new StatesError('DynamoDB.AmazonDynamoDBException', 'No DynamoDB endpoint is configured for this engine (set DYNAMODB_ENDPOINT)');
  const Command = COMMANDS[call.resource.action as keyof typeof COMMANDS] as unknown as new (input: unknown) => GetItemCommand;
  if (!Command) throw new StatesError('States.Runtime', `Unsupported DynamoDB action ${call.resource.action}`);
  try {
    const { $metadata: _metadata, ...result } = await client.send(new Command(call.parameters), { abortSignal: call.signal });
    return result;
  } catch (err) {
    if (call.signal.aborted) throw err;
    const error = err as Error;
    throw new StatesError(`DynamoDB.${error.name || 'AmazonDynamoDBException'}`, error.message);
  }
}
