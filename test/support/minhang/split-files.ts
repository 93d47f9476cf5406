// A file too large for its page, split as a coordinator splits it: into numbered parts, each within the limit.
import type { GeneratedFile } from './generate.js';

/**
 * The file of `lines`, or where it would pass `maxBytes`, its numbered parts (名册-1.csv, 名册-2.csv …):
 * the lines halved until each part fits, in their order, each part with the file's header.
 */
export function filesWithin<L>(maxBytes: number, fileName: string, lines: readonly L[], csvOf: (lines: readonly L[]) => string): GeneratedFile[] {
  const parts: string[] = [];
  const split = (part: readonly L[]) => {
    const csv = csvOf(part);
    if (Buffer.byteLength(csv) <= maxBytes || part.length < 2) return void parts.push(csv);
    const half = Math.ceil(part.length / 2);
    split(part.slice(0, half));
    split(part.slice(half));
  };
  split(lines);
  if (parts.length === 1) return [{ fileName, csv: parts[0] }];
  const dot = fileName.lastIndexOf('.');
  return parts.map((csv, i) => ({ fileName: `${fileName.slice(0, dot)}-${i + 1}${fileName.slice(dot)}`, csv }));
}
