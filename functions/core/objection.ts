/** What anyone may file against one line of a posted list (异议), validated with zh-CN messages. */
import { z } from 'zod';
import { toHalfWidth } from './half-width.js';
import { LINE_REF } from './posting.js';

export const REASON_MIN = 5;
export const REASON_MAX = 500;
export const CONTACT_MAX = 50;

/** Control characters other than line breaks and tabs (text pasted from elsewhere). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export const objectionInput = z.object({
  line: z.string({ error: '请选择要提出异议的名单行' }).regex(LINE_REF, '请选择要提出异议的名单行'),
  reason: z
    .string({ error: '请填写异议理由' })
    .transform((s) => s.replace(CONTROL, '').trim())
    .pipe(z.string().min(1, { error: '请填写异议理由', abort: true }).min(REASON_MIN, `异议理由至少${REASON_MIN}个字`).max(REASON_MAX, `异议理由最多${REASON_MAX}个字`)),
  /** Optional: a phone number or other way to reach the person who objects. */
  contact: z
    .string()
    .optional()
    .transform((s) => toHalfWidth(s ?? '').replace(CONTROL, '').trim())
    .pipe(z.string().max(CONTACT_MAX, `联系方式最多${CONTACT_MAX}个字`)),
});

export type ObjectionInput = z.infer<typeof objectionInput>;

export type ObjectionParse = { ok: true; value: ObjectionInput } | { ok: false; errors: string[] };

/** Parses a submitted objection form; every problem as one zh-CN message, each once. */
export function parseObjection(form: Record<string, unknown>): ObjectionParse {
  const text = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
  const parsed = objectionInput.safeParse({ line: text('line'), reason: text('reason'), contact: text('contact') });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: [...new Set(parsed.error.issues.map((i) => i.message))] };
}
