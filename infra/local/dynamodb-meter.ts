/**
 * A meter on the local DynamoDB, for benchmarks only: off unless NUANLIU_METER_DYNAMODB=1 when the
 * server is made. Counts the items each write request writes and estimates the capacity units
 * AWS on-demand would bill for them (conditional writes that fail still bill, as on AWS):
 * a write unit per started 1 KB of an item put (1 for an update or a delete, whose size is not
 * sent), a read unit per started 4 KB of a read's response, as if strongly consistent. AWS bills a
 * projected or filtered read by the whole items it reads, so such reads are counted short.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface DynamoMeter {
  requests: Record<string, number>;
  itemsWritten: number;
  writeUnits: number;
  readUnits: number;
}

export const dynamoMeter: DynamoMeter = { requests: {}, itemsWritten: 0, writeUnits: 0, readUnits: 0 };

export const meterEnabled = () => process.env.NUANLIU_METER_DYNAMODB === '1';

type Attribute = Record<string, unknown>;

/** An item's size as DynamoDB counts it, near enough: names plus values (numbers ~1 byte per 2 digits). */
function attributeBytes(value: Attribute): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S': case 'B': return Buffer.byteLength(String(v));
    case 'N': return Math.ceil(String(v).length / 2) + 1;
    case 'M': return 3 + itemBytes(v as Record<string, Attribute>);
    case 'L': return 3 + (v as Attribute[]).reduce((n, a) => n + 1 + attributeBytes(a), 0);
    case 'SS': case 'NS': case 'BS': return (v as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    default: return 1;
  }
}

const itemBytes = (item: Record<string, Attribute>) => Object.entries(item).reduce((n, [name, a]) => n + Buffer.byteLength(name) + attributeBytes(a), 0);
const writeUnitsOf = (item: Record<string, Attribute>) => Math.max(1, Math.ceil(itemBytes(item) / 1024));

type Request = {
  Item?: Record<string, Attribute>;
  RequestItems?: Record<string, { PutRequest?: { Item: Record<string, Attribute> }; DeleteRequest?: unknown }[]>;
  Statements?: { Statement: string }[];
};

function tally(operation: string, body: Request, responseBytes: number): void {
  const m = dynamoMeter;
  m.requests[operation] = (m.requests[operation] ?? 0) + 1;
  const readUnits = Math.max(1, Math.ceil(responseBytes / 4096));
  const write = (units: number) => {
    m.itemsWritten++;
    m.writeUnits += units;
  };
  switch (operation) {
    case 'PutItem': return write(writeUnitsOf(body.Item ?? {}));
    case 'UpdateItem': case 'DeleteItem': return write(1);
    case 'BatchWriteItem':
      for (const requests of Object.values(body.RequestItems ?? {})) for (const r of requests) write(r.PutRequest ? writeUnitsOf(r.PutRequest.Item) : 1);
      return;
    case 'BatchExecuteStatement':
      for (const s of body.Statements ?? []) {
        if (/^\s*(insert|update|delete)/i.test(s.Statement)) write(1);
        else m.readUnits++;
      }
      return;
    case 'GetItem': case 'BatchGetItem': case 'Query': case 'Scan':
      m.readUnits += readUnits;
  }
}

/** Operations whose request body the tally reads (the items written, the statements run). */
const BODY_READ = new Set(['PutItem', 'BatchWriteItem', 'BatchExecuteStatement']);
/** Operations whose response size the tally reads. */
const RESPONSE_READ = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/**
 * Watches one request to the server (its body and the response's size, only where the tally uses
 * them: the meter runs on the store's thread) and tallies it once answered. With `bodyGiven`, the
 * server parses the body itself and hands it over through the function returned, so that the
 * meter does not parse it again.
 */
export function meterRequest(req: IncomingMessage, res: ServerResponse, { bodyGiven = false } = {}): (body: unknown) => void {
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
  const chunks: Buffer[] = [];
  let given: Request | undefined;
  if (BODY_READ.has(operation) && !bodyGiven) req.on('data', (chunk: Buffer) => chunks.push(chunk));
  let responseBytes = 0;
  if (RESPONSE_READ.has(operation)) {
    const write = res.write.bind(res);
    res.write = ((chunk: unknown, ...rest: never[]) => {
      if (chunk) responseBytes += Buffer.byteLength(chunk as string);
      return write(chunk as string, ...rest);
    }) as typeof res.write;
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown, ...rest: never[]) => {
      if (chunk && typeof chunk !== 'function') responseBytes += Buffer.byteLength(chunk as string);
      return end(chunk as string, ...rest);
    }) as typeof res.end;
  }
  res.on('finish', () => {
    let body: Request = given ?? {};
    try {
      if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request;
    } catch {
      // Not JSON: only the request is counted.
    }
    if (res.statusCode < 500) tally(operation, body, responseBytes);
  });
  return (body) => {
    given = body as Request;
  };
}
