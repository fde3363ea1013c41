/**
 * Webhook subscriptions and the event catalogue of the Admin API [V facts WEBHOOK_SUBSCRIPTIONS,
 * WEBHOOK_EVENT_DESCRIPTIONS]: `GET /webhooks/events`, `POST|GET /webhooks/subscriptions`,
 * `GET|PATCH|DELETE /webhooks/subscriptions/{id}`. Deliveries follow them (./webhooks.ts).
 *
 * The control surface (`setWebhook`, the `webhook` option, `POST /_sim/webhooks`) subscribes through the same store:
 * one subscription per event the simulator sends, the credentials in the URL's user info, replacing the ones its
 * previous call made. Subscriptions made through the Admin API stay until deleted or until `POST /_sim/reset`, which
 * keeps the control surface's (they are the test's wiring, not state of a run).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-server';
import { type ApiContext, invalid, notFound, pageOf, param, readJson } from './api';
import {
  WEBHOOK_ENVELOPES,
  WEBHOOK_EVENT_DESCRIPTIONS,
  WEBHOOK_EVENT_FLAGS,
  WEBHOOK_SUBSCRIPTIONS,
  type WebhookEvent,
  webhookVersionOf,
} from './facts';
import { type Endpoint, endpointOf, type WebhookSubscribers } from './webhooks';

/** Where the control surface subscribes every event: the hub's `POST /webhooks/scayle` and its Basic credentials. */
export interface WebhookTarget {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** A merchant filter of a subscription [V SDK `WebhookSubscriptionFilter`, `WebhookSubscriptionMerchantFilter`]. */
export interface SubscriptionFilter {
  merchantReferenceKeys: { include?: string[]; exclude?: string[] };
}

/** A subscription as the simulator holds it: the Admin API's fields with the URL in the clear, and who made it. */
export interface WebhookSubscription {
  readonly id: number;
  readonly event: WebhookEvent;
  readonly version: number;
  readonly url: string;
  readonly filters: readonly SubscriptionFilter[];
  /** `control` for the ones the control surface made (replaced together), else `admin-api`. */
  readonly origin: 'admin-api' | 'control';
}

type Stored = WebhookSubscription & { readonly endpoint: Endpoint };

/** Every event the simulator sends, in the order of facts.ts. */
const EVENTS = Object.keys(WEBHOOK_ENVELOPES) as WebhookEvent[];

const isEvent = (event: string): event is WebhookEvent => Object.hasOwn(WEBHOOK_ENVELOPES, event);

const urlSchema = z
  .string()
  .refine(
    (url) => endpointOf(url) !== undefined,
    'must be an http(s) URL, with any credentials as percent-encoded user info',
  );
const keys = z.array(z.string().min(1));

/** Body of `POST /webhooks/subscriptions` [V SDK `WebhookSubscription`, fixture WebhookSubscriptionCreateRequest]. */
const createSchema = z.object({
  event: z.string().min(1),
  version: z.number().int().optional(),
  url: urlSchema,
  filters: z
    .array(z.object({ merchantReferenceKeys: z.object({ include: keys, exclude: keys }).partial() }))
    .default([]),
});

const addRemove = z.object({ add: keys, remove: keys }).partial();

/** Body of `PATCH /webhooks/subscriptions/{id}` [V SDK `WebhookSubscriptionPatch`, fixture WebhookSubscriptionUpdateRequest]. */
const patchSchema = z.object({
  url: urlSchema.optional(),
  filters: z
    .array(z.object({ merchantReferenceKeys: z.object({ include: addRemove, exclude: addRemove }).partial() }))
    .default([]),
});

/**
 * The filters after a patch [A facts WEBHOOK_SUBSCRIPTIONS]: patch filter `i` changes filter `i`, its `add` appending
 * the keys not there yet and its `remove` dropping keys.
 */
const patchedFilters = (
  filters: readonly SubscriptionFilter[],
  patch: z.infer<typeof patchSchema>['filters'],
): SubscriptionFilter[] =>
  Array.from({ length: Math.max(filters.length, patch.length) }, (_, i) => {
    const merchantReferenceKeys = { ...filters[i]?.merchantReferenceKeys };
    for (const side of ['include', 'exclude'] as const) {
      const change = patch[i]?.merchantReferenceKeys[side];
      if (change)
        merchantReferenceKeys[side] = [
          ...new Set([...(merchantReferenceKeys[side] ?? []), ...(change.add ?? [])]),
        ].filter((key) => !change.remove?.includes(key));
    }
    return { merchantReferenceKeys };
  });

const masked = (part: string) => (part ? '***' : '');

/**
 * The URL with each part of its user info shown as `***` [V fixtures `https://***:***@foobar.tld/notifiy`], the rest
 * as stored. The authority ends at the first `/`, `?` or `#`; its user info at its last `@`, as URL parsers read it.
 */
const obfuscated = (url: string): string =>
  url.replace(/^([^:/?#]+:\/\/)([^/?#]*)@/, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    const shown =
      colon < 0 ? masked(userInfo) : `${masked(userInfo.slice(0, colon))}:${masked(userInfo.slice(colon + 1))}`;
    return `${scheme}${shown}@`;
  });

/** A subscription as the Admin API answers it: the fixture's keys in the fixture's order, credentials obfuscated. */
const view = ({ id, event, version, url, filters }: WebhookSubscription) => ({
  id,
  event,
  version,
  url: obfuscated(url),
  filters,
});

/** The target's URL with its credentials as user info, percent-encoded so that any character survives. */
const withCredentials = (target: WebhookTarget): string => {
  const url = new URL(target.url);
  url.username = encodeURIComponent(target.username);
  url.password = encodeURIComponent(target.password);
  return url.href;
};

/** The tenant's webhook subscriptions. */
export class WebhookSubscriptions implements WebhookSubscribers {
  readonly #stored = new Map<number, Stored>();
  #nextId = 1;

  /** Starts with the control surface's subscriptions to `target`, when given (the `webhook` option). */
  constructor(target?: WebhookTarget) {
    if (target) this.subscribeAll(target);
  }

  /** Subscribes `target` to every event the simulator sends, replacing what the previous call of this made. */
  subscribeAll(target: WebhookTarget): void {
    this.#drop('control');
    const url = withCredentials(target);
    for (const event of EVENTS)
      this.#add({ event, version: webhookVersionOf(event), url, filters: [], origin: 'control' });
  }

  /** Every subscription, oldest first, with its URL in the clear. */
  all(): WebhookSubscription[] {
    return [...this.#stored.values()].map(({ endpoint: _endpoint, ...subscription }) => subscription);
  }

  /** Where `event` goes: the endpoints of its subscriptions, oldest first. */
  endpointsOf(event: WebhookEvent): readonly Endpoint[] {
    return [...this.#stored.values()].filter((s) => s.event === event).map((s) => s.endpoint);
  }

  /** Forgets the subscriptions made through the Admin API (ids are not reused). */
  reset(): void {
    this.#drop('admin-api');
  }

  /** The routes of webhook events and subscriptions. */
  register({ app, base, authed }: ApiContext): void {
    const subscriptions = `${base}/webhooks/subscriptions`;
    app.get(
      `${base}/webhooks/events`,
      authed('listWebhookEvents', (c) =>
        c.json({
          entities: EVENTS.map((event) => ({
            event,
            version: webhookVersionOf(event),
            description: WEBHOOK_EVENT_DESCRIPTIONS[event],
            ...WEBHOOK_EVENT_FLAGS,
          })),
        }),
      ),
    );
    app.get(
      subscriptions,
      authed('listWebhookSubscriptions', (c) => pageOf(c, [...this.#stored.values()], view)),
    );
    app.post(
      subscriptions,
      authed('createWebhookSubscription', async (c) => {
        const parsed = createSchema.safeParse(await readJson(c));
        if (!parsed.success) return invalid(c, parsed.error);
        const { event, version, url, filters } = parsed.data;
        if (!isEvent(event)) return invalid(c, `event: unknown event ${event}; GET /webhooks/events lists them`);
        if (version !== undefined && version !== webhookVersionOf(event))
          return invalid(c, `version: ${event} has version ${webhookVersionOf(event)}`);
        const created = this.#add({ event, version: webhookVersionOf(event), url, filters, origin: 'admin-api' });
        return c.json(view(created), WEBHOOK_SUBSCRIPTIONS.createdStatus);
      }),
    );
    app.get(
      `${subscriptions}/:id`,
      authed('getWebhookSubscription', (c) => {
        const found = this.#find(c);
        return found ? c.json(view(found)) : notFound(c, 'Webhook subscription not found');
      }),
    );
    app.patch(
      `${subscriptions}/:id`,
      authed('updateWebhookSubscription', async (c) => {
        const found = this.#find(c);
        if (!found) return notFound(c, 'Webhook subscription not found');
        const parsed = patchSchema.safeParse(await readJson(c));
        if (!parsed.success) return invalid(c, parsed.error);
        const { url = found.url, filters } = parsed.data;
        const { id, event, version, origin } = found;
        const changed = this.#add({ event, version, url, filters: patchedFilters(found.filters, filters), origin }, id);
        return c.json(view(changed));
      }),
    );
    app.delete(
      `${subscriptions}/:id`,
      authed('deleteWebhookSubscription', (c) => {
        const found = this.#find(c);
        if (!found) return notFound(c, 'Webhook subscription not found');
        this.#stored.delete(found.id);
        return c.body(null, WEBHOOK_SUBSCRIPTIONS.deletedStatus);
      }),
    );
  }

  /** Stores a subscription under a new id, or under `id` (a change keeps its place in the list). */
  #add(fields: Omit<WebhookSubscription, 'id'>, id = this.#nextId++): Stored {
    const endpoint = endpointOf(fields.url);
    if (!endpoint) throw new Error(`the SCAYLE simulator cannot deliver to ${fields.url}`);
    const stored: Stored = { id, ...fields, endpoint };
    this.#stored.set(id, stored);
    return stored;
  }

  #find(c: Context<SimEnv>): Stored | undefined {
    const id = param(c, 'id');
    return /^\d+$/.test(id) ? this.#stored.get(Number(id)) : undefined;
  }

  #drop(origin: WebhookSubscription['origin']): void {
    for (const subscription of this.#stored.values())
      if (subscription.origin === origin) this.#stored.delete(subscription.id);
  }
}
