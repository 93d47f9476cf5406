/**
 * Masks for places where a person does not need the full value (PIPL): lists, callback sheets,
 * public postings. Callback staff see the phone number, never the ID number.
 */

/** Keeps the first 3 and last 4 characters: "310***********123X". */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id.trim());
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/** 张* (2 characters), 张*明 (3), 欧**明 (4): keeps the first and last; a middle dot "·" stays. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return `${chars[0]}*`;
  const middle = chars.slice(1, -1).map((ch) => (ch === '·' ? ch : '*'));
  return chars[0] + middle.join('') + chars[chars.length - 1];
}

/** 138****5678 for mobiles, 021-****5678 for landlines; otherwise all but the last 4 digits. */
export function maskPhone(phone: string): string {
  const text = phone.trim();
  if (/^1\d{10}$/.test(text)) return `${text.slice(0, 3)}****${text.slice(7)}`;
  const landline = /^(0\d{2,3})-(\d{7,8})(.*)$/.exec(text);
  if (landline) {
    const [, area, local, rest] = landline;
    return `${area}-${'*'.repeat(local.length - 4)}${local.slice(-4)}${rest}`;
  }
  const digits = text.replace(/\D/g, '').length;
  let seen = 0;
  return text.replace(/\d/g, (d) => (++seen > digits - 4 ? d : '*'));
}
