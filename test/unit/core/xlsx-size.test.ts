import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { XLSX_TOO_BIG, xlsxSizeProblem } from '../../../functions/core/xlsx-size.js';

/** A real workbook of `rows` rows of text. */
async function workbook(rows: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('帮困对象');
  for (let i = 0; i < rows; i++) sheet.addRow([`姓名${i}`, '310112198001011000', 'A'.repeat(100)]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Every entry's declared (uncompressed) size in the central directory set to 1 byte. */
function lyingAboutSizes(zip: Buffer): Buffer {
  const copy = Buffer.from(zip);
  for (let i = 0; i + 46 <= copy.length; i++) if (copy.readUInt32LE(i) === 0x02014b50) copy.writeUInt32LE(1, i + 24);
  return copy;
}

describe('xlsxSizeProblem', () => {
  it('lets an ordinary workbook through', async () => {
    expect(xlsxSizeProblem(await workbook(2000))).toBeUndefined();
  });

  it('refuses a workbook whose entries declare more than the limit', async () => {
    const file = await workbook(2000);
    expect(xlsxSizeProblem(file, 50_000)).toBe(XLSX_TOO_BIG);
  });

  it('refuses one that declares small sizes but inflates past the limit', async () => {
    const file = lyingAboutSizes(await workbook(2000));
    expect(xlsxSizeProblem(file, 1_000_000)).toBeUndefined();
    expect(xlsxSizeProblem(file, 50_000)).toBe(XLSX_TOO_BIG);
  });

  it('leaves what is not a zip to the reader', () => {
    expect(xlsxSizeProblem(new TextEncoder().encode('%PDF-1.4\n%%EOF\n'))).toBeUndefined();
    expect(xlsxSizeProblem(new Uint8Array())).toBeUndefined();
  });
});
