import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { REPLAY_ASSUMPTIONS } from './assumptions.ts';
import { type BodyProblem, bodyProblem } from './body-check.ts';
import type { ReplayEnv } from './journal.ts';
import type { Sample } from './samples.ts';

type ReplayContext = Context<ReplayEnv>;

const { errorKeys } = REPLAY_ASSUMPTIONS;
const JSON_TYPE = { 'content-type': 'application/json' };

/** An Admin API error in the shape the SDK parses: `{errors: [{errorKey, message, context}]}`. */
const scayleError = (
  c: ReplayContext,
  status: 400 | 401 | 404,
  errorKey: string,
  message: string,
  context: Record<string, unknown> = {},
) => c.json({ errors: [{ errorKey, message, context }] }, status);

/** Answers with a sample exactly as the file holds it, so the hub parses SCAYLE's bytes and not a re-serialisation. */
export const replay = (c: ReplayContext, sample: Sample): Response => {
  c.set('outcome', 'replayed');
  return c.body(sample.bytes, 200, JSON_TYPE);
};

/** The 404 for what no sample covers, marked so a test can list what the hub asked for in vain. */
export const unreplayable = (c: ReplayContext, message: string): Response => {
  c.set('outcome', 'unreplayable');
  return scayleError(c, 404, errorKeys.notFound, message);
};

const rejected = (c: ReplayContext, problem: BodyProblem): Response => {
  c.set('outcome', 'rejected');
  return scayleError(c, 400, errorKeys.invalid, problem.message, problem.field ? { field: problem.field } : {});
};

/**
 * A write: the body must fit the vendor's sample of that request (see {@link bodyProblem}); then the peer
 * answers `status`, with the `answer` sample's bytes when SCAYLE's answer has a sample, else with no body.
 */
export const accept = (c: ReplayContext, request: Sample, status: 201 | 204, answer?: Sample): Response => {
  const problem = bodyProblem(c.get('body'), request.json, REPLAY_ASSUMPTIONS.optionalFields[request.name] ?? []);
  if (problem) return rejected(c, problem);
  c.set('outcome', 'accepted');
  // Only a 201 ever comes with an answer; the cast tells Hono so, since a 204 may carry no body.
  return answer ? c.body(answer.bytes, status as 201, JSON_TYPE) : c.body(null, status);
};

const sameToken = (given: string | undefined, token: string): boolean => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** SCAYLE's key check (`X-Access-Token`, lib/AbstractApi.php), ahead of every route, known or not. */
export const requireToken =
  (token: string): MiddlewareHandler<ReplayEnv> =>
  async (c, next) => {
    if (sameToken(c.req.header('x-access-token'), token)) return next();
    c.set('outcome', 'unauthorized');
    return scayleError(c, 401, errorKeys.unauthorized, 'Missing or invalid X-Access-Token');
  };
