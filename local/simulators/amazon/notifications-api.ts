/**
 * Notifications API v1, as much as the hub's setup needs: destinations (SQS or EventBridge) and the ORDER_CHANGE
 * subscription. ORDER_CHANGE is delivered only while a subscription exists, to its destination's queue, narrowed by
 * its eventFilter: a seller whose setup is missing or points at another queue gets nothing where it expects it.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { type ApiContext, param } from './api';
import { ERRORS } from './facts';
import { describeIssues, type IdSource, invalidInput, readJson, spApiError } from './support';

/** The only notification type the simulator produces. */
const ORDER_CHANGE = 'ORDER_CHANGE';

/** ORDER_CHANGE's payload version [V reference §3.8]. */
const PAYLOAD_VERSION = '1.0';

/** The name `subscribeOrderChange` gives the destination it creates; developers choose their own [A]. */
const ORDER_CHANGE_DESTINATION_NAME = 'order-change';

/** An SQS queue's ARN as SqsResource constrains it [V notifications.json]. */
const sqsArnSchema = z
  .string()
  .max(1000)
  .regex(/^arn:aws:sqs:\S+:\S+:\S+/);

const destinationBodySchema = z.object({
  name: z.string().min(1).max(256),
  resourceSpecification: z.union([
    z.object({ sqs: z.object({ arn: sqsArnSchema }) }),
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

/** A destination as createDestination answers it. */
export interface Destination {
  readonly destinationId: string;
  readonly name: string;
  readonly resource:
    | { readonly sqs: { readonly arn: string } }
    | { readonly eventBridge: { readonly name: string; readonly region: string; readonly accountId: string } };
}

/** A subscription as createSubscription answers it. */
export type Subscription = z.output<typeof subscriptionBodySchema> & { readonly subscriptionId: string };

/** The SQS queue a notification is delivered to. */
export interface SqsDestination {
  readonly sqsArn: string;
}

/** A refused Notifications call, in the API's terms; the route turns it into the error answer. */
class NotificationsRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

/** Destinations and subscriptions of the simulated app, with the rules Amazon applies when they are created. */
export class NotificationStore {
  readonly #destinations = new Map<string, Destination>();
  /** Subscriptions by notification type. */
  readonly #subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly ids: IdSource,
    /** Names EventBridge partner sources and Conflict details. */
    private readonly applicationId: string,
  ) {}

  /** Forgets every destination and subscription. */
  clear(): void {
    this.#destinations.clear();
    this.#subscriptions.clear();
  }

  /** createDestination; one destination per SQS ARN and app [O amzn/selling-partner-api-docs#2072]. */
  createDestination(body: z.output<typeof destinationBodySchema>): Destination {
    const spec = body.resourceSpecification;
    if ('sqs' in spec && this.#destinationOf(spec.sqs.arn)) {
      throw new NotificationsRefusal(
        409,
        ERRORS.conflict,
        ERRORS.conflictMessage,
        `A destination with arn ${spec.sqs.arn} already exists for the application ${this.applicationId}`,
      );
    }
    const resource =
      'sqs' in spec
        ? { sqs: { arn: spec.sqs.arn } }
        : {
            eventBridge: {
              name: `aws.partner/sellingpartnerapi.amazon.com/${spec.eventBridge.accountId}/${this.applicationId}`,
              region: spec.eventBridge.region,
              accountId: spec.eventBridge.accountId,
            },
          };
    const destination = { destinationId: this.ids.uuid(), name: body.name, resource };
    this.#destinations.set(destination.destinationId, destination);
    return destination;
  }

  /** getDestinations. */
  destinations(): Destination[] {
    return [...this.#destinations.values()];
  }

  /** createSubscription of `type` (the caller has checked it is one the simulator sends). */
  createSubscription(type: string, body: z.output<typeof subscriptionBodySchema>): Subscription {
    const destination = this.#destinations.get(body.destinationId);
    if (!destination) {
      throw new NotificationsRefusal(400, ERRORS.invalidInput, `Unknown destinationId ${body.destinationId}.`);
    }
    // ORDER_CHANGE is delivered through SQS only [V reference §3.8].
    if (!('sqs' in destination.resource)) {
      throw new NotificationsRefusal(
        400,
        ERRORS.invalidInput,
        `${ORDER_CHANGE} can only be delivered to an SQS destination.`,
      );
    }
    const existing = this.#subscriptions.get(type);
    if (existing) {
      throw new NotificationsRefusal(
        409,
        ERRORS.conflict,
        'A subscription for this notification type already exists.',
        existing.subscriptionId,
      );
    }
    const subscription: Subscription = { subscriptionId: this.ids.uuid(), ...body };
    this.#subscriptions.set(type, subscription);
    return subscription;
  }

  /** getSubscription. */
  subscription(type: string): Subscription | undefined {
    return this.#subscriptions.get(type);
  }

  /** deleteSubscriptionById; false when no subscription of `type` has that id. */
  deleteSubscription(type: string, subscriptionId: string): boolean {
    if (this.#subscriptions.get(type)?.subscriptionId !== subscriptionId) return false;
    return this.#subscriptions.delete(type);
  }

  /**
   * ORDER_CHANGE to the queue `sqsArn`, set up through the same rules as the API calls a seller makes: the queue's
   * destination (an existing one is reused, since Amazon refuses a second one for the same ARN), then a new
   * subscription in place of the current one, since a subscription cannot be re-pointed, only deleted and created
   * anew. Called again with another queue's ARN, it moves delivery there.
   */
  subscribeOrderChange(sqsArn: string): { destination: Destination; subscription: Subscription } {
    const destination =
      this.#destinationOf(sqsArn) ??
      this.createDestination(
        destinationBodySchema.parse({
          name: ORDER_CHANGE_DESTINATION_NAME,
          resourceSpecification: { sqs: { arn: sqsArn } },
        }),
      );
    this.#subscriptions.delete(ORDER_CHANGE);
    const subscription = this.createSubscription(ORDER_CHANGE, {
      payloadVersion: PAYLOAD_VERSION,
      destinationId: destination.destinationId,
    });
    return { destination, subscription };
  }

  /** Where ORDER_CHANGE goes now: its subscription and the subscription's queue, or undefined while unsubscribed. */
  orderChangeRoute(): { subscription: Subscription; destination: SqsDestination } | undefined {
    const subscription = this.#subscriptions.get(ORDER_CHANGE);
    const resource = subscription && this.#destinations.get(subscription.destinationId)?.resource;
    return subscription && resource && 'sqs' in resource
      ? { subscription, destination: { sqsArn: resource.sqs.arn } }
      : undefined;
  }

  /** Destinations and subscriptions, for `GET /_sim/state`. */
  state() {
    return { destinations: this.destinations(), subscriptions: [...this.#subscriptions.values()] };
  }

  #destinationOf(sqsArn: string): Destination | undefined {
    return this.destinations().find(({ resource }) => 'sqs' in resource && resource.sqs.arn === sqsArn);
  }
}

/** Registers the Notifications API operations. */
export const registerNotificationsApi = (api: ApiContext, store: NotificationStore): void => {
  const { route } = api;

  /** The notification type of the path, or the error answer for types the simulator never sends. */
  const typeOf = (c: Context): string | Response => {
    const type = param(c, 'notificationType');
    return type === ORDER_CHANGE ? type : invalidInput(c, `The simulator only supports ${ORDER_CHANGE}, not ${type}.`);
  };

  /** `{payload}` of what the store made, or the answer to its refusal. */
  const answer = (c: Context, make: () => object): Response => {
    try {
      return c.json({ payload: make() });
    } catch (error) {
      if (!(error instanceof NotificationsRefusal)) throw error;
      return spApiError(c, error.status, error.code, error.message, error.details);
    }
  };

  route('POST', '/notifications/v1/destinations', 'createDestination', 'notifications', async (c) => {
    const body = destinationBodySchema.safeParse(await readJson(c));
    if (!body.success) return invalidInput(c, describeIssues(body.error));
    return answer(c, () => store.createDestination(body.data));
  });

  route('GET', '/notifications/v1/destinations', 'getDestinations', 'notifications', (c) =>
    c.json({ payload: store.destinations() }),
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
      return answer(c, () => store.createSubscription(type, body.data));
    },
  );

  route('GET', '/notifications/v1/subscriptions/:notificationType', 'getSubscription', 'notifications', (c) => {
    const type = typeOf(c);
    if (type instanceof Response) return type;
    const subscription = store.subscription(type);
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
      return store.deleteSubscription(type, subscriptionId)
        ? c.json({})
        : spApiError(c, 404, ERRORS.notFound, `Subscription ${subscriptionId} not found.`);
    },
  );
};
