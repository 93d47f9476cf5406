import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseObjection } from '../../../functions/core/objection.js';
import { classifyLines, lineRefOf, objectedLines, postingEndsAt, type ObjectionState } from '../../../functions/core/posting.js';

describe('classifyLines', () => {
  const lines = ['A', 'B', 'C', 'D'];

  it('an open objection holds its line only; the rest stay approvable', () => {
    expect(classifyLines(lines, [{ lineKey: 'B', status: 'open' }])).toEqual({ approvable: ['A', 'C', 'D'], held: ['B'], removed: [] });
  });

  it('upheld removes the line, dismissed releases it, and upheld outweighs another open objection', () => {
    const objections: ObjectionState[] = [
      { lineKey: 'A', status: 'dismissed' },
      { lineKey: 'C', status: 'upheld' },
      { lineKey: 'C', status: 'open' },
      { lineKey: 'D', status: 'dismissed' },
      { lineKey: 'D', status: 'open' },
      { lineKey: 'Z', status: 'open' },
    ];
    expect(classifyLines(lines, objections)).toEqual({ approvable: ['A', 'B'], held: ['D'], removed: ['C'] });
  });

  it('puts every line in exactly one class, in order', () => {
    const status = fc.constantFrom<ObjectionState['status']>('open', 'upheld', 'dismissed');
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 30 }), fc.array(fc.record({ i: fc.nat(40), status })), (keys, raw) => {
        const objections = raw.map((o) => ({ lineKey: keys[o.i] ?? `missing${o.i}`, status: o.status }));
        const { approvable, held, removed } = classifyLines(keys, objections);
        expect([...approvable, ...held, ...removed].sort()).toEqual([...keys].sort());
        for (const key of held) expect(objections.some((o) => o.lineKey === key && o.status === 'open')).toBe(true);
        for (const key of removed) expect(objections.some((o) => o.lineKey === key && o.status === 'upheld')).toBe(true);
        for (const key of approvable) expect(objections.some((o) => o.lineKey === key && o.status !== 'dismissed')).toBe(false);
        expect(approvable).toEqual(keys.filter((k) => approvable.includes(k)));
      }),
    );
  });
});

describe('objectedLines', () => {
  it('lists each held and removed line once, in the objections\' order; upheld outweighs open', () => {
    const objections: ObjectionState[] = [
      { lineKey: 'D', status: 'open' },
      { lineKey: 'A', status: 'dismissed' },
      { lineKey: 'C', status: 'open' },
      { lineKey: 'B', status: 'open' },
      { lineKey: 'C', status: 'upheld' },
      { lineKey: 'D', status: 'open' },
    ];
    expect(objectedLines(objections)).toEqual({ held: ['D', 'B'], removed: ['C'] });
    expect(objectedLines([])).toEqual({ held: [], removed: [] });
  });

  it('agrees with classifyLines on a list\'s objections taken in the list\'s order (what a posting\'s close records)', () => {
    const status = fc.constantFrom<ObjectionState['status']>('open', 'upheld', 'dismissed');
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 }), fc.array(fc.record({ i: fc.nat(29), status })), (keys, raw) => {
        const objections = raw.map((o) => ({ n: o.i % keys.length, lineKey: keys[o.i % keys.length], status: o.status })).sort((a, b) => a.n - b.n);
        const classes = classifyLines(keys, objections);
        const { held, removed } = objectedLines(objections);
        expect({ held, removed, approvable: keys.length - held.length - removed.length }).toEqual({ held: classes.held, removed: classes.removed, approvable: classes.approvable.length });
      }),
    );
  });
});

describe('postingEndsAt', () => {
  it('is N whole days after the opening, in whole seconds', () => {
    expect(postingEndsAt('2025-01-10T02:00:00.250Z', 7)).toBe('2025-01-17T02:00:01Z');
    expect(postingEndsAt('2025-01-10T02:00:00Z', 3)).toBe('2025-01-13T02:00:00Z');
  });

  it('refuses a period outside 1 to 30 days and a time that is not one', () => {
    expect(() => postingEndsAt('2025-01-10T02:00:00Z', 0)).toThrow(RangeError);
    expect(() => postingEndsAt('2025-01-10T02:00:00Z', 31)).toThrow(RangeError);
    expect(() => postingEndsAt('2025-01-10T02:00:00Z', 1.5)).toThrow(RangeError);
    expect(() => postingEndsAt('soon', 7)).toThrow(RangeError);
  });
});

describe('lineRefOf', () => {
  it('names a line differently in every posting and never contains its key', () => {
    const key = `MZ01#${'a'.repeat(64)}`;
    expect(lineRefOf('p1', key)).toMatch(/^[a-f0-9]{16}$/);
    expect(lineRefOf('p1', key)).toBe(lineRefOf('p1', key));
    expect(lineRefOf('p1', key)).not.toBe(lineRefOf('p2', key));
  });
});

describe('parseObjection', () => {
  const line = 'ab'.repeat(8);

  it('accepts a line, a reason and an optional contact, trimmed and half-width', () => {
    expect(parseObjection({ line, reason: '  该户已有稳定收入  ' })).toEqual({ ok: true, value: { line, reason: '该户已有稳定收入', contact: '' } });
    expect(parseObjection({ line, reason: '该户已迁出本区多年', contact: ' １３８００１３８０００ ' })).toEqual({ ok: true, value: { line, reason: '该户已迁出本区多年', contact: '13800138000' } });
  });

  it('refuses with zh-CN messages, each once', () => {
    expect(parseObjection({})).toEqual({ ok: false, errors: ['请选择要提出异议的名单行', '请填写异议理由'] });
    expect(parseObjection({ line: 'MZ01#abc', reason: '太短' })).toEqual({ ok: false, errors: ['请选择要提出异议的名单行', '异议理由至少5个字'] });
    expect(parseObjection({ line, reason: '   ' })).toEqual({ ok: false, errors: ['请填写异议理由'] });
    expect(parseObjection({ line, reason: '理'.repeat(501) })).toEqual({ ok: false, errors: ['异议理由最多500个字'] });
    expect(parseObjection({ line, reason: '该户已迁出本区', contact: '1'.repeat(51) })).toEqual({ ok: false, errors: ['联系方式最多50个字'] });
    expect(parseObjection({ line, reason: ['a', 'b'] })).toEqual({ ok: false, errors: ['请填写异议理由'] });
  });

  it('drops control characters from the reason', () => {
    expect(parseObjection({ line, reason: '该户\u0000已有\u0007收入来源' })).toEqual({ ok: true, value: { line, reason: '该户已有收入来源', contact: '' } });
  });
});
