/**
 * Webhook delivery in SCAYLE's envelopes [V facts WEBHOOK_ENVELOPES]: one event is one body with its own `key`, so a
 * repeated delivery (a retry, or the `duplicates` option) sends the same bytes. Basic credentials come from the
 * subscription URL's user info [V reference §1.7].
 */
import { randomUUID } from 'node:crypto';
import { DELIVERY_ATTEMPTS, localeOf, WEBHOOK_ENVELOPES, type WebhookEvent } from './facts';
import type { ShopCountry } from './shops';

/** Where and how the simulator delivers webhooks (the hub's `POST /webhooks/scayle` and its Basic credentials). */
export interface WebhookTarget {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** What a recorded delivery was about: an order, a variant (SKU) or a product. */
export type DeliverySubject = { orderId: number } | { sku: string } | { productKey: string };

/** One delivery as `GET /_sim/state` shows it: the event, what it was about, the receiver's last status (0: none). */
export type Delivery = { event: WebhookEvent; status: number } & DeliverySubject;

/** One event, serialised once. */
export interface WebhookMessage {
  readonly event: WebhookEvent;
  readonly key: string;
  readonly body: string;
}

/** Builds SCAYLE's envelopes and delivers them to the target. */
export class WebhookSender {
  #target: WebhookTarget | undefined;
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly tenantKey: string,
    target?: WebhookTarget,
  ) {
    this.#target = target;
  }

  setTarget(target: WebhookTarget): void {
    this.#target = target;
  }

  /**
   * One event in its envelope: `locale` (from the order's shop country) for the checkout events, `meta` for the
   * admin events. The key order is the fixtures'.
   */
  message(event: WebhookEvent, occurredAt: string, payload: unknown, shopCountry?: ShopCountry): WebhookMessage {
    const format: { envelope: 'locale' | 'meta'; version?: number } = WEBHOOK_ENVELOPES[event];
    const key = randomUUID();
    let envelope: Record<string, unknown>;
    if (format.envelope === 'locale') {
      if (!shopCountry) throw new Error(`${event} needs the order's shop country for its locale`);
      envelope = {
        key,
        locale: localeOf(shopCountry),
        occurredAt,
        type: event,
      };
    } else {
      envelope = { key, meta: { tenantKey: this.tenantKey, xRequestId: randomUUID() }, occurredAt, type: event };
      if (format.version !== undefined) envelope.version = format.version;
    }
    return { event, key, body: JSON.stringify({ ...envelope, payload }) };
  }

  /** Delivers a message `times` times (each a full delivery with its retries) and records each. */
  async deliver(message: WebhookMessage, subject: DeliverySubject, times = 1): Promise<void> {
    for (let n = 0; n < times; n++) {
      const target = this.#target;
      if (!target) return;
      const status = await this.#post(target, message.body);
      this.deliveries.push({ event: message.event, ...subject, status });
    }
  }

  reset(): void {
    this.deliveries.length = 0;
  }

  async #post(target: WebhookTarget, body: string): Promise<number> {
    const authorization = `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
    let status = 0;
    for (let attempt = 0; attempt < DELIVERY_ATTEMPTS && !(status >= 200 && status < 300); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      status = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body,
      })
        .then((r) => r.status)
        .catch(() => 0);
    }
    return status;
  }
}
