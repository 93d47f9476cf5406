import type http from 'node:http';
import { escapeHtml } from '../../functions/mail/html.js';
import type { Mailbox } from './smtp.js';

const page = (title: string, body: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;line-height:1.5}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}iframe{width:100%;height:600px;border:1px solid #ccc}</style>
</head><body><p><a href="/_local/mail">本地邮箱</a> · 仅限本机访问</p>${body}</body></html>`;

/**
 * The local mailbox: every mail the product sent, readable in the browser (`/_local/mail`)
 * and as JSON (`/_local/mail.json?to=`), for people trying it out and for the demo.
 */
export function mailboxRoutes(mailbox: Mailbox) {
  return async (url: URL, res: http.ServerResponse): Promise<boolean> => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/_local/mail.json') {
      const to = url.searchParams.get('to')?.toLowerCase();
      const summaries = (await mailbox.list()).filter((m) => !to || m.recipients.some((r) => r.toLowerCase() === to));
      const mails = await Promise.all(summaries.map((m) => mailbox.read(m.id)));
      send(200, 'application/json', JSON.stringify(mails.filter(Boolean).map((m) => ({ id: m!.id, to: m!.recipients, subject: m!.subject, date: m!.date, links: m!.links, text: m!.text }))));
      return true;
    }
    if (url.pathname === '/_local/mail') {
      const rows = (await mailbox.list())
        .map((m) => `<tr><td>${escapeHtml(m.date)}</td><td>${escapeHtml(m.recipients.join(', '))}</td><td><a href="/_local/mail/${encodeURIComponent(m.id)}">${escapeHtml(m.subject)}</a></td></tr>`)
        .join('');
      send(200, 'text/html', page('本地邮箱', `<h1>本地邮箱</h1><table><tr><th>时间</th><th>收件人</th><th>主题</th></tr>${rows || '<tr><td colspan="3">暂无邮件</td></tr>'}</table>`));
      return true;
    }
    const match = /^\/_local\/mail\/([^/]+)$/.exec(url.pathname);
    if (match) {
      const mail = await mailbox.read(decodeURIComponent(match[1]));
      if (!mail) {
        send(404, 'text/html', page('未找到', '<p>没有这封邮件。</p>'));
        return true;
      }
      // The mail's own HTML is shown sandboxed: no scripts, no forms, no same-origin access.
      const body = mail.html ? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="${escapeHtml(mail.html)}"></iframe>` : `<pre>${escapeHtml(mail.text ?? '')}</pre>`;
      send(200, 'text/html', page(mail.subject, `<h1>${escapeHtml(mail.subject)}</h1><p>收件人：${escapeHtml(mail.recipients.join(', '))}</p>${body}`));
      return true;
    }
    return false;
  };
}
