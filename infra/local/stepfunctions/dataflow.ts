import { StatesError } from './errors.js';
import type { Frame } from './frame.js';
import { evaluateJsonataField, evaluateJsonataTemplate } from './jsonata.js';
import { applyResultPath, readPath, type PathScope } from './paths.js';
import { evaluatePayloadTemplate } from './payload.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';
export type StateDefinition = Record<string, any>;

/** Everything a state's input and output processing needs. */
export interface StateData {
  state: StateDefinition;
  language: QueryLanguage;
  input: unknown;
  context: Record<string, unknown>;
  frame: Frame;
}

const MAX_PAYLOAD = 256 * 1024;

export function checkSize(value: unknown, what: string): string {
  const json = JSON.stringify(value) ?? 'null';
  if (Buffer.byteLength(json) > MAX_PAYLOAD) {
    throw new StatesError('States.DataLimitExceeded', `The ${what} exceeds the maximum size of 256 KiB`);
  }
  return json;
}

const pathScope = (d: StateData, input: unknown): PathScope => ({ input, context: d.context, variables: d.frame });

const jsonataScope = (d: StateData, extra: { result?: unknown; errorOutput?: unknown } = {}) => ({
  states: { input: d.input, context: d.context, ...extra },
  variables: d.frame.all(),
});

/** InputPath, then Parameters (JSONPath); or Arguments (JSONata). What the state acts on. */
export async function effectiveInput(d: StateData, templateField = 'Parameters'): Promise<unknown> {
  if (d.language === 'JSONata') {
    const template = d.state.Arguments;
    return template === undefined ? d.input : evaluateJsonataField('Arguments', template, jsonataScope(d));
  }
  const input = selectInput(d);
  const template = d.state[templateField];
  return template === undefined ? input : evaluatePayloadTemplate(template, pathScope(d, input));
}

/** InputPath alone (states without a payload template, and Map before ItemSelector). */
export function selectInput(d: StateData): unknown {
  const inputPath = d.state.InputPath;
  if (inputPath === null) return {};
  return inputPath === undefined ? d.input : readPath(inputPath, pathScope(d, d.input));
}

export interface StateOutcome {
  output: unknown;
  assigned?: Record<string, unknown>;
}

/**
 * Turns a state's result into its output and variable assignments:
 * ResultSelector, Assign, ResultPath, OutputPath (JSONPath) or Assign and Output (JSONata).
 * `result` is undefined for states that produce none (Choice, Wait, Succeed).
 */
export async function finishState(d: StateData, result: unknown, hasResult: boolean): Promise<StateOutcome> {
  if (d.language === 'JSONata') {
    const scope = jsonataScope(d, hasResult ? { result } : {});
    const assigned = d.state.Assign === undefined ? undefined : ((await evaluateJsonataTemplate(d.state.Assign, scope, 'Assign')) as Record<string, unknown>);
    const output = d.state.Output === undefined ? (hasResult ? result : d.input) : await evaluateJsonataField('Output', d.state.Output, scope);
    return { output, assigned };
  }
  let selected = result;
  if (hasResult && d.state.ResultSelector !== undefined) {
    selected = evaluatePayloadTemplate(d.state.ResultSelector, pathScope(d, result));
  }
  const assignInput = hasResult ? selected : selectInput(d);
  const assigned = d.state.Assign === undefined ? undefined : (evaluatePayloadTemplate(d.state.Assign, pathScope(d, assignInput)) as Record<string, unknown>);
  const combined = hasResult ? applyResultPath(d.input, d.state.ResultPath, selected) : selectInput(d);
  return { output: selectOutput(d, combined), assigned };
}

export function selectOutput(d: StateData, value: unknown): unknown {
  const outputPath = d.state.OutputPath;
  if (outputPath === null) return {};
  return outputPath === undefined ? value : readPath(outputPath, pathScope(d, value));
}

/** The output of a Catch: the error output placed by ResultPath, or the catcher's Output. */
export async function catchOutput(
  d: StateData,
  catcher: { ResultPath?: string | null; Output?: unknown; Assign?: Record<string, unknown> },
  errorOutput: { Error: string; Cause?: string },
): Promise<StateOutcome> {
  if (d.language === 'JSONata') {
    const scope = jsonataScope(d, { errorOutput });
    const assigned = catcher.Assign === undefined ? undefined : ((await evaluateJsonataTemplate(catcher.Assign, scope, 'Assign')) as Record<string, unknown>);
    const output = catcher.Output === undefined ? errorOutput : await evaluateJsonataField('Output', catcher.Output, scope);
    return { output, assigned };
  }
  const assigned = catcher.Assign === undefined ? undefined : (evaluatePayloadTemplate(catcher.Assign, pathScope(d, errorOutput)) as Record<string, unknown>);
  return { output: applyResultPath(d.input, catcher.ResultPath, errorOutput), assigned };
}

/** A numeric field that may be given statically, by a `...Path`, or as JSONata. */
export async function numericField(d: StateData, field: string): Promise<number | undefined> {
  const value = d.state[field];
  const path = d.state[`${field}Path`];
  let n: unknown;
  const fromJsonata = typeof value === 'string' && d.language === 'JSONata';
  if (fromJsonata) n = await evaluateJsonataField(field, value, jsonataScope(d));
  else if (value !== undefined) n = value;
  else if (path !== undefined) n = readPath(path, pathScope(d, selectInput(d)));
  else return undefined;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    // An expression with an incorrectly typed result is a query evaluation error (docs: "Error names").
    const error = fromJsonata ? 'States.QueryEvaluationError' : 'States.Runtime';
    throw new StatesError(error, `The value of ${field}${path !== undefined ? 'Path' : ''} must be a non-negative number, got ${JSON.stringify(n)}`);
  }
  return n;
}

export { jsonataScope, pathScope };
