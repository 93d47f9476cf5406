import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { portFromEnv } from './env.js';

export interface MailSummary {
  id: string;
  from: string;
  /** Addresses in the To header. */
  to: string[];
  /** Envelope recipients (RCPT TO), which include Bcc. */
  recipients: string[];
  subject: string;
  /** ISO 8601. */
  date: string;
}

export interface Mail extends MailSummary {
  cc: string[];
  text?: string;
  html?: string;
  /** http(s) and mailto links in the html and text, in order, without duplicates. */
  links: string[];
  attachments: { filename?: string; contentType: string; size: number }[];
}

const ID = /^\d{13}-[0-9a-f]{8}$/;
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/** Messages stored one per file, `<dir>/<timestamp>-<id>.eml`, newest last by name. */
export class Mailbox {
  private readonly parsed = new Map<string, Mail>();

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Stores a raw message with delivery headers (Return-Path, Delivered-To) as a receiving MTA adds them. */
  async save(raw: Buffer, envelope: { from?: string; to: string[] }): Promise<string> {
    const id = `${Date.now()}-${randomUUID().slice(0, 8)}`;
    const delivery = [`Return-Path: <${envelope.from ?? ''}>`, ...envelope.to.map((to) => `Delivered-To: ${to}`)].join('\r\n');
    const file = path.join(this.dir, `${id}.eml`);
    // Written aside then renamed, so a reader never sees half a message.
    await fs.promises.writeFile(`${file}.tmp`, Buffer.concat([Buffer.from(`${delivery}\r\n`), raw]));
    await fs.promises.rename(`${file}.tmp`, file);
    return id;
  }

  /** Every message, newest first. */
  async list(): Promise<MailSummary[]> {
    const ids = (await fs.promises.readdir(this.dir))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4))
      .filter((id) => ID.test(id))
      .sort()
      .reverse();
    const mails = await Promise.all(ids.map((id) => this.read(id)));
    return mails.filter((m): m is Mail => m !== undefined).map(({ id, from, to, recipients, subject, date }) => ({ id, from, to, recipients, subject, date }));
  }

  async read(id: string): Promise<Mail | undefined> {
    if (!ID.test(id)) return undefined;
    const cached = this.parsed.get(id);
    if (cached) return cached;
    let raw: Buffer;
    try {
      raw = await fs.promises.readFile(path.join(this.dir, `${id}.eml`));
    } catch {
      return undefined;
    }
    const mail = toMail(id, await simpleParser(raw));
    this.parsed.set(id, mail);
    return mail;
  }
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);

function toMail(id: string, m: ParsedMail): Mail {
  const recipients = m.headerLines.filter((h) => h.key === 'delivered-to').map((h) => h.line.replace(/^delivered-to:\s*/i, '').trim());
  const html = m.html === false ? undefined : m.html;
  return {
    id,
    from: m.from?.text ?? '',
    to: addresses(m.to),
    recipients,
    subject: m.subject ?? '',
    date: (m.date ?? new Date(Number(id.slice(0, 13)))).toISOString(),
    cc: addresses(m.cc),
    text: m.text,
    html,
    links: extractLinks(html, m.text),
    attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? whole),
  );

export function extractLinks(html: string | undefined, text: string | undefined): string[] {
  const links: string[] = [];
  for (const m of (html ?? '').matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) links.push(decodeEntities((m[1] ?? m[2] ?? m[3]).trim()));
  for (const m of (text ?? '').matchAll(/\bhttps?:\/\/[^\s<>"']+/gi)) links.push(m[0].replace(/[.,;:!?)\]]+$/, ''));
  return [...new Set(links.filter((l) => /^(https?:|mailto:)/i.test(l)))];
}

export interface LocalSmtp {
  port: number;
  mailbox: Mailbox;
  listMail(): Promise<MailSummary[]>;
  readMail(id: string): Promise<Mail | undefined>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A local SMTP server on 127.0.0.1 (SMTP_PORT, default 2525; 0 picks a free port). Plain text, no
 * STARTTLS; AUTH is optional and any credentials are accepted. Mail goes to `<dataDir>/mail`.
 */
export async function startSmtp(options: { dataDir: string; port?: number }): Promise<LocalSmtp> {
  const mailbox = new Mailbox(path.join(options.dataDir, 'mail'));
  const server = new SMTPServer({
    name: 'localhost',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onConnect(session, callback) {
      callback(LOOPBACK.has(session.remoteAddress) ? undefined : new Error('Only local connections are accepted'));
    },
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'local' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        mailbox.save(Buffer.concat(chunks), envelope).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  // A client gone mid-message (a function sandbox ended, a process killed) is its own failure, not the server's:
  // smtp-server emits it here, and unheard it would end the local cloud.
  server.on('error', (err: Error & { code?: string }) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') console.error(`[smtp] ${err.code ?? err.name}: ${err.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? portFromEnv('SMTP_PORT', 2525), '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mailbox,
    listMail: () => mailbox.list(),
    readMail: (id) => mailbox.read(id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
