import { z } from 'zod';

/**
 * SCAYLE's webhooks as scayle.dev documents them (../shared/reference/scayle.md §1.7, samples in
 * ../shared/fixtures/scayle/webhooks): an envelope `{key, type, occurredAt, payload}` plus `locale` (order-confirmed)
 * or `meta` (the other events), sometimes `version`. The event is named by `type`; `key` identifies the event and is
 * the hub's deduplication id.
 */

/** Order events that make the hub act on a whole order; the cancel event has two spellings in SCAYLE's docs. */
export const SCAYLE_ORDER_EVENTS = ['order-confirmed', 'order-cancelled', 'order-canceled'] as const;

/**
 * Item-level order events: some units of a confirmed order will not be delivered, so OrderWise must not ship
 * them. [V] scayle.dev webhooks events (order-item-out-of-stock); the other two names [V] reference §1.7.
 */
export const SCAYLE_ORDER_ITEM_EVENTS = [
  'order-item-out-of-stock',
  'order-item-canceled',
  'order-item-cancelled',
  'order-item-unshippable',
] as const;

/** The SCAYLE variant events the stock loop listens to. [V] fixtures product-variant-*-updated.json */
export const SCAYLE_VARIANT_EVENTS = ['product-variant-stock-updated', 'product-variant-prices-updated'] as const;

/** Product events the catalogue loop follows (loop 8). [V] scayle.dev webhooks, product events */
export const SCAYLE_PRODUCT_EVENTS = ['product-updated', 'product-variant-deleted'] as const;

/** Every event type the hub acts on; a well-formed delivery of any other type is answered 2xx and counted. */
export const SCAYLE_HANDLED_EVENTS: readonly string[] = [
  ...SCAYLE_ORDER_EVENTS,
  ...SCAYLE_ORDER_ITEM_EVENTS,
  ...SCAYLE_VARIANT_EVENTS,
  ...SCAYLE_PRODUCT_EVENTS,
];

const id = z.number().int().positive();
const referenceKey = z.string().min(1).max(255);
const ref = z.looseObject({ id: id.nullish(), referenceKey });

/**
 * The envelope every SCAYLE webhook shares. The checkout (v1) format carries `locale`, whose `appId` is the shop
 * country's id; the Admin (v2) format carries `meta {tenantKey, xRequestId}` and `version` [V scayle.dev webhooks,
 * fixtures].
 */
export const scayleEnvelopeSchema = z.looseObject({
  key: z.string().min(1).max(255),
  type: z.string().min(1).max(128),
  occurredAt: z.iso.datetime({ offset: true }),
  version: z.union([z.string(), z.number()]).nullish(),
  locale: z
    .looseObject({
      appId: z.union([z.number().int(), z.string().min(1)]).nullish(),
      /** Alpha-2 in the samples, alpha-3 (`DEU`) in another vendor example: the hub goes by `appId`. */
      countryCode: z.string().nullish(),
      currencyCode: z.string().nullish(),
      languageCode: z.string().nullish(),
    })
    .nullish(),
  meta: z.looseObject({ tenantKey: z.string().nullish(), xRequestId: z.string().nullish() }).nullish(),
  payload: z.unknown(),
});

/** A SCAYLE webhook's envelope. */
export type ScayleEnvelope = z.output<typeof scayleEnvelopeSchema>;

/**
 * The order id of an order or item event: order events carry the order itself (`payload.id`); item events carry
 * `{items, order}` (v1) or `{order}` (v2) [V scayle.dev order-item events]. The hub re-reads the order before
 * acting, so only the id is read here.
 */
export const scayleOrderPayloadSchema = z
  .looseObject({ id: id.optional(), order: z.looseObject({ id }).optional() })
  .refine((payload) => (payload.id ?? payload.order?.id) !== undefined, {
    message: 'must name the order: payload.id (order events) or payload.order.id (item events)',
    path: ['id'],
  })
  .transform((payload) => ({ orderId: (payload.id ?? payload.order?.id) as number }));

/** `product-variant-stock-updated` [V fixture]: the variant, its product and warehouse, and the new figure. */
export const scayleVariantStockPayloadSchema = z.looseObject({
  productVariant: ref,
  product: ref.nullish(),
  warehouse: z.looseObject({ id: id.nullish(), referenceKey: z.string().nullish() }).nullish(),
  quantity: z.number().int().nullish(),
});

/** `product-variant-prices-updated` [V fixture]: the variant and its prices (`tax` is a percent here). */
export const scayleVariantPricesPayloadSchema = z.looseObject({
  productVariant: ref,
  product: ref.nullish(),
  prices: z.array(z.looseObject({ price: z.number().int(), currencyCode: z.string() })).nullish(),
});

/** `product-variant-deleted` [V fixture]: the variant itself, `{id, ean, referenceKey, ...}`; no product. */
export const scayleVariantDeletedPayloadSchema = z.looseObject({ id: id.nullish(), referenceKey });

/**
 * `product-updated`: the product itself, `{id, referenceKey, master, variants, ...}` [V scayle.dev product events].
 * A payload that wraps it as `{product {id, referenceKey}}`, as the variant events name their product, is read too.
 * The hub re-reads the product from the Admin API either way.
 */
export const scayleProductUpdatedPayloadSchema = z.union([
  z.looseObject({ product: ref }).transform((p) => p.product),
  ref,
]);
