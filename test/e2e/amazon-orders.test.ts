import { describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, LEGACY_AMAZON_SKUS } from '../../local/simulators/catalogue';
import { reservationRef } from '../../shared/use-cases/amazon-orders/process-amazon-order';
import { eventually, eventuallyLedger, useHub } from '../helpers/hub';
import { depth, queueOf } from '../helpers/queues';

// Time runs 60 times faster (the stock loop's Amazon push keeps its 5% margin at that speed; at 360 times a timer's
// millisecond is more than the margin). A 15-second ghost window: the monitor runs every 5 s, the window sets the pace.
const hub = useHub({
  timeCompression: 60,
  // The poll finds the orders whose notification was lost; the monitors raise ghosts; the push offers Amazon stock.
  schedules: { amazonOrderPoll: true, monitors: true, amazonStockPush: true },
  stageOverrides: { windows: { ghostOrderMinutes: 0.25 } },
});

const UK = 'A1F83G8C2ARO7P';
const DE = 'A1PA6795UKMFR9';
/** Variants Amazon lists that SCAYLE and OrderWise both know: their orders must end in both. */
const sellable = DEMO_CATALOGUE.filter((v) => v.amazon && v.orderwise);

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
};

const lineOf = (n: number, quantity = 1) => ({
  sellerSku: (sellable[(n * 7) % sellable.length] as (typeof sellable)[number]).amazon?.sellerSku as string,
  quantity,
});

/** Operations a simulator answered 429 to, with how often. */
const throttledCalls = async (url: string): Promise<Record<string, number>> => {
  const calls = (await (await fetch(`${url}/_sim/calls`)).json()) as Record<string, { throttled?: number }>;
  return Object.fromEntries(Object.entries(calls).flatMap(([op, c]) => (c.throttled ? [[op, c.throttled]] : [])));
};

describe('Amazon orders into SCAYLE and OrderWise through the local hub', () => {
  it('turns 300 orders into one SCAYLE order and one OrderWise sales order each, or a flagged order with SKU_UNMAPPED', async () => {
    const { simulators, ledger, exceptions, urls } = hub();
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const specs = Array.from({ length: 300 }, (_, n) => {
      const unmapped = n % 15 === 7; // 20 orders with a SellerSKU SCAYLE does not know
      const pollOnly = n % 10 === 3; // 30 notifications lost on purpose: only the poll can find them
      return {
        marketplaceId: n % 3 === 0 ? DE : UK,
        items: [
          lineOf(n, 1 + (n % 3)),
          ...(n % 4 === 0 ? [lineOf(n + 1)] : []),
          ...(unmapped
            ? [{ sellerSku: LEGACY_AMAZON_SKUS[n % LEGACY_AMAZON_SKUS.length] as string, quantity: 1 }]
            : []),
        ],
        ...(n % 5 === 0 ? { shippingPrice: '3.99' } : {}),
        ...(n % 6 === 0 ? { items: [{ ...lineOf(n, 2), promotionDiscount: '1.50' }] } : {}),
        // getOrders only shows what is at least two minutes old: the lost ones happened a few minutes ago.
        ...(pollOnly ? { notify: false, purchaseDate: minutesAgo(3) } : {}),
        duplicates: n % 7 === 0 ? 3 : 1,
      };
    });
    const created = [];
    for (let i = 0; i < specs.length; i += 50) {
      created.push(...(await simulators.amazon.createOrders({ orders: specs.slice(i, i + 50) })));
    }
    expect(created).toHaveLength(300);
    const ids = created.map((o) => o.amazonOrderId);
    const unmappedIds = new Set(ids.filter((_, n) => n % 15 === 7));

    const entries = await eventuallyLedger(
      ledger,
      'amazon',
      ids,
      (e) => e.status === 'acknowledged' || e.status === 'flagged',
      240_000,
      'every Amazon order acknowledged or flagged',
    );

    for (const [n, entry] of entries.entries()) {
      const id = ids[n] as string;
      if (unmappedIds.has(id)) {
        expect(entry?.status, id).toBe('flagged');
        expect(entry?.reason).toMatch(/^SKU_UNMAPPED: AMZ-LEGACY-/);
        expect(simulators.scayle.orderByPublicKey(id)).toBeUndefined();
        continue;
      }
      expect(entry?.status, id).toBe('acknowledged');
      const scayleOrder = simulators.scayle.orderByPublicKey(id);
      expect(scayleOrder?.id, id).toBe(Number(entry?.ids.scayle));
      expect(simulators.scayle.orders().filter((o) => o.publicKey === id)).toHaveLength(1);
    }
    // The lost notifications' orders came in through the poll.
    for (const [n, entry] of entries.entries()) {
      if (n % 10 === 3 && !unmappedIds.has(ids[n] as string)) expect(entry?.data.firstSeenVia).toBe('poll');
    }
    // Every SKU_UNMAPPED names the SellerSKU, its ASIN and marketplace, for ecommerce.
    const unmappedExceptions = (await exceptions.list({ type: 'SKU_UNMAPPED' })).filter((e) =>
      e.key.includes('AMZ-LEGACY-'),
    );
    expect(unmappedExceptions.length).toBeGreaterThan(0);
    for (const exception of unmappedExceptions) {
      expect(exception.owner).toBe('ecommerce');
      expect(exception.details).toMatchObject({ sellerSku: expect.stringMatching(/^AMZ-LEGACY-/), asin: /B0LEGACY/ });
    }

    // Each created order went on through the SCAYLE -> OrderWise loop: one sales order each.
    const scayleIds = entries.flatMap((e) => (e?.status === 'acknowledged' ? [e.ids.scayle as string] : []));
    await eventuallyLedger(
      ledger,
      'scayle',
      scayleIds,
      (e) => e.status === 'acknowledged',
      120_000,
      'every SCAYLE order posted to OrderWise',
    );
    for (const id of scayleIds) expect(simulators.orderwise.ordersByReference(id)).toHaveLength(1);

    // Nothing was thrown away, and Amazon never said "too many".
    const { engines } = hub();
    expect(await depth(engines.sqs, queueOf(hub(), 'AmazonOrdersAmazonOrdersQueue', 'Dlq').url)).toBe(0);
    expect(await throttledCalls(urls.amazon)).toEqual({});
    expect(await throttledCalls(urls.scayle)).toEqual({});
    // Reservations were let go once the orders reached SCAYLE; a flagged order keeps its mapped units held.
    const held = new Set(
      (
        await Promise.all(sellable.map(async (v) => Object.keys((await hub().stock.get(v.sku))?.reservations ?? {})))
      ).flat(),
    );
    for (const id of ids) expect(held.has(reservationRef(id)), id).toBe(unmappedIds.has(id));
  }, 300_000);

  it('reserves a Pending order at once, lowering SCAYLE, and lets go once the order is in OrderWise', async () => {
    const { simulators, ledger, stock } = hub();
    const variant = sellable[11] as (typeof sellable)[number];
    const sku = variant.sku;
    // OrderWise exports a change of the SKU's stock, so the hub knows what SCAYLE holds before the order comes.
    await simulators.orderwise.changeStock([{ variantCode: variant.orderwise?.variantCode as string, delta: 5 }]);
    const before = await eventually(async () => (await stock.get(sku))?.scayle, 60_000, `a SCAYLE figure for ${sku}`);
    const [order] = await simulators.amazon.createOrders({
      orders: [{ status: 'Pending', items: [{ sellerSku: variant.amazon?.sellerSku as string, quantity: 2 }] }],
    });
    const id = order?.amazonOrderId as string;
    const reserved = await eventually(
      async () => {
        const item = await stock.get(sku);
        return item?.reservations?.[reservationRef(id)] && item.scayle?.reserved === 2 ? item : undefined;
      },
      60_000,
      'the reservation pushed to SCAYLE',
    );
    expect(reserved.scayle?.quantity).toBe(Math.max(0, before.quantity - 2));
    expect((await ledger.get('amazon', id))?.status).toBe('received');

    await simulators.amazon.setOrderStatus(id, { status: 'Unshipped' });
    await eventually(async () => (await ledger.get('amazon', id))?.status === 'acknowledged', 60_000, 'created');
    await eventually(
      async () => {
        const item = await stock.get(sku);
        return !item?.reservations?.[reservationRef(id)] && item?.scayle?.reserved === 0;
      },
      60_000,
      'the reservation released and SCAYLE told',
    );
  }, 120_000);

  it('carries an Amazon cancellation to SCAYLE and on to OrderWise', async () => {
    const { simulators, ledger } = hub();
    const [order] = await simulators.amazon.createOrders({ orders: [{ items: [lineOf(5)] }] });
    const id = order?.amazonOrderId as string;
    const entry = await eventually(
      async () => {
        const e = await ledger.get('amazon', id);
        return e?.status === 'acknowledged' ? e : undefined;
      },
      60_000,
      'created',
    );
    const scayleId = entry.ids.scayle as string;
    await eventually(async () => (await ledger.get('scayle', scayleId))?.status === 'acknowledged', 60_000, 'posted');
    await simulators.amazon.setOrderStatus(id, { status: 'Canceled' });
    await eventually(async () => (await ledger.get('amazon', id))?.status === 'cancelled', 60_000, 'cancelled');
    await eventually(
      async () => (await ledger.get('scayle', scayleId))?.status === 'cancelled',
      60_000,
      'cancelled in OrderWise',
    );
    // Every unit withdrawn in SCAYLE (SCAYLE's fulfilment cancellation leaves its own status and a cancelledAt).
    const scayleOrder = simulators.scayle.orderByPublicKey(id) as { items: { cancelledAt?: string | null }[] };
    expect(scayleOrder.items.every((item) => Boolean(item.cancelledAt))).toBe(true);
  }, 120_000);

  it('raises GHOST_ORDER for exactly the orders SCAYLE could not take within the window, and closes them after', async () => {
    const { simulators, ledger, exceptions, urls } = hub();
    await post(`${urls.scayle}/_sim/faults`, { createOrder: { errorRate: 1, status: 503 } });
    let broken: string[] = [];
    try {
      broken = (
        await simulators.amazon.createOrders({ orders: [0, 1, 2, 3].map((n) => ({ items: [lineOf(n)] })) })
      ).map((o) => o.amazonOrderId);
      const ghosts = await eventually(
        async () => {
          const open = (await exceptions.list({ type: 'GHOST_ORDER', status: 'open' })).map((e) => e.key);
          return broken.every((id) => open.includes(id)) ? open : undefined;
        },
        150_000,
        'a GHOST_ORDER for every order SCAYLE refused',
      );
      // Exactly those: any other open ghost is an order flagged earlier (an unmapped SellerSKU), never one SCAYLE has.
      for (const key of ghosts.filter((k) => !broken.includes(k))) {
        expect((await ledger.get('amazon', key))?.status, key).toBe('flagged');
      }
      for (const id of broken) {
        const exception = await exceptions.get(`GHOST_ORDER#${id}`);
        expect(exception?.owner).toBe('operations');
        expect(exception?.details).toMatchObject({ amazonOrderId: id, latestShipDate: expect.any(String) });
      }
    } finally {
      await post(`${urls.scayle}/_sim/faults`, {});
    }
    await eventually(
      async () =>
        (await Promise.all(broken.map((id) => ledger.get('amazon', id)))).every((e) => e?.status === 'acknowledged'),
      120_000,
      'the refused orders created once SCAYLE is back',
    );
    // The consumer closes each ghost just after it records the order acknowledged: wait for the closing write.
    await eventually(
      async () =>
        (await Promise.all(broken.map((id) => exceptions.get(`GHOST_ORDER#${id}`)))).every(
          (e) => e?.status === 'resolved',
        ),
      30_000,
      'every GHOST_ORDER of the refused orders closed',
    );
    const open = (await exceptions.list({ type: 'GHOST_ORDER', status: 'open' })).map((e) => e.key);
    expect(open.filter((key) => broken.includes(key))).toEqual([]);
  }, 300_000);
});
