import { z } from 'zod';

/**
 * Shapes of the SCAYLE Admin API as the hub uses them (../shared/reference/scayle.md). Only the fields the hub
 * reads are required; everything else passes through untouched so a new field never breaks parsing.
 */

const minor = z.number().int();

/** A price of one order item (one unit) in minor units. [V] OrderItem.price */
export const scayleItemPriceSchema = z.looseObject({
  withTax: minor,
  withoutTax: minor,
  tax: z.looseObject({ vat: z.looseObject({ amount: minor, rate: z.number().min(0).max(100) }) }),
  /** Price before item-level reductions; absent when there were none. */
  undiscountedWithTax: minor.optional(),
});

/** One order item: always one unit (SCAYLE has no quantity field). */
export const scayleOrderItemSchema = z.looseObject({
  id: z.number().int(),
  status: z.string().optional(),
  variant: z.looseObject({ id: z.number().int(), referenceKey: z.string().min(1) }),
  price: scayleItemPriceSchema,
});

/** A fee (shipping) or reduction (voucher) at order level. [V] Order.cost.appliedFees/appliedReductions */
export const scayleAppliedAmountSchema = z.looseObject({
  category: z.string().optional(),
  key: z.string().optional(),
  amount: z.looseObject({ withTax: minor, withoutTax: minor.optional() }),
  tax: z.looseObject({ vat: z.looseObject({ amount: minor, rate: z.number() }) }).optional(),
});

/** A postal address on an order. [A] field names follow SCAYLE's customer address model; all optional here. */
export const scayleAddressSchema = z.looseObject({
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  street: z.string().nullish(),
  houseNumber: z.string().nullish(),
  additional: z.string().nullish(),
  zipCode: z.string().nullish(),
  city: z.string().nullish(),
  countryCode: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

/** An order as `GET /shops/{shopKey}/countries/{countryCode}/orders/{id}` returns it. */
export const scayleOrderSchema = z.looseObject({
  id: z.number().int(),
  referenceKey: z.string().nullish(),
  /** The key shown to the customer; for an external order, the marketplace's order id. */
  publicKey: z.string().nullish(),
  status: z.string(),
  detailedStatus: z.looseObject({}).optional(),
  currencyCode: z.string().length(3),
  confirmedAt: z.string().nullish(),
  createdAt: z.string(),
  cost: z.looseObject({
    withTax: minor,
    withoutTax: minor,
    appliedFees: z.array(scayleAppliedAmountSchema).default([]),
    appliedReductions: z.array(scayleAppliedAmountSchema).default([]),
  }),
  items: z.array(scayleOrderItemSchema).min(1),
  address: z
    .looseObject({ shipping: scayleAddressSchema.optional(), billing: scayleAddressSchema.optional() })
    .optional(),
  customer: z.looseObject({ email: z.string().nullish() }).optional(),
});

/** A SCAYLE order. */
export type ScayleOrder = z.output<typeof scayleOrderSchema>;

const amount = z.number().int().min(0);
const vat = z.object({ vat: z.object({ amount, rate: z.number().min(0).max(100) }) });
const net = z.object({ withTax: amount, withoutTax: amount });

/** An address of an external order: the field names of `scayleAddressSchema`, the fields a parcel needs required. */
const externalAddressSchema = z.object({
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  street: z.string().min(1),
  houseNumber: z.string().optional(),
  additional: z.string().optional(),
  /** Absent where the country has none in use (e.g. Ireland's Eircode is optional). */
  zipCode: z.string().min(1).optional(),
  city: z.string().min(1),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as GB'),
  phone: z.string().optional(),
});

/**
 * Body of `POST /shops/{shopKey}/countries/{countryCode}/orders`: an order SCAYLE did not take itself (External
 * Order Creation), here an Amazon order. [A] SCAYLE does not publish this payload; the hub assumes, and this is the
 * one place that records it:
 * - `channelKey` tags the order's sales channel (e.g. `marketplace_amazon_uk`) and comes back as `channel.key`;
 * - `publicKey` is the marketplace's order id (AmazonOrderId), unique per shop: a second create with the same key
 *   is refused with 409 `ORDER_ALREADY_EXISTS`, and `GET .../orders?filters[publicKey]=<key>` finds the order, so a
 *   create whose answer was lost is looked up, never repeated blindly;
 * - the customer is a guest (email and name only);
 * - one item per unit (SCAYLE has no quantity), the variant named by its reference key (the SKU);
 * - the prices are the marketplace's and final: SCAYLE stores them as given, and refuses an order whose
 *   `cost.withTax` is not the items plus the fees minus the reductions;
 * - all money in integer minor units of `currencyCode`;
 * - SCAYLE delivers no `order-confirmed` webhook for it: the hub hands the order to its order loop itself.
 */
export const scayleExternalOrderSchema = z.object({
  channelKey: z.string().min(1),
  publicKey: z.string().min(1).max(255),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP'),
  /** When the customer bought on the marketplace. */
  confirmedAt: z.iso.datetime({ offset: true }),
  customer: z.object({ email: z.string().min(1), firstName: z.string().min(1), lastName: z.string().min(1) }),
  address: z.object({ shipping: externalAddressSchema, billing: externalAddressSchema }),
  items: z
    .array(
      z.object({
        variant: z.object({ referenceKey: z.string().min(1) }),
        price: net.extend({ tax: vat, undiscountedWithTax: amount.optional() }),
        /** The marketplace's order item id. */
        merchantReferenceKey: z.string().min(1).optional(),
      }),
    )
    .min(1),
  cost: net.extend({
    appliedFees: z.array(
      z.object({ category: z.literal('delivery'), key: z.string().min(1), amount: net, tax: vat.optional() }),
    ),
    appliedReductions: z.array(z.object({ category: z.string().min(1), key: z.string().min(1), amount: net })),
  }),
  /** Free text the marketplace gives, e.g. `{amazonOrderId, marketplaceId, latestShipDate}`. */
  customData: z.record(z.string(), z.string()).optional(),
});

/** An external order as the hub builds it for SCAYLE. */
export type ScayleExternalOrder = z.input<typeof scayleExternalOrderSchema>;

/** The order events the hub subscribes to; the cancel event has two spellings in SCAYLE's documentation. */
export const SCAYLE_ORDER_EVENTS = ['order-confirmed', 'order-cancelled', 'order-canceled'] as const;

/** The SCAYLE variant events the stock loop listens to (reference scayle.md §1.7). */
export const SCAYLE_VARIANT_EVENTS = ['product-variant-stock-updated', 'product-variant-prices-updated'] as const;

/** Product events the catalogue loop follows (loop 8). [V] scayle.dev webhooks, product events */
export const SCAYLE_PRODUCT_EVENTS = ['product-updated', 'product-variant-deleted'] as const;

const WEBHOOK_EVENTS = [...SCAYLE_ORDER_EVENTS, ...SCAYLE_VARIANT_EVENTS, ...SCAYLE_PRODUCT_EVENTS];
const envelope = {
  /** Event id when SCAYLE sends one; otherwise the hub derives the deduplication id from the content. */
  id: z.string().min(1).max(128).optional(),
  version: z.union([z.string(), z.number()]).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
};

/**
 * The webhook envelope. [A] SCAYLE documents no payload shape: the hub assumes `{event, version, occurredAt,
 * payload}` with the order's id, shop key and country code in `payload` (order events), or the variant's id and
 * reference key (variant events), and treats it as a trigger only: the order, stock or prices are re-read from
 * the Admin API.
 */
export const scayleWebhookSchema = z.discriminatedUnion(
  'event',
  [
    z.object({
      ...envelope,
      event: z.enum(SCAYLE_ORDER_EVENTS),
      payload: z.looseObject({
        id: z.number().int().positive(),
        shopKey: z.string().min(1).max(64),
        countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code such as DE'),
      }),
    }),
    z.object({
      ...envelope,
      event: z.literal('product-updated'),
      payload: z.looseObject({ id: z.number().int().positive(), referenceKey: z.string().min(1).max(255) }),
    }),
    z.object({
      ...envelope,
      event: z.literal('product-variant-deleted'),
      payload: z.looseObject({
        id: z.number().int().positive(),
        referenceKey: z.string().min(1).max(255),
        product: z.looseObject({ id: z.number().int().positive(), referenceKey: z.string().min(1).max(255) }),
      }),
    }),
    z.object({
      ...envelope,
      event: z.enum(SCAYLE_VARIANT_EVENTS),
      payload: z.looseObject({
        id: z.number().int().positive(),
        referenceKey: z.string().min(1).max(255),
      }),
    }),
  ],
  { error: () => `must be one of ${WEBHOOK_EVENTS.join(', ')}` },
);

/** A SCAYLE webhook (order or variant event). */
export type ScayleWebhook = z.output<typeof scayleWebhookSchema>;

/** A SCAYLE attribute: `{name, type, value}`, the value's shape set by the type. [V] lib/Models/Attribute.php */
export const scayleAttributeSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().optional(),
  value: z.unknown(),
});

/**
 * A product as `GET /products/{productIdentifier}` returns it: master, localized name, category paths, attributes
 * and variants. [V] lib/Models/Product.php, fixture ProductGetResponse.json
 */
export const scayleProductSchema = z.looseObject({
  id: z.number().int().positive(),
  referenceKey: z.string().min(1),
  state: z.string().optional(),
  master: z.looseObject({ referenceKey: z.string().min(1), attributes: z.array(scayleAttributeSchema).default([]) }),
  name: z.unknown(),
  categories: z.array(z.array(z.string())).default([]),
  attributes: z.array(scayleAttributeSchema).default([]),
  variants: z
    .array(
      z.looseObject({
        id: z.number().int().positive(),
        referenceKey: z.string().min(1),
        attributes: z.array(scayleAttributeSchema).default([]),
      }),
    )
    .default([]),
});

/** A SCAYLE product. */
export type ScayleProduct = z.output<typeof scayleProductSchema>;

/** One page of `GET /products`. [V] pagination: `cursor.next` is null on the last page */
export const scayleProductPageSchema = z.looseObject({
  entities: z.array(scayleProductSchema),
  cursor: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});
