/** A runtime error inside an execution, matched by Retry/Catch `ErrorEquals`. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly causeText?: string,
  ) {
    super(causeText ?? error);
    this.name = 'StatesError';
  }
}

export const runtimeError = (cause: string) => new StatesError('States.Runtime', cause);

/** An API-level error returned to SFN clients with AWS's exception name. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const invalidDefinition = (problem: string) =>
  new ApiError('InvalidDefinition', `Invalid State Machine Definition: '${problem}'`);
