import { html, raw } from 'hono/html';

/** A rendered fragment: everything interpolated into `html` is escaped unless it is itself `Html`. */
export type Html = ReturnType<typeof html>;

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#222;background:#f6f4f1}
header{background:#b03a2e;color:#fff;padding:8px 20px;display:flex;justify-content:space-between;align-items:center;gap:12px}
header a{color:#fff;text-decoration:none;font-weight:bold}
header form{margin:0}
header button{background:transparent;color:#fff;border:1px solid #fff8;padding:2px 10px}
main{max-width:1080px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:22px;margin:12px 0 16px}
h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0ebe6;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
label{display:block;font-weight:600;margin:14px 0 4px}
input[type=text],input[type=email],textarea{width:100%;padding:6px 8px;border:1px solid #bbb;border-radius:4px;font:inherit;background:#fff}
textarea{min-height:90px}
button,.button{display:inline-block;background:#b03a2e;color:#fff;border:0;border-radius:4px;padding:7px 18px;font:inherit;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#666}
button:disabled{background:#bbb;cursor:not-allowed}
.hint{color:#666;font-size:13px;margin:2px 0}
.error{color:#a00}
.errors{background:#fdecea;border:1px solid #e5b3ad;padding:8px 12px 8px 28px;margin:8px 0}
.notice{background:#eaf4ea;border:1px solid #a9d2a9;padding:8px 12px;margin:8px 0}
.box{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:10px 0}
.phases{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.phase{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px}
.phase.current{border:2px solid #b03a2e}
.muted{color:#777}
code{font-size:12px;word-break:break-all}
fieldset{border:0;padding:0;margin:8px 0}
legend{font-weight:600;padding:0}
.choices label{display:inline-block;font-weight:normal;margin:2px 14px 2px 0;padding:6px 0}
select{font:inherit;padding:5px 6px}
`;

export interface LayoutOptions {
  title: string;
  /** The signed-in coordinator's email: shows the sign-out button. */
  user?: string;
  /** Reload the page after this many seconds (something is still being processed). */
  refreshSeconds?: number;
}

export function layout(options: LayoutOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${options.title} · 暖流</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header>
<a href="/">暖流 · 元旦春节帮困送温暖</a>
${options.user
    ? html`<form method="post" action="/signout"><span>${options.user}</span> <button type="submit">退出登录</button></form>`
    : ''}
</header>
<main>
<h1>${options.title}</h1>
${body}
</main>
</body>
</html>`;
}

/** A page that says one thing: a result, a refusal, an error. */
export function messagePage(title: string, message: string, options: { details?: readonly string[]; user?: string; links?: { href: string; label: string }[] } = {}): Html {
  const details = options.details ?? [];
  return layout(
    { title, user: options.user },
    html`<p>${message}</p>
${details.length ? html`<ul class="errors">${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
${(options.links ?? []).map((l) => html`<p><a href="${l.href}">${l.label}</a></p>`)}`,
  );
}

/** The notices a redirect may ask a page to show; only these fixed texts, never reflected input. */
export const NOTICES = {
  created: '活动已创建，工作流已启动。',
  started: '已启动该阶段，工作流正在运行。',
  'already-started': '该阶段已经启动过，本次操作未重复启动。',
  uploaded: '文件已上传，正在处理。',
  duplicate: '该文件此前已上传过，未重复导入；以下为此前的处理结果。',
  retried: '该文件此前处理失败，现已重新开始处理；此前已入库的帮困对象不会重复入库。',
  'register-loaded': '名册已导入。',
  'register-refused': '名册未导入：文件中没有可导入的数据行，请按下列原因修改后重新上传。',
  'register-duplicate': '该名册文件此前已导入过，未重复导入；以下为此前的导入结果。',
  'conflict-resolved': '冲突已处理：未保留的项目已从名单中排除，不再审批和发放。',
  'conflict-already-resolved': '该冲突此前已处理，本次操作未重复处理。',
  'projects-imported': '帮困项目表已导入。',
  'project-saved': '帮困项目已保存。',
  'pairs-saved': '互斥项目已保存。',
  'callbacks-finished': '回访已结束，工作流继续进行。',
  'callbacks-already-finished': '回访此前已结束，本次操作未重复提交。',
  'callback-settings-saved': '回访设置已保存，下次抽样时生效。',
  'payment-reissued': '已按更正后的信息重新发放：该笔付款将出现在下一份银行代发文件中（新的付款参考号）。',
  'payment-stale': '该笔付款已由他人重新发放或已有新的结果，本次操作未重复发放。',
  'visit-saved': '走访记录已保存。',
  'visit-exists': '这次走访（同一户、同一天、同一位领导）此前已记录，未重复保存。',
} as const;

export function noticeOf(key: string | undefined): Html | '' {
  const text = key && Object.hasOwn(NOTICES, key) ? NOTICES[key as keyof typeof NOTICES] : undefined;
  return text ? html`<p class="notice">${text}</p>` : '';
}

/** Field errors under a form field. */
export const fieldErrors = (errors: readonly string[] | undefined): Html | '' =>
  errors?.length ? html`<ul class="errors">${errors.map((e) => html`<li>${e}</li>`)}</ul>` : '';

/** Dates as people in China read them. */
export function formatTime(value: Date | string | number | undefined): string {
  if (value === undefined) return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
