import { describe, expect, it } from 'vitest';
import { keys } from '../../../functions/data/keys.js';
import { projectRangeBounds } from '../../../functions/data/project-partition.js';

describe('the bounds of a project-keyed partition', () => {
  const codes = ['MZ02', 'MZ01', 'BM01', 'MZ011', 'JZ77'];
  const bounds = projectRangeBounds(codes);

  it('halves each project\'s keys and keeps the first-character bounds, ascending in byte order, each once', () => {
    for (const code of codes) expect(bounds).toContain(`${code}#8`);
    for (const bound of keys.projectKeyBounds) expect(bounds).toContain(bound);
    expect(bounds).toHaveLength(codes.length + keys.projectKeyBounds.length);
    expect([...bounds].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(bounds);
    expect(projectRangeBounds([...codes, 'MZ01'])).toEqual(bounds);
  });

  it('puts a bound between the two halves of a project, and none equal to a key', () => {
    const low = `MZ01#7${'f'.repeat(63)}`;
    const high = `MZ01#8${'0'.repeat(63)}`;
    const between = bounds.filter((b) => b > low && b < high);
    expect(between).toEqual(['MZ01#8']);
    expect(bounds.every((b) => !/#[0-9a-f]{64}$/.test(b))).toBe(true);
  });
});
