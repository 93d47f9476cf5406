// The Minhang generator: deterministic, Minhang-shaped, and its expected counts are what its files
// hold, counted here independently with the product's own readers and validators.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readIntakeFile } from '../../../functions/core/intake-file.js';
import { validateIntakeRows } from '../../../functions/core/intake-row.js';
import { budgetFen } from '../../../functions/core/project.js';
import { validateProjectRows } from '../../../functions/core/project-rows.js';
import { validateRegisterRows } from '../../../functions/core/register-rows.js';
import { parseCampaignForm } from '../../../functions/web/campaign-form.js';
import { generateMinhang, type MinhangCampaign } from '../../support/minhang/generate.js';
import { FAULT_RATES, PROJECT_GROUPS } from '../../support/minhang/shape.js';

/** Counts what the files hold, as intake, dedup, conflicts and coverage would see them. */
async function countFiles(c: MinhangCampaign) {
  const form = parseCampaignForm({ ...c.form });
  if (!form.ok) throw new Error(JSON.stringify(form.errors));
  const { units, categories, projects, exclusivePairs } = form.campaign;
  let rows = 0;
  let rejected = 0;
  const firstUnit = new Map<string, string>();
  const method = new Map<string, string>();
  let duplicates = 0;
  for (const file of c.intake) {
    const content = await readIntakeFile(Buffer.from(file.csv), file.fileName);
    expect(content.problems).toEqual([]);
    const { accepted, errors } = validateIntakeRows(content.rows, { units, categories, projects }, { rowNumbers: content.rowNumbers });
    rows += content.rows.length;
    rejected += new Set(errors.map((e) => e.row)).size;
    expect(accepted.every((b) => b.unit === file.unit)).toBe(true);
    for (const b of accepted) {
      const key = `${b.projectCode}#${b.idNumber}`;
      const held = firstUnit.get(key);
      if (held === undefined) {
        firstUnit.set(key, b.unit);
        method.set(key, b.paymentMethod);
      }
      else if (held !== b.unit) duplicates++;
    }
  }
  const projectsOf = new Map<string, string[]>();
  for (const key of firstUnit.keys()) {
    const [code, id] = key.split('#');
    projectsOf.set(id, [...(projectsOf.get(id) ?? []), code]);
  }
  const amount = new Map(projects.map((p) => [p.code, p.amountFen]));
  let conflicts = 0;
  let payableByBank = [...method.values()].filter((m) => m === '银行转账' || m === '社保卡').length;
  let payableFen = [...firstUnit.keys()].reduce((n, key) => n + amount.get(key.split('#')[0])!, 0);
  for (const [id, codes] of projectsOf) {
    for (const [a, b] of exclusivePairs ?? []) {
      if (codes.includes(a) && codes.includes(b)) {
        conflicts++;
        // The generator's resolution keeps the civil-affairs (MZ) nomination.
        const excluded = a.startsWith('MZ') ? b : a;
        payableFen -= amount.get(excluded)!;
        const m = method.get(`${excluded}#${id}`);
        if (m === '银行转账' || m === '社保卡') payableByBank--;
      }
    }
  }
  let registered = 0;
  let uncovered = 0;
  for (const file of c.registers) {
    const content = await readIntakeFile(Buffer.from(file.csv), file.fileName);
    const { accepted, errors } = validateRegisterRows(content.rows, units, content.rowNumbers);
    expect(errors).toEqual([]);
    registered += accepted.length;
    uncovered += accepted.filter((r) => !projectsOf.has(r.idNumber)).length;
  }
  return { rows, rejected, duplicates, stored: firstUnit.size, conflicts, registered, uncovered, payable: firstUnit.size - conflicts, payableFen, payableByBank };
}

describe('the Minhang generator', () => {
  it('gives byte-identical output for the same seed and scale, and other output for another seed', () => {
    const a = JSON.stringify(generateMinhang('冬至', 0.01));
    expect(JSON.stringify(generateMinhang('冬至', 0.01))).toBe(a);
    expect(JSON.stringify(generateMinhang('小寒', 0.01))).not.toBe(a);
  });

  it('is Minhang-shaped: 24 units, 10 categories, 122 projects split 11 / 34 / 77, person-times at scale, standards in range', () => {
    const c = generateMinhang('冬至', 0.1);
    const form = parseCampaignForm({ ...c.form });
    expect(form.ok).toBe(true);
    if (!form.ok) return;
    expect(form.campaign.units).toHaveLength(24);
    expect(form.campaign.categories).toHaveLength(10);
    expect(form.campaign.projects).toHaveLength(122);
    for (const group of PROJECT_GROUPS) {
      const projects = c.projects.filter((p) => p.group === group.key);
      expect(projects).toHaveLength(group.projects);
      expect(projects.every((p) => p.yuan >= group.minYuan && p.yuan <= group.maxYuan)).toBe(true);
      // Person-times per group: the scaled figure, plus the planted conflicts' second nominations.
      const people = projects.reduce((n, p) => n + p.stored, 0);
      expect(people).toBeGreaterThanOrEqual(Math.round(group.people * 0.1));
      expect(people).toBeLessThanOrEqual(Math.round(group.people * 0.1) + c.expected.conflicts);
    }
    // The seed's three groups add up to 108,044 person-times (its headline says about 112,800).
    expect(c.expected.rows).toBeGreaterThan(10_804);
    expect(c.expected.rejected).toBe(Math.round(FAULT_RATES.invalidRows * (c.expected.stored - c.expected.conflicts)));
  });

  it('splits a file past its page\'s limit into numbered parts within it, as the page asks; the counts still hold', async () => {
    const whole = generateMinhang('冬至', 0.01);
    const split = generateMinhang('冬至', 0.01, { registerBytes: 2_000, uploadBytes: 6_000 });
    expect(split.expected).toEqual(whole.expected);
    expect(split.units).toEqual(whole.units);
    expect(split.registers.map((f) => f.fileName)).toEqual(['低保家庭名册-1.csv', '低保家庭名册-2.csv', '特困供养人员名册.csv']);
    expect(split.registers.every((f) => Buffer.byteLength(f.csv) <= 2_000)).toBe(true);
    expect(split.intake.length).toBeGreaterThan(whole.intake.length);
    expect(split.intake.every((f) => Buffer.byteLength(f.csv) <= 6_000 && f.fileName.startsWith(f.unit))).toBe(true);
    const linesOf = (files: readonly { csv: string }[]) => files.flatMap((f) => f.csv.trimEnd().split('\n').slice(1));
    expect(linesOf(split.intake)).toEqual(linesOf(whole.intake));
    const { rejectedByKind: _, ...expected } = split.expected;
    expect(await countFiles(split)).toEqual(expected);
  });

  it('plants every fault at least once at 0.01× and states counts the files really hold', async () => {
    const c = generateMinhang('冬至', 0.01);
    expect(c.expected.duplicates).toBeGreaterThan(0);
    expect(c.expected.conflicts).toBeGreaterThan(0);
    expect(c.expected.uncovered).toBeGreaterThan(0);
    expect(Object.values(c.expected.rejectedByKind).every((n) => n > 0)).toBe(true);
    const { rejectedByKind: _, ...expected } = c.expected;
    expect(await countFiles(c)).toEqual(expected);
  });

  it('states the counts its files hold, for any seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }), async (seed) => {
        const c = generateMinhang(seed, 0.01);
        const { rejectedByKind: _, ...expected } = c.expected;
        expect(await countFiles(c)).toEqual(expected);
      }),
      { numRuns: 8 },
    );
  });

  it('funds the plan: the project sheet is accepted, and each budget pays every nomination it could store', () => {
    const c = generateMinhang('冬至', 0.01);
    const form = parseCampaignForm({ ...c.form });
    if (!form.ok) throw new Error('form refused');
    const lines = c.projectsCsv.split('\n');
    const headers = lines[0].split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [headers[i], v])));
    const { projects, errors } = validateProjectRows(rows, form.campaign);
    expect(errors).toEqual([]);
    expect(projects).toHaveLength(122);
    for (const p of projects) {
      const generated = c.projects.find((g) => g.code === p.code)!;
      expect(budgetFen(p)).toBe(generated.yuan * 100 * generated.stored);
      expect(Object.keys(p.funding ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('refuses a scale outside 0.01…10', () => {
    expect(() => generateMinhang('x', 0.001)).toThrow(RangeError);
    expect(() => generateMinhang('x', 11)).toThrow(RangeError);
  });
});
