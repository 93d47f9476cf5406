// Units' intake lists as the tests and the intake benchmark make them: made-up people, CSV as Excel
// in China saves it (UTF-8 with a byte order mark, or GBK), and the faults a test plants.
import type { PaymentMethod } from '../../functions/core/payment-methods.js';
import { demoIdNumber } from '../../infra/local/demo-campaign.js';

export const INTAKE_HEADER = '姓名,身份证号码,联系电话,所属单位,帮困类别,帮困项目,家庭人数,发放方式,银行账号,开户银行';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰';

/** Person n's made-up name (common characters, all in GBK). */
export const personName = (n: number) => SURNAMES[n % 20] + GIVEN[Math.floor(n / 20) % 27] + GIVEN[Math.floor(n / 540) % 27];

/** Person n's made-up 18-digit ID number with a correct check character: distinct for n below 377,580. */
export const personId = (n: number) => demoIdNumber(n);

/** Person n's mobile number: distinct for n below 10^9. */
export const personPhone = (n: number) => `13${String(n).padStart(9, '0')}`;

/** An ID number with one digit of its sequence mistyped: its check character no longer fits. */
export const mistyped = (id: string) => `${id.slice(0, 16)}${(Number(id[16]) + 1) % 10}${id.slice(17)}`;

/** A made-up account for a 银行转账 row (digits of the ID number), and its bank. */
const accountOf = (l: IntakeLine) => (l.paymentMethod === '银行转账' ? [`62${l.id.replace(/\D/g, '').slice(0, 17)}`, '中国工商银行上海市分行'] : ['', '']);

/** One row of a unit's list, in the order of INTAKE_HEADER. */
export interface IntakeLine {
  name: string;
  id: string;
  phone: string;
  unit: string;
  category: string;
  project: string;
  householdSize: number;
  paymentMethod: PaymentMethod;
}

/** A CSV file of the rows: UTF-8 with a byte order mark and LF, unless told otherwise. */
export function intakeCsv(lines: readonly IntakeLine[], options: { eol?: '\n' | '\r\n'; bom?: boolean } = {}): string {
  const eol = options.eol ?? '\n';
  const rows = lines.map((l) => [l.name, l.id, l.phone, l.unit, l.category, l.project, String(l.householdSize), l.paymentMethod, ...accountOf(l)].join(','));
  return `${options.bom === false ? '' : '\uFEFF'}${[INTAKE_HEADER, ...rows].join(eol)}${eol}`;
}

let gbkCodes: Map<string, number[]> | undefined;

/** Text in GBK, as Excel in China saves a CSV (Node can decode GBK but not encode it: the decoder's table, reversed). */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkCodes) {
    const decoder = new TextDecoder('gbk');
    gbkCodes = new Map();
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (!gbkCodes.has(ch)) gbkCodes.set(ch, [lead, trail]);
      }
    }
  }
  const codes = gbkCodes;
  return Uint8Array.from(Array.from(text).flatMap((ch) => {
    if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
    const code = codes.get(ch);
    if (!code) throw new Error(`“${ch}” has no GBK code`);
    return code;
  }));
}
