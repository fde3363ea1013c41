import { z } from 'zod';

/**
 * A SCAYLE order event on the orders FIFO queue (group = SCAYLE order id). The webhook's two spellings of the
 * cancel event are normalised to `order-cancelled` before it is queued.
 */
export const orderEventMessageSchema = z.object({
  eventId: z.string().min(1),
  event: z.enum(['order-confirmed', 'order-cancelled']),
  shopKey: z.string().min(1),
  countryCode: z.string().length(2),
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
    source: z.enum(['push', 'pull', 'reconcile']),
    receivedAt: isoTime,
    force: z.boolean().optional(),
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
