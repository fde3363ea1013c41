/**
 * Orders placed in the shop, as `POST /_sim/orders` makes them: a made-up customer (local/simulators/people.ts),
 * each unit priced from the simulator's current price for the shop country's currency, sale discounts per unit,
 * absolute vouchers spread over the units, a delivery fee, and the money the way facts.ts MONEY describes it.
 */
import { z } from 'zod';
import { DEMO_CATALOGUE } from '../catalogue';
import { demoPerson } from '../people';
import { timestamp } from './api';
import { MONEY, ORDER_STATES } from './facts';
import {
  type Address,
  type CollectionPoint,
  fraction,
  itemKeyOf,
  type OrderBook,
  type OrderItem,
  type OrderVoucher,
  type Reduction,
  type ScayleOrder,
  vatOf,
} from './orders';
import { type ShopCountry, type ShopDirectory, shopCountryView } from './shops';
import type { VariantDirectory } from './variants';

const collectionPointSchema = z.object({
  customerKey: z.string(),
  description: z.string(),
  key: z.string().min(1),
  type: z.string().min(1),
});

/** One order of `POST /_sim/orders`. */
const simOrderSchema = z.object({
  items: z
    .array(
      z.object({
        sku: z.string(),
        quantity: z.number().int().min(1).max(20),
        /** Sale discount per unit, gross minor units. */
        discountMinor: z.number().int().min(0).default(0),
      }),
    )
    .min(1),
  /** Default: the first shop. */
  shopKey: z.string().optional(),
  /** Alpha-2; default the shop's first country. */
  countryCode: z.string().length(2).optional(),
  shippingMinor: z.number().int().min(0).default(495),
  /** Absolute vouchers, gross minor units. */
  vouchers: z.array(z.object({ key: z.string().min(1), amountMinor: z.number().int().min(1) })).default([]),
  /** Delivery to a collection point: `true` for a Hermes parcel shop near the customer, or the point itself. */
  collectionPoint: z.union([z.literal(true), collectionPointSchema]).optional(),
});

/** Input of one shop order. */
export type SimOrderInput = z.input<typeof simOrderSchema>;

/** Body of `POST /_sim/orders`, checked against the simulator's shops and variants. */
export const simOrdersBodySchema = (shops: ShopDirectory, variants: VariantDirectory) =>
  z.object({
    orders: z
      .array(
        simOrderSchema.superRefine((order, context) => {
          const shopKey = order.shopKey ?? shops.shops[0]?.key ?? '';
          const countryCode = order.countryCode ?? shops.shops.find((s) => s.key === shopKey)?.countryCodes[0] ?? '';
          if (!shops.find(shopKey, countryCode))
            context.addIssue({
              code: 'custom',
              path: ['shopKey'],
              message: `no shop country ${shopKey}/${countryCode}`,
            });
          for (const [index, item] of order.items.entries())
            if (!variants.byKey(item.sku))
              context.addIssue({ code: 'custom', path: ['items', index, 'sku'], message: `unknown SKU ${item.sku}` });
        }),
      )
      .optional(),
    /** Random orders to create on top of `orders`. */
    random: z.number().int().min(0).max(5_000).default(0),
    /** Deliveries of each `order-confirmed` webhook (SCAYLE retries, so the hub sees repeats). */
    duplicates: z.number().int().min(1).max(10).default(1),
    /** Deliver webhooks (default) or only create the orders. */
    deliver: z.boolean().default(true),
  });

/** An order that cannot be priced as asked (a discount above the price, vouchers above the items). */
export class SimOrderError extends Error {}

/** Parts of `amount` in proportion to `weights`, rounded down, the remainder on the last: they sum to `amount`. */
export const spread = (amount: number, weights: readonly number[]): number[] => {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const parts = weights.map((w) => (total === 0 ? 0 : Math.floor((amount * w) / total)));
  if (parts.length > 0) parts[parts.length - 1] = amount - parts.slice(0, -1).reduce((sum, p) => sum + p, 0);
  return parts;
};

const FEMALE_NAMES = new Set(['Anna', 'Clara', 'Emma', 'Greta', 'Ida']);

/** What building a shop order needs. */
export interface ShopOrderDeps {
  readonly book: OrderBook;
  readonly shops: ShopDirectory;
  readonly variants: VariantDirectory;
  /** The current gross price of a variant in a shop country, minor units; undefined when it has none. */
  readonly currentPrice: (sku: string, shopCountry: ShopCountry) => number | undefined;
}

/** Builds shop orders: a customer, addresses, one item per unit, money. */
export class ShopOrders {
  #seed: number;

  constructor(
    private readonly deps: ShopOrderDeps,
    private readonly seed: number,
  ) {
    this.#seed = seed;
  }

  reset(): void {
    this.#seed = this.seed;
  }

  /** A random order of mapped demo variants: 1–3 lines of 1–3 units, some discounted, some with a voucher. */
  random(n: number): SimOrderInput {
    const pickable = DEMO_CATALOGUE.filter((v) => v.orderwise);
    const shop = this.deps.shops.shops[0];
    const countries = shop?.countryCodes ?? [];
    return {
      items: Array.from({ length: 1 + (n % 3) }, (_, i) => ({
        sku: pickable[(n * 7 + i * 13) % pickable.length]?.sku ?? '',
        quantity: 1 + ((n + i) % 3),
        discountMinor: (n + i) % 4 === 0 ? 300 : 0,
      })),
      ...(shop ? { shopKey: shop.key } : {}),
      countryCode: (n % 5 === 0 ? countries[1] : undefined) ?? countries[0] ?? 'DE',
      shippingMinor: n % 2 === 0 ? 495 : 0,
      vouchers: n % 6 === 0 ? [{ key: 'WELCOME5', amountMinor: 500 }] : [],
      ...(n % 7 === 3 ? { collectionPoint: true as const } : {}),
    };
  }

  /** Builds (does not store) the order; throws SimOrderError when it cannot be priced. */
  build(raw: SimOrderInput): ScayleOrder {
    const input = simOrderSchema.parse(raw);
    const { book, shops, variants } = this.deps;
    const shopKey = input.shopKey ?? shops.shops[0]?.key ?? '';
    const countryCode = input.countryCode ?? shops.shops.find((s) => s.key === shopKey)?.countryCodes[0] ?? '';
    const shopCountry = shops.find(shopKey, countryCode);
    if (!shopCountry) throw new SimOrderError(`no shop country ${shopKey}/${countryCode}`);
    const { currencyCode, vatRate } = shopCountry.facts;

    const units = input.items.flatMap(({ sku, quantity, discountMinor }) => {
      const variant = variants.byKey(sku);
      const base = this.deps.currentPrice(sku, shopCountry);
      if (!variant || base === undefined) throw new SimOrderError(`${sku} has no ${currencyCode} price`);
      if (discountMinor > base) throw new SimOrderError(`discountMinor ${discountMinor} is above the price ${base}`);
      return Array.from({ length: quantity }, () => ({ variant, base, discount: discountMinor }));
    });
    const afterSale = units.map((u) => u.base - u.discount);
    const itemsTotal = afterSale.reduce((sum, p) => sum + p, 0);
    const voucherTotal = input.vouchers.reduce((sum, v) => sum + v.amountMinor, 0);
    if (voucherTotal > itemsTotal)
      throw new SimOrderError(`vouchers of ${voucherTotal} exceed the items' ${itemsTotal}`);
    const id = book.nextId('order');
    const now = timestamp();
    // Each voucher is spread over what is left of the units after the ones before it.
    const left = [...afterSale];
    const shares = input.vouchers.map((v) => {
      const parts = spread(v.amountMinor, left);
      parts.forEach((part, i) => {
        left[i] = (left[i] ?? 0) - part;
      });
      return parts;
    });

    const items = units.map(({ variant, base, discount }, i): OrderItem => {
      const itemId = book.nextId('item');
      const sale = vatOf(base - discount, vatRate);
      const undiscounted = vatOf(base, vatRate);
      const paid = vatOf(left[i] ?? 0, vatRate);
      const reductions: Reduction[] =
        discount > 0
          ? [
              {
                amount: { absoluteWithTax: discount, relative: fraction(discount, base) },
                category: 'sale',
                type: 'absolute',
              },
            ]
          : [];
      return {
        id: itemId,
        key: itemKeyOf(itemId),
        status: 'available',
        createdAt: now,
        updatedAt: now,
        currency: currencyCode,
        variant: { id: variant.id, referenceKey: variant.referenceKey },
        product: { id: variant.product.id },
        packageId: null,
        price: {
          withTax: sale.withTax,
          withoutTax: sale.withoutTax,
          tax: { vat: sale.vat },
          undiscountedWithTax: undiscounted.withTax,
          undiscountedWithOutTax: undiscounted.withoutTax,
          appliedReductions: reductions,
          ...(paid.withTax < sale.withTax
            ? {
                absoluteVoucherReducedPrice: {
                  withTax: paid.withTax,
                  withOutTax: paid.withoutTax,
                  tax: { vat: paid.vat },
                },
              }
            : {}),
        },
      };
    });

    const delivery = vatOf(input.shippingMinor, vatRate);
    const fees =
      input.shippingMinor > 0
        ? [
            {
              amount: { withTax: delivery.withTax, withoutTax: delivery.withoutTax },
              ...MONEY.deliveryFee,
              tax: { vat: delivery.vat },
            },
          ]
        : [];
    const paidGross = items.reduce(
      (sum, i) => sum + (i.price.absoluteVoucherReducedPrice?.withTax ?? i.price.withTax),
      0,
    );
    const paidNet = items.reduce(
      (sum, i) => sum + (i.price.absoluteVoucherReducedPrice?.withOutTax ?? i.price.withoutTax ?? 0),
      0,
    );
    const withTax = paidGross + delivery.withTax;
    const withoutTax = paidNet + delivery.withoutTax;
    const vouchers = input.vouchers.map(
      (v, n): OrderVoucher => ({
        id: book.nextId('voucher'),
        voucherId: 9_000 + n,
        code: v.key,
        type: 'absolute',
        value: v.amountMinor,
        applicableItems: items.map((item, i) => ({ key: item.key, isApplied: (shares[n]?.[i] ?? 0) > 0 })),
      }),
    );

    const person = demoPerson(this.#seed++, shopCountry.countryCode);
    const recipient = {
      firstName: person.firstName,
      lastName: person.lastName,
      gender: FEMALE_NAMES.has(person.firstName) ? 'f' : 'm',
      // No title given in checkout: an empty one, as the order-cancelled page shows [V fixture].
      title: '',
      type: 'personal',
    };
    const home = {
      street: person.street,
      houseNumber: person.houseNumber,
      zipCode: person.zipCode,
      city: person.city,
      countryCode: shopCountry.facts.alpha3,
      recipient,
    };
    const billing: Address = { id: book.nextId('address'), ...home, isDefault: { billing: true, shipping: false } };
    const point = input.collectionPoint === true ? this.#parcelShop(id) : input.collectionPoint;
    const shipping: Address = {
      id: book.nextId('address'),
      ...home,
      // A parcel shop's address is the shop's, the recipient the customer [A: the SDK's CustomerAddress holds a collection point next to the street].
      ...(point ? { street: 'Marktplatz', houseNumber: String(1 + (id % 40)), collectionPoint: point } : {}),
      isDefault: { billing: false, shipping: true },
      phone: person.phone,
    };
    const customerId = book.nextId('customer');

    return {
      id,
      referenceKey: null,
      publicKey: `PK${id}`,
      basketKey: `basket-${id}`,
      ...structuredClone(ORDER_STATES.confirmed),
      currencyCode,
      shopCountry: shopCountryView(shopCountry),
      customer: {
        id: customerId,
        email: person.email,
        firstName: person.firstName,
        lastName: person.lastName,
        gender: recipient.gender,
        type: 'personal',
        publicKey: `customer-${itemKeyOf(-customerId)}`,
        status: { isActive: true, isGuestCustomer: false },
        groups: [],
        createdAt: now,
        updatedAt: now,
      },
      address: { billing, shipping },
      items,
      packages: [],
      payment: [{ amount: withTax, key: 'creditcard', transactionKey: `creditcard-${id}`, data: {} }],
      vouchers,
      cost: {
        withTax,
        withoutTax,
        appliedFees: fees,
        appliedReductions: input.vouchers.map((v) => ({
          amount: { absoluteWithTax: v.amountMinor, relative: fraction(v.amountMinor, itemsTotal) },
          category: 'voucher',
          type: 'absolute',
          code: v.key,
        })),
        tax: { vat: { amount: withTax - withoutTax } },
        costCapture: withTax,
        withTaxWithMembershipDiscountWithoutServiceCosts: paidGross,
        withoutTaxWithMembershipDiscount: withoutTax,
      },
      shipping: { deliveryCosts: input.shippingMinor, expressDeliveryCosts: 0, policy: MONEY.shippingPolicy },
      confirmedAt: now,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** A Hermes parcel shop [O fixture `hermes_parcelshop`]. */
  #parcelShop(orderId: number): CollectionPoint {
    return {
      customerKey: '',
      description: `Kiosk am Markt ${orderId % 40}`,
      key: `${10_000 + (orderId % 9_000)}-a`,
      type: 'hermes_parcelshop',
    };
  }
}
