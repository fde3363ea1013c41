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
