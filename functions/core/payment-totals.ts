/**
 * Payments against the plan, per funding source, exact to the fen: what the plan holds, and what
 * is issued (waiting for the bank), paid and failed. Each payment is split over the sources as its
 * plan line is (the plan's own largest-remainder split); nothing is split here again.
 */
import { FUNDING_SOURCE_KEYS, splitByWeights, sumSources, type FundingSource } from './funding.js';
import type { Plan, PlanLine } from './plan.js';
import type { PaymentStatus } from '../data/payments.js';

export interface PaymentForTotals {
  projectCode: string;
  idHash: string;
  amountFen: number;
  status: PaymentStatus;
}

/** A row of the totals: a source, money of lines without funding, or payments the plan does not hold. */
export type TotalsRowKey = FundingSource | 'unfunded' | 'unplanned';

export interface TotalsRow {
  key: TotalsRowKey;
  plannedFen: number;
  issuedFen: number;
  paidFen: number;
  failedFen: number;
  /** plannedFen − (issued + paid + failed). */
  differenceFen: number;
}

export interface PaymentTotals {
  rows: TotalsRow[];
  total: Omit<TotalsRow, 'key'>;
  /** Every row's difference is 0: paid + failed + issued equal the plan in every source. */
  matchesPlan: boolean;
}

const STATUS_FIELD = { issued: 'issuedFen', paid: 'paidFen', failed: 'failedFen' } as const;

/** A payment's part per row: its plan line's split (scaled by the same split when the amount differs). */
function partsOf(payment: PaymentForTotals, line: PlanLine | undefined): [TotalsRowKey, number][] {
  if (!line) return [['unplanned', payment.amountFen]];
  if (!line.split || sumSources(line.split) === 0) return [['unfunded', payment.amountFen]];
  const split = payment.amountFen === line.amountFen ? line.split : splitByWeights(payment.amountFen, line.split);
  return FUNDING_SOURCE_KEYS.map((k) => [k, split[k]]);
}

export function paymentTotals(plan: Plan, payments: readonly PaymentForTotals[]): PaymentTotals {
  const lines = new Map(plan.lines.map((l) => [`${l.projectCode}#${l.idHash}`, l]));
  const keys: TotalsRowKey[] = [...FUNDING_SOURCE_KEYS, 'unfunded', 'unplanned'];
  const rows = new Map<TotalsRowKey, TotalsRow>(keys.map((key) => [key, { key, plannedFen: 0, issuedFen: 0, paidFen: 0, failedFen: 0, differenceFen: 0 }]));
  for (const k of FUNDING_SOURCE_KEYS) rows.get(k)!.plannedFen = plan.bySource[k];
  rows.get('unfunded')!.plannedFen = plan.unfundedFen;
  for (const p of payments) {
    for (const [key, fen] of partsOf(p, lines.get(`${p.projectCode}#${p.idHash}`))) rows.get(key)![STATUS_FIELD[p.status]] += fen;
  }
  const list = [...rows.values()]
    .map((r) => ({ ...r, differenceFen: r.plannedFen - r.issuedFen - r.paidFen - r.failedFen }))
    // Rows for no source's money (no unfunded lines, no unplanned payments) are left out.
    .filter((r) => !(r.key === 'unfunded' || r.key === 'unplanned') || r.plannedFen || r.issuedFen || r.paidFen || r.failedFen);
  const sum = (field: Exclude<keyof TotalsRow, 'key'>) => list.reduce((n, r) => n + r[field], 0);
  return {
    rows: list,
    total: { plannedFen: sum('plannedFen'), issuedFen: sum('issuedFen'), paidFen: sum('paidFen'), failedFen: sum('failedFen'), differenceFen: sum('differenceFen') },
    matchesPlan: list.every((r) => r.differenceFen === 0),
  };
}
