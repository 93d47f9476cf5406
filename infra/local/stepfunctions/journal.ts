import fs from 'node:fs';
import path from 'node:path';

export type RecordHandler = (record: Record<string, unknown>, offset: number, bytes: number) => void;

/**
 * An append-only journal of JSON lines. Records are buffered and written in one
 * `write` per event-loop turn, and at once before any effect leaves the engine
 * (`flush`), so a SIGKILL loses nothing that anyone outside has seen.
 */
export class Journal {
  private fd: number | undefined;
  private buffer: string[] = [];
  private scheduled = false;
  /** Bytes on disk, and bytes appended but not yet written. */
  private written = 0;
  private pending = 0;

  constructor(private readonly file: string | undefined) {}

  get durable(): boolean {
    return this.file !== undefined;
  }

  /** Replays every record of an existing journal, then opens it for appending. */
  open(onRecord: RecordHandler): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.written = 0;
    if (fs.existsSync(this.file)) {
      const data = fs.readFileSync(this.file);
      let start = 0;
      while (start < data.length) {
        const end = data.indexOf(10, start);
        if (end === -1) break; // a torn last line from a crash mid-write: everything before it stands
        if (end > start) {
          let record: Record<string, unknown>;
          try {
            record = JSON.parse(data.toString('utf8', start, end));
          } catch {
            break;
          }
          onRecord(record, start, end - start);
        }
        start = end + 1;
      }
      if (start < data.length) fs.truncateSync(this.file, start);
      this.written = start;
    }
    this.fd = fs.openSync(this.file, 'a+');
  }

  /** Replaces the journal's content with `lines` (compaction), atomically. */
  rewrite(lines: Iterable<string>): void {
    if (!this.file) return;
    this.flush();
    const tmp = `${this.file}.compact`;
    const fd = fs.openSync(tmp, 'w');
    let chunk: string[] = [];
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length >= 1000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.renameSync(tmp, this.file);
  }

  append(record: Record<string, unknown>): void {
    this.appendLine(JSON.stringify(record));
  }

  /** Appends an already serialised record; returns its byte offset in the file. */
  appendLine(line: string): number {
    const offset = this.written + this.pending;
    if (this.fd === undefined) return offset;
    this.buffer.push(line);
    this.pending += Buffer.byteLength(line) + 1;
    if (this.buffer.length >= 4096) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return offset;
  }

  /** Reads back `bytes` bytes at `offset` (flushing first if they are still buffered). */
  read(offset: number, bytes: number): string {
    if (offset + bytes > this.written) this.flush();
    const buffer = Buffer.allocUnsafe(bytes);
    fs.readSync(this.fd!, buffer, 0, bytes, offset);
    return buffer.toString('utf8');
  }

  flush(): void {
    this.scheduled = false;
    if (this.fd === undefined || this.buffer.length === 0) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    fs.writeSync(this.fd, text);
    this.written += this.pending;
    this.pending = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
