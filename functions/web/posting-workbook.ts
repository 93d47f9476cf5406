import ExcelJS from 'exceljs';
import type { Posting } from '../data/postings.js';
import { formatTime } from './pages/layout.js';
import { PUBLIC_COLUMNS, type PublicLine } from './posting-view.js';
import { neutralise } from './spreadsheet.js';

/** The posted list as a workbook to print or pass on: the public columns only, formula-like text neutralised. */
export async function postingWorkbook(posting: Posting, lines: readonly PublicLine[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '暖流';
  const sheet = workbook.addWorksheet('公示名单', { pageSetup: { orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.addRow([neutralise(`${posting.campaignName} 帮困对象公示名单（${posting.unit}）`)]).font = { bold: true, size: 13 };
  sheet.addRow([neutralise(`公示期：${formatTime(posting.openedAt)} 至 ${formatTime(posting.endsAt)}（${posting.days}天）`)]);
  const header = sheet.addRow([...PUBLIC_COLUMNS]);
  header.font = { bold: true };
  sheet.columns = [{ width: 6 }, { width: 12 }, { width: 22 }, { width: 24 }, { width: 14 }, { width: 12 }];
  for (const l of lines) sheet.addRow([l.n, ...[l.name, l.id, l.project, l.amount, l.state].map(neutralise)]);
  sheet.views = [{ state: 'frozen', ySplit: 3 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
