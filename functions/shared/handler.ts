import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';

/** Bad input to a function: named so that Retry/Catch can tell it from a transient failure. */
export class InvalidInputError extends Error {
  constructor(message: string, readonly issues: unknown) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** Validates the event with a zod schema before the core sees it. */
const validateWith = <S extends z.ZodType>(schema: S): middy.MiddlewareObj<unknown> => ({
  before: (request) => {
    const parsed = schema.safeParse(request.event);
    if (!parsed.success) {
      throw new InvalidInputError(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, parsed.error.issues);
    }
    request.event = parsed.data;
  },
});

/** A thin Lambda handler: validated input, then the core function. */
export function stepHandler<S extends z.ZodType, R>(schema: S, core: (input: z.infer<S>, context: Context) => Promise<R>) {
  return middy<z.infer<S>, R>()
    .use(validateWith(schema) as middy.MiddlewareObj<z.infer<S>, R>)
    .handler((event, context) => core(event, context));
}
