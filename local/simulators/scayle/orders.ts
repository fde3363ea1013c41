/**
 * Orders as SCAYLE stores them and the Admin API returns them [V SDK `Order`, `OrderItem`, `OrderCost`, … models;
 * fixture OrderGetResponse.json]: one item per unit, minor units, VAT rates as fractions, addresses with a
 * `recipient` and an alpha-3 country. The book keeps them and performs what happens to an order afterwards:
 * reference key, shipments, cancellation of items or of the whole order.
 */
import { createHash } from 'node:crypto';
import { timestamp } from './api';
import { ITEM_STATUS, ITEM_STATUSES_OUT, ORDER_STATES } from './facts';
import type { shopCountryView } from './shops';

/** A VAT amount and its rate (a fraction, 0.19). */
export interface Vat {
  amount: number;
  rate: number;
}

/** A reduction of an item price or of the order [V SDK `OrderReduction`]. */
export interface Reduction {
  amount: { absoluteWithTax: number; relative: number };
  /** sale, campaign, voucher, promotion or promotionCode. */
  category: string;
  type: string;
  code?: string;
}

/** An item's price after an absolute voucher's share [V SDK `OrderItemAbsoluteVoucherReducedPrice`]. */
export interface VoucherReducedPrice {
  withTax: number;
  withOutTax: number;
  tax: { vat: Vat };
}

/** The price of one unit [V SDK `OrderItemPrice`]. */
export interface ItemPrice {
  withTax: number;
  withoutTax?: number;
  tax: { vat: Vat };
  undiscountedWithTax?: number;
  undiscountedWithOutTax?: number;
  appliedReductions?: Reduction[];
  absoluteVoucherReducedPrice?: VoucherReducedPrice;
}

/** One unit of a variant in an order [V SDK `OrderItem`]. */
export interface OrderItem {
  id: number;
  key: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  currency: string;
  variant: { id: number; referenceKey: string };
  product: { id: number };
  /** The package the unit was shipped in; null until then [A]. */
  packageId: number | null;
  price: ItemPrice;
  merchant?: { id?: number; referenceKey?: string };
  warehouseId?: number;
  reservationKey?: string;
  legacyCustomData?: Record<string, unknown>;
  delegatedAt?: string;
  shippedAt?: string;
  cancelledAt?: string;
}

/** A collection point (parcel shop, locker) a shipping address names [V SDK `CustomerAddressCollectionPoint`]. */
export interface CollectionPoint {
  customerKey: string;
  description: string;
  key: string;
  type: string;
}

/** A billing or shipping address of an order [V SDK `CustomerAddress`]. */
export interface Address {
  id: number;
  street: string;
  houseNumber?: string;
  additional?: string;
  zipCode: string;
  city: string;
  /** ISO 3166-1 alpha-3. */
  countryCode: string;
  recipient: { firstName: string; lastName: string; gender?: string; type?: string; title?: string };
  isDefault: { billing: boolean; shipping: boolean };
  phone?: string;
  state?: string;
  referenceKey?: string;
  collectionPoint?: CollectionPoint;
}

/** A fee of the order, e.g. delivery [V SDK `OrderFee`]. */
export interface Fee {
  amount?: { withTax: number; withoutTax?: number };
  category?: string;
  key?: string;
  option?: string;
  tax?: { vat: Vat };
}

/** What the order costs [V SDK `OrderCost`]. */
export interface OrderCost {
  withTax: number;
  withoutTax: number;
  appliedFees: Fee[];
  appliedReductions: Reduction[];
  tax: { vat: { amount: number } };
  costCapture: number;
  withTaxWithMembershipDiscountWithoutServiceCosts: number;
  withoutTaxWithMembershipDiscount: number;
}

/** A shipped package [V SDK `OrderPackage`]. */
export interface Package {
  id: number;
  shipmentKey: string;
  carrierKey: string;
  deliveryDate: { minimum: string; maximum: string };
  deliveryStatus: string;
  shippedAt: string;
  tracking: { id: string };
  returnIdentCode?: string;
}

/** A voucher redeemed in the order [V SDK `OrderVoucher`]. */
export interface OrderVoucher {
  id: number;
  voucherId: number;
  code: string;
  type: string;
  value: number;
  applicableItems: { key: string; isApplied: boolean }[];
}

/** The customer of an order [V SDK `Customer`]; an external order stores what it was given. */
export interface OrderCustomer {
  id: number;
  email?: string;
  firstName?: string;
  lastName?: string;
  [field: string]: unknown;
}

/** The channel of an order taken outside the shop [V SDK `OrderChannel`]. */
export interface Channel {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  /** marketplace or in_store [V scayle.dev checkout-guide/features/external-order-creation/channel-configuration]. */
  readonly type: string;
}

/** An order as `GET /shops/{shopKey}/countries/{countryCode}/orders/{id}` returns it. */
export interface ScayleOrder {
  id: number;
  referenceKey: string | null;
  publicKey: string;
  basketKey: string;
  status: string;
  detailedStatus: Record<'order' | 'shipping' | 'billing', { code: string; name: string }>;
  currencyCode: string;
  shopCountry: ReturnType<typeof shopCountryView>;
  customer: OrderCustomer;
  address: { billing: Address; shipping: Address };
  items: OrderItem[];
  packages: Package[];
  payment: { amount: number; key: string; transactionKey: string; data: Record<string, unknown> }[];
  vouchers: OrderVoucher[];
  cost: OrderCost;
  shipping: { deliveryCosts: number; expressDeliveryCosts: number; policy: string };
  channel?: Channel;
  legacyCustomData?: Record<string, unknown>;
  confirmedAt: string;
  createdAt: string;
  updatedAt: string;
  invoicedAt?: string;
}

/** Gross to net and VAT for one gross amount: net rounded to the minor unit, VAT the rest [A facts MONEY]. */
export const vatOf = (withTax: number, rate: number) => {
  const withoutTax = Math.round(withTax / (1 + rate));
  return { withTax, withoutTax, vat: { amount: withTax - withoutTax, rate } };
};

/** A share as SCAYLE writes `relative`: a fraction, four places. */
export const fraction = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** What the customer pays for a unit: after its share of absolute vouchers, if any [A facts MONEY]. */
export const paidOf = (item: OrderItem) => ({
  withTax: item.price.absoluteVoucherReducedPrice?.withTax ?? item.price.withTax,
  withoutTax: item.price.absoluteVoucherReducedPrice?.withOutTax ?? item.price.withoutTax ?? 0,
});

/** A 32-hex item key like SCAYLE's (fixture `e3f0643cd35403f954828e745797260b`). */
export const itemKeyOf = (itemId: number) => createHash('md5').update(`order-item-${itemId}`).digest('hex');

/**
 * The order as a webhook carries it: `customData` where the Admin API says `legacyCustomData` [V scayle.dev
 * core-documentation/architecture/webhooks/order-events, the order schema].
 */
export const webhookOrder = (order: ScayleOrder) => {
  const { legacyCustomData, items, ...rest } = structuredClone(order);
  return {
    ...rest,
    ...(legacyCustomData === undefined ? {} : { customData: legacyCustomData }),
    items: items.map(({ legacyCustomData: data, ...item }) => ({ ...item, ...(data ? { customData: data } : {}) })),
  };
};

/** Why a shipment or cancellation of items cannot be done. */
export class ItemsRefusedError extends Error {
  constructor(
    message: string,
    /** 400: an item the order does not have; 409: an item already shipped or out of the order. */
    readonly status: 400 | 409,
  ) {
    super(message);
  }
}

/** The first ids the book hands out. */
export interface FirstIds {
  readonly order?: number;
  readonly orderItem?: number;
}

/** The orders of the simulator and every change made to them. */
export class OrderBook {
  #orders = new Map<number, ScayleOrder>();
  #next = { order: 0, item: 0, address: 0, package: 0, customer: 0, voucher: 0 };

  constructor(private readonly first: FirstIds = {}) {
    this.reset();
  }

  reset(): void {
    this.#orders = new Map();
    // Item ids in another range than order ids, so that a caller mixing them up is found out.
    this.#next = {
      order: this.first.order ?? 10_001,
      item: this.first.orderItem ?? 67_000_001,
      address: 7_001,
      package: 41,
      customer: 501,
      voucher: 301,
    };
  }

  /** A fresh id of the kind. */
  nextId(kind: 'order' | 'item' | 'address' | 'package' | 'customer' | 'voucher'): number {
    return this.#next[kind]++;
  }

  /** The order id the next order will get. */
  peekOrderId(): number {
    return this.#next.order;
  }

  add(order: ScayleOrder): ScayleOrder {
    this.#orders.set(order.id, order);
    return order;
  }

  all(): ScayleOrder[] {
    return [...this.#orders.values()];
  }

  get(id: number): ScayleOrder | undefined {
    return this.#orders.get(id);
  }

  /** The order an identifier names: its id or `key=<referenceKey>`. */
  find(identifier: { id: number } | { key: string }): ScayleOrder | undefined {
    return 'id' in identifier
      ? this.#orders.get(identifier.id)
      : this.all().find((o) => o.referenceKey === identifier.key);
  }

  /** The order with this public key, in one shop or any. */
  byPublicKey(publicKey: string, shopKey?: string): ScayleOrder | undefined {
    return this.all().find(
      (o) => o.publicKey === publicKey && (shopKey === undefined || o.shopCountry.shopKey === shopKey),
    );
  }

  /** The order of a shipment or cancellation: it must belong to the shop country named [A facts]. */
  ofShopCountry(shopKey: string, countryCode: string, orderId: number): ScayleOrder | undefined {
    const order = this.#orders.get(orderId);
    return order?.shopCountry.shopKey === shopKey && order.shopCountry.countryCode === countryCode.toUpperCase()
      ? order
      : undefined;
  }

  /** The items of an order by id; refused when one is unknown, or shipped or out of the order already. */
  #open(order: ScayleOrder, itemIds: readonly number[]): OrderItem[] {
    const chosen = itemIds.map((id) => order.items.find((item) => item.id === id));
    const unknown = itemIds.filter((_, i) => !chosen[i]);
    if (unknown.length > 0)
      throw new ItemsRefusedError(`orderItemId: order ${order.id} has no item ${unknown.join(', ')}`, 400);
    const done = (chosen as OrderItem[]).filter(
      (item) => item.packageId !== null || ITEM_STATUSES_OUT.includes(item.status),
    );
    if (done.length > 0)
      throw new ItemsRefusedError(`items ${done.map((i) => i.id).join(', ')} are already shipped or cancelled`, 409);
    return chosen as OrderItem[];
  }

  /**
   * Takes items out of the order with the status given: `cancelledAt` is set and `cost` loses what they cost; the
   * fees stay [A facts MONEY]. When no item is left the order is cancelled. Returns whether it was.
   */
  takeOut(order: ScayleOrder, itemIds: readonly number[], status: string): { orderCancelled: boolean } {
    const items = this.#open(order, itemIds);
    const at = timestamp();
    for (const item of items) {
      const paid = paidOf(item);
      item.status = status;
      item.cancelledAt = at;
      item.updatedAt = at;
      const { cost } = order;
      cost.withTax -= paid.withTax;
      cost.withoutTax -= paid.withoutTax;
      cost.costCapture -= paid.withTax;
      cost.withTaxWithMembershipDiscountWithoutServiceCosts -= paid.withTax;
      cost.withoutTaxWithMembershipDiscount -= paid.withoutTax;
      cost.tax.vat.amount = cost.withTax - cost.withoutTax;
      for (const voucher of order.vouchers)
        for (const applicable of voucher.applicableItems) if (applicable.key === item.key) applicable.isApplied = false;
    }
    order.updatedAt = at;
    const orderCancelled = order.items.every((item) => ITEM_STATUSES_OUT.includes(item.status));
    if (orderCancelled) Object.assign(order, structuredClone(ORDER_STATES.cancelled));
    else this.#settle(order, at);
    return { orderCancelled };
  }

  /** Cancels every item still open (the whole order cancelled in SCAYLE); undefined when none is. */
  cancelAll(order: ScayleOrder): { orderCancelled: boolean } | undefined {
    const open = order.items.filter((item) => item.packageId === null && !ITEM_STATUSES_OUT.includes(item.status));
    if (open.length === 0) return undefined;
    return this.takeOut(
      order,
      open.map((item) => item.id),
      ITEM_STATUS.orderCancelled,
    );
  }

  /** One shipment: a new package with the items given [V reference §1.4: one call per physical package]. */
  ship(
    order: ScayleOrder,
    shipment: {
      itemIds: readonly number[];
      carrier: string;
      shipmentKey: string;
      deliveryDate: string;
      returnIdentCode?: string;
    },
  ): Package {
    const items = this.#open(order, shipment.itemIds);
    const shippedAt = timestamp();
    const leaves = Date.parse(shipment.deliveryDate);
    const day = (offset: number) => new Date(leaves + offset * 86_400_000).toISOString().slice(0, 10);
    const pkg: Package = {
      id: this.nextId('package'),
      shipmentKey: shipment.shipmentKey,
      carrierKey: shipment.carrier,
      // [A] Delivered one to three days after the parcel leaves the warehouse; dates only [O fixture].
      deliveryDate: { minimum: day(1), maximum: day(3) },
      deliveryStatus: 'shipment_completed',
      shippedAt,
      tracking: { id: shipment.shipmentKey },
      ...(shipment.returnIdentCode === undefined ? {} : { returnIdentCode: shipment.returnIdentCode }),
    };
    for (const item of items) {
      item.packageId = pkg.id;
      item.status = ITEM_STATUS.shipped;
      item.shippedAt = shippedAt;
      item.updatedAt = shippedAt;
    }
    order.packages.push(pkg);
    this.#settle(order, shippedAt);
    return pkg;
  }

  /** An order whose every item is shipped or out, at least one shipped, is invoiced [A]. */
  #settle(order: ScayleOrder, at: string): void {
    order.updatedAt = at;
    const shipped = order.items.filter((item) => item.packageId !== null);
    if (shipped.length > 0 && order.items.every((i) => i.packageId !== null || ITEM_STATUSES_OUT.includes(i.status))) {
      Object.assign(order, structuredClone(ORDER_STATES.shipped));
      order.invoicedAt = at;
    }
  }
}
