import { z } from 'zod';

/**
 * Shapes of the SCAYLE Admin API as the hub uses them (../shared/reference/scayle.md). Only the fields the hub
 * reads are required; everything else passes through untouched so a new field never breaks parsing.
 */

const minor = z.number().int();

/**
 * A VAT rate as SCAYLE's order model gives it: a fraction (`0.19` for 19 %). [V] SDK `lib/Models/OrderVat.php`,
 * fixtures OrderGetResponse.json / OrderCreateRequest.json. A percent here would misstate the tax a hundredfold,
 * so anything above 1 is refused rather than guessed at.
 */
const vatRate = z.number().min(0).max(1, 'must be a fraction such as 0.19 (SCAYLE order VAT rates are not percents)');
const vatSchema = z.looseObject({ vat: z.looseObject({ amount: minor, rate: vatRate }) });

/**
 * A reduction applied to an item or the order: `{absoluteWithTax, relative}` and what it was (`category` such as
 * `sale` or `voucher`). [V] SDK `lib/Models/OrderReductionAmount.php`, fixture OrderCreateRequest.json
 */
export const scayleReductionSchema = z.looseObject({
  amount: z.looseObject({ absoluteWithTax: minor, relative: z.number().nullish() }),
  category: z.string().nullish(),
  type: z.string().nullish(),
});

/**
 * The price of one order item (one unit) in minor units, after its reductions. `tax` can be absent in list
 * responses [V reference §1.3]. [V] SDK `lib/Models/OrderItemPrice.php`
 */
export const scayleItemPriceSchema = z.looseObject({
  withTax: minor,
  withoutTax: minor,
  tax: vatSchema.nullish(),
  /** Price before the item's reductions; absent when there were none. */
  undiscountedWithTax: minor.nullish(),
  appliedReductions: z.array(scayleReductionSchema).nullish(),
  /**
   * The unit's price after an absolute voucher SCAYLE put on it after confirmation (`withTax` above is before it).
   * [V] SDK `OrderItemAbsoluteVoucherReducedPrice.php` (`withOutTax` spelled so), scayle.dev price calculator
   */
  absoluteVoucherReducedPrice: z
    .looseObject({
      withTax: minor,
      withOutTax: minor.nullish(),
      withoutTax: minor.nullish(),
      tax: vatSchema.nullish(),
    })
    .nullish(),
});

/** What the customer pays for one unit: after an absolute voucher where SCAYLE put one on it, else its price. */
export const paidPriceOf = (
  price: z.output<typeof scayleItemPriceSchema>,
): { withTax: number; withoutTax: number | null | undefined; tax: z.output<typeof vatSchema> | null | undefined } => {
  const reduced = price.absoluteVoucherReducedPrice;
  return reduced
    ? { withTax: reduced.withTax, withoutTax: reduced.withOutTax ?? reduced.withoutTax, tax: reduced.tax }
    : { withTax: price.withTax, withoutTax: price.withoutTax, tax: price.tax };
};

/** One order item: always one unit (SCAYLE has no quantity field). [V] SDK `lib/Models/OrderItem.php` */
export const scayleOrderItemSchema = z.looseObject({
  id: z.number().int(),
  status: z.string().nullish(),
  cancelledAt: z.string().nullish(),
  variant: z.looseObject({ id: z.number().int().nullish(), referenceKey: z.string().min(1) }),
  price: scayleItemPriceSchema,
});

/**
 * Item statuses that mean SCAYLE will not have the unit delivered: cancelled by the customer or customer service,
 * out of stock (`unavailable`) or unshippable (`undeliverable`). [V] SDK OrderItem status list; [A] which status
 * each item event leaves (scayle.dev does not say), so an item with `cancelledAt` set counts too.
 */
export const WITHDRAWN_ITEM_STATUSES: readonly string[] = ['cancelled', 'unavailable', 'undeliverable'];

/** Whether SCAYLE has withdrawn this unit from the order (it must not be shipped). */
export const isWithdrawn = (item: { readonly status?: string | null; readonly cancelledAt?: unknown }): boolean =>
  WITHDRAWN_ITEM_STATUSES.includes(item.status ?? '') || Boolean(item.cancelledAt);

/**
 * Whether SCAYLE shows the whole order cancelled: its status says so, or every unit is withdrawn. An
 * `order-cancelled` webhook is only a trigger; this is the fact the hub acts on.
 */
export const isCancelledIn = (order: {
  readonly status: string;
  readonly items: readonly { readonly status?: string | null; readonly cancelledAt?: unknown }[];
}): boolean => order.status === 'cancellation_completed' || order.items.every(isWithdrawn);

/** A fee of the order (delivery costs and the like). [V] SDK `lib/Models/OrderFee.php`, fixtures */
export const scayleFeeSchema = z.looseObject({
  category: z.string().nullish(),
  key: z.string().nullish(),
  option: z.string().nullish(),
  amount: z.looseObject({ withTax: minor, withoutTax: minor.nullish() }),
  tax: vatSchema.nullish(),
});

/**
 * A parcel shop or locker the parcel goes to instead of the customer's door. [V] SDK fixtures
 * (`address.shipping.collectionPoint {customerKey, description, key, type}`, e.g. `hermes_parcelshop`)
 */
export const scayleCollectionPointSchema = z.looseObject({
  key: z.string().nullish(),
  type: z.string().nullish(),
  description: z.string().nullish(),
  customerKey: z.string().nullish(),
});

/**
 * A postal address on an order: the person under `recipient`, the country as ISO 3166-1 alpha-3 (`DEU`).
 * [V] SDK `lib/Models/CustomerAddress.php`, fixtures. All optional: a missing field is the peer's problem to
 * report, not a reason to lose the order.
 */
export const scayleAddressSchema = z.looseObject({
  recipient: z
    .looseObject({
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
      title: z.string().nullish(),
      gender: z.string().nullish(),
      type: z.string().nullish(),
    })
    .nullish(),
  companyName: z.string().nullish(),
  street: z.string().nullish(),
  houseNumber: z.string().nullish(),
  additional: z.string().nullish(),
  zipCode: z.string().nullish(),
  city: z.string().nullish(),
  countryCode: z.string().nullish(),
  phone: z.string().nullish(),
  collectionPoint: scayleCollectionPointSchema.nullish(),
});

/**
 * An order as `GET /shops/{shopKey}/countries/{countryCode}/orders/{id}` returns it (and as order webhooks carry
 * it). [V] SDK `lib/Models/Order.php`, fixture OrderGetResponse.json. `createdAt` can be absent in lists.
 */
export const scayleOrderSchema = z.looseObject({
  id: z.number().int(),
  referenceKey: z.string().nullish(),
  /** The key shown to the customer; for an external order, the marketplace's order id. */
  publicKey: z.string().nullish(),
  status: z.string(),
  detailedStatus: z.looseObject({}).nullish(),
  currencyCode: z.string().length(3),
  confirmedAt: z.string().nullish(),
  createdAt: z.string().nullish(),
  cost: z.looseObject({
    withTax: minor,
    withoutTax: minor,
    appliedFees: z
      .array(scayleFeeSchema)
      .nullish()
      .transform((fees) => fees ?? []),
    appliedReductions: z
      .array(scayleReductionSchema)
      .nullish()
      .transform((reductions) => reductions ?? []),
  }),
  items: z.array(scayleOrderItemSchema).min(1),
  address: z.looseObject({ shipping: scayleAddressSchema.nullish(), billing: scayleAddressSchema.nullish() }).nullish(),
  customer: z
    .looseObject({ email: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish() })
    .nullish(),
  shopCountry: z.looseObject({ shopKey: z.string().nullish(), countryCode: z.string().nullish() }).nullish(),
  channel: z.looseObject({ key: z.string().nullish() }).nullish(),
  legacyCustomData: z.record(z.string(), z.unknown()).nullish(),
});

/** A SCAYLE order. */
export type ScayleOrder = z.output<typeof scayleOrderSchema>;

const amount = z.number().int().min(0);
const createVat = z.object({ vat: z.object({ amount, rate: vatRate }) });
const net = z.object({ withTax: amount, withoutTax: amount });
const alpha3 = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as GBR');

/** An address of an order the hub creates: SCAYLE's address model, the fields a parcel needs required. */
const createAddressSchema = z.object({
  recipient: z.object({ firstName: z.string().min(1), lastName: z.string().min(1), type: z.literal('personal') }),
  street: z.string().min(1),
  houseNumber: z.string().optional(),
  additional: z.string().optional(),
  /** Absent where the country has none in use (e.g. Ireland's Eircode is optional). */
  zipCode: z.string().min(1).optional(),
  city: z.string().min(1),
  countryCode: alpha3,
  phone: z.string().optional(),
});

/**
 * Body of the Admin API's `POST /shops/{shopKey}/countries/{countryCode}/orders`, the SDK's Order model
 * [V SDK `OrderService::create`, `lib/Models/Order.php`, fixture OrderCreateRequest.json], as the hub fills it for
 * an order taken on a marketplace (Amazon):
 * - names under `address.*.recipient`, countries alpha-3, VAT rates as fractions, money in minor units [V];
 * - one item per unit, the variant by its reference key, the marketplace's final prices [V model; A that SCAYLE
 *   keeps the given prices, as an import does];
 * - `publicKey` is the marketplace's order id, unique per shop: a second create is refused with 409 and
 *   `GET …/orders?filters[publicKey]=` finds the order [A: scayle.dev documents neither], so a create whose answer
 *   was lost is looked up, never repeated blindly;
 * - the marketplace's ids in `legacyCustomData` (order: AmazonOrderId, MarketplaceId, LatestShipDate; item: the
 *   OrderItemId) [V field; A use], and the sales channel as `channel.key` [A: the GET model has `channel`];
 * - `cost.withTax` is the items plus the fees (the marketplace's prices already carry its promotions);
 * - SCAYLE delivers no `order-confirmed` webhook for it [A]: the hub hands the order to its order loop itself.
 * scayle.dev also documents "External Order Creation" for marketplace orders through the Storefront API, whose
 * body is not public; this endpoint is the documented Admin one.
 */
export const scayleOrderCreateSchema = z.object({
  publicKey: z.string().min(1).max(255),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP'),
  /** When the customer bought on the marketplace. */
  confirmedAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  channel: z.object({ key: z.string().min(1) }),
  customer: z.object({ email: z.string().min(1), firstName: z.string().min(1), lastName: z.string().min(1) }),
  address: z.object({ shipping: createAddressSchema, billing: createAddressSchema }),
  items: z
    .array(
      z.object({
        variant: z.object({ referenceKey: z.string().min(1) }),
        price: net.extend({ tax: createVat, undiscountedWithTax: amount.optional() }),
        legacyCustomData: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
  cost: net.extend({
    appliedFees: z.array(
      z.object({
        category: z.literal('delivery'),
        key: z.string().min(1),
        option: z.literal('deliveryCosts'),
        amount: net,
        tax: createVat,
      }),
    ),
    appliedReductions: z.array(
      z.object({
        category: z.string().min(1),
        type: z.literal('absolute'),
        amount: z.object({ absoluteWithTax: amount, relative: z.number().min(0).max(1) }),
      }),
    ),
  }),
  legacyCustomData: z.record(z.string(), z.string()).optional(),
});

/** An order as the hub creates it in SCAYLE. */
export type ScayleOrderCreate = z.input<typeof scayleOrderCreateSchema>;

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
export const scayleProductSchema = z
  .looseObject({
    id: z.number().int().positive(),
    referenceKey: z.string().min(1),
    state: z.string().optional(),
    master: z.looseObject({
      referenceKey: z.string().min(1),
      attributes: z.array(scayleAttributeSchema).default([]),
      /** The master's category paths. [V] fixture ProductGetResponse.json `master.categories.paths` */
      categories: z.looseObject({ paths: z.array(z.array(z.string())).default([]) }).nullish(),
    }),
    name: z.unknown(),
    /** Category paths where a response carries them on the product itself. */
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
  })
  // A product's categories are its master's: `categories` is what the catalogue loop maps to a product type.
  .transform((product) => ({
    ...product,
    categories: product.categories.length > 0 ? product.categories : (product.master.categories?.paths ?? []),
  }));

/** A SCAYLE product. */
export type ScayleProduct = z.output<typeof scayleProductSchema>;

/** One page of `GET /products`. [V] pagination: `cursor.next` is null on the last page */
export const scayleProductPageSchema = z.looseObject({
  entities: z.array(scayleProductSchema),
  cursor: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});
