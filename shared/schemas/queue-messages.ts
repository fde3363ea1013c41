import { z } from 'zod';

/**
 * A SCAYLE order event on the orders FIFO queue (group = SCAYLE order id). It is a trigger: the order is re-read
 * from the Admin API before anything is done. The webhook's two spellings of the cancel event are normalised to
 * `order-cancelled`, and the item-level events (out of stock, cancelled, unshippable) to `order-items-cancelled`
 * with SCAYLE's own name kept in `scayleEvent`. The shop is known when the webhook's `locale` named it (or the
 * Amazon order loop created the order); otherwise the consumer finds it from the ledger or the Admin API.
 */
export const orderEventMessageSchema = z.object({
  eventId: z.string().min(1),
  event: z.enum(['order-confirmed', 'order-cancelled', 'order-items-cancelled']),
  scayleEvent: z.string().optional(),
  shopKey: z.string().min(1).optional(),
  countryCode: z.string().length(2).optional(),
  orderId: z.string().min(1),
  occurredAt: z.string(),
  receivedAt: z.string(),
});

/** A SCAYLE order event as queued. */
export type OrderEventMessage = z.output<typeof orderEventMessageSchema>;

const isoTime = z.iso.datetime({ offset: true });

/**
 * A stock event on the stock FIFO queue. OrderWise's figure for a stock code (group `ow#<code>`, so the changes
 * of one code are applied in order) from a pushed export, the pull, or the reconcile (`force`: push to SCAYLE even
 * if the ledger says SCAYLE already has it); or a SCAYLE variant webhook (group `scayle#<sku>`), a trigger to
 * re-read SCAYLE's stock or prices for Amazon.
 */
export const stockEventMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('orderwise-stock'),
    variantCode: z.string().min(1),
    freeStock: z.number().int(),
    changedAt: isoTime,
    source: z.enum(['push', 'pull', 'reconcile', 'reservation']),
    receivedAt: isoTime,
    force: z.boolean().optional(),
    /** Set when the figure is re-pushed because the SKU's reservations changed at this time. */
    reservationsChangedAt: isoTime.optional(),
  }),
  z.object({
    kind: z.literal('scayle-variant'),
    event: z.enum(['product-variant-stock-updated', 'product-variant-prices-updated']),
    sku: z.string().min(1),
    eventId: z.string().min(1),
    receivedAt: isoTime,
  }),
]);

/** A stock event as queued. */
export type StockEventMessage = z.output<typeof stockEventMessageSchema>;

/** An OrderWise stock figure as queued. */
export type OrderwiseStockMessage = Extract<StockEventMessage, { kind: 'orderwise-stock' }>;

/**
 * An Amazon order to look at, on the Amazon orders FIFO queue (group = AmazonOrderId, so the changes of one order
 * are handled in order). It is a trigger: the order and its items are re-read from the SP-API. Deduplicated by
 * the notification's id, or for the poll by the order's LastUpdateDate.
 */
export const amazonOrderMessageSchema = z.object({
  amazonOrderId: z.string().min(1),
  /** `notification#<NotificationId>`, `poll#<LastUpdateDate>` or `retry#<time>`. */
  eventId: z.string().min(1).max(128),
  source: z.enum(['notification', 'poll', 'retry']),
  marketplaceId: z.string().optional(),
  /** Amazon's status as the notification or the poll saw it. */
  orderStatus: z.string().optional(),
  changeType: z.string().optional(),
  latestShipDate: z.string().optional(),
  /** The order's LastUpdateDate, when the poll saw it. */
  lastUpdateDate: z.string().optional(),
  seenAt: isoTime,
});

/** An Amazon order trigger as queued. */
export type AmazonOrderMessage = z.output<typeof amazonOrderMessageSchema>;

/**
 * An OrderWise despatch of one order, on the despatch FIFO queue (group = the SCAYLE order id, so the despatches
 * of one order are handled in order): its packages as the export gave them.
 */
export const despatchMessageSchema = z.object({
  orderNumber: z.string().min(1),
  /** OrderWise's eCommerceOrderNumber: the SCAYLE order id the hub posted it under. */
  scayleOrderId: z.string().min(1),
  orderStatus: z.string(),
  deliveries: z
    .array(
      z.object({
        deliveryNumber: z.string().min(1),
        deliveryDate: z.string().min(1),
        courierName: z.string(),
        consignmentNumbers: z.array(z.string()),
        lines: z.array(z.object({ variantCode: z.string().min(1), quantity: z.number().int().positive() })).min(1),
      }),
    )
    .min(1),
  source: z.enum(['push', 'pull']),
  receivedAt: isoTime,
});

/** An OrderWise despatch as queued. */
export type DespatchMessage = z.output<typeof despatchMessageSchema>;

/** One Amazon shipment confirmation, on the confirmations FIFO queue (group = AmazonOrderId). */
export const amazonConfirmationMessageSchema = z.object({
  despatchId: z.string().min(1),
  amazonOrderId: z.string().min(1),
  marketplaceId: z.string().min(1),
  packageReferenceId: z.string().regex(/^[1-9]\d*$/),
  carrierCode: z.string().min(1),
  carrierName: z.string().optional(),
  trackingNumber: z.string().min(1),
  shipDate: isoTime,
  orderItems: z.array(z.object({ orderItemId: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});

/** An Amazon shipment confirmation as queued. */
export type AmazonConfirmationMessage = z.output<typeof amazonConfirmationMessageSchema>;

/**
 * Work of the catalogue loop on the listings FIFO queue (group = SCAYLE product reference key; deduplication id =
 * `eventId`): map a product to its Amazon listings again, or take down the listings of a deleted variant.
 */
export const listingMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('product-sync'),
    /** SCAYLE product reference key, or its numeric id as a string when a webhook named only the id. */
    productKey: z.string().min(1),
    reason: z.enum(['webhook', 'schedule', 'import', 'manual', 'relist']),
    eventId: z.string().min(1),
    receivedAt: z.string(),
  }),
  z.object({
    /**
     * A catalogue import moved a variant off this SellerSKU (or off Amazon in this marketplace) and nothing maps
     * it now: the listing the hub made has no SKU match any more and is taken down.
     */
    kind: z.literal('listing-retired'),
    marketplaceId: z.string().min(1),
    sellerSku: z.string().min(1),
    /** The SCAYLE SKU that was mapped to it. */
    sku: z.string().min(1),
    eventId: z.string().min(1),
    receivedAt: z.string(),
  }),
  z.object({
    kind: z.literal('variant-deleted'),
    /** The deleted variant's reference key (the SCAYLE SKU). */
    sku: z.string().min(1),
    /** SCAYLE's `product-variant-deleted` names no product [V fixture]; the group is then the variant's own. */
    productKey: z.string().min(1).optional(),
    eventId: z.string().min(1),
    receivedAt: z.string(),
  }),
]);

/** A message on the listings queue. */
export type ListingMessage = z.output<typeof listingMessageSchema>;
