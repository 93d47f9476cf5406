import ExcelJS from 'exceljs';
import { readIntakeFile } from '../core/intake-file.js';
import { keyedIdHash } from '../core/keyed-hash.js';
import { maskIdNumber } from '../core/masking.js';
import { validateVisitRows, VISIT_COLUMNS, type VisitRow, type VisitRowError } from '../core/visit-rows.js';
import type { Campaign } from '../data/campaigns.js';
import { includedRegisterFields } from '../data/exclusions.js';
import type { Table } from '../data/table.js';
import { storeVisit } from '../data/visits.js';
import { inFlight } from '../data/in-flight.js';

export interface VisitImport {
  rowCount: number;
  stored: number;
  /** Valid rows of visits recorded before (the same household, date and leader). */
  existing: number;
  errors: VisitRowError[];
}

/** Today in China, YYYY-MM-DD. */
export const chinaToday = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Stores checked visits: each ID number hashed with the campaign's key and matched to a beneficiary
 * (not excluded) of the same name; the visit goes to that beneficiary's unit. Rows naming no
 * beneficiary are reported. Idempotent: a visit recorded before is counted, not stored again.
 */
export async function storeVisits(
  deps: { table: Table; idHashKey: string },
  campaign: Pick<Campaign, 'id' | 'units'>,
  rows: readonly VisitRow[],
  by: { recordedBy: string; at: Date },
): Promise<Omit<VisitImport, 'rowCount'>> {
  const rank = (unit: string) => (campaign.units.includes(unit) ? campaign.units.indexOf(unit) : campaign.units.length);
  const people = new Map<string, { name: string; unit: string }>();
  for (const b of (await includedRegisterFields(deps.table, campaign.id, ['idHash', 'name', 'unit'])).sort((x, y) => rank(x.unit) - rank(y.unit))) {
    if (!people.has(b.idHash)) people.set(b.idHash, { name: b.name, unit: b.unit });
  }
  const errors: VisitRowError[] = [];
  const visits = rows.flatMap((row) => {
    const idHash = keyedIdHash(deps.idHashKey, row.idNumber);
    const person = people.get(idHash);
    if (!person) {
      errors.push({ row: row.row, column: '身份证号', reason: '不是本活动的帮困对象（名单中没有这个身份证号码）' });
      return [];
    }
    if (person.name !== row.name) {
      errors.push({ row: row.row, column: '姓名', reason: '与帮困对象名单中该身份证号码的姓名不一致' });
      return [];
    }
    return [{
      campaignId: campaign.id, idHash, idMasked: maskIdNumber(row.idNumber), name: row.name, unit: person.unit,
      date: row.date, leader: row.leader, title: row.title, note: row.note, recordedBy: by.recordedBy, recordedAt: by.at.toISOString(),
    }];
  });
  const stored = (await inFlight(visits, (v) => storeVisit(deps.table, v))).filter(Boolean).length;
  return { stored, existing: visits.length - stored, errors };
}

/** Imports a 走访记录 file (.xlsx or .csv). The file itself is not kept. */
export async function importVisits(
  deps: { table: Table; idHashKey: string },
  campaign: Pick<Campaign, 'id' | 'units'>,
  file: { bytes: Buffer; fileName: string; recordedBy: string; at: Date },
): Promise<VisitImport> {
  const content = await readIntakeFile(file.bytes, file.fileName);
  if (content.problems.length) return { rowCount: 0, stored: 0, existing: 0, errors: content.problems.map((reason) => ({ row: 0, column: '文件', reason })) };
  const { accepted, errors } = validateVisitRows(content.rows, content.rowNumbers, chinaToday(file.at));
  const result = await storeVisits(deps, campaign, accepted, { recordedBy: file.recordedBy, at: file.at });
  return { rowCount: content.rows.length, ...result, errors: [...errors, ...result.errors].sort((a, b) => a.row - b.row) };
}

/** The 走访记录 template: the columns (ID numbers as text) and a sheet of instructions. */
export async function visitTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const data = workbook.addWorksheet('走访记录', { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = VISIT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.key === 'note' ? 30 : c.key === 'idNumber' ? 22 : 14 }));
  data.getRow(1).font = { bold: true };
  data.getColumn('idNumber').numFmt = '@';
  const guide = workbook.addWorksheet('填写说明');
  guide.columns = [{ width: 12 }, { width: 70 }];
  for (const line of [
    ['身份证号', '必填。帮困对象的18位身份证号码，请以文本格式填写；须是本活动帮困对象名单中的人'],
    ['姓名', '必填。与帮困对象名单中的姓名一致'],
    ['走访日期', '必填。如 2026-01-15，不能晚于导入当天'],
    ['走访领导', '必填。同一户同一天同一位领导的走访只记一次，重复导入不会重复记录'],
    ['职务', '选填'],
    ['备注', '选填，最多200字'],
  ]) guide.addRow(line);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
