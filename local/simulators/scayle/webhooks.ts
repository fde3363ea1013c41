/**
 * Webhook delivery in SCAYLE's envelopes [V facts WEBHOOK_ENVELOPES]: one event is one body with its own `key`, so a
 * repeated delivery (a retry, or the `duplicates` option) sends the same bytes. An event goes to every subscription
 * of it (./subscriptions.ts), at the subscription's URL without its user info, with Basic credentials taken from that
 * user info [V reference §1.7: `https://user:pass@host/path`].
 */
import { randomUUID } from 'node:crypto';
import { DELIVERY_ATTEMPTS, localeOf, WEBHOOK_ENVELOPES, type WebhookEvent } from './facts';
import type { ShopCountry } from './shops';

/** What a recorded delivery was about: an order, a variant (SKU) or a product. */
export type DeliverySubject = { orderId: number } | { sku: string } | { productKey: string };

/**
 * One delivery to one subscription as `GET /_sim/state` shows it: the event, what it was about, the receiver's last
 * status (0: no answer). [A] An event nobody subscribed to is not delivered and leaves no record.
 */
export type Delivery = { event: WebhookEvent; status: number } & DeliverySubject;

/** One event, serialised once. */
export interface WebhookMessage {
  readonly event: WebhookEvent;
  readonly key: string;
  readonly body: string;
}

/** Where a subscription's deliveries go: its URL without user info, and the Basic header made from that user info. */
export interface Endpoint {
  readonly url: string;
  /** Absent when the URL carries no user info [A: then SCAYLE sends no credentials]. */
  readonly authorization?: string;
}

/** Who wants an event: the endpoints of its subscriptions, oldest subscription first. */
export interface WebhookSubscribers {
  endpointsOf(event: WebhookEvent): readonly Endpoint[];
}

/**
 * The endpoint of a subscription URL; undefined when it is no http(s) URL or its user info is not valid
 * percent-encoding (the credentials are decoded before they go into the Basic header).
 */
export const endpointOf = (subscriptionUrl: string): Endpoint | undefined => {
  let url: URL;
  try {
    url = new URL(subscriptionUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const { username, password } = url;
  url.username = '';
  url.password = '';
  if (!username && !password) return { url: url.href };
  let credentials: string;
  try {
    credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  } catch {
    return undefined;
  }
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
};

/** Builds SCAYLE's envelopes and delivers them to the subscribers of their event. */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly tenantKey: string,
    private readonly subscribers: WebhookSubscribers,
  ) {}

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

  /**
   * Delivers a message `times` times to each subscriber of its event (each a full delivery with its retries), one
   * after the other, and records each.
   */
  async deliver(message: WebhookMessage, subject: DeliverySubject, times = 1): Promise<void> {
    for (let n = 0; n < times; n++)
      for (const endpoint of this.subscribers.endpointsOf(message.event)) {
        const status = await this.#post(endpoint, message.body);
        this.deliveries.push({ event: message.event, ...subject, status });
      }
  }

  reset(): void {
    this.deliveries.length = 0;
  }

  async #post(endpoint: Endpoint, body: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (endpoint.authorization) headers.authorization = endpoint.authorization;
    let status = 0;
    for (let attempt = 0; attempt < DELIVERY_ATTEMPTS && !(status >= 200 && status < 300); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      status = await fetch(endpoint.url, { method: 'POST', headers, body })
        .then((r) => r.status)
        .catch(() => 0);
    }
    return status;
  }
}
