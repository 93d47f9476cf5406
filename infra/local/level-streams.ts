import { Readable } from 'node:stream';

/** An abstract-level iterator: `next()` gives undefined at the end; `close()` releases it. */
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
}

/** The parts of dynalite's LevelDB database (store.db) its reads are streamed from. */
export interface StreamedLevel {
  keys(options?: object): LevelIterator;
  values(options?: object): LevelIterator;
  createKeyStream(options?: object): Readable;
  createValueStream(options?: object): Readable;
}

/**
 * dynalite 4 streams every Query and Scan from an iterator it never closes: it calls a `return()`
 * that abstract-level iterators lack. An open iterator pins LevelDB's memtables and table files,
 * so each read held native memory until the store closed (over a gigabyte at Minhang's scale).
 * These streams close their iterator when read to the end or destroyed, as dynalite destroys one
 * its Limit or 1 MB page stops early.
 */
export function closeIteratorsWithStreams(db: StreamedLevel): void {
  db.createKeyStream = (options) => closingStream(db.keys(options));
  db.createValueStream = (options) => closingStream(db.values(options));
}

function closingStream(iterator: LevelIterator): Readable {
  return new Readable({
    objectMode: true,
    read() {
      iterator.next().then((value) => this.push(value ?? null), (err: Error) => this.destroy(err));
    },
    destroy(err, callback) {
      // close() waits for a read in flight; a stream ended or destroyed closes once.
      iterator.close().then(() => callback(err), (closeErr: Error) => callback(err ?? closeErr));
    },
  });
}
