/**
 * Merchant-fulfilled orders as the Orders API v0 shows them, with the status lifecycle Pending -> Unshipped ->
 * PartiallyShipped -> Shipped (or Canceled) driven by the control surface and by confirmShipment, and the
 * ORDER_CHANGE notification each change produces.
 */
import { z } from 'zod';
import {
  CARRIER_CODE_OTHER,
  MARKETPLACES,
  type MarketplaceFacts,
  ORDER_WINDOWS,
  ORDERS_RESERVE_LISTING_QUANTITY,
  SHIPPING_ON_FIRST_ITEM,
  STATUSES_WITH_ADDRESS,
  STATUSES_WITHOUT_TOTALS,
} from './facts';
import type { ListingStore } from './listings';
import {
  amountSchema,
  type IdSource,
  isoDateSchema,
  isoMillis,
  isoSeconds,
  money,
  taxOf,
  toAmount,
  toMinor,
} from './support';

const DAY_MS = 24 * 3600_000;

/** An Amazon order id: 3-7-7 digits. */
export const ORDER_ID_PATTERN = /^\d{3}-\d{7}-\d{7}$/;

/** The statuses a simulated order moves through. */
export type SimOrderStatus = 'Pending' | 'Unshipped' | 'PartiallyShipped' | 'Shipped' | 'Canceled';

/** A failed control or shipment request: the message says what to fix; `status` is the HTTP answer. */
export class OrderRequestError extends Error {
  override readonly name = 'OrderRequestError';

  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

/** Body of `POST /_sim/orders` (and of `createOrders`). */
export const createOrdersInputSchema = z.object({
  orders: z
    .array(
      z.object({
        amazonOrderId: z.string().regex(ORDER_ID_PATTERN, 'expected the 3-7-7 format').optional(),
        marketplaceId: z.string().optional(),
        status: z.enum(['Pending', 'Unshipped']).default('Unshipped'),
        items: z
          .array(
            z.object({
              sellerSku: z.string().min(1),
              quantity: z.int().min(1).max(999),
              /** Unit price as the marketplace shows it (with VAT in the UK and EU); defaults to the listing's. */
              unitPrice: amountSchema.optional(),
              /** Discount on the whole line. */
              promotionDiscount: amountSchema.optional(),
            }),
          )
          .min(1),
        shippingPrice: amountSchema.optional(),
        /** Backdates the order, e.g. to make it visible to getOrders before the two-minute lag has passed. */
        purchaseDate: isoDateSchema.optional(),
        latestShipDate: isoDateSchema.optional(),
        notify: z.boolean().default(true),
        /** Delivers the ORDER_CHANGE notification this many times, as an at-least-once queue may. */
        duplicates: z.int().min(1).max(20).default(1),
      }),
    )
    .min(1)
    .max(5000),
});

/** Input of `createOrders`. */
export type CreateOrdersInput = z.input<typeof createOrdersInputSchema>;

/** Body of `POST /_sim/orders/{id}/status` (and of `setOrderStatus`). */
export const setOrderStatusInputSchema = z
  .object({
    status: z.enum(['Unshipped', 'Canceled']).optional(),
    /** The buyer asks to cancel: items get BuyerRequestedCancel and a BuyerRequestedChange is sent. */
    buyerCancelReason: z.string().min(1).optional(),
    notify: z.boolean().default(true),
    duplicates: z.int().min(1).max(20).default(1),
  })
  .refine((input) => input.status !== undefined || input.buyerCancelReason !== undefined, {
    message: 'give a status, a buyerCancelReason or both',
  });

/** Input of `setOrderStatus`. */
export type SetOrderStatusInput = z.input<typeof setOrderStatusInputSchema>;

/** Body of confirmShipment [V reference §3.4]. */
export const confirmShipmentBodySchema = z.object({
  marketplaceId: z.string().min(1),
  codCollectionMethod: z.literal('DirectPayment').optional(),
  packageDetail: z
    .object({
      packageReferenceId: z.string().regex(/^[1-9]\d*$/, 'must be a positive numeric string'),
      carrierCode: z.string().min(1),
      carrierName: z.string().min(1).optional(),
      shippingMethod: z.string().optional(),
      trackingNumber: z.string().min(1),
      shipDate: isoDateSchema,
      shipFromSupplySourceId: z.string().optional(),
      orderItems: z
        .array(
          z.object({
            orderItemId: z.string().min(1),
            quantity: z.int().min(1),
            transparencyCodes: z.array(z.string()).optional(),
          }),
        )
        .min(1),
    })
    .refine((detail) => detail.carrierCode !== CARRIER_CODE_OTHER || detail.carrierName !== undefined, {
      message: `carrierName is required when carrierCode is '${CARRIER_CODE_OTHER}'`,
      path: ['carrierName'],
    }),
});

/** One package as confirmed. */
export type PackageDetail = z.infer<typeof confirmShipmentBodySchema>['packageDetail'];

interface SimOrderItem {
  readonly orderItemId: string;
  readonly sellerSku: string;
  readonly asin: string;
  readonly title: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly promotionDiscountMinor: number;
  readonly shippingMinor: number;
}

interface Address {
  readonly Name: string;
  readonly AddressLine1: string;
  readonly City: string;
  readonly PostalCode: string;
  readonly CountryCode: string;
  readonly Phone: string;
  readonly AddressType: 'Residential';
}

/** One simulated order. */
export interface SimOrder {
  readonly amazonOrderId: string;
  readonly marketplaceId: string;
  status: SimOrderStatus;
  readonly purchaseDate: number;
  lastUpdateDate: number;
  readonly earliestShipDate: number;
  readonly latestShipDate: number;
  readonly items: readonly SimOrderItem[];
  buyerCancelReason?: string;
  readonly address: Address;
  readonly buyerName: string;
  readonly buyerEmail: string;
  /** Confirmed packages by packageReferenceId; re-sending an id replaces its package. */
  readonly packages: Map<string, PackageDetail>;
}

/** What changed on an order, for the ORDER_CHANGE notification. */
export interface OrderChange {
  readonly order: SimOrder;
  readonly changeType: 'OrderStatusChange' | 'BuyerRequestedChange';
  readonly notify: boolean;
  readonly duplicates: number;
}

/** A getOrders search. */
export interface OrderQuery {
  readonly marketplaceIds: readonly string[];
  readonly dateField: 'created' | 'updated';
  readonly after: number;
  readonly before: number;
  readonly statuses?: readonly string[];
  readonly fulfillmentChannels?: readonly string[];
  readonly amazonOrderIds?: readonly string[];
}

const ADDRESS_BOOK: Readonly<Record<string, readonly [string, string, string, string][]>> = {
  GB: [
    ['Alex Morgan', '12 Baker Street', 'London', 'NW1 6XE'],
    ['Sam Taylor', '4 Mill Lane', 'Manchester', 'M1 1AE'],
    ['Jamie Clarke', '27 Station Road', 'Leeds', 'LS1 4DY'],
  ],
  DE: [
    ['Lena Schmidt', 'Hauptstraße 5', 'Berlin', '10115'],
    ['Jonas Weber', 'Bahnhofstraße 12', 'Hamburg', '20095'],
    ['Mia Fischer', 'Gartenweg 3', 'München', '80331'],
  ],
  FR: [
    ['Camille Martin', '8 Rue de Rivoli', 'Paris', '75004'],
    ['Lucas Bernard', '15 Rue Nationale', 'Lille', '59000'],
  ],
  US: [
    ['Jordan Lee', '2201 Westlake Ave', 'Seattle', '98121'],
    ['Casey Brown', '410 Terry Ave N', 'Seattle', '98109'],
  ],
};
const FALLBACK_ADDRESSES: readonly [string, string, string, string][] = [
  ['Robin Doe', 'Main Street 1', 'Capital', '10000'],
];

const SHIP_FROM = {
  Name: 'SCAYLE Demo Warehouse',
  AddressLine1: 'Unit 4, Enterprise Park',
  City: 'Northampton',
  PostalCode: 'NN4 7PA',
  CountryCode: 'GB',
  AddressType: 'Commercial',
} as const;

const marketOf = (marketplaceId: string): MarketplaceFacts => {
  const facts = MARKETPLACES[marketplaceId];
  if (!facts) throw new OrderRequestError(`unknown marketplace ${marketplaceId}`, 400);
  return facts;
};

const shippedOf = (order: SimOrder, orderItemId: string, except?: string): number => {
  let shipped = 0;
  for (const [reference, detail] of order.packages) {
    if (reference === except) continue;
    for (const line of detail.orderItems) if (line.orderItemId === orderItemId) shipped += line.quantity;
  }
  return shipped;
};

const counts = (order: SimOrder) => {
  if (STATUSES_WITHOUT_TOTALS.includes(order.status)) return { shipped: 0, unshipped: 0 };
  const ordered = order.items.reduce((sum, item) => sum + item.quantity, 0);
  const shipped = order.items.reduce((sum, item) => sum + shippedOf(order, item.orderItemId), 0);
  return { shipped, unshipped: ordered - shipped };
};

const itemAmounts = (order: SimOrder, item: SimOrderItem) => {
  const { taxRate, pricesIncludeTax } = marketOf(order.marketplaceId);
  const price = item.unitPriceMinor * item.quantity;
  return {
    price,
    tax: taxOf(price, taxRate, pricesIncludeTax),
    shipping: item.shippingMinor,
    shippingTax: taxOf(item.shippingMinor, taxRate, pricesIncludeTax),
    promotion: item.promotionDiscountMinor,
    promotionTax: taxOf(item.promotionDiscountMinor, taxRate, pricesIncludeTax),
  };
};

const orderTotalMinor = (order: SimOrder): number => {
  const { pricesIncludeTax } = marketOf(order.marketplaceId);
  return order.items.reduce((sum, item) => {
    const a = itemAmounts(order, item);
    const net = a.price + a.shipping - a.promotion;
    return sum + (pricesIncludeTax ? net : net + a.tax + a.shippingTax - a.promotionTax);
  }, 0);
};

/** The rest of a getOrders search, kept behind its NextToken. */
export interface OrderPage {
  readonly remaining: readonly string[];
  /** The query parameters of the first request, which a continuation may repeat but not change. */
  readonly filters: Readonly<Record<string, string>>;
  /** The echoed upper bound: `CreatedBefore` or `LastUpdatedBefore` and its value. */
  readonly bound: readonly [string, string];
}

/** The order store of one simulated seller. */
export class OrderStore {
  #orders = new Map<string, SimOrder>();
  #pages = new Map<string, OrderPage>();

  constructor(
    private readonly marketplaceIds: readonly string[],
    private readonly ids: IdSource,
    private readonly listings: ListingStore,
  ) {}

  /** Forgets every order and paging token. */
  clear(): void {
    this.#orders = new Map();
    this.#pages = new Map();
  }

  /** Keeps the rest of a search and returns its NextToken. */
  savePage(page: OrderPage): string {
    const token = this.ids.hex(40);
    this.#pages.set(token, page);
    return token;
  }

  /** The rest of a search by its NextToken, or undefined. A token can be used again, e.g. to retry a page. */
  page(token: string): OrderPage | undefined {
    return this.#pages.get(token);
  }

  /** The order, or undefined. */
  get(amazonOrderId: string): SimOrder | undefined {
    return this.#orders.get(amazonOrderId);
  }

  /** All orders in creation order. */
  all(): SimOrder[] {
    return [...this.#orders.values()];
  }

  /** Creates orders, all or none; each takes its units off the listing (ORDERS_RESERVE_LISTING_QUANTITY). */
  create(input: z.output<typeof createOrdersInputSchema>): OrderChange[] {
    const now = Date.now();
    const taken = new Set<string>();
    const drafts = input.orders.map((spec) => {
      const marketplaceId = spec.marketplaceId ?? this.marketplaceIds[0] ?? '';
      if (!this.marketplaceIds.includes(marketplaceId)) {
        throw new OrderRequestError(`marketplace ${marketplaceId} is not one of the seller's`, 400);
      }
      const facts = marketOf(marketplaceId);
      const amazonOrderId = spec.amazonOrderId ?? this.#newOrderId(taken);
      if (this.#orders.has(amazonOrderId) || taken.has(amazonOrderId)) {
        throw new OrderRequestError(`order ${amazonOrderId} already exists`, 409);
      }
      taken.add(amazonOrderId);
      // Order dates are whole seconds, as the API shows them, so that a date read back filters exactly.
      const purchaseDate = Math.floor((spec.purchaseDate ? Date.parse(spec.purchaseDate) : now) / 1000) * 1000;
      const shippingMinor = toMinor(spec.shippingPrice ?? '0');
      const items = spec.items.map((line, index): SimOrderItem => {
        const listed = this.listings.describe(line.sellerSku, marketplaceId);
        const unitPrice =
          line.unitPrice ?? (listed?.priceMinor === undefined ? undefined : toAmount(listed.priceMinor));
        if (unitPrice === undefined) {
          throw new OrderRequestError(`${line.sellerSku} has no price in ${marketplaceId}: give unitPrice`, 400);
        }
        const unitPriceMinor = toMinor(unitPrice);
        const promotionDiscountMinor = toMinor(line.promotionDiscount ?? '0');
        if (promotionDiscountMinor > unitPriceMinor * line.quantity) {
          throw new OrderRequestError(`promotionDiscount of ${line.sellerSku} exceeds the line price`, 400);
        }
        return {
          orderItemId: this.ids.digits(14),
          sellerSku: line.sellerSku,
          asin: listed?.asin ?? `B0${this.ids.digits(8)}`,
          title: listed?.title ?? line.sellerSku,
          quantity: line.quantity,
          unitPriceMinor,
          promotionDiscountMinor,
          shippingMinor: SHIPPING_ON_FIRST_ITEM && index === 0 ? shippingMinor : 0,
        };
      });
      const [name, street, city, postcode] = this.ids.pick(ADDRESS_BOOK[facts.countryCode] ?? FALLBACK_ADDRESSES);
      const order: SimOrder = {
        amazonOrderId,
        marketplaceId,
        status: spec.status,
        purchaseDate,
        lastUpdateDate: purchaseDate,
        earliestShipDate: purchaseDate,
        latestShipDate: spec.latestShipDate
          ? Date.parse(spec.latestShipDate)
          : purchaseDate + ORDER_WINDOWS.latestShipDays * DAY_MS,
        items,
        address: {
          Name: name,
          AddressLine1: street,
          City: city,
          PostalCode: postcode,
          CountryCode: facts.countryCode,
          Phone: `+00 ${this.ids.digits(10)}`,
          AddressType: 'Residential',
        },
        buyerName: name,
        buyerEmail: `${this.ids.hex(16)}@marketplace.${facts.salesChannel.toLowerCase()}`,
        packages: new Map(),
      };
      return { order, notify: spec.notify, duplicates: spec.duplicates };
    });
    return drafts.map(({ order, notify, duplicates }) => {
      this.#orders.set(order.amazonOrderId, order);
      if (ORDERS_RESERVE_LISTING_QUANTITY) {
        for (const item of order.items)
          this.listings.adjustQuantity(item.sellerSku, order.marketplaceId, -item.quantity);
      }
      return { order, changeType: 'OrderStatusChange', notify, duplicates };
    });
  }

  #newOrderId(taken: ReadonlySet<string>): string {
    for (;;) {
      const id = `${this.ids.pick(['202', '203', '204', '205', '206', '302', '303', '304', '305', '306'])}-${this.ids.digits(7)}-${this.ids.digits(7)}`;
      if (!this.#orders.has(id) && !taken.has(id)) return id;
    }
  }

  /** Moves an order on (Pending -> Unshipped, -> Canceled) and/or records a buyer's cancel request. */
  setStatus(amazonOrderId: string, input: z.output<typeof setOrderStatusInputSchema>): OrderChange {
    const order = this.#orders.get(amazonOrderId);
    if (!order) throw new OrderRequestError(`order ${amazonOrderId} not found`, 404);
    const allowed: Readonly<Record<SimOrderStatus, readonly string[]>> = {
      Pending: ['Unshipped', 'Canceled'],
      Unshipped: ['Canceled'],
      PartiallyShipped: [],
      Shipped: [],
      Canceled: [],
    };
    if (input.status && !allowed[order.status].includes(input.status)) {
      throw new OrderRequestError(`order ${amazonOrderId} cannot move from ${order.status} to ${input.status}`, 409);
    }
    if (input.buyerCancelReason && ['Shipped', 'Canceled'].includes(order.status)) {
      throw new OrderRequestError(`order ${amazonOrderId} is ${order.status}: the buyer can no longer cancel`, 409);
    }
    if (input.buyerCancelReason) order.buyerCancelReason = input.buyerCancelReason;
    if (input.status === 'Canceled' && ORDERS_RESERVE_LISTING_QUANTITY) {
      for (const item of order.items) {
        const unshipped = item.quantity - shippedOf(order, item.orderItemId);
        this.listings.adjustQuantity(item.sellerSku, order.marketplaceId, unshipped);
      }
    }
    if (input.status) order.status = input.status;
    order.lastUpdateDate = Math.floor(Date.now() / 1000) * 1000;
    return {
      order,
      changeType: input.status ? 'OrderStatusChange' : 'BuyerRequestedChange',
      notify: input.notify,
      duplicates: input.duplicates,
    };
  }

  /**
   * confirmShipment: records (or, for a known packageReferenceId, replaces) a package and derives the status from
   * the shipped quantities. Returns the change when the status moved.
   */
  confirmShipment(amazonOrderId: string, body: z.output<typeof confirmShipmentBodySchema>): OrderChange | undefined {
    const order = this.#orders.get(amazonOrderId);
    if (!order) throw new OrderRequestError(`order ${amazonOrderId} not found`, 404);
    if (body.marketplaceId !== order.marketplaceId) {
      throw new OrderRequestError(`order ${amazonOrderId} belongs to marketplace ${order.marketplaceId}`, 400);
    }
    if (order.status === 'Canceled' || order.status === 'Pending') {
      throw new OrderRequestError(`order ${amazonOrderId} is ${order.status} and cannot be shipped`, 400);
    }
    const detail = body.packageDetail;
    const seen = new Set<string>();
    for (const line of detail.orderItems) {
      const item = order.items.find((candidate) => candidate.orderItemId === line.orderItemId);
      if (!item) throw new OrderRequestError(`orderItemId ${line.orderItemId} is not on order ${amazonOrderId}`, 400);
      if (seen.has(line.orderItemId)) {
        throw new OrderRequestError(`orderItemId ${line.orderItemId} appears twice in the package`, 400);
      }
      seen.add(line.orderItemId);
      const elsewhere = shippedOf(order, line.orderItemId, detail.packageReferenceId);
      if (elsewhere + line.quantity > item.quantity) {
        throw new OrderRequestError(
          `quantity ${line.quantity} of orderItemId ${line.orderItemId} exceeds the ${item.quantity - elsewhere} unshipped`,
          400,
        );
      }
    }
    order.packages.set(detail.packageReferenceId, detail);
    const before = order.status;
    const { shipped, unshipped } = counts({ ...order, status: 'Unshipped' });
    order.status = unshipped === 0 ? 'Shipped' : shipped > 0 ? 'PartiallyShipped' : 'Unshipped';
    order.lastUpdateDate = Math.floor(Date.now() / 1000) * 1000;
    return order.status === before
      ? undefined
      : { order, changeType: 'OrderStatusChange', notify: true, duplicates: 1 };
  }

  /** getOrders' matches, oldest first by the date the search filters on. */
  search(query: OrderQuery): SimOrder[] {
    const dateOf = (order: SimOrder) => (query.dateField === 'created' ? order.purchaseDate : order.lastUpdateDate);
    return this.all()
      .filter(
        (order) =>
          query.marketplaceIds.includes(order.marketplaceId) &&
          dateOf(order) >= query.after &&
          dateOf(order) <= query.before &&
          (!query.statuses || query.statuses.includes(order.status)) &&
          (!query.fulfillmentChannels || query.fulfillmentChannels.includes('MFN')) &&
          (!query.amazonOrderIds || query.amazonOrderIds.includes(order.amazonOrderId)),
      )
      .sort((a, b) => dateOf(a) - dateOf(b) || a.amazonOrderId.localeCompare(b.amazonOrderId));
  }
}

/** The Orders API v0 Order; ShippingAddress and BuyerInfo only when an RDT released them. */
export const orderView = (order: SimOrder, pii: { address: boolean; buyerInfo: boolean }) => {
  const facts = marketOf(order.marketplaceId);
  const { shipped, unshipped } = counts(order);
  const withTotals = !STATUSES_WITHOUT_TOTALS.includes(order.status);
  return {
    AmazonOrderId: order.amazonOrderId,
    PurchaseDate: isoSeconds(order.purchaseDate),
    LastUpdateDate: isoSeconds(order.lastUpdateDate),
    OrderStatus: order.status,
    FulfillmentChannel: 'MFN',
    SalesChannel: facts.salesChannel,
    ShipServiceLevel: `Std ${facts.countryCode} Dom`,
    ...(withTotals ? { OrderTotal: money(facts.currency, orderTotalMinor(order)) } : {}),
    NumberOfItemsShipped: shipped,
    NumberOfItemsUnshipped: unshipped,
    PaymentMethod: 'Other',
    PaymentMethodDetails: ['Standard'],
    IsReplacementOrder: false,
    MarketplaceId: order.marketplaceId,
    ShipmentServiceLevelCategory: 'Standard',
    OrderType: 'StandardOrder',
    EarliestShipDate: isoSeconds(order.earliestShipDate),
    LatestShipDate: isoSeconds(order.latestShipDate),
    EarliestDeliveryDate: isoSeconds(order.purchaseDate + ORDER_WINDOWS.earliestDeliveryDays * DAY_MS),
    // Amazon gives no LatestDeliveryDate for Pending or Canceled orders [V ordersV0.json].
    ...(withTotals
      ? { LatestDeliveryDate: isoSeconds(order.purchaseDate + ORDER_WINDOWS.latestDeliveryDays * DAY_MS) }
      : {}),
    IsBusinessOrder: false,
    IsPrime: false,
    IsGlobalExpressEnabled: false,
    IsPremiumOrder: false,
    IsSoldByAB: false,
    IsIBA: false,
    DefaultShipFromLocationAddress: SHIP_FROM,
    IsISPU: false,
    IsAccessPointOrder: false,
    AutomatedShippingSettings: { HasAutomatedShippingSettings: false },
    ElectronicInvoiceStatus: 'NotRequired',
    ...(pii.address && STATUSES_WITH_ADDRESS.includes(order.status) ? { ShippingAddress: order.address } : {}),
    ...(pii.buyerInfo ? { BuyerInfo: { BuyerEmail: order.buyerEmail, BuyerName: order.buyerName } } : {}),
  };
};

/** getOrderAddress's payload: the address only with an RDT and once the order is payable. */
export const orderAddressView = (order: SimOrder, released: boolean) => ({
  AmazonOrderId: order.amazonOrderId,
  ...(released && STATUSES_WITH_ADDRESS.includes(order.status) ? { ShippingAddress: order.address } : {}),
});

/** getOrderItems' OrderItems: money as decimal strings, ItemPrice = unit price x quantity. */
export const orderItemsView = (order: SimOrder) => {
  const { currency } = marketOf(order.marketplaceId);
  return order.items.map((item) => {
    const a = itemAmounts(order, item);
    return {
      ASIN: item.asin,
      OrderItemId: item.orderItemId,
      SellerSKU: item.sellerSku,
      Title: item.title,
      QuantityOrdered: item.quantity,
      QuantityShipped: shippedOf(order, item.orderItemId),
      ProductInfo: { NumberOfItems: '1' },
      ItemPrice: money(currency, a.price),
      ShippingPrice: money(currency, a.shipping),
      ItemTax: money(currency, a.tax),
      ShippingTax: money(currency, a.shippingTax),
      ShippingDiscount: money(currency, 0),
      ShippingDiscountTax: money(currency, 0),
      PromotionDiscount: money(currency, a.promotion),
      PromotionDiscountTax: money(currency, a.promotionTax),
      ...(a.promotion > 0 ? { PromotionIds: [`SIM-PROMO-${order.marketplaceId}`] } : {}),
      IsGift: 'false',
      ConditionId: 'New',
      ConditionSubtypeId: 'New',
      IsTransparency: false,
      SerialNumberRequired: false,
      ...(order.buyerCancelReason
        ? { BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true', BuyerCancelReason: order.buyerCancelReason } }
        : {}),
    };
  });
};

/** Who sends a notification. */
export interface NotificationSource {
  readonly sellerId: string;
  readonly applicationId: string;
  readonly subscriptionId: string;
  readonly notificationId: string;
  readonly changeReason: string;
}

/** The ORDER_CHANGE notification of a change, shaped as schemas/notifications/OrderChangeNotification.json. */
export const orderChangeNotification = (change: OrderChange, source: NotificationSource) => {
  const { order } = change;
  const now = Date.now();
  const { shipped, unshipped } = counts(order);
  const withDates = !STATUSES_WITHOUT_TOTALS.includes(order.status);
  const earliestDelivery = isoMillis(order.purchaseDate + ORDER_WINDOWS.earliestDeliveryDays * DAY_MS);
  const latestDelivery = isoMillis(order.purchaseDate + ORDER_WINDOWS.latestDeliveryDays * DAY_MS);
  return {
    NotificationVersion: '1.0',
    NotificationType: 'ORDER_CHANGE',
    PayloadVersion: '1.0',
    EventTime: isoMillis(now),
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: source.sellerId,
        AmazonOrderId: order.amazonOrderId,
        OrderChangeType: change.changeType,
        OrderChangeTrigger: { TimeOfOrderChange: isoMillis(order.lastUpdateDate), ChangeReason: source.changeReason },
        Summary: {
          MarketplaceId: order.marketplaceId,
          OrderStatus: order.status,
          PurchaseDate: isoMillis(order.purchaseDate),
          // The address is not known while an order is Pending.
          DestinationPostalCode: order.status === 'Pending' ? null : order.address.PostalCode,
          FulfillmentType: 'MFN',
          OrderType: 'StandardOrder',
          NumberOfItemsShipped: shipped,
          NumberOfItemsUnshipped: unshipped,
          EarliestDeliveryDate: earliestDelivery,
          ...(withDates ? { LatestDeliveryDate: latestDelivery } : {}),
          EarliestShipDate: isoMillis(order.earliestShipDate),
          LatestShipDate: isoMillis(order.latestShipDate),
          OrderPrograms: [],
          ShippingPrograms: [],
          ElectronicInvoiceStatus: 'NotRequired',
          OrderItems: order.items.map((item) => {
            const itemShipped = shippedOf(order, item.orderItemId);
            return {
              OrderItemId: item.orderItemId,
              SellerSKU: item.sellerSku,
              SupplySourceId: null,
              OrderItemStatus: itemShipped >= item.quantity ? 'Shipped' : 'Unshipped',
              Quantity: item.quantity,
              QuantityShipped: itemShipped,
              IsBuyerRequestedCancel: order.buyerCancelReason !== undefined,
              ItemEarliestDeliveryDate: earliestDelivery,
              ...(withDates ? { ItemLatestDeliveryDate: latestDelivery } : {}),
            };
          }),
        },
      },
    },
    NotificationMetadata: {
      ApplicationId: source.applicationId,
      SubscriptionId: source.subscriptionId,
      PublishTime: isoMillis(now),
      NotificationId: source.notificationId,
    },
  };
};

/** An order as `GET /_sim/state` and the control surface show it. */
export const orderSummary = (order: SimOrder) => {
  const { currency } = marketOf(order.marketplaceId);
  return {
    amazonOrderId: order.amazonOrderId,
    marketplaceId: order.marketplaceId,
    status: order.status,
    purchaseDate: isoSeconds(order.purchaseDate),
    lastUpdateDate: isoSeconds(order.lastUpdateDate),
    latestShipDate: isoSeconds(order.latestShipDate),
    currency,
    orderTotal: toAmount(orderTotalMinor(order)),
    ...(order.buyerCancelReason ? { buyerCancelReason: order.buyerCancelReason } : {}),
    items: order.items.map((item) => ({
      orderItemId: item.orderItemId,
      sellerSku: item.sellerSku,
      asin: item.asin,
      quantity: item.quantity,
      quantityShipped: shippedOf(order, item.orderItemId),
      unitPrice: toAmount(item.unitPriceMinor),
      promotionDiscount: toAmount(item.promotionDiscountMinor),
      shippingPrice: toAmount(item.shippingMinor),
    })),
  };
};
