/**
 * Full-width forms (全角) typed by Chinese input methods, folded to their ASCII twins:
 * "１２３" → "123", "（）" → "()", "，" → ",", "ｘ" → "x", and the ideographic space → " ".
 */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}
