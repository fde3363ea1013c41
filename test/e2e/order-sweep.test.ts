import { describe, expect, it } from 'vitest';
import { eventually, eventuallyLedger, useHub } from '../helpers/hub';

/**
 * Loop 1's sweep for lost webhooks through the local hub: SCAYLE confirms orders and never delivers their webhooks
 * (the simulator's delivery fault), and the scheduled sweep finds every one, the consumer posts each exactly once,
 * and the sweep closes each ORDER_WEBHOOK_MISSED it raised once the order is posted.
 */
describe('the order sweep', () => {
  // rate(15 minutes) at 360x runs every 2.5 s; orders are judged as soon as they are confirmed (no grace).
  const hub = useHub({
    schedules: { orderSweep: true },
    stageOverrides: { scayle: { orderSweep: { graceMinutes: 0 } } },
  });

  it('finds 50 orders whose webhooks were dropped and posts each exactly once, raising and then closing the exception', async () => {
    const { simulators, ledger, exceptions } = hub();
    const orders = await simulators.scayle.createOrders({ random: 50, deliver: false });
    const ids = orders.map((order) => String(order.id));
    expect(simulators.scayle.subscriptions().length).toBeGreaterThan(0);

    await eventuallyLedger(
      ledger,
      'scayle',
      ids,
      (e) => e.status === 'acknowledged',
      90_000,
      'the 50 swept orders posted',
    );

    for (const id of ids)
      expect({ id, salesOrders: simulators.orderwise.ordersByReference(id).length }).toEqual({ id, salesOrders: 1 });
    const raised = await eventually(
      async () => {
        const items = (await exceptions.list({ type: 'ORDER_WEBHOOK_MISSED' })).filter((e) => ids.includes(e.key));
        return items.length === ids.length && items.every((e) => e.status === 'resolved') ? items : undefined;
      },
      60_000,
      'every ORDER_WEBHOOK_MISSED resolved',
    );
    expect(raised.map((e) => e.owner)).toEqual(ids.map(() => 'operations'));
    // The sweep found them, not a webhook: SCAYLE recorded no delivery of these orders.
    const state = (await (await fetch(`${simulators.scayle.url}/_sim/state`)).json()) as {
      deliveries: { orderId?: number }[];
    };
    expect(state.deliveries.filter((d) => d.orderId !== undefined && ids.includes(String(d.orderId)))).toEqual([]);
  }, 180_000);
});
