import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  ConditionFailedError,
  type FieldIssue,
  NotFoundError,
  PayloadTooLargeError,
  ThrottledError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';

/** The JSON body of every error the hub's API returns. */
export interface HttpErrorBody {
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly FieldIssue[];
}

const statusOf = (error: unknown): number => {
  if (error instanceof ValidationError) return 400;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConditionFailedError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof UnsupportedMediaTypeError) return 415;
  if (error instanceof ThrottledError) return 503;
  return 500;
};

/**
 * The one place that turns an error into an HTTP answer. Internal details of unexpected errors are never
 * echoed to the caller: they get a generic 500 and the log keeps the rest.
 */
export const toHttpResponse = (error: unknown): APIGatewayProxyResult => {
  const statusCode = statusOf(error);
  const known = statusCode !== 500 && error instanceof Error;
  const body: HttpErrorBody = {
    error: known ? error.name : 'InternalError',
    message: known ? error.message : 'The hub could not process the request; it has been logged.',
    ...(error instanceof ValidationError && error.issues.length > 0 ? { issues: error.issues } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error instanceof UnauthorizedError) headers['www-authenticate'] = 'Basic realm="scayle-hub"';
  if (error instanceof ThrottledError) headers['retry-after'] = String(Math.ceil((error.retryAfterMs ?? 1000) / 1000));
  return { statusCode, headers, body: JSON.stringify(body) };
};

/** A JSON answer with the given status. */
export const jsonResponse = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
