/**
 * Notifications API v1, as much as the hub's setup needs: destinations (SQS or EventBridge) and the ORDER_CHANGE
 * subscription. Delivery itself does not wait for a subscription (the local hub wires `notify` to its queue
 * directly); a subscription created here narrows delivery by its eventFilter and lends its SubscriptionId.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { type ApiContext, param } from './api';
import { ERRORS } from './facts';
import { describeIssues, invalidInput, readJson, spApiError } from './support';

/** The only notification type the simulator produces. */
const ORDER_CHANGE = 'ORDER_CHANGE';

const destinationBodySchema = z.object({
  name: z.string().min(1).max(256),
  resourceSpecification: z.union([
    z.object({ sqs: z.object({ arn: z.string().regex(/^arn:aws:sqs:/) }) }),
    z.object({ eventBridge: z.object({ region: z.string().min(1), accountId: z.string().regex(/^\d{12}$/) }) }),
  ]),
});

const subscriptionBodySchema = z.object({
  payloadVersion: z.string().min(1),
  destinationId: z.string().min(1),
  processingDirective: z
    .object({
      eventFilter: z
        .object({
          eventFilterType: z.literal(ORDER_CHANGE),
          orderChangeTypes: z
            .array(z.enum(['OrderStatusChange', 'BuyerRequestedChange', 'DeliveryTipChange']))
            .optional(),
          marketplaceIds: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});

interface Destination {
  readonly destinationId: string;
  readonly name: string;
  readonly resource: { readonly sqs: { arn: string } } | { readonly eventBridge: object };
}

/** A subscription as createSubscription answers it. */
export type Subscription = z.output<typeof subscriptionBodySchema> & { readonly subscriptionId: string };

/** Destinations and subscriptions of the simulated app. */
export class NotificationStore {
  /** Destinations by id. */
  readonly destinations = new Map<string, Destination>();
  /** Subscriptions by notification type. */
  readonly subscriptions = new Map<string, Subscription>();

  /** Forgets every destination and subscription. */
  clear(): void {
    this.destinations.clear();
    this.subscriptions.clear();
  }

  /** The ORDER_CHANGE subscription, if one was created. */
  orderChange(): Subscription | undefined {
    return this.subscriptions.get(ORDER_CHANGE);
  }

  /** Destinations and subscriptions, for `GET /_sim/state`. */
  state() {
    return { destinations: [...this.destinations.values()], subscriptions: [...this.subscriptions.values()] };
  }
}

/** Registers the Notifications API operations; `applicationId` names EventBridge partner sources. */
export const registerNotificationsApi = (api: ApiContext, store: NotificationStore, applicationId: string): void => {
  const { route } = api;

  /** The notification type of the path, or the error answer for types the simulator never sends. */
  const typeOf = (c: Context): string | Response => {
    const type = param(c, 'notificationType');
    return type === ORDER_CHANGE ? type : invalidInput(c, `The simulator only supports ${ORDER_CHANGE}, not ${type}.`);
  };

  route('POST', '/notifications/v1/destinations', 'createDestination', 'notifications', async (c) => {
    const body = destinationBodySchema.safeParse(await readJson(c));
    if (!body.success) return invalidInput(c, describeIssues(body.error));
    const spec = body.data.resourceSpecification;
    const resource =
      'sqs' in spec
        ? { sqs: { arn: spec.sqs.arn } }
        : {
            eventBridge: {
              name: `aws.partner/sellingpartnerapi.amazon.com/${spec.eventBridge.accountId}/${applicationId}`,
              region: spec.eventBridge.region,
              accountId: spec.eventBridge.accountId,
            },
          };
    const destination = { destinationId: api.ids.uuid(), name: body.data.name, resource };
    store.destinations.set(destination.destinationId, destination);
    return c.json({ payload: destination });
  });

  route('GET', '/notifications/v1/destinations', 'getDestinations', 'notifications', (c) =>
    c.json({ payload: [...store.destinations.values()] }),
  );

  route(
    'POST',
    '/notifications/v1/subscriptions/:notificationType',
    'createSubscription',
    'notifications',
    async (c) => {
      const type = typeOf(c);
      if (type instanceof Response) return type;
      const body = subscriptionBodySchema.safeParse(await readJson(c));
      if (!body.success) return invalidInput(c, describeIssues(body.error));
      const destination = store.destinations.get(body.data.destinationId);
      if (!destination) return invalidInput(c, `Unknown destinationId ${body.data.destinationId}.`);
      // ORDER_CHANGE is delivered through SQS only [V reference §3.8].
      if (!('sqs' in destination.resource)) {
        return invalidInput(c, `${ORDER_CHANGE} can only be delivered to an SQS destination.`);
      }
      const existing = store.subscriptions.get(type);
      if (existing) {
        return spApiError(
          c,
          409,
          ERRORS.conflict,
          'A subscription for this notification type already exists.',
          existing.subscriptionId,
        );
      }
      const subscription: Subscription = { subscriptionId: api.ids.uuid(), ...body.data };
      store.subscriptions.set(type, subscription);
      return c.json({ payload: subscription });
    },
  );

  route('GET', '/notifications/v1/subscriptions/:notificationType', 'getSubscription', 'notifications', (c) => {
    const type = typeOf(c);
    if (type instanceof Response) return type;
    const subscription = store.subscriptions.get(type);
    return subscription
      ? c.json({ payload: subscription })
      : spApiError(c, 404, ERRORS.notFound, `No subscription for ${type}.`);
  });

  route(
    'DELETE',
    '/notifications/v1/subscriptions/:notificationType/:subscriptionId',
    'deleteSubscriptionById',
    'notifications',
    (c) => {
      const type = typeOf(c);
      if (type instanceof Response) return type;
      const subscriptionId = param(c, 'subscriptionId');
      if (store.subscriptions.get(type)?.subscriptionId !== subscriptionId) {
        return spApiError(c, 404, ERRORS.notFound, `Subscription ${subscriptionId} not found.`);
      }
      store.subscriptions.delete(type);
      return c.json({});
    },
  );
};
