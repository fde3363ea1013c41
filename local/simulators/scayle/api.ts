/** What every Admin API route of the SCAYLE simulator shares: the handler type, errors, bodies and timestamps. */
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { SimEnv } from '../sim-server';
import { ERROR_KEYS, type ScayleOperation } from './facts';

/** A Hono handler of the simulator. */
export type Handler = (c: Context<SimEnv>) => Response | Promise<Response>;

/** What a group of Admin API routes needs to register itself. */
export interface ApiContext {
  readonly app: Hono<SimEnv>;
  /** The Admin API base path, e.g. `/api/admin/v1`. */
  readonly base: string;
  /** Wraps a handler: `X-Access-Token`, the operation's rate limit and injected faults. */
  readonly authed: (operation: ScayleOperation, handler: Handler) => Handler;
}

/** A path parameter, `''` when absent. */
export const param = (c: Context<SimEnv>, name: string): string => c.req.param(name) ?? '';

/** The JSON body of a request, or undefined when it is not JSON. */
export const readJson = (c: Context<SimEnv>): Promise<unknown> => c.req.json().catch(() => undefined);

/** SCAYLE's error answer `{errors: [{errorKey, message, context}]}` [V facts ERROR_KEYS]. */
export const apiError = (
  c: Context,
  status: ContentfulStatusCode,
  errorKey: string,
  message: string,
  context: Record<string, unknown> = {},
) => c.json({ errors: [{ errorKey, message, context }] }, status);

/** The issues of a failed parse in one line, each field named (under `prefix`, e.g. `body.`). */
export const describe = (error: z.ZodError, prefix = '') =>
  error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`).join('; ');

/** 400 for a body that fails validation, naming each field. */
export const invalid = (c: Context, error: z.ZodError | string) =>
  apiError(c, 400, ERROR_KEYS.validation, typeof error === 'string' ? error : describe(error));

/** 404 in SCAYLE's error shape. */
export const notFound = (c: Context, message: string) => apiError(c, 404, ERROR_KEYS.notFound, message);

/** 400 of the control surface (`/_sim/*`), the same for every simulator. */
export const controlInvalid = (c: Context, error: z.ZodError) =>
  c.json({ error: 'invalid body', issues: error.issues }, 400);

/**
 * A time as SCAYLE writes it: ISO-8601 to the second with a `+00:00` offset, e.g. `2018-01-20T09:30:15+00:00`
 * [O fixtures].
 */
export const timestamp = (at: Date | number = Date.now()): string => `${new Date(at).toISOString().slice(0, 19)}+00:00`;

/**
 * A path identifier: `key=<referenceKey>` or a numeric id, URL-encoded either way [V reference §1.1]. Undefined when
 * the identifier is not valid URL encoding.
 */
export const parseIdentifier = (
  identifier: string,
): { key: string } | { id: number } | { other: string } | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(identifier);
  } catch {
    return undefined;
  }
  if (decoded.startsWith('key=')) return { key: decoded.slice(4) };
  return /^\d+$/.test(decoded) ? { id: Number(decoded) } : { other: decoded };
};

/**
 * `limit` and `cursor` of a collection; the answer carries `cursor.next`, null on the last page [V reference §1.2].
 * [A] The cursor is the offset.
 */
const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(0).default(0),
});

/** The page of a collection that `limit` and `cursor` ask for, `{entities, cursor: {next}}`; 400 for bad ones. */
export const pageOf = <T>(c: Context<SimEnv>, all: readonly T[], view: (entity: T) => unknown = (entity) => entity) => {
  const page = pageSchema.safeParse({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
  if (!page.success) return invalid(c, page.error);
  const { limit, cursor } = page.data;
  return c.json({
    entities: all.slice(cursor, cursor + limit).map(view),
    cursor: { next: cursor + limit < all.length ? String(cursor + limit) : null },
  });
};
