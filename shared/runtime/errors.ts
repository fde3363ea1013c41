/**
 * The hub's error vocabulary. Errors are thrown everywhere and translated only at the edge
 * (HTTP status in `http-errors.ts`, batch item failure in `handler.ts`, `ErrorEquals` in Step Functions),
 * so a use case never decides how its failure is reported.
 */

/** Base of every error the hub raises on purpose. `retryable` tells the edge whether trying again can help. */
export abstract class HubError extends Error {
  /** True when the same call may succeed later (timeouts, throttling, 5xx). */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failure that can heal by itself: timeouts, throttling, a peer's 5xx. Queues retry it. */
export class RetryableError extends HubError {
  readonly retryable = true;
}

/** A failure that the same input will always meet again: bad data, a peer's 4xx, a broken rule. */
export class PermanentError extends HubError {
  readonly retryable = false;
}

/** One problem found in a payload: the dotted path of the field and why it was refused. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Input failed validation; `issues` names each field and why. */
export class ValidationError extends PermanentError {
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Credentials missing or wrong. */
export class UnauthorizedError extends PermanentError {}

/** The request's content type is not one the route accepts. */
export class UnsupportedMediaTypeError extends PermanentError {}

/** The request body is larger than the route accepts. */
export class PayloadTooLargeError extends PermanentError {}

/** The thing asked for does not exist. */
export class NotFoundError extends PermanentError {}

/** A configuration value is missing or malformed; raised at cold start or synth time. */
export class ConfigError extends PermanentError {
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * A DynamoDB condition did not hold: somebody else moved the item first, or it already exists.
 * `stored` is the item as it was when the condition failed (`ALL_OLD`), so the caller decides without a second read.
 */
export class ConditionFailedError<T = Record<string, unknown>> extends PermanentError {
  constructor(
    message: string,
    readonly stored: T | undefined,
  ) {
    super(message);
  }
}

/** A peer answered 429 or our own rate limiter refused; `retryAfterMs` is the peer's hint when it gave one. */
export class ThrottledError extends RetryableError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A call to a peer did not answer within its timeout. */
export class TimeoutError extends RetryableError {}

/** A queue consumer left a message untouched: too little of its invocation was left to finish it. */
export class OutOfTimeError extends RetryableError {}

/** A peer answered 5xx or the connection failed. */
export class UpstreamError extends RetryableError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A peer answered with a 4xx the hub cannot fix by retrying; `body` keeps the peer's error for the exception item. */
export class UpstreamRejectedError extends PermanentError {
  constructor(
    message: string,
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** True when trying again may help. Unknown errors (bugs, SDK faults) count as retryable: the queue's bound stops them. */
export const isRetryable = (error: unknown): boolean => !(error instanceof HubError) || error.retryable;
