// Made-up people: ID numbers that pass GB 11643 (and are distinct per person number), names, phones.
import { checkCharacter } from '../../../functions/core/id-number.js';

/** Minhang's region code. */
const REGION = '310112';
/** Birth dates run over this many days from 1930-01-01; with 1,000 sequences that is ~31 million people. */
const BIRTH_DAYS = 31_000;
const EPOCH = Date.UTC(1930, 0, 1);

/** The ID number of person n (n below 31,000,000): distinct for each n, with a correct check character. */
export function idNumberOf(n: number): string {
  const day = new Date(EPOCH + (n % BIRTH_DAYS) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${REGION}${day}${String(Math.floor(n / BIRTH_DAYS) % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** The same ID number with its check character wrong. */
export function withWrongCheck(id: string): string {
  const right = id[17];
  const wrong = right === '0' ? '1' : '0';
  return id.slice(0, 17) + wrong;
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌志国春梅林宇浩凤琴云莲珍金亮成荣新';

/** A made-up two- or three-character name, from a draw in [0, 1) per character. */
export function nameOf(draws: readonly [number, number, number]): string {
  const [a, b, c] = draws;
  const given = GIVEN[Math.floor(b * GIVEN.length)] + (c < 0.7 ? GIVEN[Math.floor((c / 0.7) * GIVEN.length)] : '');
  return SURNAMES[Math.floor(a * SURNAMES.length)] + given;
}

/** A mobile number for person n: 1[3-9] then nine digits. */
export const phoneOf = (n: number, prefix: number) => `1${3 + (prefix % 7)}${String(n % 1_000_000_000).padStart(9, '0')}`;
