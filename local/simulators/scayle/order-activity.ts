/**
 * What happens to orders in SCAYLE itself and reaches the hub as order webhooks: shop orders confirmed, orders
 * cancelled by customer service, items taken out after confirmation. `POST /_sim/orders`,
 * `POST /_sim/orders/{id}/cancel` and `POST /_sim/orders/{id}/items/cancel` drive it.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { SimEnv } from '../sim-server';
import { controlInvalid, param, readJson } from './api';
import { ITEM_EVENTS, ITEM_STATUS, type ItemEvent } from './facts';
import { ItemsRefusedError, type OrderBook, type ScayleOrder, webhookOrder } from './orders';
import { type ShopOrders, SimOrderError, simOrdersBodySchema } from './shop-orders';
import type { ShopDirectory } from './shops';
import type { VariantDirectory } from './variants';
import type { WebhookSender } from './webhooks';

/** Body of `POST /_sim/orders/{id}/items/cancel`. */
const cancelItemsSchema = z.object({
  orderItemIds: z.array(z.number().int()).min(1),
  event: z.enum(ITEM_EVENTS).default('order-item-out-of-stock'),
});

/** What order activity needs of the rest of the simulator. */
export interface OrderActivityDeps {
  readonly book: OrderBook;
  readonly shops: ShopDirectory;
  readonly variants: VariantDirectory;
  readonly shopOrders: ShopOrders;
  readonly webhooks: WebhookSender;
}

/** Order events made in SCAYLE, with their webhooks. */
export class OrderActivity {
  /** Body of `POST /_sim/orders`, checked against the simulator's shops and variants. */
  readonly ordersBodySchema: ReturnType<typeof simOrdersBodySchema>;

  constructor(private readonly deps: OrderActivityDeps) {
    this.ordersBodySchema = simOrdersBodySchema(deps.shops, deps.variants);
  }

  /** Creates shop orders and delivers their `order-confirmed` webhooks, each `duplicates` times. */
  async createOrders(input: z.input<OrderActivity['ordersBodySchema']>): Promise<ScayleOrder[]> {
    const { book, shopOrders } = this.deps;
    const body = this.ordersBodySchema.parse(input);
    const firstRandom = book.peekOrderId() + (body.orders?.length ?? 0);
    const inputs = [
      ...(body.orders ?? []),
      ...Array.from({ length: body.random }, (_, i) => shopOrders.random(firstRandom + i)),
    ];
    const created = inputs.map((i) => shopOrders.build(i)).map((order) => book.add(order));
    if (body.deliver)
      await Promise.all(created.map((order) => this.#deliver('order-confirmed', order, body.duplicates)));
    return created;
  }

  /**
   * Cancels an order in SCAYLE (customer service, account area): every item not yet shipped. When no item is left
   * the cancel webhook goes out in the spelling given; when shipped items remain, `order-item-canceled` [A].
   * Undefined for an unknown order; an order with nothing left to cancel is returned unchanged, without an event.
   */
  async cancelOrder(orderId: number, spelling: 'order-cancelled' | 'order-canceled' = 'order-cancelled') {
    const order = this.deps.book.get(orderId);
    if (!order) return undefined;
    const result = this.deps.book.cancelAll(order);
    if (result) await this.#deliver(result.orderCancelled ? spelling : 'order-item-canceled', order);
    return order;
  }

  /**
   * Takes items out of an order after confirmation and delivers the item event (default `order-item-out-of-stock`);
   * when no item is left, `order-cancelled` follows [V reference §1.7: "all items cancelled"]. The items' status
   * follows facts.ts ITEM_STATUS. Throws ItemsRefusedError for an unknown item or one shipped or out already;
   * undefined for an unknown order.
   */
  async cancelItems(orderId: number, orderItemIds: readonly number[], event: ItemEvent = 'order-item-out-of-stock') {
    const order = this.deps.book.get(orderId);
    if (!order) return undefined;
    const { orderCancelled } = this.deps.book.takeOut(order, orderItemIds, ITEM_STATUS.afterEvent[event]);
    await this.#deliver(event, order);
    if (orderCancelled) await this.#deliver('order-cancelled', order);
    return order;
  }

  /** The control routes of order activity. */
  register(app: Hono<SimEnv>): void {
    app.post('/_sim/orders', async (c) => {
      const parsed = this.ordersBodySchema.safeParse(await readJson(c));
      if (!parsed.success) return controlInvalid(c, parsed.error);
      try {
        return c.json({ orders: await this.createOrders(parsed.data) });
      } catch (error) {
        if (error instanceof SimOrderError) return c.json({ error: error.message }, 400);
        throw error;
      }
    });
    app.post('/_sim/orders/:id/cancel', async (c) => {
      const spelling = c.req.query('spelling') === 'order-canceled' ? 'order-canceled' : 'order-cancelled';
      const order = await this.cancelOrder(Number(param(c, 'id')), spelling);
      return order ? c.json(order) : c.json({ error: 'no such order' }, 404);
    });
    app.post('/_sim/orders/:id/items/cancel', async (c) => {
      const parsed = cancelItemsSchema.safeParse(await readJson(c));
      if (!parsed.success) return controlInvalid(c, parsed.error);
      try {
        const order = await this.cancelItems(Number(param(c, 'id')), parsed.data.orderItemIds, parsed.data.event);
        return order ? c.json(order) : c.json({ error: 'no such order' }, 404);
      } catch (error) {
        if (error instanceof ItemsRefusedError) return c.json({ error: error.message }, error.status);
        throw error;
      }
    });
  }

  /** Delivers an order event in the envelope its name calls for; item events carry `{order}` [V facts]. */
  async #deliver(
    event: 'order-confirmed' | 'order-cancelled' | 'order-canceled' | ItemEvent,
    order: ScayleOrder,
    times = 1,
  ) {
    const { shops, webhooks } = this.deps;
    const shopCountry = shops.find(order.shopCountry.shopKey, order.shopCountry.countryCode);
    const payload = (ITEM_EVENTS as readonly string[]).includes(event)
      ? { order: webhookOrder(order) }
      : webhookOrder(order);
    const occurredAt = event === 'order-confirmed' ? order.confirmedAt : order.updatedAt;
    await webhooks.deliver(webhooks.message(event, occurredAt, payload, shopCountry), { orderId: order.id }, times);
  }
}
