import { describe, it, expect } from 'vitest';
import { CHOICE_OPERATORS, matchesChoiceRule, parseTimestamp } from '../../../infra/local/stepfunctions/choice.js';
import { StatesError } from '../../../infra/local/stepfunctions/errors.js';
import type { PathScope } from '../../../infra/local/stepfunctions/paths.js';

const scopeOf = (input: unknown, vars: Record<string, unknown> = {}, context: unknown = {}): PathScope => ({
  input,
  context,
  variables: { get: (n) => (n in vars ? { found: true, value: vars[n] } : { found: false }) },
});

const input = {
  n: 10,
  n2: 10,
  n3: 20,
  neg: -2.25,
  s: 'MyString',
  s2: 'MyString',
  sLow: 'abc',
  sHigh: 'abd',
  b: true,
  f: false,
  nul: null,
  ts: '2001-01-01T12:00:00Z',
  tsSame: '2001-01-01T13:00:00+01:00',
  tsLater: '2001-01-01T12:00:01Z',
  arr: [1, 2],
  obj: { a: 1 },
  numStr: '10',
};
const scope = scopeOf(input);
const m = (rule: Record<string, unknown>, sc: PathScope = scope) => matchesChoiceRule(rule, sc);
const v = (variable: string, op: string, operand: unknown) => m({ Variable: variable, [op]: operand });

/** Expects a States.Runtime failure whose cause mentions `text`. */
function expectRuntime(fn: () => unknown, text: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatesError);
    expect((e as StatesError).error).toBe('States.Runtime');
    expect((e as StatesError).causeText).toContain(text);
    return;
  }
  throw new Error('expected a States.Runtime error');
}

describe('CHOICE_OPERATORS', () => {
  it('lists every comparison operator including Path variants', () => {
    const expected = [
      'BooleanEquals', 'BooleanEqualsPath', 'IsBoolean', 'IsNull', 'IsNumeric', 'IsPresent', 'IsString', 'IsTimestamp',
      'StringMatches',
      ...['Numeric', 'String', 'Timestamp'].flatMap((k) =>
        ['Equals', 'GreaterThan', 'GreaterThanEquals', 'LessThan', 'LessThanEquals'].flatMap((r) => [k + r, k + r + 'Path']),
      ),
    ];
    expect([...CHOICE_OPERATORS].sort()).toEqual(expected.sort());
    expect(CHOICE_OPERATORS).not.toContain('And');
  });
});

describe('Boolean', () => {
  it('BooleanEquals', () => {
    expect(v('$.b', 'BooleanEquals', true)).toBe(true);
    expect(v('$.b', 'BooleanEquals', false)).toBe(false);
    expect(v('$.f', 'BooleanEquals', false)).toBe(true);
  });
  it('BooleanEquals type mismatch is false', () => {
    expect(v('$.s', 'BooleanEquals', true)).toBe(false);
    expect(v('$.nul', 'BooleanEquals', false)).toBe(false);
    expect(m({ Variable: '$.x', BooleanEquals: true }, scopeOf({ x: 'true' }))).toBe(false);
    expect(m({ Variable: '$.x', BooleanEquals: true }, scopeOf({ x: 1 }))).toBe(false);
  });
  it('BooleanEqualsPath', () => {
    expect(v('$.b', 'BooleanEqualsPath', '$.b')).toBe(true);
    expect(v('$.b', 'BooleanEqualsPath', '$.f')).toBe(false);
    expect(v('$.b', 'BooleanEqualsPath', '$.s')).toBe(false);
  });
});

describe('Numeric', () => {
  const cases: [string, number, boolean][] = [
    ['NumericEquals', 10, true],
    ['NumericEquals', 11, false],
    ['NumericEquals', 10.0, true],
    ['NumericGreaterThan', 9, true],
    ['NumericGreaterThan', 10, false],
    ['NumericGreaterThanEquals', 10, true],
    ['NumericGreaterThanEquals', 11, false],
    ['NumericLessThan', 11, true],
    ['NumericLessThan', 10, false],
    ['NumericLessThanEquals', 10, true],
    ['NumericLessThanEquals', 9.5, false],
  ];
  it.each(cases)('%s %d -> %s', (op, operand, expected) => {
    expect(v('$.n', op, operand)).toBe(expected);
  });
  it('handles negatives and decimals', () => {
    expect(v('$.neg', 'NumericLessThan', -2)).toBe(true);
    expect(v('$.neg', 'NumericEquals', -2.25)).toBe(true);
    expect(v('$.neg', 'NumericGreaterThan', -3)).toBe(true);
  });
  it('type mismatch is false, not an error', () => {
    expect(v('$.numStr', 'NumericEquals', 10)).toBe(false);
    expect(v('$.b', 'NumericEquals', 1)).toBe(false);
    expect(v('$.nul', 'NumericLessThan', 1)).toBe(false);
    expect(v('$.arr', 'NumericGreaterThan', 0)).toBe(false);
    expect(v('$.obj', 'NumericEquals', 1)).toBe(false);
  });
  it('Path variants', () => {
    expect(v('$.n', 'NumericEqualsPath', '$.n2')).toBe(true);
    expect(v('$.n', 'NumericEqualsPath', '$.n3')).toBe(false);
    expect(v('$.n', 'NumericLessThanPath', '$.n3')).toBe(true);
    expect(v('$.n3', 'NumericLessThanPath', '$.n')).toBe(false);
    expect(v('$.n', 'NumericLessThanEqualsPath', '$.n2')).toBe(true);
    expect(v('$.n3', 'NumericGreaterThanPath', '$.n')).toBe(true);
    expect(v('$.n', 'NumericGreaterThanPath', '$.n2')).toBe(false);
    expect(v('$.n', 'NumericGreaterThanEqualsPath', '$.n2')).toBe(true);
    expect(v('$.n', 'NumericGreaterThanEqualsPath', '$.n3')).toBe(false);
  });
  it('Path operand of the wrong type is false', () => {
    expect(v('$.n', 'NumericEqualsPath', '$.numStr')).toBe(false);
    expect(v('$.n', 'NumericLessThanEqualsPath', '$.obj')).toBe(false);
    expect(v('$.numStr', 'NumericEqualsPath', '$.numStr')).toBe(false);
  });
});

describe('String', () => {
  const cases: [string, string, boolean][] = [
    ['StringEquals', 'MyString', true],
    ['StringEquals', 'mystring', false],
    ['StringGreaterThan', 'MyStrinf', true],
    ['StringGreaterThan', 'MyStringABC', false],
    ['StringGreaterThanEquals', 'MyString', true],
    ['StringGreaterThanEquals', 'MyStringA', false],
    ['StringLessThan', 'MyStringABC', true],
    ['StringLessThan', 'MyString', false],
    ['StringLessThanEquals', 'MyString', true],
    ['StringLessThanEquals', 'MyStrinf', false],
  ];
  it.each(cases)('%s %s -> %s', (op, operand, expected) => {
    expect(v('$.s', op, operand)).toBe(expected);
  });
  it('compares lexically (uppercase before lowercase, prefix is smaller)', () => {
    expect(v('$.s', 'StringLessThan', 'my')).toBe(true);
    expect(v('$.sLow', 'StringLessThan', 'abd')).toBe(true);
    expect(v('$.sLow', 'StringGreaterThan', 'ab')).toBe(true);
    expect(m({ Variable: '$.x', StringLessThan: 'a' }, scopeOf({ x: '' }))).toBe(true);
    expect(m({ Variable: '$.x', StringLessThan: '9' }, scopeOf({ x: '10' }))).toBe(true);
  });
  it('orders by UTF-16 code unit like Java String.compareTo', () => {
    // U+1F600 is encoded as \uD83D\uDE00, which sorts below U+FFFF in Java.
    expect(m({ Variable: '$.x', StringLessThan: '\uFFFF' }, scopeOf({ x: '😀' }))).toBe(true);
    expect(m({ Variable: '$.x', StringGreaterThan: 'z' }, scopeOf({ x: 'é' }))).toBe(true);
  });
  it('type mismatch is false', () => {
    expect(v('$.n', 'StringEquals', '10')).toBe(false);
    expect(v('$.nul', 'StringEquals', 'null')).toBe(false);
    expect(v('$.b', 'StringGreaterThan', 'a')).toBe(false);
    expect(v('$.arr', 'StringLessThan', 'z')).toBe(false);
  });
  it('Path variants', () => {
    expect(v('$.s', 'StringEqualsPath', '$.s2')).toBe(true);
    expect(v('$.s', 'StringEqualsPath', '$.sLow')).toBe(false);
    expect(v('$.sLow', 'StringLessThanPath', '$.sHigh')).toBe(true);
    expect(v('$.sHigh', 'StringLessThanPath', '$.sLow')).toBe(false);
    expect(v('$.sLow', 'StringLessThanEqualsPath', '$.sLow')).toBe(true);
    expect(v('$.sHigh', 'StringGreaterThanPath', '$.sLow')).toBe(true);
    expect(v('$.sLow', 'StringGreaterThanPath', '$.sLow')).toBe(false);
    expect(v('$.sHigh', 'StringGreaterThanEqualsPath', '$.sHigh')).toBe(true);
    expect(v('$.sLow', 'StringGreaterThanEqualsPath', '$.sHigh')).toBe(false);
  });
  it('Path operand of the wrong type is false', () => {
    expect(v('$.n', 'StringEqualsPath', '$.n2')).toBe(false);
    expect(v('$.n', 'StringGreaterThanPath', '$.s')).toBe(false);
    expect(v('$.numStr', 'StringEqualsPath', '$.n')).toBe(false);
  });
  it('a timestamp string is also a string', () => {
    expect(v('$.ts', 'StringEquals', '2001-01-01T12:00:00Z')).toBe(true);
    expect(v('$.ts', 'StringEquals', '2001-01-01T13:00:00+01:00')).toBe(false);
  });
});

describe('StringMatches', () => {
  const match = (value: unknown, pattern: string) =>
    m({ Variable: '$.x', StringMatches: pattern }, scopeOf({ x: value }));
  it('docs example log-*.txt', () => {
    expect(match('log-2024-01.txt', 'log-*.txt')).toBe(true);
    expect(match('log-.txt', 'log-*.txt')).toBe(true);
    expect(match('log-1.txt.bak', 'log-*.txt')).toBe(false);
    expect(match('xlog-1.txt', 'log-*.txt')).toBe(false);
  });
  it('no wildcard means exact match', () => {
    expect(match('abc', 'abc')).toBe(true);
    expect(match('abcd', 'abc')).toBe(false);
  });
  it('multiple and adjacent wildcards', () => {
    expect(match('anything', '*')).toBe(true);
    expect(match('', '*')).toBe(true);
    expect(match('', '**')).toBe(true);
    expect(match('a-b-c', '*-*-*')).toBe(true);
    expect(match('a-b', '*-*-*')).toBe(false);
    expect(match('abcabc', 'a*c')).toBe(true);
    expect(match('aXbYc', 'a*b*c')).toBe(true);
    expect(match('acb', 'a*b*c')).toBe(false);
    expect(match('aba', 'ab*ba')).toBe(false);
    expect(match('abba', 'ab*ba')).toBe(true);
    expect(match('line1\nline2', 'line1*2')).toBe(true);
  });
  it('other characters are not special', () => {
    expect(match('a.c', 'a.c')).toBe(true);
    expect(match('abc', 'a.c')).toBe(false);
    expect(match('a?c', 'a?c')).toBe(true);
    expect(match('abc', 'a?c')).toBe(false);
    expect(match('[ab]', '[ab]')).toBe(true);
    expect(match('a', '[ab]')).toBe(false);
    expect(match('a+$^(x)', 'a+$^(x)')).toBe(true);
  });
  it('\\* is a literal star', () => {
    expect(match('a*b', 'a\\*b')).toBe(true);
    expect(match('axb', 'a\\*b')).toBe(false);
    expect(match('a*xyz', 'a\\**')).toBe(true);
    expect(match('axyz', 'a\\**')).toBe(false);
  });
  it('\\\\ is a literal backslash', () => {
    expect(match('a\\b', 'a\\\\b')).toBe(true);
    expect(match('a\\\\b', 'a\\\\b')).toBe(false);
    // `\\*` = literal backslash followed by a wildcard
    expect(match('C:\\dir', 'C:\\\\*')).toBe(true);
    expect(match('C:dir', 'C:\\\\*')).toBe(false);
  });
  it('non-string variable is false', () => {
    expect(match(12, '*')).toBe(false);
    expect(match(null, '*')).toBe(false);
  });
});

describe('Timestamp', () => {
  const cases: [string, string, boolean][] = [
    ['TimestampEquals', '2001-01-01T12:00:00Z', true],
    ['TimestampEquals', '2001-01-01T12:00:00.000Z', true],
    ['TimestampEquals', '2001-01-01T14:00:00+02:00', true],
    ['TimestampEquals', '2001-01-01T07:30:00-04:30', true],
    ['TimestampEquals', '2001-01-01T12:00:00+01:00', false],
    ['TimestampGreaterThan', '2001-01-01T11:59:59Z', true],
    ['TimestampGreaterThan', '2001-01-01T13:00:00+01:00', false],
    ['TimestampGreaterThanEquals', '2001-01-01T13:00:00+01:00', true],
    ['TimestampGreaterThanEquals', '2001-01-01T12:00:00.001Z', false],
    ['TimestampLessThan', '2001-01-01T12:00:00.000000001Z', true],
    ['TimestampLessThan', '2001-01-01T12:00:00Z', false],
    ['TimestampLessThanEquals', '2001-01-01T12:00:00Z', true],
    ['TimestampLessThanEquals', '2001-01-01T12:00:00+00:01', false],
  ];
  it.each(cases)('%s %s -> %s', (op, operand, expected) => {
    expect(v('$.ts', op, operand)).toBe(expected);
  });
  it('offsets crossing a date boundary compare as instants', () => {
    const sc = scopeOf({ x: '2001-01-02T01:00:00+02:00' });
    expect(m({ Variable: '$.x', TimestampEquals: '2001-01-01T23:00:00Z' }, sc)).toBe(true);
    expect(m({ Variable: '$.x', TimestampLessThan: '2001-01-02T00:00:00Z' }, sc)).toBe(true);
    expect(m({ Variable: '$.x', TimestampGreaterThan: '2001-01-02T00:00:00+02:00' }, sc)).toBe(true);
  });
  it('sub-millisecond fractions are compared', () => {
    const sc = scopeOf({ x: '2001-01-01T12:00:00.1234567Z' });
    expect(m({ Variable: '$.x', TimestampGreaterThan: '2001-01-01T12:00:00.123456Z' }, sc)).toBe(true);
    expect(m({ Variable: '$.x', TimestampEquals: '2001-01-01T12:00:00.12345670Z' }, sc)).toBe(true);
  });
  it('invalid or non-string variables are false', () => {
    for (const x of ['2001-01-01t12:00:00Z', '2001-01-01T12:00:00z', '2001-01-01 12:00:00Z', '2001-01-01T12:00:00',
      '2001-02-29T00:00:00Z', 'not a date', 978350400, null, true]) {
      expect(m({ Variable: '$.x', TimestampEquals: '2001-01-01T12:00:00Z' }, scopeOf({ x }))).toBe(false);
      expect(m({ Variable: '$.x', TimestampLessThan: '2099-01-01T00:00:00Z' }, scopeOf({ x }))).toBe(false);
    }
  });
  it('Path variants', () => {
    expect(v('$.ts', 'TimestampEqualsPath', '$.tsSame')).toBe(true);
    expect(v('$.ts', 'TimestampEqualsPath', '$.tsLater')).toBe(false);
    expect(v('$.ts', 'TimestampLessThanPath', '$.tsLater')).toBe(true);
    expect(v('$.tsLater', 'TimestampLessThanPath', '$.ts')).toBe(false);
    expect(v('$.ts', 'TimestampLessThanEqualsPath', '$.tsSame')).toBe(true);
    expect(v('$.tsLater', 'TimestampGreaterThanPath', '$.tsSame')).toBe(true);
    expect(v('$.ts', 'TimestampGreaterThanPath', '$.tsSame')).toBe(false);
    expect(v('$.tsSame', 'TimestampGreaterThanEqualsPath', '$.ts')).toBe(true);
    expect(v('$.ts', 'TimestampGreaterThanEqualsPath', '$.tsLater')).toBe(false);
  });
  it('Path operand that is not a timestamp is false', () => {
    expect(v('$.ts', 'TimestampEqualsPath', '$.s')).toBe(false);
    expect(v('$.ts', 'TimestampLessThanPath', '$.n')).toBe(false);
  });
  it('parseTimestamp validates calendar fields', () => {
    expect(parseTimestamp('2000-02-29T00:00:00Z')).not.toBeNull();
    expect(parseTimestamp('1900-02-29T00:00:00Z')).toBeNull();
    expect(parseTimestamp('2001-13-01T00:00:00Z')).toBeNull();
    expect(parseTimestamp('2001-04-31T00:00:00Z')).toBeNull();
    expect(parseTimestamp('2001-01-01T24:00:00Z')).toBeNull();
    expect(parseTimestamp('2001-01-01T00:60:00Z')).toBeNull();
    expect(parseTimestamp('2001-01-01T00:00:00+24:00')).toBeNull();
    expect(parseTimestamp('2001-01-01T00:00:00+0100')).toBeNull();
    expect(parseTimestamp('2001-01-01T00:00:00.Z')).toBeNull();
    expect(parseTimestamp('0001-01-01T00:00:00Z')![0]).toBe(-62135596800);
  });
});

describe('type tests (Is*)', () => {
  const values: Record<string, unknown> = {
    bool: false,
    num: 0,
    float: 1.5,
    str: '',
    nul: null,
    ts: '2016-03-14T01:59:00Z',
    tsOffset: '2016-03-14T01:59:00.5-07:00',
    arr: [],
    obj: {},
  };
  const sc = scopeOf(values);
  const expectations: Record<string, string[]> = {
    IsBoolean: ['bool'],
    IsNull: ['nul'],
    IsNumeric: ['num', 'float'],
    IsString: ['str', 'ts', 'tsOffset'],
    IsTimestamp: ['ts', 'tsOffset'],
  };
  for (const [op, trueFor] of Object.entries(expectations)) {
    it(`${op}: true / false`, () => {
      for (const key of Object.keys(values)) {
        const is = trueFor.includes(key);
        expect(m({ Variable: `$.${key}`, [op]: true }, sc), `${op} true on ${key}`).toBe(is);
        expect(m({ Variable: `$.${key}`, [op]: false }, sc), `${op} false on ${key}`).toBe(!is);
      }
    });
  }
  it('IsTimestamp rejects lowercase t/z and missing zone', () => {
    for (const x of ['2016-03-14t01:59:00Z', '2016-03-14T01:59:00z', '2016-03-14T01:59:00', '2016-03-14']) {
      expect(m({ Variable: '$.x', IsTimestamp: true }, scopeOf({ x }))).toBe(false);
      expect(m({ Variable: '$.x', IsTimestamp: false }, scopeOf({ x }))).toBe(true);
    }
  });
  it('type tests on an absent variable fail with States.Runtime', () => {
    for (const op of Object.keys(expectations)) {
      expectRuntime(() => m({ Variable: '$.missing', [op]: false }, sc), "Invalid path '$.missing'");
    }
  });
});

describe('IsPresent', () => {
  it('true / false on present and absent fields', () => {
    expect(v('$.n', 'IsPresent', true)).toBe(true);
    expect(v('$.n', 'IsPresent', false)).toBe(false);
    expect(v('$.missing', 'IsPresent', true)).toBe(false);
    expect(v('$.missing', 'IsPresent', false)).toBe(true);
  });
  it('a null value is present', () => {
    expect(v('$.nul', 'IsPresent', true)).toBe(true);
  });
  it('nested and array paths', () => {
    expect(v('$.obj.a', 'IsPresent', true)).toBe(true);
    expect(v('$.obj.b', 'IsPresent', true)).toBe(false);
    expect(v('$.n.deeper', 'IsPresent', false)).toBe(true);
    expect(v('$.arr[1]', 'IsPresent', true)).toBe(true);
    expect(v('$.arr[5]', 'IsPresent', false)).toBe(true);
  });
  it('CDK Condition.isNotPresent form', () => {
    expect(m({ Variable: '$.optional', IsPresent: false, Next: 'X' })).toBe(true);
  });
  it('workflow variables, including undefined ones', () => {
    const sc = scopeOf({}, { cfg: { on: true } });
    expect(m({ Variable: '$cfg', IsPresent: true }, sc)).toBe(true);
    expect(m({ Variable: '$cfg.on', IsPresent: true }, sc)).toBe(true);
    expect(m({ Variable: '$cfg.off', IsPresent: false }, sc)).toBe(true);
    expect(m({ Variable: '$nope', IsPresent: false }, sc)).toBe(true);
    expect(m({ Variable: '$nope', IsPresent: true }, sc)).toBe(false);
  });
});

describe('absent paths', () => {
  const ops: [string, unknown][] = [
    ['BooleanEquals', true],
    ['NumericEquals', 1],
    ['NumericGreaterThan', 1],
    ['StringEquals', 'x'],
    ['StringLessThanEquals', 'x'],
    ['StringMatches', '*'],
    ['TimestampEquals', '2001-01-01T12:00:00Z'],
  ];
  it.each(ops)('%s on an absent Variable fails with States.Runtime', (op, operand) => {
    expectRuntime(
      () => v('$.missing', op, operand),
      "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    );
  });
  it('an undefined workflow variable fails for comparisons', () => {
    expectRuntime(() => v('$nope', 'StringEquals', 'x'), "Invalid path '$nope'");
  });
  it.each(['BooleanEqualsPath', 'NumericEqualsPath', 'StringGreaterThanPath', 'TimestampLessThanPath'])(
    '%s with an absent comparison path fails with States.Runtime',
    (op) => {
      expectRuntime(() => v('$.n', op, '$.missing'), "Invalid path '$.missing'");
    },
  );
  it('an absent Variable fails before the comparison path is read', () => {
    expectRuntime(() => v('$.missing', 'NumericEqualsPath', '$.alsoMissing'), "Invalid path '$.missing'");
  });
});

describe('context and variables', () => {
  const sc = scopeOf(
    { x: 1 },
    { limit: 5, name: 'alice', flags: { beta: true } },
    { Execution: { Name: 'exec-1', StartTime: '2024-05-01T10:00:00.123Z' }, Map: { Item: { Index: 3 } } },
  );
  it('Variable may reference $$ context', () => {
    expect(m({ Variable: '$$.Execution.Name', StringEquals: 'exec-1' }, sc)).toBe(true);
    expect(m({ Variable: '$$.Map.Item.Index', NumericGreaterThan: 2 }, sc)).toBe(true);
    expect(m({ Variable: '$$.Execution.StartTime', TimestampGreaterThan: '2024-05-01T09:00:00Z' }, sc)).toBe(true);
    expect(m({ Variable: '$$.Execution.Missing', IsPresent: false }, sc)).toBe(true);
  });
  it('Variable may reference a workflow variable', () => {
    expect(m({ Variable: '$limit', NumericEquals: 5 }, sc)).toBe(true);
    expect(m({ Variable: '$name', StringMatches: 'al*' }, sc)).toBe(true);
    expect(m({ Variable: '$flags.beta', BooleanEquals: true }, sc)).toBe(true);
  });
  it('Path operands may reference variables and context', () => {
    expect(m({ Variable: '$.x', NumericLessThanPath: '$limit' }, sc)).toBe(true);
    expect(m({ Variable: '$limit', NumericGreaterThanPath: '$$.Map.Item.Index' }, sc)).toBe(true);
    expect(m({ Variable: '$name', StringEqualsPath: '$$.Execution.Name' }, sc)).toBe(false);
  });
});

describe('And / Or / Not', () => {
  it('And', () => {
    expect(m({ And: [{ Variable: '$.n', NumericGreaterThan: 5 }, { Variable: '$.b', BooleanEquals: true }] })).toBe(true);
    expect(m({ And: [{ Variable: '$.n', NumericGreaterThan: 5 }, { Variable: '$.b', BooleanEquals: false }] })).toBe(false);
  });
  it('Or', () => {
    expect(m({ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$.s', StringEquals: 'MyString' }] })).toBe(true);
    expect(m({ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$.s', StringEquals: 'other' }] })).toBe(false);
  });
  it('Not', () => {
    expect(m({ Not: { Variable: '$.s', StringEquals: 'other' } })).toBe(true);
    expect(m({ Not: { Variable: '$.s', StringEquals: 'MyString' } })).toBe(false);
    expect(m({ Not: { Variable: '$.missing', IsPresent: true } })).toBe(true);
  });
  it('deep nesting', () => {
    const rule = {
      Or: [
        { And: [{ Variable: '$.n', NumericLessThan: 0 }, { Not: { Variable: '$.b', BooleanEquals: true } }] },
        {
          Not: {
            Or: [
              { Variable: '$.s', StringMatches: 'My*' },
              { And: [{ Variable: '$.nul', IsNull: true }, { Variable: '$.arr', IsPresent: false }] },
            ],
          },
        },
        { And: [{ Variable: '$.ts', IsTimestamp: true }, { Not: { Not: { Variable: '$.n3', NumericEqualsPath: '$.n3' } } }] },
      ],
    };
    expect(m(rule)).toBe(true);
    expect(m({ Not: rule })).toBe(false);
  });
  it('And short-circuits so an IsPresent guard protects later rules (docs example)', () => {
    const rule = {
      And: [
        { Variable: '$.keyThatMightNotExist', IsPresent: true },
        { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
      ],
    };
    expect(m(rule, scopeOf({}))).toBe(false);
    expect(m(rule, scopeOf({ keyThatMightNotExist: 'foo' }))).toBe(true);
    expect(m(rule, scopeOf({ keyThatMightNotExist: 'bar' }))).toBe(false);
  });
  it('Or short-circuits on the first true rule', () => {
    const rule = { Or: [{ Variable: '$.missing', IsPresent: false }, { Variable: '$.missing', NumericEquals: 1 }] };
    expect(m(rule)).toBe(true);
  });
  it('errors propagate out of nested rules that are evaluated', () => {
    expectRuntime(() => m({ Not: { Variable: '$.missing', StringEquals: 'x' } }), "Invalid path '$.missing'");
    expectRuntime(
      () => m({ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$.missing', NumericEquals: 1 }] }),
      "Invalid path '$.missing'",
    );
  });
  it('rejects malformed And/Or/Not', () => {
    expectRuntime(() => m({ And: [] }), 'non-empty array');
    expectRuntime(() => m({ Or: { Variable: '$.n', NumericEquals: 1 } }), 'non-empty array');
    expectRuntime(() => m({ Not: [{ Variable: '$.n', NumericEquals: 1 }] }), 'nested Choice rule');
  });
});

describe('AWS docs examples', () => {
  // ChoiceStateX from the "Choice workflow state" page, evaluated in order like the Choice state does.
  const choices = [
    { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
    { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
    {
      And: [
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        { Variable: '$.value', NumericLessThan: 30 },
      ],
      Next: 'ValueInTwenties',
    },
  ];
  const pick = (inp: unknown) => choices.find((c) => matchesChoiceRule(c, scopeOf(inp)))?.Next ?? 'DefaultState';
  it('ChoiceStateX transitions', () => {
    expect(pick({ type: 'Private', value: 22 })).toBe('ValueInTwenties');
    expect(pick({ type: 'Public', value: 22 })).toBe('Public');
    expect(pick({ type: 'Private', value: 0 })).toBe('ValueIsZero');
    expect(pick({ type: 'Private', value: 30 })).toBe('DefaultState');
  });
  it('ChoiceStateX fails when $.type is missing', () => {
    expectRuntime(() => pick({ value: 22 }), "Invalid path '$.type'");
  });
  it('single-rule examples', () => {
    expect(m({ Variable: '$.foo', NumericEquals: 1, Next: 'FirstMatchState' }, scopeOf({ foo: 1 }))).toBe(true);
    expect(m({ Variable: '$.foo', StringEquals: 'MyString', Next: 'F' }, scopeOf({ foo: 'MyString' }))).toBe(true);
    expect(m({ Variable: '$.foo', StringGreaterThan: 'MyStringABC', Next: 'F' }, scopeOf({ foo: 'MyStringABD' }))).toBe(true);
    expect(m({ Variable: '$.possiblyNullValue', IsNull: true }, scopeOf({ possiblyNullValue: null }))).toBe(true);
    expect(m({ Variable: '$.foo', StringMatches: 'log-*.txt' }, scopeOf({ foo: 'log-today.txt' }))).toBe(true);
    expect(m({ Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' }, scopeOf({ foo: '2001-01-01T12:00:00Z' }))).toBe(true);
    expect(m({ Variable: '$.foo', StringEqualsPath: '$.bar' }, scopeOf({ foo: 'x', bar: 'x' }))).toBe(true);
  });
});

describe('malformed rules', () => {
  it('an unknown operator fails with States.Runtime naming it', () => {
    expectRuntime(() => m({ Variable: '$.n', NumericEqual: 10, Next: 'X' }), 'NumericEqual');
    expectRuntime(() => m({ Variable: '$.s', StringMatchesPath: '$.s' }), 'StringMatchesPath');
    expectRuntime(() => m({ Variable: '$.n', Next: 'X' }), 'Unsupported Choice rule operator');
  });
  it('Next, Comment and Assign are ignored', () => {
    expect(m({ Variable: '$.n', NumericEquals: 10, Next: 'X', Comment: 'c', Assign: { a: 1 } })).toBe(true);
  });
});
