import { type Context, Hono } from 'hono';
import { REPLAY_ASSUMPTIONS } from './assumptions.ts';
import { identifiersIn } from './identifiers.ts';
import type { ReplayEnv } from './journal.ts';
import type { AdminSampleName, Sample } from './samples.ts';
import { accept, replay, requireToken, unreplayable } from './scayle-answers.ts';

/** Where the Admin API lives under a tenant's host (reference/scayle.md §1.1). */
export const ADMIN_API_BASE = '/api/admin/v1';

/** What the Admin API side needs: the samples to answer from and the one access token it accepts. */
export interface AdminApiOptions {
  readonly admin: Readonly<Record<AdminSampleName, Sample>>;
  readonly token: string;
}

type Handler = (c: Context<ReplayEnv>) => Response;

const ORDERS = '/shops/:shopKey/countries/:countryCode/orders';

/** A route that serves only the identifiers a sample names; any other is a 404 marked unreplayable. */
const forKnown =
  (known: ReadonlySet<string>, param: string, handler: Handler): Handler =>
  (c) => {
    const identifier = c.req.param(param) ?? '';
    return known.has(identifier) ? handler(c) : unreplayable(c, `No sample names the ${param} "${identifier}"`);
  };

/**
 * The Admin API routes SCAYLE's samples cover (paths from the SDK's services). Any shop key and country pass,
 * because SCAYLE reads an order through any of its shop countries; identifiers must be ones a sample names.
 * Everything else falls through to the app's not-found, which marks it unreplayable.
 */
export const adminApi = ({ admin, token }: AdminApiOptions): Hono<ReplayEnv> => {
  const ids = identifiersIn(admin);
  const { fulfilmentStatus, orderCreateStatus, referenceKeyStatus, stockCreateStatus } = REPLAY_ASSUMPTIONS;
  const api = new Hono<ReplayEnv>();
  api.use('*', requireToken(token));

  api.get(
    `${ORDERS}/:orderIdentifier`,
    forKnown(ids.order, 'orderIdentifier', (c) => replay(c, admin.OrderGetResponse)),
  );
  api.get(
    `${ORDERS}/:orderIdentifier/status`,
    forKnown(ids.order, 'orderIdentifier', (c) => replay(c, admin.OrderGetStatusResponse)),
  );
  api.put(
    `${ORDERS}/:orderId/reference-key`,
    forKnown(new Set([ids.orderId]), 'orderId', (c) =>
      accept(c, admin.OrderUpdateReferenceKeyRequest, referenceKeyStatus),
    ),
  );
  api.post(ORDERS, (c) => accept(c, admin.OrderCreateRequest, orderCreateStatus, admin.OrderGetResponse));

  api.post('/fulfillment/shipments', (c) => accept(c, admin.ShipmentCreateRequest, fulfilmentStatus));
  api.post('/fulfillment/cancellations', (c) => accept(c, admin.CancellationSendRequest, fulfilmentStatus));

  api.post(
    '/variants/:variantIdentifier/stocks',
    forKnown(ids.variant, 'variantIdentifier', (c) =>
      accept(c, admin.ProductVariantStockCreateRequest, stockCreateStatus),
    ),
  );
  api.get(
    '/variants/:variantIdentifier/stocks',
    forKnown(ids.variant, 'variantIdentifier', (c) => replay(c, admin.ProductVariantStockAllResponse)),
  );
  api.get(
    '/variants/:variantIdentifier/prices',
    forKnown(ids.variant, 'variantIdentifier', (c) => replay(c, admin.ProductVariantPriceAllResponse)),
  );
  api.get(
    '/products/:productIdentifier',
    forKnown(ids.product, 'productIdentifier', (c) => replay(c, admin.ProductGetResponse)),
  );
  return api;
};
