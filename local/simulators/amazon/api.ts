/**
 * What the SP-API route modules (orders, listings, documents, notifications) share: how an operation is registered
 * and the small request helpers every API family uses.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { SimEnv } from '../sim-server';
import type { Access, Grant } from './auth';
import { ERRORS, type SpApiOperation } from './facts';
import { describeIssues, type IdSource, invalidInput, spApiError } from './support';

/** An HTTP method SP-API uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The handler of one SP-API operation, given the grant of the token it was called with. */
export type OperationHandler = (c: Context<SimEnv>, grant: Grant) => Response | Promise<Response>;

/** What a route module registers its operations with. */
export interface ApiContext {
  readonly app: Hono<SimEnv>;
  /** Registers an SP-API operation behind the token check, its usage plan and fault injection. */
  readonly route: (
    method: Method,
    path: string,
    operation: SpApiOperation,
    access: Access,
    handler: OperationHandler,
  ) => void;
  /** Wraps a handler outside SP-API proper (LWA, pre-signed URLs) in fault injection only. */
  readonly operation: (
    name: string,
    handler: (c: Context<SimEnv>) => Response | Promise<Response>,
  ) => (c: Context<SimEnv>) => Promise<Response>;
  readonly sellerId: string;
  readonly marketplaceIds: readonly string[];
  readonly ids: IdSource;
}

/** A path parameter; a route only runs when its parameters are present. */
export const param = (c: Context, name: string): string => c.req.param(name) ?? '';

/** Scheme, host and port the caller used, for the URLs the simulator hands out. */
export const origin = (c: Context): string => new URL(c.req.url).origin;

/**
 * The answer to a Listings Items call whose path names another seller than the one who authorised the token (see
 * ERRORS.foreignSeller), or undefined on the seller's own path.
 */
export const foreignSeller = (api: ApiContext, c: Context): Response | undefined =>
  param(c, 'sellerId') === api.sellerId ? undefined : invalidInput(c, ERRORS.foreignSeller);

/** What is wrong with a request's marketplace ids (missing, too many, not the seller's), or undefined. */
export const marketplaceProblem = (
  api: ApiContext,
  given: readonly string[] | undefined,
  max: number,
): string | undefined => {
  if (!given || given.length === 0) return 'marketplaceIds is required.';
  if (given.length > max) return `At most ${max} marketplaceIds are allowed.`;
  const foreign = given.filter((id) => !api.marketplaceIds.includes(id));
  return foreign.length > 0 ? `Invalid marketplaceIds: ${foreign.join(', ')}.` : undefined;
};

/** 400 for a body that does not parse, in Amazon's words, with the field-level detail. */
export const unparsable = (c: Context, error: z.ZodError): Response =>
  spApiError(c, 400, ERRORS.invalidInput, ERRORS.unparsable, describeIssues(error));
