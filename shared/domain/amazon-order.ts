/**
 * Loop 6: an Amazon order as SCAYLE's external order, and what it reserves. Pure: no I/O, no clock.
 *
 * Money, in one place:
 *
 *     line gross   = ItemPrice (+ ItemTax where the marketplace shows prices without tax) - PromotionDiscount
 *                    (+ its tax likewise)
 *     line tax     = ItemTax - PromotionDiscountTax
 *     per unit     = the line split over QuantityOrdered units (SCAYLE has one item per unit), the odd minor
 *                    units on the first units, so the units always add up to the line exactly
 *     shipping fee = ShippingPrice - ShippingDiscount (same tax rule), one `delivery` fee
 *     total        = sum of units + shipping fee, checked against OrderTotal when Amazon gives one
 */

import { PermanentError } from '../runtime/errors';
import type { AmazonOrder, AmazonOrderItem } from '../schemas/amazon-orders';
import { minorOf } from '../schemas/amazon-orders';
import type { ScayleOrderCreate } from '../schemas/scayle';
import { toAlpha3 } from './countries';
import { MARKETPLACE_CURRENCIES } from './marketplaces';

/**
 * Marketplaces whose prices are shown with tax (VAT) included: every European one. [V] Amazon EU ItemPrice is
 * VAT-inclusive; in North America ItemTax comes on top of ItemPrice.
 */
const PRICES_EXCLUDE_TAX: ReadonlySet<string> = new Set(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']);

/** The SCAYLE shop an Amazon marketplace's orders go to (stage config `amazon.scayleShops`). */
export interface MarketplaceShop {
  readonly shopKey: string;
  readonly countryCode: string;
  /** The SCAYLE channel key of the marketplace, e.g. `marketplace_amazon_uk`. */
  readonly channelKey: string;
}

/** A SellerSKU with no SCAYLE variant in the catalogue map. */
export interface UnmappedSellerSku {
  readonly sellerSku: string;
  readonly asin: string;
}

/** One or more SellerSKUs of the order have no SCAYLE variant: the order cannot be created. */
export class SellerSkuUnmappedError extends PermanentError {
  constructor(readonly unmapped: readonly UnmappedSellerSku[]) {
    super(`SellerSKU without a SCAYLE variant: ${unmapped.map((u) => `${u.sellerSku} (${u.asin})`).join(', ')}`);
  }
}

/** Amazon's OrderTotal differs from the sum of the items and shipping: the money would not reconcile. */
export class AmazonTotalMismatchError extends PermanentError {
  constructor(
    readonly orderTotalMinor: number,
    readonly computedMinor: number,
  ) {
    super(`Amazon OrderTotal ${orderTotalMinor} differs from items + shipping = ${computedMinor}`);
  }
}

/** The order has no shipping address yet (Amazon releases it once the order is Unshipped). */
export class AddressMissingError extends PermanentError {}

/** Statuses in which Amazon releases the address and the order should be created in SCAYLE. */
export const ACTIONABLE_STATUSES: ReadonlySet<string> = new Set(['Unshipped', 'PartiallyShipped']);

/** The item's units the buyer asked to cancel. */
const buyerCancelled = (item: AmazonOrderItem): boolean => item.BuyerRequestedCancel?.IsBuyerRequestedCancel === 'true';

/**
 * What should happen to the order now: `cancel` when Amazon cancelled it or the buyer asked to cancel every item,
 * `reserve` while Amazon still holds it as Pending (no address), `create` when it is ready for SCAYLE, `none` when
 * it is past anything the hub does here (shipped, or an Amazon-fulfilled order).
 */
export const nextStepOf = (
  order: Pick<AmazonOrder, 'OrderStatus' | 'FulfillmentChannel'>,
  items: readonly AmazonOrderItem[],
): 'cancel' | 'reserve' | 'create' | 'none' => {
  if (order.FulfillmentChannel === 'AFN') return 'none';
  if (order.OrderStatus === 'Canceled') return 'cancel';
  if (items.length > 0 && items.every(buyerCancelled)) return 'cancel';
  if (order.OrderStatus === 'Pending' || order.OrderStatus === 'PendingAvailability') return 'reserve';
  if (ACTIONABLE_STATUSES.has(order.OrderStatus)) return 'create';
  return 'none';
};

/**
 * Units to hold back per SCAYLE SKU for an order not yet in SCAYLE: ordered minus shipped, for mapped SKUs only
 * (an unmapped SellerSKU has no stock the hub manages).
 */
export const reservationsOf = (
  items: readonly AmazonOrderItem[],
  skuOf: (sellerSku: string) => string | undefined,
): Map<string, number> => {
  const units = new Map<string, number>();
  for (const item of items) {
    const sku = item.SellerSKU ? skuOf(item.SellerSKU) : undefined;
    const open = item.QuantityOrdered - (item.QuantityShipped ?? 0);
    if (sku && open > 0) units.set(sku, (units.get(sku) ?? 0) + open);
  }
  return units;
};

/** Every SellerSKU of the order that has no SCAYLE variant, once each. */
export const unmappedOf = (
  items: readonly AmazonOrderItem[],
  skuOf: (sellerSku: string) => string | undefined,
): UnmappedSellerSku[] => {
  const seen = new Map<string, UnmappedSellerSku>();
  for (const item of items) {
    const sellerSku = item.SellerSKU ?? '';
    if ((!sellerSku || !skuOf(sellerSku)) && !seen.has(sellerSku)) seen.set(sellerSku, { sellerSku, asin: item.ASIN });
  }
  return [...seen.values()];
};

/** `total` split into `parts` integer shares that differ by at most one and add up to `total`. */
export const splitEvenly = (total: number, parts: number): number[] => {
  const base = Math.trunc(total / parts);
  const rest = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < Math.abs(rest) ? Math.sign(rest) : 0));
};

/** A VAT rate as SCAYLE's order model takes it, a fraction to four places (0.2 for 20 %), from gross and tax. */
const rateOf = (grossMinor: number, taxMinor: number): number => {
  const net = grossMinor - taxMinor;
  return net > 0 ? Math.round((taxMinor / net) * 10_000) / 10_000 : 0;
};

/** Gross and tax of a priced amount and its discount, as the marketplace shows them. */
const grossAndTax = (
  price: number,
  tax: number,
  discount: number,
  discountTax: number,
  taxIncluded: boolean,
): { gross: number; tax: number; undiscounted: number } => {
  const undiscounted = taxIncluded ? price : price + tax;
  const off = taxIncluded ? discount : discount + discountTax;
  return { gross: undiscounted - off, tax: tax - discountTax, undiscounted };
};

/**
 * `Jane Q Public` -> first `Jane Q`, last `Public`. SCAYLE needs both: a one-word name (a company, a nickname) is
 * used as both, so the parcel still carries the name the buyer gave.
 */
const splitName = (name: string): { firstName: string; lastName: string } => {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return { firstName: words[0] ?? '', lastName: words[0] ?? '' };
  return { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1) as string };
};

/**
 * The SCAYLE order for an Amazon order, in SCAYLE's order model: one item per unit with Amazon's final prices,
 * shipping as a `delivery` fee, VAT rates as fractions, the address with its recipient and an alpha-3 country, the
 * AmazonOrderId as `publicKey` (the look-up key before a create), and the Amazon ids in `legacyCustomData` (order
 * and item) so the order can be traced back and its shipments confirmed per Amazon order item.
 * @param skuOf the catalogue map for the order's marketplace: SellerSKU -> SCAYLE variant reference key.
 * @throws SellerSkuUnmappedError naming every unmapped SellerSKU with its ASIN.
 * @throws AddressMissingError when Amazon has not released the shipping address.
 * @throws AmazonTotalMismatchError when OrderTotal is not the sum of the parts.
 */
export const toScayleOrderCreate = (
  order: AmazonOrder,
  items: readonly AmazonOrderItem[],
  skuOf: (sellerSku: string) => string | undefined,
  shop: MarketplaceShop,
): ScayleOrderCreate => {
  const unmapped = unmappedOf(items, skuOf);
  if (unmapped.length > 0) throw new SellerSkuUnmappedError(unmapped);
  const address = order.ShippingAddress;
  if (!address?.Name || !address.AddressLine1 || !address.City || !address.CountryCode) {
    throw new AddressMissingError(`Amazon order ${order.AmazonOrderId} has no shipping address yet`);
  }
  const taxIncluded = !PRICES_EXCLUDE_TAX.has(order.MarketplaceId ?? '');
  const currencyCode =
    order.OrderTotal?.CurrencyCode ??
    items.find((i) => i.ItemPrice)?.ItemPrice?.CurrencyCode ??
    MARKETPLACE_CURRENCIES[order.MarketplaceId ?? ''] ??
    'EUR';

  const units: ScayleOrderCreate['items'] = [];
  let shippingGross = 0;
  let shippingTax = 0;
  for (const item of items) {
    if (buyerCancelled(item) || item.QuantityOrdered === 0) continue;
    const line = grossAndTax(
      minorOf(item.ItemPrice),
      minorOf(item.ItemTax),
      minorOf(item.PromotionDiscount),
      minorOf(item.PromotionDiscountTax),
      taxIncluded,
    );
    const rate = rateOf(line.gross, line.tax);
    const grossShares = splitEvenly(line.gross, item.QuantityOrdered);
    const taxShares = splitEvenly(line.tax, item.QuantityOrdered);
    const undiscountedShares = splitEvenly(line.undiscounted, item.QuantityOrdered);
    for (let unit = 0; unit < item.QuantityOrdered; unit++) {
      const withTax = grossShares[unit] as number;
      const tax = taxShares[unit] as number;
      const undiscounted = undiscountedShares[unit] as number;
      units.push({
        variant: { referenceKey: skuOf(item.SellerSKU as string) as string },
        price: {
          withTax,
          withoutTax: withTax - tax,
          tax: { vat: { amount: tax, rate } },
          ...(undiscounted !== withTax ? { undiscountedWithTax: undiscounted } : {}),
        },
        legacyCustomData: { amazonOrderItemId: item.OrderItemId },
      });
    }
    const shipping = grossAndTax(
      minorOf(item.ShippingPrice),
      minorOf(item.ShippingTax),
      minorOf(item.ShippingDiscount),
      minorOf(item.ShippingDiscountTax),
      taxIncluded,
    );
    shippingGross += shipping.gross;
    shippingTax += shipping.tax;
  }

  const itemsGross = units.reduce((sum, u) => sum + u.price.withTax, 0);
  const itemsNet = units.reduce((sum, u) => sum + u.price.withoutTax, 0);
  const total = itemsGross + shippingGross;
  if (order.OrderTotal && order.OrderStatus !== 'Canceled') {
    const expected = minorOf(order.OrderTotal);
    // Where tax comes on top (North America) OrderTotal includes it; either way it is what the buyer paid.
    if (expected !== total) throw new AmazonTotalMismatchError(expected, total);
  }
  const name = splitName(address.Name);
  const countryCode = toAlpha3(address.CountryCode);
  if (!countryCode) throw new AddressMissingError(`Amazon order ${order.AmazonOrderId} names no known country`);
  const scayleAddress = {
    recipient: { ...name, type: 'personal' as const },
    street: address.AddressLine1,
    ...(address.AddressLine2 || address.AddressLine3
      ? { additional: [address.AddressLine2, address.AddressLine3].filter(Boolean).join(', ') }
      : {}),
    ...(address.PostalCode ? { zipCode: address.PostalCode } : {}),
    city: address.City,
    countryCode,
    ...(address.Phone ? { phone: address.Phone } : {}),
  };
  const buyerName = splitName(order.BuyerInfo?.BuyerName ?? address.Name);
  return {
    publicKey: order.AmazonOrderId,
    currencyCode,
    confirmedAt: order.PurchaseDate,
    createdAt: order.PurchaseDate,
    channel: { key: shop.channelKey },
    customer: {
      // Amazon's anonymised buyer address; an order without one gets a reserved, undeliverable address.
      email: order.BuyerInfo?.BuyerEmail ?? `${order.AmazonOrderId}@marketplace.amazon.invalid`,
      firstName: buyerName.firstName || name.firstName,
      lastName: buyerName.lastName || name.lastName,
    },
    address: { shipping: scayleAddress, billing: scayleAddress },
    items: units,
    cost: {
      withTax: total,
      withoutTax: itemsNet + shippingGross - shippingTax,
      appliedFees:
        shippingGross !== 0
          ? [
              {
                category: 'delivery',
                key: 'amazon-shipping',
                option: 'deliveryCosts',
                amount: { withTax: shippingGross, withoutTax: shippingGross - shippingTax },
                tax: { vat: { amount: shippingTax, rate: rateOf(shippingGross, shippingTax) } },
              },
            ]
          : [],
      appliedReductions: [],
    },
    legacyCustomData: {
      amazonOrderId: order.AmazonOrderId,
      marketplaceId: order.MarketplaceId ?? '',
      ...(order.LatestShipDate ? { latestShipDate: order.LatestShipDate } : {}),
    },
  };
};
