import type { z } from 'zod';
import { parseWith } from '../../runtime/validation';
import type { ListingMessage, OrderEventMessage, StockEventMessage } from '../../schemas/queue-messages';
import {
  SCAYLE_HANDLED_EVENTS,
  SCAYLE_ORDER_EVENTS,
  SCAYLE_ORDER_ITEM_EVENTS,
  type ScayleEnvelope,
  scayleEnvelopeSchema,
  scayleOrderPayloadSchema,
  scayleProductUpdatedPayloadSchema,
  scayleVariantDeletedPayloadSchema,
  scayleVariantPricesPayloadSchema,
  scayleVariantStockPayloadSchema,
} from '../../schemas/scayle-webhooks';
import { type ScayleShops, shopOfLocale } from './shops';

/** What one SCAYLE webhook asks of the hub: a message for one of its queues, or nothing (a type it does not use). */
export type ScayleWebhookWork = { readonly eventId: string } & (
  | { readonly queue: 'orders'; readonly message: OrderEventMessage }
  | { readonly queue: 'stock'; readonly message: StockEventMessage }
  | { readonly queue: 'listings'; readonly message: ListingMessage }
  | { readonly queue: 'none'; readonly type: string }
);

const ITEM_EVENTS: readonly string[] = SCAYLE_ORDER_ITEM_EVENTS;
const ORDER_EVENTS: readonly string[] = [...SCAYLE_ORDER_EVENTS, ...SCAYLE_ORDER_ITEM_EVENTS];

/**
 * The envelope schema with `payload` as given, built once per payload schema: zod compiles a schema the first
 * time it parses with it, and an envelope extended anew for every webhook was compiled anew for every webhook.
 */
const envelopesByPayload = new WeakMap<z.ZodType, z.ZodType>();
const envelopeWith = (payload: z.ZodType): z.ZodType => {
  let schema = envelopesByPayload.get(payload);
  if (!schema) {
    schema = scayleEnvelopeSchema.extend({ payload });
    envelopesByPayload.set(payload, schema);
  }
  return schema;
};

/**
 * Reads a SCAYLE webhook body (parsed JSON) into the hub's work. The envelope and the payload of every event type
 * the hub uses are validated; a field that fails names itself (`payload.productVariant.referenceKey: ...`). A
 * well-formed envelope of a type the hub does not use is not an error: SCAYLE would retry a refusal forever.
 * @param shops the stage's shops, to name the shop of an order event from its `locale`.
 * @throws ValidationError naming the field.
 */
export const readScayleWebhook = (body: unknown, shops: ScayleShops, receivedAt: string): ScayleWebhookWork => {
  const envelope = parseWith(scayleEnvelopeSchema, body, 'SCAYLE webhook');
  const { type, key: eventId } = envelope;
  // Parsed again with the type's payload schema, so a failing field is named as it stands in the body.
  const payload = <S extends z.ZodType>(schema: S): z.output<S> =>
    (parseWith(envelopeWith(schema), body, `SCAYLE ${type} webhook`) as { payload: z.output<S> }).payload;

  if (!SCAYLE_HANDLED_EVENTS.includes(type)) return { queue: 'none', type, eventId };
  if (ORDER_EVENTS.includes(type)) {
    const { orderId } = payload(scayleOrderPayloadSchema);
    return { eventId, queue: 'orders', message: orderMessage(envelope, orderId, shops, receivedAt) };
  }
  if (type === 'product-variant-stock-updated' || type === 'product-variant-prices-updated') {
    const schema =
      type === 'product-variant-stock-updated' ? scayleVariantStockPayloadSchema : scayleVariantPricesPayloadSchema;
    const sku = payload(schema).productVariant.referenceKey;
    return { eventId, queue: 'stock', message: { kind: 'scayle-variant', event: type, sku, eventId, receivedAt } };
  }
  if (type === 'product-variant-deleted') {
    const sku = payload(scayleVariantDeletedPayloadSchema).referenceKey;
    return { eventId, queue: 'listings', message: { kind: 'variant-deleted', sku, eventId, receivedAt } };
  }
  const productKey = payload(scayleProductUpdatedPayloadSchema).referenceKey;
  return {
    eventId,
    queue: 'listings',
    message: { kind: 'product-sync', productKey, reason: 'webhook', eventId, receivedAt },
  };
};

const orderMessage = (
  envelope: ScayleEnvelope,
  orderId: number,
  shops: ScayleShops,
  receivedAt: string,
): OrderEventMessage => {
  const shop = shopOfLocale(shops, envelope.locale);
  return {
    eventId: envelope.key,
    event:
      envelope.type === 'order-confirmed'
        ? 'order-confirmed'
        : ITEM_EVENTS.includes(envelope.type)
          ? 'order-items-cancelled'
          : 'order-cancelled',
    scayleEvent: envelope.type,
    ...(shop ?? {}),
    orderId: String(orderId),
    occurredAt: envelope.occurredAt,
    receivedAt,
  };
};
