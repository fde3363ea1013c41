/**
 * External order creation, `POST /shops/{shopKey}/countries/{countryCode}/orders`: the body is SCAYLE's `Order`
 * model [V SDK `OrderService::create`, fixture OrderCreateRequest.json]; what is required and checked is written
 * down in facts.ts EXTERNAL_ORDERS.
 */
import { z } from 'zod';
import { timestamp } from './api';
import { ERROR_KEYS, EXTERNAL_ORDERS, ORDER_STATES } from './facts';
import { type Channel, itemKeyOf, type OrderBook, type OrderItem, type ScayleOrder } from './orders';
import { type ShopCountry, shopCountryView } from './shops';
import type { VariantDirectory } from './variants';

const minor = z.number().int().min(0);
const text = z.string().min(1);
const vat = z.object({
  amount: z.number(),
  rate: z.number().min(0).max(1, 'must be a fraction such as 0.19'),
});
const tax = z.object({ vat }).loose();
const reduction = z
  .object({
    amount: z.object({ absoluteWithTax: minor, relative: z.number().min(0) }).loose(),
    category: text,
    type: z.enum(['absolute', 'relative']),
    code: z.string().optional(),
  })
  .loose();

const address = z
  .object({
    street: text,
    houseNumber: z.string().optional(),
    additional: z.string().optional(),
    zipCode: text,
    city: text,
    countryCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as DEU'),
    recipient: z
      .object({
        firstName: text,
        lastName: text,
        gender: z.enum(['m', 'f', 'd', 'n']).optional(),
        title: z.string().optional(),
        type: z.string().optional(),
      })
      .loose(),
    collectionPoint: z.object({ customerKey: z.string(), description: z.string(), key: text, type: text }).optional(),
    isDefault: z.object({ billing: z.boolean(), shipping: z.boolean() }).optional(),
    phone: z.string().optional(),
    state: z.string().optional(),
    referenceKey: z.string().optional(),
  })
  .loose();

const item = z
  .object({
    variant: z
      .object({ id: z.number().int().positive().optional(), referenceKey: text.optional() })
      .loose()
      .refine((v) => v.id !== undefined || v.referenceKey !== undefined, 'name the variant by id or referenceKey'),
    price: z
      .object({
        withTax: minor,
        withoutTax: minor.optional(),
        tax,
        undiscountedWithTax: minor.optional(),
        appliedReductions: z.array(reduction).optional(),
        absoluteVoucherReducedPrice: z.object({ withTax: minor, withOutTax: minor, tax }).loose().optional(),
      })
      .loose(),
    key: text.optional(),
    merchant: z.object({ id: z.number().int().optional(), referenceKey: z.string().optional() }).optional(),
    warehouseId: z.number().int().optional(),
    reservationKey: z.string().optional(),
    legacyCustomData: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const fee = z
  .object({
    amount: z.object({ withTax: minor, withoutTax: minor.optional() }).optional(),
    category: z.string().optional(),
    key: z.string().optional(),
    option: z.string().optional(),
    tax: tax.optional(),
  })
  .loose();

/** The body of an external order, as strict as facts.ts EXTERNAL_ORDERS says SCAYLE is. */
export const externalOrderSchema = z
  .object({
    address: z.object({ billing: address, shipping: address }).loose(),
    items: z.array(item).min(1),
    cost: z
      .object({
        withTax: minor,
        withoutTax: minor,
        appliedFees: z.array(fee).default([]),
        appliedReductions: z.array(reduction).default([]),
      })
      .loose(),
    currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    customer: z
      .object({ id: z.number().int().optional(), email: z.email().optional(), referenceKey: z.string().optional() })
      .loose(),
    publicKey: text.max(255),
    referenceKey: text.max(255).optional(),
    confirmedAt: z.iso.datetime({ offset: true }).optional(),
    basketKey: z.string().optional(),
    channel: z.object({ key: text }).loose().optional(),
    legacyCustomData: z.record(z.string(), z.unknown()).optional(),
    shipping: z.object({ policy: z.string().optional() }).loose().optional(),
  })
  .loose();

/** A parsed external order body. */
export type ExternalOrderBody = z.output<typeof externalOrderSchema>;

/** Why SCAYLE refuses an external order, with the answer's status and error key. */
export class ExternalOrderRefusal extends Error {
  constructor(
    readonly status: 400 | 409,
    readonly errorKey: string,
    /** The field at fault, e.g. `items.1.variant.referenceKey`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** What turning a body into an order needs. */
export interface ExternalOrderDeps {
  readonly book: OrderBook;
  readonly variants: VariantDirectory;
  readonly channels: readonly Channel[];
}

/**
 * The order SCAYLE stores for a valid body, or the refusal: unknown variant or channel, a public key the shop has
 * already, a `cost.withTax` other than the items plus the fees [A facts EXTERNAL_ORDERS].
 */
export const buildExternalOrder = (
  deps: ExternalOrderDeps,
  shopCountry: ShopCountry,
  body: ExternalOrderBody,
): ScayleOrder => {
  const { book, variants } = deps;
  if (book.byPublicKey(body.publicKey, shopCountry.shopKey))
    throw new ExternalOrderRefusal(
      EXTERNAL_ORDERS.duplicatePublicKeyStatus,
      ERROR_KEYS.orderExists,
      'publicKey',
      `an order with publicKey ${body.publicKey} already exists in shop ${shopCountry.shopKey}`,
    );
  const known = body.items.map((entry, i) => {
    const { id, referenceKey } = entry.variant;
    const variant = referenceKey !== undefined ? variants.byKey(referenceKey) : variants.byId(id ?? 0);
    if (!variant)
      throw new ExternalOrderRefusal(
        400,
        ERROR_KEYS.variantNotFound,
        `items.${i}.variant.${referenceKey !== undefined ? 'referenceKey' : 'id'}`,
        `no variant ${referenceKey ?? id}`,
      );
    return variant;
  });
  const channel = body.channel && deps.channels.find((c) => c.key === body.channel?.key);
  if (body.channel && !channel)
    throw new ExternalOrderRefusal(400, ERROR_KEYS.channelNotFound, 'channel.key', `no channel ${body.channel.key}`);
  const paid = body.items.reduce(
    (sum, i) => sum + (i.price.absoluteVoucherReducedPrice?.withTax ?? i.price.withTax),
    0,
  );
  const fees = body.cost.appliedFees.reduce((sum, f) => sum + (f.amount?.withTax ?? 0), 0);
  if (body.cost.withTax !== paid + fees)
    throw new ExternalOrderRefusal(
      400,
      ERROR_KEYS.validation,
      'cost.withTax',
      `must be the items' price.withTax plus the fees' amount.withTax, ${paid + fees}, got ${body.cost.withTax}`,
    );

  const id = book.nextId('order');
  const now = timestamp();
  const items = body.items.map(({ variant: _variant, price, key, ...given }, i): OrderItem => {
    const variant = known[i] as NonNullable<(typeof known)[number]>;
    const itemId = book.nextId('item');
    const { merchant, warehouseId, reservationKey, legacyCustomData } = given;
    return {
      id: itemId,
      key: key ?? itemKeyOf(itemId),
      status: 'available',
      createdAt: now,
      updatedAt: now,
      currency: body.currencyCode,
      variant: { id: variant.id, referenceKey: variant.referenceKey },
      product: { id: variant.product.id },
      packageId: null,
      price,
      ...(merchant === undefined ? {} : { merchant }),
      ...(warehouseId === undefined ? {} : { warehouseId }),
      ...(reservationKey === undefined ? {} : { reservationKey }),
      ...(legacyCustomData === undefined ? {} : { legacyCustomData }),
    };
  });
  const { billing, shipping } = body.address;
  const notDefault = { billing: false, shipping: false };
  const { withTax, withoutTax, appliedFees, appliedReductions } = body.cost;
  const deliveryCosts = appliedFees
    .filter((f) => f.category === 'delivery')
    .reduce((sum, f) => sum + (f.amount?.withTax ?? 0), 0);
  return {
    id,
    referenceKey: body.referenceKey ?? null,
    publicKey: body.publicKey,
    basketKey: body.basketKey ?? `external-${id}`,
    ...structuredClone(ORDER_STATES.confirmed),
    currencyCode: body.currencyCode,
    shopCountry: shopCountryView(shopCountry),
    customer: { ...body.customer, id: body.customer.id ?? book.nextId('customer') },
    address: {
      billing: { isDefault: notDefault, ...billing, id: book.nextId('address') },
      shipping: { isDefault: notDefault, ...shipping, id: book.nextId('address') },
    },
    items,
    packages: [],
    payment: [],
    vouchers: [],
    cost: {
      withTax,
      withoutTax,
      appliedFees,
      appliedReductions,
      tax: { vat: { amount: withTax - withoutTax } },
      costCapture: withTax,
      withTaxWithMembershipDiscountWithoutServiceCosts: paid,
      withoutTaxWithMembershipDiscount: withoutTax,
    },
    shipping: { deliveryCosts, expressDeliveryCosts: 0, policy: body.shipping?.policy ?? 'least_packages' },
    ...(channel ? { channel } : {}),
    ...(body.legacyCustomData === undefined ? {} : { legacyCustomData: body.legacyCustomData }),
    confirmedAt: body.confirmedAt ?? now,
    createdAt: now,
    updatedAt: now,
  };
};
