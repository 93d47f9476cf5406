import { html } from 'hono/html';
import { layout, type Html } from './layout.js';

export const signInForm = (options: { email?: string; error?: string } = {}): Html =>
  layout(
    { title: '协调员登录' },
    html`<div class="box">
<p>请输入您登记的邮箱，我们会发送一个登录链接（15 分钟内有效，仅可使用一次）。</p>
<form method="post" action="/signin">
<label for="email">邮箱</label>
<input type="email" id="email" name="email" value="${options.email ?? ''}" required autocomplete="email">
${options.error ? html`<p class="error">${options.error}</p>` : ''}
<p><button type="submit">发送登录链接</button></p>
</form>
</div>`,
  );

/** The same answer whether or not the address is registered. */
export const signInSent = (): Html =>
  layout(
    { title: '请查收邮件' },
    html`<p>如果该邮箱已登记为协调员，登录链接已发送到该邮箱，15 分钟内有效。</p>
<p class="hint">没有收到？请检查垃圾邮件，或<a href="/signin">重新发送</a>。</p>`,
  );

/**
 * Opening the emailed link signs nobody in: only this button does (mail scanners open links).
 * The form posts back to the page's own address, so the credential is not written into the page.
 */
export const signInConfirm = (): Html =>
  layout(
    { title: '登录暖流' },
    html`<form method="post">
<p>点击下方按钮完成登录。</p>
<p><button type="submit">登录</button></p>
</form>`,
  );
