/**
 * How big an .xlsx (a zip) becomes once inflated, checked before a spreadsheet library reads it:
 * a 2 MB file can inflate to gigabytes (a "zip bomb") and take the process's memory with it.
 * Each entry is inflated with a ceiling, so a zip that declares small sizes and lies is caught too.
 */
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

/** Far more than a 4 MB list of 40,000 rows inflates to (about 20 MB), far less than would hurt. */
export const MAX_XLSX_INFLATED_BYTES = 100 * 1024 * 1024;

export const XLSX_TOO_BIG = 'Excel 文件解压后超过 100 MB，不是正常的表格文件（可能已损坏），未读取。请在 Excel 中打开并另存为 .xlsx 或 CSV 后再上传';

/** Undefined when every entry inflates within `limit` bytes in all; else the zh-CN reason. Files that are not zips are left to the reader. */
export function xlsxSizeProblem(data: Uint8Array, limit = MAX_XLSX_INFLATED_BYTES): string | undefined {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const entries = centralDirectory(bytes);
  if (!entries) return undefined;
  let total = 0;
  for (const entry of entries) {
    total += entry.declaredSize;
    if (total > limit) return XLSX_TOO_BIG;
  }
  let inflated = 0;
  for (const entry of entries) {
    if (entry.method !== 8) continue;
    const start = dataStart(bytes, entry.localOffset);
    if (start === undefined) return undefined;
    try {
      inflated += inflateRawSync(bytes.subarray(start, start + entry.compressedSize), { maxOutputLength: limit - inflated + 1 }).length;
    } catch (error) {
      // Over the ceiling; any other inflate error is the reader's to report as a damaged file.
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return XLSX_TOO_BIG;
      return undefined;
    }
    if (inflated > limit) return XLSX_TOO_BIG;
  }
  return undefined;
}

interface Entry {
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

/** The central directory's entries, or undefined when the bytes are not a readable zip. */
function centralDirectory(bytes: Buffer): Entry[] | undefined {
  // The end record is in the last 22 + 65,535 bytes (its comment is at most 65,535 bytes).
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return undefined;
    entries.push({
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return entries;
}

/** Where an entry's data starts, after its local header. */
function dataStart(bytes: Buffer, offset: number): number | undefined {
  if (offset + 30 > bytes.length || bytes.readUInt32LE(offset) !== 0x04034b50) return undefined;
  return offset + 30 + bytes.readUInt16LE(offset + 26) + bytes.readUInt16LE(offset + 28);
}

/** An uploaded .xlsx, read only once its inflated size is checked: the workbook, or the zh-CN reason it cannot be read. */
export async function loadUploadedXlsx(data: Buffer): Promise<ExcelJS.Workbook | string> {
  const tooBig = xlsxSizeProblem(data);
  if (tooBig) return tooBig;
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own ArrayBuffer-like `Buffer`; a Node Buffer is what it reads at run time.
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return '文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏';
  }
  return workbook;
}
