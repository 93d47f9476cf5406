// The bad-input corpus: files that units, coordinators and banks could send by mistake or on
// purpose, each for one upload route. `node --import tsx test/faults/corpus/make-corpus.ts` writes
// them beside this script; the two huge ones (10 MB cell, 1,000,000 rows) are only made on the fly.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { encodeGbk, personId, personName, personPhone } from '../../support/intake-files.js';

/** The upload route a file is posted to. */
export type Route = 'intake' | 'projects' | 'registers' | 'visits' | 'bank';

export interface CorpusFile {
  name: string;
  route: Route;
  /** What the file holds, for a failing test's message. */
  kind: string;
  /** How many of its rows are valid and must be stored (intake files only; 0 when the file is refused whole). */
  validRows: number;
  /** Part of the zh-CN answer (a reason or a notice); undefined for a list whose every row is valid. */
  says?: string;
}

export const INTAKE_HEADER = ['姓名', '身份证号码', '联系电话', '所属单位', '帮困类别', '帮困项目', '家庭人数', '发放金额(元)', '发放方式'];
/** Person n's valid row of an intake list, for the harness campaign (莘庄镇, 低保家庭, MZ01, 现金). */
export const validRow = (n: number) => [personName(n), personId(n), personPhone(n), '莘庄镇', '低保家庭', 'MZ01', '1', '', '现金'];

/** Text a spreadsheet would run as a formula, one for each way in. */
export const FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1'];
/** Markup that a careless page would run. */
export const MARKUP = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', 'javascript:alert(1)'];

const csv = (rows: readonly (readonly string[])[], eol = '\n') =>
  rows.map((r) => r.map((c) => (/[",\r\n\t]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join(eol) + eol;
const utf8 = (text: string) => new TextEncoder().encode(text);
const withBom = (text: string) => utf8(`\uFEFF${text}`);
function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const le = Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf16le');
  if (order === 'be') for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
}
/** Big5 for the few characters used here (Node decodes Big5 but cannot encode it). */
function encodeBig5(text: string): Uint8Array {
  const decoder = new TextDecoder('big5');
  const codes = new Map<string, number[]>();
  for (let lead = 0xa1; lead <= 0xf9; lead++) {
    for (const trail of [...Array.from({ length: 63 }, (_, i) => 0x40 + i), ...Array.from({ length: 94 }, (_, i) => 0xa1 + i)]) {
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (!codes.has(ch)) codes.set(ch, [lead, trail]);
    }
  }
  return Uint8Array.from(Array.from(text).flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : codes.get(ch) ?? [0x3f])));
}

async function xlsx(rows: readonly (readonly string[])[], sheetName = '帮困对象'): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = workbook.modified = new Date('2025-12-01T00:00:00Z');
  const sheet = workbook.addWorksheet(sheetName);
  for (const r of rows) sheet.addRow([...r]);
  return fixedZipDates(new Uint8Array(await workbook.xlsx.writeBuffer()));
}

/** A 20 KB workbook whose header has a cell at column XFD (16,384) and 2,000 rows below: every row that wide would be 33 million cells. */
async function wideXlsx(header: readonly string[], sheetName: string): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = workbook.modified = new Date('2025-12-01T00:00:00Z');
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...header]);
  sheet.getRow(1).getCell(16384).value = '备注';
  for (let r = 2; r <= 2001; r++) sheet.getRow(r).getCell(1).value = personName(r);
  return fixedZipDates(new Uint8Array(await workbook.xlsx.writeBuffer()));
}

/** The zip's entry dates set to 1 Jan 2025, so that the same workbook makes the same bytes. */
function fixedZipDates(bytes: Uint8Array): Uint8Array {
  const zipped = Buffer.from(bytes);
  const date = ((2025 - 1980) << 9) | (1 << 5) | 1;
  for (let i = 0; i + 46 <= zipped.length; i++) {
    const signature = zipped.readUInt32LE(i);
    const at = signature === 0x04034b50 ? i + 10 : signature === 0x02014b50 ? i + 12 : -1;
    if (at < 0) continue;
    zipped.writeUInt16LE(0, at);
    zipped.writeUInt16LE(date, at + 2);
  }
  return zipped;
}

/** A zip of these entries (stored deflated), as an .xlsx is. */
function zip(entries: { name: string; data: Uint8Array; deflated?: Uint8Array; size?: number; crc?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflated ?? deflateRawSync(e.data);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(body));
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const XLSX_PARTS = [
  ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'],
  ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
  ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="帮困对象" sheetId="1" r:id="rId1"/></sheets></workbook>'],
  ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'],
] as const;

/**
 * An .xlsx whose one sheet inflates to 2 GiB (about 2 MB on disk). With `lying`, the zip
 * declares the sheet 1 KB, as a bomb made to pass a size check would.
 */
async function zipBomb(lying: boolean): Promise<Uint8Array> {
  // One cell of 2 GiB of the same letter: deflate's best case, about 1,000 to 1.
  const chunk = Buffer.alloc(1 << 20, 'A');
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>');
  const tail = Buffer.from('</t></is></c></row></sheetData></worksheet>');
  const pieces = function* () {
    yield head;
    for (let i = 0; i < 2048; i++) yield chunk;
    yield tail;
  };
  let crc = 0;
  let size = 0;
  for (const piece of pieces()) {
    crc = crc32(piece, crc);
    size += piece.length;
  }
  const out: Buffer[] = [];
  const deflater = createDeflateRaw({ level: 9 });
  deflater.on('data', (d: Buffer) => out.push(d));
  await pipeline(Readable.from(pieces()), deflater);
  const sheet = { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(), deflated: Buffer.concat(out), size: lying ? 1024 : size, crc };
  return zip([...XLSX_PARTS.map(([name, text]) => ({ name, data: utf8(text) })), sheet]);
}

/** A deterministic stream of bytes (xorshift), for binary garbage. */
function garbage(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const PDF = utf8('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Person numbers: each file's valid rows name people of its own, so that counts per file are exact. */
const people = (file: number, count: number) => Array.from({ length: count }, (_, k) => validRow(file * 100 + k));

/** One row per text column per formula, each one column poisoned (the rest valid). */
function formulaRows(file: number): string[][] {
  const textColumns = [0, 1, 2, 3, 4, 5, 8];
  return FORMULAS.flatMap((formula, f) => textColumns.map((column, c) => {
    const row = validRow(file * 100 + 50 + f * textColumns.length + c);
    row[column] = formula;
    return row;
  }));
}

const markupRows = (file: number) => MARKUP.map((markup, m) => {
  const row = validRow(file * 100 + 50 + m);
  row[0] = markup;
  row[3] = markup;
  return row;
});

const PROJECT_HEADER = ['项目编号', '项目名称', '责任单位', '帮困类别', '标准类型(按人/按户)', '标准金额(元)', '区级'];
const REGISTER_HEADER = ['姓名', '身份证号码', '所属单位', '登记类别'];
const VISIT_HEADER = ['身份证号', '姓名', '走访日期', '走访领导', '职务', '备注'];
const BANK_HEADER = ['付款参考号', '金额（元）', '处理结果', '失败原因'];

type Builder = () => Uint8Array | Promise<Uint8Array>;
type Entry = CorpusFile & { build: Builder };

const intake = (name: string, kind: string, validRows: number, says: string | undefined, build: Builder): Entry => ({ name, route: 'intake', kind, validRows, says, build });
const other = (route: Exclude<Route, 'intake'>, name: string, kind: string, says: string, build: Builder): Entry => ({ name, route, kind, validRows: 0, says, build });

const validXlsx = () => xlsx([INTAKE_HEADER, ...people(1, 3)]);

/** The corpus, file by file (numbers in `people(n, …)` keep each file's people apart). */
const ENTRIES: Entry[] = [
  intake('truncated.xlsx', 'an .xlsx cut off half-way', 0, '不是有效的 Excel（.xlsx）文件，或文件已损坏', async () => (await validXlsx()).slice(0, 2000)),
  intake('corrupted.xlsx', 'an .xlsx with bytes overwritten inside its sheet', 0, '不是有效的 Excel（.xlsx）文件，或文件已损坏', async () => {
    const bytes = await validXlsx();
    bytes.set(garbage(400, 11), Math.floor(bytes.length / 2));
    return bytes;
  }),
  intake('zip-bomb.xlsx', 'an .xlsx whose sheet inflates to 2 GiB, sizes declared', 0, 'Excel 文件解压后超过 100 MB', () => zipBomb(false)),
  intake('zip-bomb-lying.xlsx', 'an .xlsx whose sheet inflates to 2 GiB, declared 1 KB', 0, 'Excel 文件解压后超过 100 MB', () => zipBomb(true)),
  intake('pdf-renamed.xlsx', 'a PDF named .xlsx', 0, '不是有效的 Excel（.xlsx）文件，或文件已损坏', () => PDF),
  intake('empty-workbook.xlsx', 'an .xlsx whose sheet has no rows', 0, '第1行（表头）为空', () => xlsx([])),
  intake('header-only.xlsx', 'an .xlsx with the header row only', 0, '文件中没有帮困对象数据', () => xlsx([INTAKE_HEADER])),
  intake('formula-injection.xlsx', 'formulas typed in every text column, and valid rows', 3, '姓名不能包含数字或符号', () => xlsx([INTAKE_HEADER, ...people(2, 3), ...formulaRows(2)])),
  intake('markup-names.xlsx', 'HTML and script in names and units, and valid rows', 2, '姓名不能包含数字或符号', () => xlsx([INTAKE_HEADER, ...people(3, 2), ...markupRows(3)])),
  intake('wide-sheet.xlsx', 'a header cell at column XFD over 2,000 rows', 0, '超过 100 列', () => wideXlsx(INTAKE_HEADER, '帮困对象')),
  intake('wide-header.csv', 'a header of 5,000 named columns', 0, '超过 100 列', () => withBom(csv([Array.from({ length: 5000 }, (_, i) => `列${i}`), ...people(21, 2)]))),
  intake('gbk.csv', 'CSV in GBK', 3, undefined, () => encodeGbk(csv([INTAKE_HEADER, ...people(4, 3)], '\r\n'))),
  intake('big5.csv', 'CSV in Big5 (Traditional Chinese)', 0, '繁体中文（Big5）编码', () => encodeBig5(csv([['姓名', '身份證號碼', '聯繫電話', '所屬單位'], ['陳大文', personId(500), personPhone(500), '莘莊鎮']]))),
  intake('utf16le-bom.csv', 'CSV in UTF-16 LE with a byte order mark', 3, undefined, () => utf16(csv([INTAKE_HEADER, ...people(6, 3)]), 'le', true)),
  intake('utf16be-bom.csv', 'CSV in UTF-16 BE with a byte order mark', 3, undefined, () => utf16(csv([INTAKE_HEADER, ...people(7, 3)]), 'be', true)),
  intake('utf16le-no-bom.csv', 'CSV in UTF-16 LE without a byte order mark', 0, 'CSV 文件的编码无法识别', () => utf16(csv([INTAKE_HEADER, ...people(8, 3)]), 'le', false)),
  intake('utf16be-no-bom.csv', 'CSV in UTF-16 BE without a byte order mark', 0, 'CSV 文件的编码无法识别', () => utf16(csv([INTAKE_HEADER, ...people(9, 3)]), 'be', false)),
  intake('formula-injection.csv', 'formulas typed in every text column, and valid rows', 3, '姓名不能包含数字或符号', () => withBom(csv([INTAKE_HEADER, ...people(10, 3), ...formulaRows(10)]))),
  intake('markup-names.csv', 'HTML and script in names and units, and valid rows', 2, '姓名不能包含数字或符号', () => withBom(csv([INTAKE_HEADER, ...people(11, 2), ...markupRows(11)]))),
  intake('missing-columns.csv', 'no 身份证号码 nor 发放方式 column', 0, '表头缺少“身份证号码”列', () => withBom(csv(people(12, 3).map((r) => [r[0], r[2], r[3], r[4], r[5], r[6]]).map((r, i) => (i === 0 ? ['姓名', '联系电话', '所属单位', '帮困类别', '帮困项目', '家庭人数'] : r)).concat(people(12, 3).map((r) => [r[0], r[2], r[3], r[4], r[5], r[6]]))))),
  intake('extra-columns.csv', 'two columns the template does not have, and valid rows', 3, undefined, () => withBom(csv([[...INTAKE_HEADER, '备注', '其他'], ...people(13, 3).map((r) => [...r, '独居老人', 'x'])]))),
  intake('reordered-columns.csv', 'the template columns in reverse order', 3, undefined, () => withBom(csv([[...INTAKE_HEADER].reverse(), ...people(14, 3).map((r) => [...r].reverse())]))),
  intake('duplicate-headers.csv', 'the 姓名 header twice', 0, '表头“姓名”出现了不止一次', () => withBom(csv([[...INTAKE_HEADER, '姓名'], ...people(15, 3).map((r) => [...r, '重复'])]))),
  intake('empty.csv', 'a file of 0 bytes', 0, '上传的文件是空的', () => new Uint8Array()),
  intake('header-only.csv', 'the header row only', 0, '文件中没有帮困对象数据', () => withBom(csv([INTAKE_HEADER]))),
  intake('blank-lines.csv', 'only empty lines and commas', 0, '第1行（表头）为空', () => utf8('\n,,,\n\r\n,,\n')),
  intake('garbage.csv', 'binary garbage named .csv', 0, 'CSV 文件的编码无法识别', () => garbage(64 * 1024)),
  intake('long-line.csv', 'a 1 MB name on one line, and valid rows', 3, '姓名过长', () => withBom(csv([INTAKE_HEADER, ...people(16, 3), [`${'王'.repeat(350_000)}`, ...validRow(1690).slice(1)]]))),
  intake('nul-bytes.csv', 'NUL bytes inside the text', 0, 'CSV 文件的编码无法识别', () => utf8(csv([INTAKE_HEADER, ...people(17, 3)]).replace('莘庄镇', '莘\u0000庄镇'))),
  intake('mixed-line-endings.csv', 'CRLF, LF and CR line endings in one file', 4, undefined, () => {
    const [header, ...rows] = [INTAKE_HEADER, ...people(18, 4)].map((r) => r.join(','));
    return withBom(`${header}\r\n${rows[0]}\n${rows[1]}\r${rows[2]}\r\n${rows[3]}\n`);
  }),
  intake('unclosed-quote.csv', 'a quote opened and never closed', 0, '格式有误（例如引号未闭合）', () => withBom(`${INTAKE_HEADER.join(',')}\n"${people(19, 1)[0].join(',')}\n`)),
  intake('list.txt', 'a text file, not .csv or .xlsx', 0, '不支持的文件类型“.txt”', () => withBom(csv([INTAKE_HEADER, ...people(20, 2)]))),
  intake('old-excel.xls', 'an Excel 97-2003 file name', 0, '不支持旧版 Excel 97-2003', () => garbage(4096, 21)),

  other('projects', 'projects-formula.csv', 'a project sheet with formulas in names and units', '不在单位名单中', () => withBom(csv([PROJECT_HEADER, ...FORMULAS.map((f, i) => [`F${i}`, f, f, '', '按人', '500', '10000'])]))),
  other('projects', 'projects-formula-names.csv', 'a valid project sheet whose names are formulas', '帮困项目表已导入', () => withBom(csv([PROJECT_HEADER, ...FORMULAS.map((f, i) => [`Q${i}`, f, '区民政局', '', '按人', '300', '10000'])]))),
  other('projects', 'projects-markup.csv', 'a project sheet with markup in names', '帮困项目表已导入', () => withBom(csv([PROJECT_HEADER, ...MARKUP.map((m, i) => [`H${i}`, m, '区民政局', '', '按人', '500', '10000'])]))),
  other('projects', 'projects-missing-columns.csv', 'a project sheet without 项目编号 and 标准金额', '表头缺少“项目编号”列', () => withBom(csv([['项目名称', '标准类型(按人/按户)'], ['春节慰问', '按人']]))),
  other('projects', 'projects-truncated.xlsx', 'a project sheet cut off half-way', '不是有效的 Excel（.xlsx）文件，或文件已损坏', async () => (await xlsx([PROJECT_HEADER, ['MZ09', '慰问', '区民政局', '', '按人', '500', '10000']], '帮困项目')).slice(0, 1500)),
  other('projects', 'projects-big5.csv', 'a project sheet in Big5', '繁体中文（Big5）编码', () => encodeBig5(csv([['項目編號', '項目名稱'], ['MZ09', '春節慰問']]))),

  other('registers', 'register-markup.csv', 'a register with markup and formulas in names', '登记类别过长', () => withBom(csv([REGISTER_HEADER, ...[...MARKUP, ...FORMULAS].map((t, i) => [t, personId(3000 + i), '莘庄镇', t])]))),
  other('registers', 'register-utf16le-no-bom.csv', 'a register in UTF-16 without a byte order mark', 'CSV 文件的编码无法识别', () => utf16(csv([REGISTER_HEADER, [personName(3100), personId(3100), '莘庄镇', '低保']]), 'le', false)),
  other('registers', 'register-garbage.csv', 'binary garbage named .csv', 'CSV 文件的编码无法识别', () => garbage(32 * 1024, 31)),
  other('registers', 'register-pdf.xlsx', 'a PDF named .xlsx', '不是有效的 Excel（.xlsx）文件，或文件已损坏', () => PDF),

  other('visits', 'visits-markup.csv', 'visits with markup and formulas in names, leaders and notes', '不是本活动的帮困对象', () => withBom(csv([VISIT_HEADER, ...[...MARKUP, ...FORMULAS].map((t, i) => [personId(4000 + i), t, '2026-01-10', t, '区长', t])]))),
  other('visits', 'visits-corrupted.xlsx', 'a visits workbook with bytes overwritten', '不是有效的 Excel（.xlsx）文件，或文件已损坏', async () => {
    const bytes = await xlsx([VISIT_HEADER, [personId(4100), personName(4100), '2026-01-10', '张区长', '区长', '']], '走访记录');
    bytes.set(garbage(300, 41), Math.floor(bytes.length / 2));
    return bytes;
  }),
  other('visits', 'visits-nul-bytes.csv', 'visits with NUL bytes', 'CSV 文件的编码无法识别', () => utf8(`${VISIT_HEADER.join(',')}\n${personId(4200)},\u0000\u0000,2026-01-10,张区长,,\n`)),

  other('bank', 'bank-result-formula.csv', 'a bank result with formulas and markup in every column', '不是本系统的付款参考号', () => withBom(csv([BANK_HEADER, ...[...FORMULAS, ...MARKUP].map((t) => [t, t, t, t])]))),
  other('bank', 'bank-result-zip-bomb.xlsx', 'a bank result .xlsx whose sheet inflates to 2 GiB', 'Excel 文件解压后超过 100 MB', () => zipBomb(true)),
  other('bank', 'bank-result-wide.xlsx', 'a bank result with a cell at column XFD over 2,000 rows', '超过 100 列', () => wideXlsx(BANK_HEADER, '代发结果')),
  other('visits', 'visits-wide.xlsx', 'a visits workbook with a cell at column XFD over 2,000 rows', '超过 100 列', () => wideXlsx(VISIT_HEADER, '走访记录')),
  other('bank', 'bank-result-garbage.csv', 'binary garbage named .csv', 'CSV 文件的编码无法识别', () => garbage(16 * 1024, 51)),
  other('bank', 'bank-result-pdf.xlsx', 'a PDF named .xlsx', '不是有效的 Excel（.xlsx）文件，或文件已损坏', () => PDF),
  other('bank', 'bank-result-header-only.csv', 'the header row only', '文件中没有结果行', () => withBom(csv([BANK_HEADER]))),
];

/** The files checked in beside this script. */
export const CORPUS: readonly CorpusFile[] = ENTRIES.map(({ build: _build, ...file }) => file);

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

/** The bytes the script makes for one file of the corpus. */
export async function buildCorpusFile(name: string): Promise<Uint8Array> {
  const entry = ENTRIES.find((e) => e.name === name);
  if (!entry) throw new Error(`not in the corpus: ${name}`);
  return entry.build();
}

/** The two files too big to keep in git, made on the fly: a 10 MB single cell, and 1,000,000 rows. */
export function writeHugeFiles(dir: string): { cell10mb: string; rows1m: string } {
  const cell10mb = join(dir, 'cell-10mb.csv');
  writeFileSync(cell10mb, withBom(csv([INTAKE_HEADER, [`${'王'.repeat((10 << 20) / 3)}`, ...validRow(9000).slice(1)]])));
  const rows1m = join(dir, 'rows-1m.csv');
  const row = validRow(9001).join(',');
  writeFileSync(rows1m, `\uFEFF${INTAKE_HEADER.join(',')}\n${`${row}\n`.repeat(1_000_000)}`);
  return { cell10mb, rows1m };
}

async function main() {
  for (const entry of ENTRIES) writeFileSync(join(CORPUS_DIR, entry.name), await entry.build());
  console.log(`${ENTRIES.length} files written to ${CORPUS_DIR}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
