/**
 * The errors an approval step ends with, named so that the deploy workflow's Catch can route
 * them (the bundle keeps class names). Rejected and Returned are also what the decision page
 * sends with SendTaskFailure.
 */
export class RejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Rejected';
  }
}

export class ReturnedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Returned';
  }
}

/** The task was decided before this wait could store its token: apply the recorded decision. */
export class AlreadyDecidedError extends Error {
  constructor() {
    super('The approval task was decided before its wait was (re-)issued');
    this.name = 'AlreadyDecided';
  }
}

/** The error names a decision sends back with, by outcome. */
export const SENT_BACK_ERRORS = { rejected: 'Rejected', returned: 'Returned' } as const;
