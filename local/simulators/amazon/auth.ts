import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GRANTLESS_SCOPES, TOKEN_TTL_SECONDS } from './facts';

/** The app's Login with Amazon credentials and the seller's refresh token. */
export interface LwaCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** One resource a restricted data token opens, as asked for in createRestrictedDataToken. */
export interface RestrictedResource {
  readonly method: string;
  readonly path: string;
  readonly dataElements: readonly string[];
}

/** What a presented token is: a seller's access token, a grantless one, or a restricted data token. */
export type Grant =
  | { readonly kind: 'seller'; readonly expiresAt: number }
  | { readonly kind: 'grantless'; readonly expiresAt: number }
  | { readonly kind: 'rdt'; readonly expiresAt: number; readonly resources: readonly RestrictedResource[] };

/** Who may call a route: seller tokens only, seller tokens or an RDT covering the call, or grantless tokens too. */
export type Access = 'seller' | 'restricted' | 'notifications';

/** The Orders API paths an RDT can be asked for; `{orderId}` stands for any order [V tokens API guide]. */
const RESTRICTED_PATHS = [
  /^\/orders\/v0\/orders$/,
  /^\/orders\/v0\/orders\/[^/]+$/,
  /^\/orders\/v0\/orders\/[^/]+\/(address|buyerInfo|orderItems|orderItems\/buyerInfo)$/,
];

/** Body of createRestrictedDataToken. */
export const restrictedDataTokenBodySchema = z.object({
  targetApplication: z.string().optional(),
  restrictedResources: z
    .array(
      z.object({
        method: z.enum(['GET', 'PUT', 'POST', 'DELETE']),
        path: z
          .string()
          .refine((path) => RESTRICTED_PATHS.some((pattern) => pattern.test(path)), 'not a restricted resource path'),
        dataElements: z.array(z.enum(['buyerInfo', 'shippingAddress', 'buyerTaxInformation'])).default([]),
      }),
    )
    .min(1)
    .max(50),
});

/** An LWA error answer (`{error, error_description}`), not the SP-API error shape. */
export interface LwaError {
  readonly error: string;
  readonly error_description: string;
}

const lwaError = (error: string, description: string): LwaError => ({ error, error_description: description });

const newToken = (prefix: string): string => `${prefix}${randomBytes(36).toString('base64url')}`;

/**
 * Issues and checks tokens the way LWA and the Tokens API do. Tokens outlive `/_sim/reset` on purpose: a hub that
 * cached one keeps working across test scenarios, as it would across a real account's state changes.
 */
export class TokenIssuer {
  readonly #tokens = new Map<string, Grant>();

  constructor(private readonly lwa: LwaCredentials) {}

  /** `POST /auth/o2/token`: a refresh-token or client-credentials grant for an access token. */
  exchange(
    params: Readonly<Record<string, string | undefined>>,
  ): { ok: true; body: object } | { ok: false; body: LwaError } {
    const grantType = params.grant_type;
    if (!grantType) {
      return {
        ok: false,
        body: lwaError('invalid_request', 'The request is missing a required parameter : grant_type'),
      };
    }
    if (grantType !== 'refresh_token' && grantType !== 'client_credentials') {
      return { ok: false, body: lwaError('unsupported_grant_type', `Unsupported grant_type : ${grantType}`) };
    }
    if (params.client_id !== this.lwa.clientId || params.client_secret !== this.lwa.clientSecret) {
      return { ok: false, body: lwaError('invalid_client', 'Client authentication failed') };
    }
    if (grantType === 'client_credentials') {
      if (!GRANTLESS_SCOPES.some((scope) => scope === params.scope)) {
        return { ok: false, body: lwaError('invalid_scope', 'An unknown scope was requested') };
      }
      return {
        ok: true,
        body: { access_token: this.issue('grantless'), token_type: 'bearer', expires_in: TOKEN_TTL_SECONDS },
      };
    }
    if (params.refresh_token !== this.lwa.refreshToken) {
      return {
        ok: false,
        body: lwaError('invalid_grant', 'The request has an invalid grant parameter : refresh_token'),
      };
    }
    return {
      ok: true,
      body: {
        access_token: this.issue('seller'),
        token_type: 'bearer',
        expires_in: TOKEN_TTL_SECONDS,
        refresh_token: this.lwa.refreshToken,
      },
    };
  }

  /** A new access token of the app, valid one hour: what a refresh-token or client-credentials grant buys. */
  issue(kind: 'seller' | 'grantless'): string {
    const token = newToken('Atza|');
    this.#tokens.set(token, { kind, expiresAt: Date.now() + TOKEN_TTL_SECONDS * 1000 });
    return token;
  }

  /** createRestrictedDataToken: an RDT for the given resources. */
  issueRestrictedDataToken(resources: readonly RestrictedResource[]) {
    const token = newToken('Atz.sprdt|');
    this.#tokens.set(token, { kind: 'rdt', expiresAt: Date.now() + TOKEN_TTL_SECONDS * 1000, resources });
    return { restrictedDataToken: token, expiresIn: TOKEN_TTL_SECONDS };
  }

  /** The grant of a presented `x-amz-access-token` if it admits this call, else undefined (a 403). */
  admit(token: string | undefined, access: Access, method: string, path: string): Grant | undefined {
    const grant = token === undefined ? undefined : this.#tokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) return undefined;
    switch (grant.kind) {
      case 'seller':
        return grant;
      case 'grantless':
        return access === 'notifications' ? grant : undefined;
      case 'rdt':
        return access === 'restricted' && coveringResource(grant, method, path) ? grant : undefined;
    }
  }
}

/** The resource of an RDT that covers `method path`, where a resource's `{placeholder}` segment matches any id. */
export const coveringResource = (grant: Grant, method: string, path: string): RestrictedResource | undefined => {
  if (grant.kind !== 'rdt') return undefined;
  const segments = path.split('/');
  return grant.resources.find((resource) => {
    const pattern = resource.path.split('/');
    return (
      resource.method === method &&
      pattern.length === segments.length &&
      pattern.every((part, i) => (part.startsWith('{') && part.endsWith('}')) || part === segments[i])
    );
  });
};

/** Whether the call was made with an RDT that releases `dataElement` (e.g. `shippingAddress`) for this path. */
export const releases = (grant: Grant, method: string, path: string, dataElement: string): boolean =>
  coveringResource(grant, method, path)?.dataElements.includes(dataElement) ?? false;
