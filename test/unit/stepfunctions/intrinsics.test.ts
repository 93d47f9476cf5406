import { describe, it, expect } from 'vitest';
import { evaluateIntrinsic, isIntrinsicCall } from '../../../infra/local/stepfunctions/intrinsics.js';
import { StatesError } from '../../../infra/local/stepfunctions/errors.js';
import type { PathScope } from '../../../infra/local/stepfunctions/paths.js';

const scopeOf = (input: unknown, vars: Record<string, unknown> = {}, context: unknown = {}): PathScope => ({
  input,
  context,
  variables: { get: (n) => (n in vars ? { found: true, value: vars[n] } : { found: false }) },
});

const run = (expr: string, input: unknown = {}, vars: Record<string, unknown> = {}, context: unknown = {}) =>
  evaluateIntrinsic(expr, scopeOf(input, vars, context));

/** Asserts the call throws a StatesError with the given name and a cause mentioning `text`. */
function expectError(fn: () => unknown, error: string, text?: string | RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StatesError);
  expect((caught as StatesError).error).toBe(error);
  if (text) expect((caught as StatesError).causeText).toMatch(text);
}
const expectFailure = (expr: string, text?: string | RegExp, input: unknown = {}) =>
  expectError(() => run(expr, input), 'States.IntrinsicFailure', text);

describe('States.Format', () => {
  // AWS docs: {"name": "Arnav", "template": "Hello, my name is {}."}
  const input = { name: 'Arnav', template: 'Hello, my name is {}.' };

  it('formats a literal template (AWS example)', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", input)).toBe('Hello, my name is Arnav.');
  });

  it('formats a template read from a path (AWS example)', () => {
    expect(run('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
  });

  it('renders non-string values the way AWS does', () => {
    expect(run("States.Format('{} {} {} {}', 1, 1.5, true, null)")).toBe('1 1.5 true null');
    // Recorded AWS behaviour: objects/arrays use Java toString style, not JSON.
    expect(run("States.Format('x={}', $.o)", { o: { Arg1: 1, Arg2: [] } })).toBe('x={Arg1=1, Arg2=[]}');
    expect(run("States.Format('{}', $.a)", { a: [1, 'b', { c: null }] })).toBe('[1, b, {c=null}]');
  });

  it('handles escaped reserved characters', () => {
    expect(run("States.Format('\\{\\} is {}', 'x')")).toBe('{} is x');
    expect(run("States.Format('it\\'s {}', $.name)", input)).toBe("it's Arnav");
    expect(run("States.Format('back\\\\slash {}', 1)")).toBe('back\\slash 1');
  });

  it('requires the placeholder count to match the arguments', () => {
    expectFailure("States.Format('{} and {}', 'a')", /States\.Format.*2 '\{\}' placeholder/);
    expectFailure("States.Format('none', 'a')", /States\.Format/);
    expectFailure('States.Format()', /States\.Format: expected at least 1/);
  });

  it('requires the first argument to be a string', () => {
    expectFailure('States.Format(1)', /States\.Format: the first argument must be a string/);
  });

  it('accepts nested calls as arguments', () => {
    expect(run("States.Format('{} items', States.ArrayLength($.a))", { a: [1, 2, 3] })).toBe('3 items');
  });
});

describe('States.StringToJson', () => {
  it('parses an escaped JSON string (AWS example)', () => {
    expect(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({ foo: 'bar' });
  });

  it('parses scalars and treats a blank string as null', () => {
    expect(run("States.StringToJson('[1, 2]')")).toEqual([1, 2]);
    expect(run("States.StringToJson('true')")).toBe(true);
    expect(run("States.StringToJson(' ')")).toBeNull();
  });

  it('fails on invalid JSON or a non-string', () => {
    expectFailure("States.StringToJson('{bad')", /States\.StringToJson: the argument is not valid JSON/);
    expectFailure('States.StringToJson(1)', /must be a string/);
    expectFailure("States.StringToJson('a', 'b')", /exactly 1/);
  });
});

describe('States.JsonToString', () => {
  it('serialises the data at a path (AWS example)', () => {
    expect(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } })).toBe('{"foo":"bar"}');
  });

  it('serialises scalars', () => {
    expect(run('States.JsonToString($.s)', { s: 'HelloWorld' })).toBe('"HelloWorld"');
    expect(run('States.JsonToString($.n)', { n: null })).toBe('null');
  });

  it('requires exactly one argument', () => {
    expectFailure('States.JsonToString()', /States\.JsonToString: expected exactly 1/);
  });
});

describe('States.Array', () => {
  it('wraps its arguments in an array (AWS example)', () => {
    expect(run('States.Array($.Id)', { Id: 123456 })).toEqual([123456]);
  });

  it('accepts zero or many mixed arguments', () => {
    expect(run('States.Array()')).toEqual([]);
    expect(run("States.Array('a', 1, -2.5, true, false, null, $.o)", { o: { x: 1 } })).toEqual([
      'a',
      1,
      -2.5,
      true,
      false,
      null,
      { x: 1 },
    ]);
  });
});

describe('States.ArrayPartition', () => {
  it('chunks an array (AWS example)', () => {
    expect(run('States.ArrayPartition($.inputArray,4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9],
    ]);
  });

  it('returns [] for an empty array and rounds a fractional chunk size', () => {
    expect(run('States.ArrayPartition($.a, 2)', { a: [] })).toEqual([]);
    expect(run('States.ArrayPartition($.a, 1.6)', { a: [1, 2, 3] })).toEqual([[1, 2], [3]]);
  });

  it('rejects a non-positive chunk size or a non-array', () => {
    expectFailure('States.ArrayPartition($.a, 0)', /States\.ArrayPartition: the chunk size must be a positive integer/, { a: [1] });
    expectFailure('States.ArrayPartition($.a, -1)', /positive integer/, { a: [1] });
    expectFailure("States.ArrayPartition('abc', 1)", /first argument must be an array/);
    expectFailure("States.ArrayPartition($.a, '2')", /second argument must be a number/, { a: [1] });
  });
});

describe('States.ArrayContains', () => {
  it('finds a value (AWS example)', () => {
    expect(run('States.ArrayContains($.inputArray, $.lookingFor)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 })).toBe(true);
  });

  it('compares arrays and objects structurally', () => {
    const input = { a: [[1, 2, 3], { k: [1] }, null] };
    expect(run('States.ArrayContains($.a, $.v)', { ...input, v: [1, 2, 3] })).toBe(true);
    expect(run('States.ArrayContains($.a, $.v)', { ...input, v: { k: [1] } })).toBe(true);
    expect(run('States.ArrayContains($.a, null)', input)).toBe(true);
    expect(run('States.ArrayContains($.a, 2)', input)).toBe(false);
  });

  it('requires an array and two arguments', () => {
    expectFailure("States.ArrayContains('x', 1)", /States\.ArrayContains: the first argument must be an array/);
    expectFailure('States.ArrayContains($.a)', /exactly 2/, { a: [] });
  });
});

describe('States.ArrayRange', () => {
  it('builds a stepped range (AWS example)', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
  });

  it('handles uneven ends, negative steps, empty ranges and rounding', () => {
    expect(run('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(run('States.ArrayRange(5, 1, 1)')).toEqual([]);
    expect(run('States.ArrayRange(0.6, 2.4, 1)')).toEqual([1, 2]);
  });

  it('allows 1000 items but not 1001', () => {
    expect(run('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expectFailure('States.ArrayRange(0, 1000, 1)', /States\.ArrayRange: the range would have 1001 items; the maximum is 1000/);
  });

  it('rejects a zero step, non-numbers and wrong counts', () => {
    expectFailure('States.ArrayRange(1, 9, 0)', /step .* must not be zero/);
    expectFailure("States.ArrayRange('1', 9, 1)", /first argument must be a number/);
    expectFailure('States.ArrayRange(1, 9)', /exactly 3/);
  });
});

describe('States.ArrayGetItem', () => {
  const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 };

  it('returns the item at an index (AWS example)', () => {
    expect(run('States.ArrayGetItem($.inputArray, $.index)', input)).toBe(6);
  });

  it('rejects out-of-range and non-integer indexes', () => {
    expectFailure('States.ArrayGetItem($.inputArray, 9)', /States\.ArrayGetItem: index 9 is out of bounds/, input);
    expectFailure('States.ArrayGetItem($.inputArray, -1)', /out of bounds/, input);
    expectFailure('States.ArrayGetItem($.inputArray, 1.5)', /integer index/, input);
    expectFailure("States.ArrayGetItem('abc', 0)", /must be an array/);
  });
});

describe('States.ArrayLength', () => {
  it('returns the length (AWS example)', () => {
    expect(run('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toBe(9);
  });

  it('rejects a non-array', () => {
    expectFailure('States.ArrayLength($.s)', /States\.ArrayLength: the first argument must be an array, but received string/, { s: 'abc' });
  });
});

describe('States.ArrayUnique', () => {
  it('removes duplicates (AWS example)', () => {
    expect(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
  });

  it('deduplicates structurally and keeps first occurrences in order', () => {
    const a = [null, null, true, 'x', 'x', [], [], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 1 }];
    expect(run('States.ArrayUnique($.a)', { a })).toEqual([null, true, 'x', [], { a: 1, b: 2 }, { a: 1, b: 1 }]);
  });

  it('rejects a non-array', () => {
    expectFailure('States.ArrayUnique(1)', /States\.ArrayUnique: the first argument must be an array/);
  });
});

describe('States.Base64Encode / States.Base64Decode', () => {
  it('encodes (AWS example)', () => {
    expect(run('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
  });

  it('decodes (AWS example input)', () => {
    // The AWS page shows the output as "Decoded data", but this string decodes to "Data to encode".
    expect(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
  });

  it('round-trips UTF-8 and accepts missing padding', () => {
    expect(run("States.Base64Encode('暖流')")).toBe('5pqW5rWB');
    expect(run("States.Base64Decode('5pqW5rWB')")).toBe('暖流');
    expect(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU')")).toBe('Data to encode');
    expect(run("States.Base64Decode('')")).toBe('');
  });

  it('enforces the 10,000 character limit', () => {
    expect(run('States.Base64Encode($.s)', { s: 'a'.repeat(10_000) })).toHaveLength(13_336);
    expectFailure('States.Base64Encode($.s)', /States\.Base64Encode: .*10001 characters; the maximum is 10,000/, { s: 'a'.repeat(10_001) });
    expectFailure('States.Base64Decode($.s)', /States\.Base64Decode: .*maximum is 10,000/, { s: 'A'.repeat(10_004) });
  });

  it('rejects invalid Base64 and non-strings', () => {
    expectFailure("States.Base64Decode('not base64!')", /States\.Base64Decode: the argument is not valid Base64/);
    expectFailure('States.Base64Decode(1)', /must be a string/);
    expectFailure('States.Base64Encode($.o)', /must be a string, but received object/, { o: {} });
  });
});

describe('States.Hash', () => {
  it('hashes with SHA-1 (AWS example)', () => {
    // The AWS page prints this digest with one "4" missing; this is the real SHA-1 of "input data".
    expect(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' })).toBe(
      'aaff4a450a104cd177d28d18d74485e8cae074b7',
    );
  });

  it('supports every documented algorithm', () => {
    const hash = (alg: string) => run(`States.Hash('input data', '${alg}')`);
    expect(hash('MD5')).toBe('812f45842bc6d66ee14572ce20db8e86');
    expect(hash('SHA-256')).toBe('b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3');
    expect(hash('SHA-384')).toBe('d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562');
    expect(hash('SHA-512')).toBe(
      '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4',
    );
  });

  it('rejects unknown algorithms, long input and non-strings', () => {
    expectFailure("States.Hash('x', 'SHA256')", /States\.Hash: unsupported algorithm 'SHA256'/);
    expectFailure("States.Hash('x', 'sha-1')", /unsupported algorithm/);
    expectFailure("States.Hash($.s, 'MD5')", /maximum is 10,000/, { s: 'a'.repeat(10_001) });
    expectFailure("States.Hash(1, 'MD5')", /first argument must be a string/);
  });
});

describe('States.JsonMerge', () => {
  it('merges shallowly (AWS example)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(run('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3 });
    expect(input.json1).toEqual({ a: { a1: 1, a2: 2 }, b: 2 }); // inputs untouched
  });

  it('works with nested calls and context paths', () => {
    const context = { Execution: { Input: { f: { k: 'v' } } } };
    expect(run("States.JsonMerge(States.StringToJson('{\"x\": \"false\"}'), $$.Execution.Input.f, false)", {}, {}, context)).toEqual({
      x: 'false',
      k: 'v',
    });
  });

  it('rejects deep merge, non-objects and wrong counts', () => {
    const input = { a: { x: 1 }, b: { y: 2 }, arr: [1] };
    expectFailure('States.JsonMerge($.a, $.b, true)', /States\.JsonMerge: only shallow merging is supported/, input);
    expectFailure("States.JsonMerge($.a, $.b, 'false')", /third argument must be a boolean/, input);
    expectFailure('States.JsonMerge($.a, $.arr, false)', /second argument must be a JSON object, but received array/, input);
    expectFailure('States.JsonMerge($.a, $.b)', /exactly 3/, input);
  });
});

describe('States.MathRandom', () => {
  it('returns an integer in [start, end) (AWS example range)', () => {
    for (let i = 0; i < 200; i++) {
      const n = run('States.MathRandom($.start, $.end)', { start: 1, end: 999 }) as number;
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThan(999);
    }
    expect(run('States.MathRandom(7, 8)')).toBe(7);
  });

  it('is deterministic for a given seed', () => {
    const a = run('States.MathRandom(0, 1000000, 42)');
    expect(run('States.MathRandom(0, 1000000, 42)')).toBe(a);
    const seeds = new Set([1, 2, 3, 4, 5].map((s) => run(`States.MathRandom(0, 1000000, ${s})`)));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('rejects bad arguments', () => {
    expectFailure('States.MathRandom(1)', /States\.MathRandom: expected 2 to 3 argument/);
    expectFailure('States.MathRandom(5, 5)', /end \(5\) must be greater than the start \(5\)/);
    expectFailure("States.MathRandom('1', 5)", /first argument must be a number/);
    expectFailure("States.MathRandom(1, 5, 'seed')", /third argument must be a number/);
  });
});

describe('States.MathAdd', () => {
  it('adds (AWS example)', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
  });

  it('rounds non-integers half up like AWS', () => {
    expect(run('States.MathAdd(1.49, 1.5)')).toBe(3);
    expect(run('States.MathAdd(-1.5, -1.51)')).toBe(-3);
    expect(run('States.MathAdd(2.5, 0)')).toBe(3);
    expect(run('States.MathAdd(-0.5, 0)')).toBe(0);
    expect(run('States.MathAdd(-2.5, 0)')).toBe(-2);
  });

  it('enforces 32-bit integer arguments and types', () => {
    expect(run('States.MathAdd(2147483647, -2147483648)')).toBe(-1);
    expectFailure('States.MathAdd(2147483648, 0)', /States\.MathAdd: 2147483648 is outside the range/);
    expectFailure("States.MathAdd('1', 2)", /first argument must be a number/);
    expectFailure('States.MathAdd(1, 2, 3)', /exactly 2/);
  });
});

describe('States.StringSplit', () => {
  it('splits on a single delimiter (AWS example)', () => {
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' })).toEqual(['1', '2', '3', '4', '5']);
  });

  it('splits on each of several delimiter characters (AWS example)', () => {
    expect(run('States.StringSplit($.inputString, $.splitter)', { inputString: 'This.is+a,test=string', splitter: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
  });

  it('drops empty tokens like AWS', () => {
    expect(run("States.StringSplit(',,,,', ',')")).toEqual([]);
    expect(run("States.StringSplit(', , ,', ',')")).toEqual([' ', ' ']);
    expect(run("States.StringSplit('abc', '')")).toEqual(['abc']);
  });

  it('rejects non-strings', () => {
    expectFailure("States.StringSplit(1, ',')", /States\.StringSplit: the first argument must be a string/);
    expectFailure("States.StringSplit('a', $.n)", /second argument must be a string/, { n: null });
  });
});

describe('States.UUID', () => {
  it('returns a v4 UUID', () => {
    const uuid = run('States.UUID()') as string;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('States.UUID()')).not.toBe(uuid);
  });

  it('takes no arguments', () => {
    expectFailure("States.UUID('x')", /States\.UUID: expected exactly 0/);
  });
});

describe('parsing', () => {
  it('evaluates the nine-function nesting example from the AWS docs', () => {
    const input = { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.2' } };
    const part = (i: number) =>
      `States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), ${i})`;
    // As printed by AWS the template has three `{}` but only two values, so it fails the count check.
    expectFailure(`States.Format('{}.{}.{}', ${part(0)}, ${part(1)})`, /3 '\{\}' placeholder\(s\) but 2/, input);
    expect(run(`States.Format('{}.{}', ${part(0)}, ${part(1)})`, input)).toBe('1.0');
  });

  it('reads context-object paths and workflow variables', () => {
    const context = { Execution: { Id: 'arn:exec:1', Name: 'run-1' }, StateMachine: { Name: 'relief-flow-v2' } };
    expect(run("States.Format('{}/{}', $$.Execution.Id, $$.Execution.Name)", {}, {}, context)).toBe('arn:exec:1/run-1');
    expect(
      run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))", {}, {}, context),
    ).toBe('v2');
    expect(run('States.MathAdd($counter, 1)', {}, { counter: 41 })).toBe(42);
    expect(run("States.Format('{} {}', $user.name, $user['home town'])", {}, { user: { name: 'Li', 'home town': 'Harbin' } })).toBe('Li Harbin');
  });

  it('accepts bracketed paths, including commas and parentheses inside quotes', () => {
    const input = { a: [10, 20], 'b c': 'x', 'd,e)': 'y' };
    expect(run("States.Array($.a[1], $['b c'], $['d,e)'])", input)).toEqual([20, 'x', 'y']);
    expect(run('States.JsonToString($)', { k: 1 })).toBe('{"k":1}');
  });

  it('tolerates whitespace around tokens', () => {
    expect(run("  States.Array(  1 ,\t'a'  , $.x  )  ".trim(), { x: 2 })).toEqual([1, 'a', 2]);
    expect(run('States.MathAdd( -1.5e1 , 0.25 )')).toBe(-15);
  });

  it('keeps States.Runtime for paths that select nothing', () => {
    expectError(() => run('States.ArrayLength($.missing)', {}), 'States.Runtime', /\$\.missing/);
    expectError(() => run('States.Format($.x, $nope)', { x: '{}' }), 'States.Runtime', /nope/);
    expectError(() => run("States.Format('{}', $$.Execution.Nope)", {}, {}, { Execution: {} }), 'States.Runtime');
  });

  it('reports syntax errors and unknown functions as States.IntrinsicFailure', () => {
    expectFailure('States.Nope(1)', /States\.Nope: unknown intrinsic function/);
    expectFailure("States.Format('unterminated)", /unterminated string literal/);
    expectFailure("States.Format('bad \\n escape')", /invalid escape sequence/);
    expectFailure('States.Array(1, )', /expected an argument/);
    expectFailure('States.Array(1) extra', /unexpected trailing text/);
    expectFailure('States.Array(undefined)', /expected an argument/);
  });

  it('caches parsed expressions without sharing results', () => {
    const expr = 'States.Array($.v)';
    expect(run(expr, { v: 1 })).toEqual([1]);
    expect(run(expr, { v: 2 })).toEqual([2]);
  });
});

describe('isIntrinsicCall', () => {
  it('recognises well-formed States.* calls only', () => {
    expect(isIntrinsicCall('States.Format($.a)')).toBe(true);
    expect(isIntrinsicCall('States.UUID()')).toBe(true);
    expect(isIntrinsicCall('$.a')).toBe(false);
    expect(isIntrinsicCall('States.Format(')).toBe(false);
    expect(isIntrinsicCall('Hello States.Array()')).toBe(false);
  });
});
