// CSV files in the encodings units save them in: UTF-8 (with or without BOM), UTF-16 with BOM, and
// GBK/GB18030 (Excel in China). Anything else is refused with a zh-CN reason, never shown as mojibake.
import { describe, expect, it } from 'vitest';
import { decodeCsv, readIntakeFile } from '../../../functions/core/intake-file.js';
import { INTAKE_COLUMNS, validateIntakeRows } from '../../../functions/core/intake-row.js';
import { PEOPLE, RULES } from './fixtures.js';

const HEADERS = INTAKE_COLUMNS.map((c) => c.header);
const LINES = [
  HEADERS.join(','),
  `张三,${PEOPLE.a},13800138000,莘庄镇,低保家庭,MZ-01,3,,银行转账,6222021234567890123,中国工商银行莘庄支行`,
  `李四,${PEOPLE.b},021-62345678,古美路街道,特困供养,困难职工送温暖,2,"1,100",实物（礼包）`,
];
const TEXT = `${LINES.join('\r\n')}\r\n`;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * An encoder made from Node's own decoder: every two-byte sequence decoded once, then looked up
 * backwards. (Node has no GBK or Big5 encoder; the bytes are looked up, not guessed.)
 */
function encoderOf(encoding: 'gbk' | 'big5', trails: number[]): (text: string) => Buffer {
  const decoder = new TextDecoder(encoding);
  const table = new Map<string, number[]>();
  for (const lead of range(0x81, 0xfe)) {
    for (const trail of trails) {
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (Array.from(ch).length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return (text) => Buffer.from(Array.from(text).flatMap((ch) => {
    if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
    const bytes = table.get(ch);
    if (!bytes) throw new Error(`${encoding} has no ${ch}`);
    return bytes;
  }));
}

const gbk = encoderOf('gbk', [...range(0x40, 0x7e), ...range(0x80, 0xfe)]);
const big5 = encoderOf('big5', [...range(0x40, 0x7e), ...range(0xa1, 0xfe)]);

/** A few GBK codes from the GB 2312 code chart, to check the encoder above against. */
const GBK_BY_HAND: [string, number[]][] = [
  ['姓名', [0xd0, 0xd5, 0xc3, 0xfb]],
  ['张三', [0xd5, 0xc5, 0xc8, 0xfd]],
  ['李四', [0xc0, 0xee, 0xcb, 0xc4]],
  ['身份证号码', [0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0xc2, 0xeb]],
];

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
}

async function readsTheList(data: Buffer, encoding: string) {
  const file = await readIntakeFile(data, 'list.csv');
  expect(file.problems).toEqual([]);
  expect(file.encoding).toBe(encoding);
  expect(Object.keys(file.rows[0])).toEqual(HEADERS);
  const { accepted, errors } = validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers });
  expect(errors).toEqual([]);
  expect(accepted.map((b) => [b.row, b.name, b.unit, b.projectCode, b.amountFen, b.paymentMethod])).toEqual([
    [2, '张三', '莘庄镇', 'MZ-01', 50_000, '银行转账'],
    [3, '李四', '古美路街道', 'GH-02', 110_000, '实物（礼包）'],
  ]);
}

describe('readIntakeFile: CSV encodings', () => {
  it('the GBK test encoder agrees with the code chart, and the decoder reads the chart back', () => {
    for (const [text, bytes] of GBK_BY_HAND) {
      expect([...gbk(text)], text).toEqual(bytes);
      expect(new TextDecoder('gbk').decode(Uint8Array.from(bytes))).toBe(text);
    }
  });

  it('reads UTF-8 with and without a BOM', async () => {
    await readsTheList(Buffer.from(TEXT, 'utf8'), 'utf-8');
    await readsTheList(Buffer.from(`\uFEFF${TEXT}`, 'utf8'), 'utf-8');
  });

  it('reads UTF-16 LE and BE with a BOM, comma- or tab-separated (Excel\'s "Unicode text")', async () => {
    await readsTheList(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'utf-16le');
    await readsTheList(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be');
    const tabs = `${[HEADERS.join('\t'), LINES[1].replace(/,/g, '\t'), `李四\t${PEOPLE.b}\t021-62345678\t古美路街道\t特困供养\t困难职工送温暖\t2\t1,100\t实物（礼包）`].join('\r\n')}\r\n`;
    await readsTheList(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tabs, 'utf16le')]), 'utf-16le');
  });

  it('reads GBK, as Excel in China saves CSV, including characters only GB18030 has', async () => {
    await readsTheList(gbk(TEXT), 'gb18030');
    // A four-byte GB18030 sequence (U+20000, CJK Extension B) in a name.
    const rare = Buffer.concat([gbk(`${HEADERS.join(',')}\r\n李`), Buffer.from([0x95, 0x32, 0x82, 0x36]), gbk(`,${PEOPLE.c},13900139000,区民政局,困难职工,MZ-01,1,,社保卡\r\n`)]);
    const file = await readIntakeFile(rare, 'list.csv');
    expect(file.encoding).toBe('gb18030');
    expect(validateIntakeRows(file.rows, RULES).accepted.map((b) => b.name)).toEqual(['李𠀀']);
  });

  it('refuses bytes that no encoding decodes cleanly, with a zh-CN reason and no text', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.concat([gbk('姓名,身份证号码\r\n张'), Buffer.from([0x81, 0x20]), Buffer.from('\r\n')]), '编码无法识别'], // 0x81 then a space: not GB18030
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), gbk('姓名,身份证号码\r\n')]), '开头标明是 UTF-8'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0x00, 0xd8, 0x41, 0x00])]), '开头标明是 UTF-16'], // a lone surrogate
      [Buffer.from('姓名,身份证号码\r\n', 'utf16le'), '编码无法识别'], // UTF-16 without a BOM
    ];
    for (const [data, reason] of cases) {
      const file = await readIntakeFile(data, 'list.csv');
      expect(file, reason).toEqual({ rows: [], rowNumbers: [], problems: [expect.stringContaining(reason)] });
      expect(file.problems[0]).toContain('请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或 GBK 编码的 CSV');
    }
  });

  describe('Big5 (Traditional Chinese) is not accepted silently', () => {
    const traditional = ['姓名,身份證號碼,聯繫電話,所屬單位,幫困類別,幫困項目,家庭人數', `張三,${PEOPLE.a},13800138000,莘莊鎮,低保家庭,MZ-01,3`];

    it('a Big5 file decodes cleanly as GB18030, into other characters', () => {
      const bytes = big5(traditional.join('\r\n'));
      const asGb = new TextDecoder('gb18030').decode(bytes);
      expect(asGb).not.toContain('\uFFFD');
      expect(asGb.split(',')[0]).not.toBe('姓名');
    });

    it('is refused by name when its header reads as the template\'s only in Big5', async () => {
      const file = await readIntakeFile(big5(`${traditional.join('\r\n')}\r\n`), 'list.csv');
      expect(file).toEqual({ rows: [], rowNumbers: [], problems: [expect.stringContaining('繁体中文（Big5）编码')] });
      expect(decodeCsv(big5('姓名\r\n'))).toEqual({ problem: expect.stringContaining('Big5') });
    });

    it('without a header it can be told by, it is read as GB18030 and no row passes: nothing stored, nothing garbled kept', async () => {
      // Neither the header nor 劉德華 reads as private-use characters in GB18030: 癸禜,腹絏,筿杠 / 糂紈地.
      const file = await readIntakeFile(big5(`對象,號碼,電話\r\n劉德華,${PEOPLE.a},13800138000\r\n`), 'list.csv');
      expect(file.encoding).toBe('gb18030');
      expect(file.rows).toEqual([{ 癸禜: '糂紈地', 腹絏: PEOPLE.a, 筿杠: '13800138000' }]);
      const { accepted, errors } = validateIntakeRows(file.rows, RULES, { rowNumbers: file.rowNumbers });
      expect(accepted).toEqual([]);
      expect(errors.filter((e) => e.row === 1).map((e) => e.column)).toEqual(['姓名', '身份证号码', '联系电话', '所属单位', '帮困类别', '帮困项目', '家庭人数', '发放方式']);
    });

    it('is refused by name when GB18030 reads private-use characters where Big5 reads ordinary text', async () => {
      // 王小明 in Big5 read as GB18030 is U+E77B U+E616 U+E80B: GBK's user-defined area.
      expect(new TextDecoder('gb18030').decode(big5('王小明'))).toMatch(/^[\uE000-\uF8FF]+$/u);
      const file = await readIntakeFile(big5(`名字,證件,電話\r\n王小明,${PEOPLE.a},13800138000\r\n`), 'list.csv');
      expect(file.problems).toEqual([expect.stringContaining('繁体中文（Big5）编码')]);
      // A GBK file is not mistaken for Big5, though its bytes are mostly valid Big5 too.
      expect(decodeCsv(gbk(TEXT))).toEqual({ text: TEXT, encoding: 'gb18030' });
    });

    it('the limit: Big5 bytes that all read as Han characters cannot be told from GBK', async () => {
      // 劉德華 in Big5 reads as 糂紈地 in GB18030. A whole Big5 file never gets that far (its header
      // gives it away, or no column is found and every row is refused); only Big5 rows under a GBK
      // header would, and then the name is stored as it reads, having passed the name rule.
      expect(new TextDecoder('gb18030').decode(big5('劉德華'))).toBe('糂紈地');
      const file = await readIntakeFile(Buffer.concat([gbk(`${HEADERS.join(',')}\r\n`), big5('劉德華'), gbk(`,${PEOPLE.a},13800138000,莘庄镇,低保家庭,MZ-01,1,,现金\r\n`)]), 'list.csv');
      expect(file.encoding).toBe('gb18030');
      expect(validateIntakeRows(file.rows, RULES).accepted.map((b) => b.name)).toEqual(['糂紈地']);
    });

    it('kana, Greek or Cyrillic that a wrong decoding makes of a name fail the name rule', () => {
      const rows = ['朝ゅ', '狶в眏', 'αβ'].map((name, i) => ({ 姓名: name, 身份证号码: [PEOPLE.a, PEOPLE.b, PEOPLE.c][i], 联系电话: '13800138000', 所属单位: '莘庄镇', 帮困类别: '低保家庭', 帮困项目: 'MZ-01', 家庭人数: '1', 发放方式: '现金' }));
      const { accepted, errors } = validateIntakeRows(rows, RULES);
      expect(accepted).toEqual([]);
      expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([2, 3, 4].map((row) => [row, '姓名', '姓名只能包含汉字、英文字母和间隔号“·”，请检查是否有乱码']));
    });
  });
});
