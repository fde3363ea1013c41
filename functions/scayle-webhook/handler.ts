import { createHash } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { listingsQueue } from '../../shared/adapters/aws/listings-queue';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { headerOf, WebhookIntake } from '../../shared/adapters/webhook-intake';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../shared/runtime/errors';
import { httpHandler } from '../../shared/runtime/handler';
import { jsonResponse } from '../../shared/runtime/http-errors';
import { count } from '../../shared/runtime/metrics';
import { parseWith } from '../../shared/runtime/validation';
import { type ScayleWebhook, scayleWebhookSchema } from '../../shared/schemas/scayle';

const env = parseEnv(
  z.object({
    ORDER_EVENTS_QUEUE_URL: z.url(),
    STOCK_EVENTS_QUEUE_URL: z.url(),
    LISTINGS_QUEUE_URL: z.url(),
    DATA_BUCKET: z.string().min(1),
    EXCEPTIONS_TABLE: z.string().min(1),
    WEBHOOK_SECRET: z.string().min(1),
  }),
);
const sqs = new SQSClient({});
const queue = new OrderEventsQueue(sqs, env.ORDER_EVENTS_QUEUE_URL);
const stockQueue = new StockEventsQueue(sqs, env.STOCK_EVENTS_QUEUE_URL);
const listings = listingsQueue(sqs, env.LISTINGS_QUEUE_URL);
const intake = new WebhookIntake({
  source: 'scayle-webhook',
  secretName: env.WEBHOOK_SECRET,
  store: new S3ObjectStore(s3Client, env.DATA_BUCKET),
  exceptions: new ExceptionsRepository(documentClient, env.EXCEPTIONS_TABLE),
});

/** SQS takes 256 KiB per message; an order webhook is a few KiB. */
export const MAX_BODY_BYTES = 200 * 1024;

/** The FIFO deduplication id: SCAYLE's event id, else a hash of what makes the event unique. */
export const deduplicationId = (webhook: ScayleWebhook): string =>
  webhook.id ??
  createHash('sha256').update(`${webhook.event}|${webhook.payload.id}|${webhook.occurredAt}`).digest('hex');

const parse = (event: APIGatewayProxyEvent, raw: string): ScayleWebhook => {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`content-type must be application/json, got '${contentType || 'none'}'`);
  }
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(`body is larger than ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ValidationError(`body is not JSON: ${(error as Error).message}`, [
      { field: '(root)', message: 'not JSON' },
    ]);
  }
  return parseWith(scayleWebhookSchema, json, 'SCAYLE webhook');
};

/**
 * `POST /webhooks/scayle`: authenticates SCAYLE (Basic credentials, compared in constant time), validates the
 * envelope and queues the event, answering 202: order events on the orders FIFO queue (group = SCAYLE order id,
 * deduplication id = event id), variant stock and price events on the stock queue (group = SKU), product events
 * on the listings queue (group = SCAYLE product). A body that fails validation gets a 4xx naming the field and is kept under `rejected/`.
 */
export const handler = httpHandler(async (event, context) => {
  const webhook = await intake.accept(event, context, (raw) => parse(event, raw));
  const eventId = deduplicationId(webhook);
  const receivedAt = new Date().toISOString();
  if (webhook.event === 'product-updated') {
    await listings.sendAll([
      { kind: 'product-sync', productKey: webhook.payload.referenceKey, reason: 'webhook', eventId, receivedAt },
    ]);
  } else if (webhook.event === 'product-variant-deleted') {
    await listings.sendAll([
      {
        kind: 'variant-deleted',
        sku: webhook.payload.referenceKey,
        productKey: webhook.payload.product.referenceKey,
        eventId,
        receivedAt,
      },
    ]);
  } else if (webhook.event === 'product-variant-stock-updated' || webhook.event === 'product-variant-prices-updated') {
    await stockQueue.sendAll([
      { kind: 'scayle-variant', event: webhook.event, sku: webhook.payload.referenceKey, eventId, receivedAt },
    ]);
  } else if (
    webhook.event === 'order-confirmed' ||
    webhook.event === 'order-cancelled' ||
    webhook.event === 'order-canceled'
  ) {
    await queue.send({
      eventId,
      event: webhook.event === 'order-confirmed' ? 'order-confirmed' : 'order-cancelled',
      shopKey: webhook.payload.shopKey,
      countryCode: webhook.payload.countryCode,
      orderId: String(webhook.payload.id),
      occurredAt: webhook.occurredAt,
      receivedAt,
    });
  }
  count('WebhooksAccepted');
  return jsonResponse(202, { accepted: true, eventId });
});
