import type { MiddlewareHandler } from 'hono';

/**
 * How the peer answered one request: with a sample's bytes, by accepting a write that fits its sample, by
 * refusing a body or a token, or with a 404 because no sample covers the route or the identifier asked for.
 */
export type Outcome = 'replayed' | 'accepted' | 'rejected' | 'unauthorized' | 'unreplayable';

/** One request to the peer's SCAYLE side, as `GET /_replay/requests` lists it. */
export interface ReplayedRequest {
  readonly method: string;
  /** Path and query as sent, still URL-encoded. */
  readonly path: string;
  readonly status: number;
  readonly outcome: Outcome;
  /** The JSON body; the raw text when it is not JSON; null when there is none. */
  readonly body: unknown;
}

/** Hono environment of the peer: the request body read once, and the outcome its handler gave it. */
export type ReplayEnv = { Variables: { body: unknown; outcome: Outcome } };

/** Where the peer's own control API lives, apart from anything SCAYLE serves. */
export const CONTROL_PREFIX = '/_replay';

const parseBody = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Records every request to the SCAYLE side with the status and outcome it got. A request no handler claims
 * counts as unreplayable. Control calls are the test's, not the hub's, so they stay out of the record.
 */
export const journal =
  (requests: ReplayedRequest[]): MiddlewareHandler<ReplayEnv> =>
  async (c, next) => {
    if (c.req.path === CONTROL_PREFIX || c.req.path.startsWith(`${CONTROL_PREFIX}/`)) return next();
    c.set('body', parseBody(await c.req.text()));
    await next();
    const url = new URL(c.req.url);
    requests.push({
      method: c.req.method,
      path: `${url.pathname}${url.search}`,
      status: c.res.status,
      outcome: c.get('outcome') ?? 'unreplayable',
      body: c.get('body'),
    });
  };
