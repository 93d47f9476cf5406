/**
 * 签收表: the people a unit hands cash, gift packages or grain-and-oil cards to in person, one line
 * each, to sign for what they received. Pure: payments and their beneficiaries in, lines per unit out.
 */
import { fenToYuanText } from './money.js';
import { SIGNED_FOR_METHODS, type PaymentMethod } from './payment-methods.js';
import { byZh } from './zh-order.js';

export interface SignatureLine {
  name: string;
  idMasked: string;
  projectName: string;
  method: PaymentMethod;
  amountFen: number;
  /** 金额（元）or 物品, as the sheet shows it. */
  what: string;
}

export interface SignatureSheet {
  unit: string;
  lines: SignatureLine[];
}

/** What the person signs for: cash as yuan; a package or card with its value. */
export function signedForText(method: PaymentMethod, amountFen: number): string {
  const yuan = fenToYuanText(amountFen);
  if (method === '实物（礼包）') return `礼包（价值 ${yuan} 元）`;
  if (method === '粮油卡') return `粮油卡（面值 ${yuan} 元）`;
  return yuan;
}

/**
 * The signature sheets of every unit with at least one payment through a signed-for channel, each
 * payment with whom it pays (one whose payee is unknown is left out). Failed payments are left out:
 * nothing was handed over. Units in the campaign's order; lines by project order, then name.
 */
export function signatureSheets(
  payments: readonly { projectCode: string; amountFen: number; status?: string; paymentMethod?: PaymentMethod; name?: string; idMasked?: string; unit?: string }[],
  projects: readonly { code: string; name: string }[],
  units: readonly string[],
): SignatureSheet[] {
  const projectOrder = new Map(projects.map((p, i) => [p.code, i]));
  const sheets = new Map<string, (SignatureLine & { order: number })[]>();
  for (const { status, paymentMethod: method, name, idMasked, unit, projectCode, amountFen } of payments) {
    if (status === 'failed' || !method || name === undefined || idMasked === undefined || unit === undefined) continue;
    if (!SIGNED_FOR_METHODS.includes(method)) continue;
    const lines = sheets.get(unit) ?? [];
    sheets.set(unit, lines);
    lines.push({
      name, idMasked, method, amountFen, what: signedForText(method, amountFen),
      projectName: projects.find((x) => x.code === projectCode)?.name ?? projectCode, order: projectOrder.get(projectCode) ?? projects.length,
    });
  }
  const rank = (u: string) => (units.includes(u) ? units.indexOf(u) : units.length);
  return [...sheets]
    .sort(([a], [b]) => rank(a) - rank(b) || byZh(a, b))
    .map(([unit, lines]) => ({
      unit,
      lines: lines.sort((a, b) => a.order - b.order || byZh(a.name, b.name)).map(({ order: _order, ...line }) => line),
    }));
}
