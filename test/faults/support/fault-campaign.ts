// The campaign the fault suite runs: an input of the harness, so a generated (Minhang-shaped) one
// can take the place of this scaled-up demo campaign.
import { PAYMENT_METHODS } from '../../../functions/core/payment-methods.js';
import { DEMO } from '../../../infra/local/demo-campaign.js';
import { intakeCsv, mistyped, personId, personName, personPhone, type IntakeLine } from '../../support/intake-files.js';

export interface FaultCampaign {
  units: string[];
  categories: string[];
  projects: { code: string; name: string; yuan: number }[];
  /** The two steps of every unit's approval chain, the posting (张榜公示) between them. */
  approvers: [string, string];
  callbackStaff: string;
  /** One intake file per unit, uploaded through the page. */
  lists: { fileName: string; content: string }[];
  /** The project sheet (附表1), with budgets for everyone who could be nominated. */
  projectsCsv: string;
}

/**
 * The demo's units, categories, projects and people, `perUnit` rows per unit: every 50th row has a
 * mistyped ID number (rejected), and every 40th person of a unit is listed again by the next unit
 * for the same project (a duplicate that intake catches).
 */
export function scaledDemoCampaign(perUnit: number): FaultCampaign {
  const units = DEMO.units;
  const line = (u: number, i: number, n: number): IntakeLine => ({
    name: personName(n), id: personId(n), phone: personPhone(n), unit: units[u], category: DEMO.categories[i % 2],
    project: DEMO.projects[i % 2].code, householdSize: 1 + (i % 4), paymentMethod: PAYMENT_METHODS[i % PAYMENT_METHODS.length],
  });
  const lists = units.map((unit, u) => {
    const lines: IntakeLine[] = [];
    for (let i = 0; i < perUnit; i++) {
      const l = line(u, i, u * 10_000 + i);
      lines.push(i % 50 === 7 ? { ...l, id: mistyped(l.id) } : l);
    }
    const previous = (u + units.length - 1) % units.length;
    for (let i = 11; i < perUnit; i += 40) lines.push({ ...line(previous, i, previous * 10_000 + i), unit });
    return { fileName: `${unit}.csv`, content: intakeCsv(lines) };
  });
  const people = (perUnit + Math.ceil(perUnit / 40)) * units.length;
  const sheet = DEMO.projects.map((p) => [p.code, p.name, '按人', String(p.yuan), String(p.yuan * people), '60%', '40%'].join(','));
  return {
    units, categories: DEMO.categories, projects: DEMO.projects, approvers: [DEMO.approvers[0], DEMO.approvers[1]], callbackStaff: DEMO.staff, lists,
    projectsCsv: ['项目编号,项目名称,标准类型(按人/按户),标准金额(元),预算总额(元),区级,街镇配套', ...sheet].join('\n'),
  };
}
