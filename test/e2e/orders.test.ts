import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE } from '../../local/simulators/catalogue';
import { DeadLetters } from '../../shared/adapters/aws/dead-letters';
import { makeDocumentClient } from '../../shared/adapters/aws/dynamodb';
import { FailuresRepository } from '../../shared/adapters/aws/failures-repository';
import { OrderEventsQueue } from '../../shared/adapters/aws/order-events-queue';
import { makeRetryFlagged, makeRetryOrder } from '../../shared/use-cases/retry-order';
import { eventually, eventuallyLedger, useHub } from '../helpers/hub';
import { depth, queueOf, sendRaw } from '../helpers/queues';

// A failed order event comes back at once (its 6-minute visibility timeout at 3,600x): the dead-letter cases spend
// their ten receives in a second or two instead of ten, and the 500 orders' injected failures retry at once.
const hub = useHub({ redeliveryCompression: 3_600 });

const post = async (path: string, body: unknown) => {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
};

describe('SCAYLE orders into OrderWise through the local hub', () => {
  it('posts 500 orders exactly once while webhooks repeat and OrderWise fails and drops answers', async () => {
    const { simulators, ledger, urls } = hub();
    // A new fault pattern each run, printed so a failing one can be replayed with CHAOS_SEED.
    const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.info(`orders chaos seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    await post(`${urls.orderwise}/_sim/faults?seed=${seed}`, {
      createSalesOrder: { errorRate: 0.2, status: 500, timeoutAfterCommitRate: 0.1 },
    });
    try {
      const created = [];
      for (const duplicates of [1, 2, 3]) {
        const batch = await simulators.scayle.createOrders({ random: duplicates === 1 ? 168 : 166, duplicates });
        created.push(...batch);
      }
      expect(created).toHaveLength(500);
      const ids = created.map((o) => String(o.id));
      const done = await eventuallyLedger(
        ledger,
        'scayle',
        ids,
        (e) => e.status === 'acknowledged' || e.status === 'flagged',
        // A correctness test, not a speed test: on a two-core machine another hub's test may run beside it.
        420_000,
        'every order acknowledged or flagged',
      );
      for (const entry of done) {
        if (entry?.status === 'flagged')
          expect(entry.reason).toMatch(/^(SKU_UNMAPPED|ORDER_REJECTED|ORDER_TOTAL_MISMATCH)/);
      }
      for (const id of ids) expect(simulators.orderwise.ordersByReference(id)).toHaveLength(1);
      const stats = (await (await fetch(`${urls.orderwise}/_sim/calls`)).json()) as Record<
        string,
        { injectedErrors: number; droppedAfterCommit: number }
      >;
      expect(stats.createSalesOrder?.injectedErrors).toBeGreaterThan(50);
      expect(stats.createSalesOrder?.droppedAfterCommit).toBeGreaterThan(20);
      // Every SCAYLE order knows its OrderWise number.
      const byId = new Map(simulators.scayle.orders().map((o) => [String(o.id), o]));
      for (const entry of done) {
        if (entry?.status === 'acknowledged') expect(byId.get(entry.orderId)?.referenceKey).toBe(entry.ids.orderwise);
      }
      const queue = queueOf(hub(), 'OrdersOrderEventsQueue', 'Queue');
      const dlq = queueOf(hub(), 'OrdersOrderEventsQueue', 'Dlq');
      await eventually(async () => (await depth(hub().engines.sqs, queue.url)) === 0, 30_000, 'orders queue drained');
      expect(await depth(hub().engines.sqs, dlq.url)).toBe(0);
    } finally {
      await post(`${urls.orderwise}/_sim/faults`, {});
    }
  }, 480_000);

  it('flags an order with an unmapped SKU and names the SKU in an exception for ecommerce', async () => {
    const { simulators, ledger, exceptions } = hub();
    const unmapped = DEMO_CATALOGUE.find((v) => !v.orderwise);
    const mapped = DEMO_CATALOGUE.find((v) => v.orderwise);
    const [order] = await simulators.scayle.createOrders({
      orders: [
        {
          items: [
            { sku: unmapped?.sku as string, quantity: 1 },
            { sku: mapped?.sku as string, quantity: 2 },
          ],
        },
      ],
    });
    const entry = await eventually(async () => {
      const e = await ledger.get('scayle', String(order?.id));
      return e?.status === 'flagged' ? e : undefined;
    });
    expect(entry.reason).toBe(`SKU_UNMAPPED: ${unmapped?.sku}`);
    expect(simulators.orderwise.ordersByReference(String(order?.id))).toEqual([]);
    const exception = await exceptions.get(`SKU_UNMAPPED#${unmapped?.sku}`);
    expect(exception).toMatchObject({ owner: 'ecommerce', status: 'open', details: { orderId: String(order?.id) } });
  }, 60_000);

  it('posts flagged orders once their SKU mapping is fixed and they are retried, one by id, the rest by SKU', async () => {
    const { simulators, ledger, catalogue, engines, outputs } = hub();
    const unmapped = DEMO_CATALOGUE.filter((v) => !v.orderwise)[1];
    const [order, second] = await simulators.scayle.createOrders({
      orders: [
        { items: [{ sku: unmapped?.sku as string, quantity: 2 }] },
        { items: [{ sku: unmapped?.sku as string, quantity: 1 }] },
      ],
    });
    const id = String(order?.id);
    const secondId = String(second?.id);
    await eventually(async () => (await ledger.get('scayle', id))?.status === 'flagged');
    await eventually(async () => (await ledger.get('scayle', secondId))?.status === 'flagged');
    // Ecommerce maps the SKU to the stock code OrderWise holds it under.
    await catalogue.put({
      sku: unmapped?.sku as string,
      orderwiseVariantCode: DEMO_CATALOGUE.find((v) => v.orderwise)?.orderwise?.variantCode as string,
    });
    const retry = makeRetryOrder({
      ledger,
      queue: new OrderEventsQueue(engines.sqs, outputs.OrderEventsQueueUrl as string),
    });
    expect(await retry(id)).toMatchObject({ queued: true, status: 'flagged' });
    const entry = await eventually(async () => {
      const e = await ledger.get('scayle', id);
      return e?.status === 'acknowledged' ? e : undefined;
    });
    expect(entry.history.map((h) => h.to)).toEqual([
      'received',
      'pending',
      'flagged',
      'pending',
      'sent',
      'acknowledged',
    ]);
    expect(simulators.orderwise.ordersByReference(id)).toHaveLength(1);
    expect(await retry(id)).toMatchObject({ queued: false, status: 'acknowledged' });
    // What `hub retry --flagged --match <SKU>` does: the other order flagged for the same SKU, and no other.
    const retryFlagged = makeRetryFlagged({ ledger, retry });
    const listed = await retryFlagged({ match: unmapped?.sku as string, dryRun: true });
    expect(listed.map((f) => f.orderId)).toEqual([secondId]);
    expect((await retryFlagged({ match: unmapped?.sku as string }))[0]?.outcome).toMatchObject({ queued: true });
    await eventually(async () => (await ledger.get('scayle', secondId))?.status === 'acknowledged');
    expect(simulators.orderwise.ordersByReference(secondId)).toHaveLength(1);
  }, 60_000);

  it('reports SCAYLE and OrderWise totals that differ to finance, field by field, with a CSV', async () => {
    const { simulators, ledger, functions, exceptions, engines, bucket } = hub();
    const sku = DEMO_CATALOGUE.find((v) => v.orderwise)?.sku as string;
    const [order] = await simulators.scayle.createOrders({ orders: [{ items: [{ sku, quantity: 1 }] }] });
    const entry = await eventually(async () => {
      const e = await ledger.get('scayle', String(order?.id));
      return e?.status === 'acknowledged' ? e : undefined;
    });
    simulators.orderwise.amendTotal(entry.ids.orderwise as string, Number(entry.data.scayleTotalMinor) + 250);
    const reconciliation = [...functions.entries()].find(([id]) => id.startsWith('OrdersOrderReconciliation'))?.[1];
    const outcome = await reconciliation?.invoke({
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(outcome).toMatchObject({ ok: true, result: { mismatches: expect.any(Number) } });
    const result = (outcome as { result: { reportKey: string; mismatches: number } }).result;
    expect(result.mismatches).toBeGreaterThanOrEqual(1);
    const mismatch = await exceptions.get(`ORDER_TOTAL_MISMATCH#${order?.id}`);
    expect(mismatch).toMatchObject({ owner: 'finance', details: { differences: { gross: { difference: '2.50' } } } });
    const report = await engines.s3.send(new GetObjectCommand({ Bucket: bucket, Key: result.reportKey }));
    const csv = (await report.Body?.transformToString()) ?? '';
    expect(csv.split('\n')[0]).toBe(
      'scayle_order_id,orderwise_order_number,currency,field,scayle,orderwise,difference,result',
    );
    expect(csv).toContain(`${order?.id},${entry.ids.orderwise},EUR,gross,`);
    expect(csv).toMatch(new RegExp(`${order?.id},.*,gross,.*,2\\.50,mismatch`));
  }, 60_000);

  it('cancels in OrderWise while it can and asks for a return once picking started', async () => {
    const { simulators, ledger, exceptions, urls } = hub();
    const sku = DEMO_CATALOGUE.find((v) => v.orderwise)?.sku as string;
    const [early, late] = await simulators.scayle.createOrders({
      orders: [{ items: [{ sku, quantity: 1 }] }, { items: [{ sku, quantity: 1 }] }],
    });
    const acknowledged = async (id: unknown) =>
      eventually(async () => {
        const e = await ledger.get('scayle', String(id));
        return e?.status === 'acknowledged' ? e : undefined;
      });
    await acknowledged(early?.id);
    const lateEntry = await acknowledged(late?.id);
    await post(`${urls.orderwise}/_sim/orders/${lateEntry.ids.orderwise}/status`, {
      orderStatus: 'Awaiting despatch',
      subStatus: 'Picking in progress',
    });

    await simulators.scayle.cancelOrder(early?.id as number, 'order-canceled');
    await simulators.scayle.cancelOrder(late?.id as number, 'order-cancelled');
    await eventually(async () => (await ledger.get('scayle', String(early?.id)))?.status === 'cancelled');
    await eventually(async () => (await ledger.get('scayle', String(late?.id)))?.status === 'return_required');
    expect(simulators.orderwise.ordersByReference(String(early?.id))[0]?.orderStatus).toBe('Cancelled');
    expect(simulators.orderwise.ordersByReference(String(late?.id))[0]?.orderStatus).toBe('Awaiting despatch');
    expect(await exceptions.get(`CANCEL_TOO_LATE#${late?.id}`)).toMatchObject({
      owner: 'customer-service',
      details: { orderwiseSubStatus: 'Picking in progress' },
    });
  }, 60_000);

  it('moves a message that can never succeed to the dead-letter queue and nowhere else', async () => {
    const { engines } = hub();
    const queue = queueOf(hub(), 'OrdersOrderEventsQueue', 'Queue');
    const dlq = queueOf(hub(), 'OrdersOrderEventsQueue', 'Dlq');
    await sendRaw(engines.sqs, queue.url, '{"not":"an order event"}', 'poison');
    await eventually(async () => (await depth(engines.sqs, dlq.url)) === 1, 60_000, 'poison message in the DLQ');
    expect(await depth(engines.sqs, queue.url)).toBe(0);
  }, 90_000);

  it('names why dead letters failed, and a redrive after the fault is fixed posts the order once', async () => {
    const { simulators, ledger, engines, urls, outputs } = hub();
    const queue = queueOf(hub(), 'OrdersOrderEventsQueue', 'Queue');
    const dlq = queueOf(hub(), 'OrdersOrderEventsQueue', 'Dlq');
    const deadLetters = new DeadLetters(
      engines.sqs,
      new FailuresRepository(makeDocumentClient(engines.dynamodb), outputs.FailuresTableName as string),
    );
    await post(`${urls.orderwise}/_sim/faults`, { createSalesOrder: { errorRate: 1, status: 503 } });
    const sku = DEMO_CATALOGUE.find((v) => v.orderwise)?.sku as string;
    const [order] = await simulators.scayle.createOrders({ orders: [{ items: [{ sku, quantity: 1 }] }] });
    const id = String(order?.id);
    // The poison message of the previous test is there too.
    await eventually(async () => (await depth(engines.sqs, dlq.url)) === 2, 90_000, 'the order dead-lettered');

    const letters = await deadLetters.inspect(dlq.url);
    const letter = letters.find((l) => l.groupId === id);
    expect(letter).toMatchObject({ reason: 'UpstreamError: OrderWise createSalesOrder answered 503', retryable: true });
    // Ten deliveries to the consumer, plus however often the DLQ itself was looked at.
    expect(letter?.receiveCount).toBeGreaterThanOrEqual(10);
    expect(letters.find((l) => l.groupId === 'poison')?.reason).toMatch(/^ValidationError: invalid queue message/);
    expect(simulators.orderwise.ordersByReference(id)).toEqual([]);

    await post(`${urls.orderwise}/_sim/faults`, {});
    expect(await deadLetters.moveBack(dlq.url, queue.url)).toBe(2);
    await eventually(
      async () => (await ledger.get('scayle', id))?.status === 'acknowledged',
      30_000,
      'the redriven order posted',
    );
    expect(simulators.orderwise.ordersByReference(id)).toHaveLength(1);
    // The poison message fails again and is back in the DLQ, alone.
    await eventually(
      async () => (await depth(engines.sqs, dlq.url)) === 1,
      60_000,
      'the poison message back in the DLQ',
    );
  }, 240_000);
});
