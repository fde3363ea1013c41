import { z } from 'zod';

/**
 * Shapes of the SP-API Orders API v0, the Tokens API and the ORDER_CHANGE notification as the hub reads them
 * (../shared/reference/amazon-sp-api.md §3.3, §3.8). Only the fields the hub reads are required; everything else
 * passes through untouched so a new field never breaks parsing.
 */

const isoDate = z.iso.datetime({ offset: true });

/**
 * Decimals of a currency's minor unit where it is not 2 (ISO 4217). The one place to add a currency such as KRW
 * if the hub ever sells in it.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = { JPY: 0 };

/** Orders API Money: an ISO 4217 code and a dot-decimal amount string. [V] ordersV0.json Money */
export const moneySchema = z.looseObject({
  CurrencyCode: z.string().length(3),
  Amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount such as "12.99"'),
});

/** An SP-API Money value. */
export type AmazonMoney = z.output<typeof moneySchema>;

/**
 * An SP-API amount in integer minor units of its currency, without floating-point arithmetic: `'12.99'` GBP is
 * 1299, `'-3.5'` EUR is -350, `'1500'` JPY is 1500. Absent money is 0. Decimals beyond the currency's minor unit
 * must be zeros (`'10.50'` JPY is refused): rounding them away would lose money silently.
 */
export const minorOf = (money: AmazonMoney | undefined): number => {
  if (!money) return 0;
  const exponent = CURRENCY_EXPONENTS[money.CurrencyCode.toUpperCase()] ?? 2;
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(money.Amount.trim());
  const [, sign, whole = '', fraction = ''] = match ?? [];
  if (!match || /[^0]/.test(fraction.slice(exponent))) {
    throw new RangeError(`'${money.Amount}' is not an amount of ${money.CurrencyCode} in whole minor units`);
  }
  const minor = Number(whole) * 10 ** exponent + Number(fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`'${money.Amount}' ${money.CurrencyCode} is too large`);
  return sign && minor !== 0 ? -minor : minor;
};

/** The order statuses of Orders API v0 (`Unfulfillable` is MCF only). [V] ordersV0.json OrderStatus */
export const AMAZON_ORDER_STATUSES = [
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'InvoiceUnconfirmed',
  'Canceled',
  'Unfulfillable',
] as const;

/** An Amazon order status. */
export type AmazonOrderStatus = (typeof AMAZON_ORDER_STATUSES)[number];

const orderStatusSchema = z.enum(AMAZON_ORDER_STATUSES);

/**
 * `MFN` or `AFN` in the model, but the sandbox's own getOrders sample says `SellerFulfilled` (fixtures SOURCES.md),
 * so any string is taken and callers compare with `'AFN'` / `'MFN'`.
 */
const fulfillmentChannelSchema = z.string();

/**
 * A postal address of an order (ShippingAddress needs a restricted data token). The model requires `Name`; it is
 * optional here so that an address with less is still read and the caller decides whether it can be shipped to.
 */
export const amazonAddressSchema = z.looseObject({
  Name: z.string().optional(),
  AddressLine1: z.string().optional(),
  AddressLine2: z.string().optional(),
  AddressLine3: z.string().optional(),
  City: z.string().optional(),
  County: z.string().optional(),
  StateOrRegion: z.string().optional(),
  PostalCode: z.string().optional(),
  CountryCode: z.string().optional(),
  Phone: z.string().optional(),
  AddressType: z.string().optional(),
});

/** An Order of getOrder and getOrders. [V] ordersV0.json Order */
export const amazonOrderSchema = z.looseObject({
  AmazonOrderId: z.string().min(1),
  PurchaseDate: isoDate,
  LastUpdateDate: isoDate,
  OrderStatus: orderStatusSchema,
  /** Optional in the model; the hub needs it, so callers that route by marketplace must check it. */
  MarketplaceId: z.string().optional(),
  FulfillmentChannel: fulfillmentChannelSchema.optional(),
  EarliestShipDate: isoDate.optional(),
  LatestShipDate: isoDate.optional(),
  /** Absent while an order is Pending. */
  OrderTotal: moneySchema.optional(),
  /** Only with a restricted data token, and only for Unshipped, PartiallyShipped, Shipped and InvoiceUnconfirmed. */
  ShippingAddress: amazonAddressSchema.optional(),
  /** Only with a restricted data token. */
  BuyerInfo: z.looseObject({ BuyerEmail: z.string().optional(), BuyerName: z.string().optional() }).optional(),
});

/** An Amazon order as getOrder/getOrders return it. */
export type AmazonOrder = z.output<typeof amazonOrderSchema>;

/** An OrderItem of getOrderItems; ItemPrice is the unit price times QuantityOrdered. [V] ordersV0.json OrderItem */
export const amazonOrderItemSchema = z.looseObject({
  ASIN: z.string().min(1),
  OrderItemId: z.string().min(1),
  SellerSKU: z.string().optional(),
  Title: z.string().optional(),
  QuantityOrdered: z.number().int().nonnegative(),
  QuantityShipped: z.number().int().nonnegative().optional(),
  ItemPrice: moneySchema.optional(),
  ItemTax: moneySchema.optional(),
  ShippingPrice: moneySchema.optional(),
  ShippingTax: moneySchema.optional(),
  ShippingDiscount: moneySchema.optional(),
  ShippingDiscountTax: moneySchema.optional(),
  PromotionDiscount: moneySchema.optional(),
  PromotionDiscountTax: moneySchema.optional(),
  PromotionIds: z.array(z.string()).optional(),
  /** A string `'true'`/`'false'` in getOrderItems (the notification has a boolean). */
  BuyerRequestedCancel: z
    .looseObject({
      IsBuyerRequestedCancel: z.enum(['true', 'false']).optional(),
      BuyerCancelReason: z.string().optional(),
    })
    .optional(),
});

/** An Amazon order item as getOrderItems returns it. */
export type AmazonOrderItem = z.output<typeof amazonOrderItemSchema>;

/**
 * getOrders' answer. The echoed bounds are plain strings: the sandbox sample echoes `CreatedBefore` as epoch seconds
 * in scientific notation (`"1.569521782042E9"`, fixtures SOURCES.md) where the model documents ISO-8601.
 */
export const getOrdersResponseSchema = z.looseObject({
  payload: z.looseObject({
    Orders: z.array(amazonOrderSchema),
    NextToken: z.string().min(1).optional(),
    LastUpdatedBefore: z.string().optional(),
    CreatedBefore: z.string().optional(),
  }),
});

/** getOrder's answer. */
export const getOrderResponseSchema = z.looseObject({ payload: amazonOrderSchema });

/** getOrderItems' answer. */
export const getOrderItemsResponseSchema = z.looseObject({
  payload: z.looseObject({
    AmazonOrderId: z.string().min(1),
    OrderItems: z.array(amazonOrderItemSchema),
    NextToken: z.string().min(1).optional(),
  }),
});

/** createRestrictedDataToken's answer: the token and its lifetime in seconds. [V] tokens_2021-03-01.json */
export const restrictedDataTokenSchema = z.looseObject({
  restrictedDataToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
});

/** One item of an ORDER_CHANGE summary; `IsBuyerRequestedCancel` is a boolean here, unlike getOrderItems. */
const orderChangeItemSchema = z.looseObject({
  OrderItemId: z.string().min(1),
  SellerSKU: z.string(),
  SupplySourceId: z.string().nullish(),
  OrderItemStatus: z.string().optional(),
  Quantity: z.number().int().nonnegative(),
  QuantityShipped: z.number().int().nonnegative().optional(),
  IsBuyerRequestedCancel: z.boolean().optional(),
});

/**
 * The ORDER_CHANGE notification as SP-API puts it in the SQS message body. It carries no prices and no address:
 * the hub reads those with getOrder and getOrderItems. [V] schemas/notifications/OrderChangeNotification.json
 * (`DeliveryTipChange` is in the newest version only). Summary.OrderItems is required by the schema but optional
 * here: the hub reads the items with getOrderItems anyway.
 */
export const orderChangeNotificationSchema = z.looseObject({
  NotificationVersion: z.string().optional(),
  NotificationType: z.literal('ORDER_CHANGE'),
  PayloadVersion: z.string().optional(),
  EventTime: isoDate,
  Payload: z.looseObject({
    OrderChangeNotification: z.looseObject({
      NotificationLevel: z.enum(['OrderLevel', 'OrderItemLevel']).optional(),
      SellerId: z.string().optional(),
      AmazonOrderId: z.string().min(1),
      OrderChangeType: z.enum(['OrderStatusChange', 'BuyerRequestedChange', 'DeliveryTipChange']),
      OrderChangeTrigger: z
        .looseObject({ TimeOfOrderChange: isoDate.nullish(), ChangeReason: z.string().optional() })
        .optional(),
      Summary: z.looseObject({
        MarketplaceId: z.string().min(1),
        OrderStatus: orderStatusSchema,
        PurchaseDate: isoDate.nullish(),
        DestinationPostalCode: z.string().nullish(),
        FulfillmentType: fulfillmentChannelSchema.optional(),
        EarliestShipDate: isoDate.optional(),
        LatestShipDate: isoDate.optional(),
        OrderItems: z.array(orderChangeItemSchema).optional(),
      }),
    }),
  }),
  NotificationMetadata: z.looseObject({
    NotificationId: z.string().min(1),
    PublishTime: z.string().optional(),
    SubscriptionId: z.string().optional(),
    ApplicationId: z.string().optional(),
  }),
});

/** An ORDER_CHANGE notification. */
export type OrderChangeNotification = z.output<typeof orderChangeNotificationSchema>;
