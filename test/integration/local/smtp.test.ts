import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractLinks, Mailbox, startSmtp, type LocalSmtp } from '../../../infra/local/smtp.js';

let dataDir: string;
let smtp: LocalSmtp;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nuanliu-smtp-'));
  smtp = await startSmtp({ dataDir, port: 0 });
});

afterAll(async () => {
  await smtp.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const transport = (auth?: { user: string; pass: string }) => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, auth });

describe('local SMTP', () => {
  it('stores each message as a .eml file and reads it back parsed, with its links', async () => {
    await transport().sendMail({
      from: '徐汇区民政局 <relief@xuhui.example.gov.cn>',
      to: 'zhang.san@example.com, li.si@example.com',
      bcc: 'audit@example.com',
      subject: '元旦春节帮困送温暖：请确认名单',
      text: 'Please confirm at https://relief.example.gov.cn/confirm?t=abc&x=1.',
      html: '<p>请<a href="https://relief.example.gov.cn/confirm?t=abc&amp;x=1">确认</a> or <a href=\'mailto:help@example.com\'>ask</a></p>',
    });
    const files = fs.readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{13}-[0-9a-f]{8}\.eml$/);

    const [summary] = await smtp.listMail();
    expect(summary).toMatchObject({
      from: '"徐汇区民政局" <relief@xuhui.example.gov.cn>',
      to: ['zhang.san@example.com', 'li.si@example.com'],
      recipients: ['zhang.san@example.com', 'li.si@example.com', 'audit@example.com'],
      subject: '元旦春节帮困送温暖：请确认名单',
    });
    expect(Date.parse(summary.date)).toBeGreaterThan(Date.now() - 60_000);
    const mail = (await smtp.readMail(summary.id))!;
    expect(mail.text).toContain('Please confirm');
    expect(mail.html).toContain('确认');
    expect(mail.links).toEqual(['https://relief.example.gov.cn/confirm?t=abc&x=1', 'mailto:help@example.com']);
  });

  it('accepts any credentials and lists newest first, as any reader of the directory sees them', async () => {
    await transport({ user: 'smtp-user', pass: 'anything' }).sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'second', text: 'no links here' });
    const list = await smtp.listMail();
    expect(list.map((m) => m.subject)).toEqual(['second', '元旦春节帮困送温暖：请确认名单']);
    expect((await smtp.readMail(list[0].id))!.links).toEqual([]);
    // Another reader of the same directory sees the same mail.
    expect((await new Mailbox(path.join(dataDir, 'mail')).list()).map((m) => m.id)).toEqual(list.map((m) => m.id));
  });

  it('carries on when a client resets its connection mid-session (a function sandbox ended)', async () => {
    const socket = net.connect(smtp.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    // In the middle of a message: after MAIL FROM, when a reset counts as an error.
    for (const line of ['EHLO sandbox', 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']) {
      socket.write(`${line}\r\n`);
      await new Promise((r) => setTimeout(r, 50));
    }
    socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 100));
    // An uncaught 'error' would end the process (vitest reports it as an unhandled error); mail still goes through.
    const before = (await smtp.listMail()).length;
    await transport().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: '重置之后', text: 'still here' });
    expect((await smtp.listMail()).length).toBe(before + 1);
  });

  it('reads nothing for unknown or malicious ids', async () => {
    expect(await smtp.readMail('1234567890123-deadbeef')).toBeUndefined();
    expect(await smtp.readMail('../../etc/passwd')).toBeUndefined();
  });

  it('extracts links from text and html', () => {
    expect(extractLinks('<a href=https://a.example/x>x</a><a href="javascript:alert(1)">y</a>', 'See (https://b.example/y), then https://a.example/x.')).toEqual([
      'https://a.example/x',
      'https://b.example/y',
    ]);
  });
});
