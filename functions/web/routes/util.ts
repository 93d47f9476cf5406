import type { Context } from 'hono';
import type { AppDeps } from '../context.js';
import { BadRequest } from '../errors.js';

/** The parsed form body (with `all`, a field sent more than once as a list); a body that is not a readable form is the sender's error. */
export async function formBody(c: Context, options: { all?: boolean } = {}): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: options.all ?? false });
  } catch {
    throw new BadRequest('提交的表单无法读取，请返回页面后重试。');
  }
}

/** One text field of the form ('' when absent or not text). */
export async function formText(c: Context, name: string): Promise<string> {
  const value = (await formBody(c))[name];
  return typeof value === 'string' ? value : '';
}

/** Where emailed links point: PUBLIC_URL when configured, else this request's origin. */
export const publicBase = (c: Context, deps: AppDeps) => (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');

/** A file name to show: its last path segment, without control characters, not too long. */
export function shownFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return Array.from(clean).slice(-120).join('') || '未命名文件';
}
