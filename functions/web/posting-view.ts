import { formatYuan } from '../core/money.js';
import type { LineClasses } from '../core/posting.js';
import type { Posting, PostingLine } from '../data/postings.js';

/** One line as the public sees it: masked name and ID, project, amount, and where it stands. */
export interface PublicLine {
  n: number;
  ref: string;
  name: string;
  id: string;
  project: string;
  amount: string;
  state: string;
}

export const PUBLIC_COLUMNS = ['序号', '姓名', '身份证号码', '帮困项目', '金额', '状态'] as const;

/** The public lines of a posting: nothing but what PUBLIC_COLUMNS name (no phone, no unmasked value, no key). */
export function publicLines(posting: Posting, lines: readonly PostingLine[], classes: LineClasses): PublicLine[] {
  const held = new Set(classes.held);
  const removed = new Set(classes.removed);
  const normal = posting.status === 'open' ? '公示中' : '无异议';
  return lines.map((l) => ({
    n: l.n, ref: l.ref, name: l.nameMasked, id: l.idMasked, project: l.projectName, amount: formatYuan(l.amountFen),
    state: removed.has(l.lineKey) ? '已移出名单' : held.has(l.lineKey) ? '异议核实中' : normal,
  }));
}
