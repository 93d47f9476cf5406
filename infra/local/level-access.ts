/*
 * dynalite reads and writes LevelDB one key at a time, each through a chain of promises and a trip
 * to the thread pool. On two cores that overhead, on the store's thread, was a large share of a
 * campaign's time. Here, on its database (store.db):
 * - a get is answered from LevelDB's synchronous read (a table's description, an item before its
 *   write), its callback a turn later as before;
 * - the puts and deletes asked for in one turn of the event loop are written as one LevelDB batch,
 *   through dynalite's own batch (which tracks it for a graceful close); each callback runs once
 *   the batch is written, with its error if it failed. A value is encoded when put, as before;
 *   until its batch is written, a get answers the latest put or delete of its key (a table made
 *   ACTIVE is ACTIVE to the next request).
 * A call without a callback, or while the store opens, is dynalite's own. On a store closing or
 * closed (as a cloud stops), a call fails with an HTTP status: dynalite answers such an error, but
 * throws any other from its request handler, which took the whole process down.
 */

type Callback = (err: Error | null, value?: unknown) => void;
type WriteOp = { type: 'put'; key: string; value: string; valueEncoding: 'utf8' } | { type: 'del'; key: string };

/** The parts of dynalite's LevelDB database (store.db) its items are read and written through. */
export interface CallbackLevel {
  status: string;
  getSync(key: string): unknown;
  get(key: string, callback?: Callback): unknown;
  put(key: string, value: unknown, callback?: Callback): unknown;
  del(key: string, callback?: Callback): unknown;
  batch(ops: WriteOp[], callback?: Callback): unknown;
}

const CLOSED_MESSAGE = 'The local store is closed';
/** What a read or write on a store not open answers: an error dynalite sends back as HTTP 500. */
const storeClosed = () =>
  Object.assign(new Error(CLOSED_MESSAGE), { statusCode: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: CLOSED_MESSAGE } });

export function leanLevelAccess(db: CallbackLevel): void {
  // dynalite's own, for what is not answered here.
  const get = db.get.bind(db);
  const put = db.put.bind(db);
  const del = db.del.bind(db);
  const batch = db.batch.bind(db);
  /** A call with a callback is answered here, except while the store opens: dynalite's own waits for the open. */
  const answeredHere = (callback: Callback | undefined): callback is Callback => typeof callback === 'function' && db.status !== 'opening';
  /** A call on a store closing or closed is answered storeClosed, a turn later; true if it was. */
  const refusedClosed = (callback: Callback) => db.status !== 'open' && (setImmediate(callback, storeClosed()), true);

  db.get = (key, callback) => {
    if (!answeredHere(callback)) return get(key, callback);
    if (refusedClosed(callback)) return;
    try {
      const written = unwrittenValue(key);
      setImmediate(callback, null, written === undefined ? db.getSync(key) : written === null ? undefined : JSON.parse(written));
    } catch (err) {
      setImmediate(callback, err as Error);
    }
  };

  /** The writes not yet sent. */
  let pending: { ops: WriteOp[]; callbacks: Callback[]; latest: Map<string, string | null> } | undefined;
  /** Each batch not yet written (pending included), oldest first: each key's latest value in it (null: deleted). */
  const unwritten: Map<string, string | null>[] = [];
  const unwrittenValue = (key: string) => {
    for (let i = unwritten.length - 1; i >= 0; i--) if (unwritten[i].has(key)) return unwritten[i].get(key);
    return undefined;
  };
  const flush = () => {
    const { ops, callbacks, latest } = pending!;
    pending = undefined;
    batch(ops, (err) => {
      unwritten.splice(unwritten.indexOf(latest), 1);
      const answer = err && db.status !== 'open' ? storeClosed() : (err ?? null);
      for (const callback of callbacks) callback(answer);
    });
  };
  const write = (op: WriteOp, callback: Callback) => {
    if (!pending) {
      pending = { ops: [], callbacks: [], latest: new Map() };
      unwritten.push(pending.latest);
      setImmediate(flush);
    }
    pending.ops.push(op);
    pending.callbacks.push(callback);
    pending.latest.set(op.key, op.type === 'put' ? op.value : null);
  };

  db.put = (key, value, callback) => {
    if (!answeredHere(callback)) return put(key, value, callback);
    if (refusedClosed(callback)) return;
    let encoded: string;
    try {
      encoded = JSON.stringify(value);
    } catch (err) {
      return void setImmediate(callback, err as Error);
    }
    write({ type: 'put', key, value: encoded, valueEncoding: 'utf8' }, callback);
  };
  db.del = (key, callback) => {
    if (!answeredHere(callback)) return del(key, callback);
    if (refusedClosed(callback)) return;
    write({ type: 'del', key }, callback);
  };
}
