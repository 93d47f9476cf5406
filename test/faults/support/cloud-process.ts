// The local cloud as `npm start` runs it, in a child process that a test can kill with SIGKILL and
// start again on the same data directory and the same ports (so mailed links keep their address).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `npm start` as package.json says it: its environment variables and node's arguments. */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const script: string = JSON.parse(fs.readFileSync(`${ROOT}package.json`, 'utf8')).scripts.start;
  const words = script.split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0 || words.slice(0, node).some((w) => !/^\w+=\S*$/.test(w))) throw new Error(`npm start is not "[NAME=value …] node …": ${script}`);
  return { env: Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)])), args: words.slice(node + 1) };
}
const PORT_NAMES = ['PORT', 'SFN_PORT', 'DYNAMODB_PORT', 'SMTP_PORT', 'SECRETS_PORT'] as const;

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class CloudProcess {
  private child?: ChildProcess;
  private ports: Record<string, string> = {};
  /** The web app's address, and the DynamoDB endpoint (for the test's own reads of the store). */
  url = '';
  dynamodb = '';
  readonly startupsMs: number[] = [];

  /** Everything each run of the cloud printed, appended: next to its data, to read after a failure. */
  readonly logFile: string;

  constructor(readonly dataDir: string) {
    this.logFile = `${dataDir}.log`;
  }

  /** Starts `npm start` on the data directory; resolves once it prints that it is ready. */
  async start(): Promise<void> {
    if (!this.ports.PORT) for (const name of PORT_NAMES) this.ports[name] = String(await freePort());
    const started = Date.now();
    const command = startCommand();
    const child = spawn(process.execPath, command.args, {
      cwd: ROOT,
      env: { ...process.env, ...command.env, ...this.ports, DATA_DIR: this.dataDir, NUANLIU_MOVABLE_CLOCK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    log.write(`--- started ${new Date().toISOString()}\n`);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once('exit', (code, signal) => log.end(`--- exited ${new Date().toISOString()} (${signal ?? code})\n`));
    const tail: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => tail.push(chunk.toString()) > 20 && tail.shift());
    await new Promise<void>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const url = /^Web app and API\s+(\S+)/.exec(line)?.[1];
        if (url) this.url = url;
        const db = /^DynamoDB\s+(\S+)/.exec(line)?.[1];
        if (db) this.dynamodb = db;
        if (line.startsWith('Ready in')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the local cloud exited with ${code} before it was ready: ${tail.join('').slice(-2000)}`)));
    });
    this.startupsMs.push(Date.now() - started);
  }

  /** SIGKILL: no chance to flush or close anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }
}
