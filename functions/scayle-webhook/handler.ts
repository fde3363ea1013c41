import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { ExceptionsRepository } from '../../shared/adapters/aws/exceptions-repository';
import { listingsQueue } from '../../shared/adapters/aws/listings-queue';
import { S3ObjectStore } from '../../shared/adapters/aws/object-store';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { StockEventsQueue } from '../../shared/adapters/aws/stock-events-queue';
import { scayleShopsEnv } from '../../shared/adapters/scayle/shops';
import { readScayleWebhook, type ScayleWebhookWork } from '../../shared/adapters/scayle/webhook-events';
import { headerOf, WebhookIntake } from '../../shared/adapters/webhook-intake';
import { documentClient, s3Client } from '../../shared/adapters/wiring';
import { parseEnv } from '../../shared/runtime/env';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../shared/runtime/errors';
import { httpHandler } from '../../shared/runtime/handler';
import { jsonResponse } from '../../shared/runtime/http-errors';
import { logger } from '../../shared/runtime/logger';
import { count } from '../../shared/runtime/metrics';

const env = parseEnv(
  z
    .object({
      ORDER_EVENTS_QUEUE_URL: z.url(),
      STOCK_EVENTS_QUEUE_URL: z.url(),
      LISTINGS_QUEUE_URL: z.url(),
      DATA_BUCKET: z.string().min(1),
      EXCEPTIONS_TABLE: z.string().min(1),
      WEBHOOK_SECRET: z.string().min(1),
    })
    .extend(scayleShopsEnv.shape),
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

/** SQS takes 256 KiB per message; an order webhook carries the whole order, a few KiB up to some tens. */
export const MAX_BODY_BYTES = 200 * 1024;

const parse = (event: APIGatewayProxyEvent, raw: string, receivedAt: string): ScayleWebhookWork => {
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
  return readScayleWebhook(json, env.SCAYLE_SHOPS, receivedAt);
};

/**
 * `POST /webhooks/scayle`: authenticates SCAYLE (Basic credentials, compared in constant time), validates the
 * documented envelope `{key, type, occurredAt, payload}` and queues the event, answering 202: order events on the
 * orders FIFO queue (group = SCAYLE order id, deduplication id = the event's `key`), variant stock and price events
 * on the stock queue (group = SKU), product events on the listings queue (group = SCAYLE product). An event type
 * the hub does not use is answered 202 and counted (`WebhooksIgnored`), never refused. A body that fails
 * validation gets a 4xx naming the field and is kept under `rejected/`.
 */
export const handler = httpHandler(async (event, context) => {
  const receivedAt = new Date().toISOString();
  const work = await intake.accept(event, context, (raw) => parse(event, raw, receivedAt));
  if (work.queue === 'none') {
    count('WebhooksIgnored');
    logger.info('SCAYLE webhook of a type the hub does not use', { type: work.type, eventId: work.eventId });
    return jsonResponse(202, { accepted: true, eventId: work.eventId, ignored: true });
  }
  if (work.queue === 'orders') await queue.send(work.message);
  else if (work.queue === 'stock') await stockQueue.sendAll([work.message]);
  else await listings.sendAll([work.message]);
  count('WebhooksAccepted');
  return jsonResponse(202, { accepted: true, eventId: work.eventId });
});
