const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML: names and reasons from uploads are data, never markup. */
export const escapeHtml = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** A plain zh-CN mail page around a body of trusted markup. */
export const mailPage = (title: string, body: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; line-height: 1.6; max-width: 640px">
<h2>${escapeHtml(title)}</h2>
${body}
<p style="color:#777;font-size:12px">本邮件由暖流帮困送温暖系统发送。链接仅供收件人本人使用，请勿转发。</p>
</body></html>`;
