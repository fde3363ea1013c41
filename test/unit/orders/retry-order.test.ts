import { describe, expect, it } from 'vitest';
import type { AmazonOrderMessage, OrderEventMessage } from '../../../shared/schemas/queue-messages';
import { makeRetryFlagged, makeRetryOrder } from '../../../shared/use-cases/retry-order';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeLedger, MORNING } from '../../helpers/order-fakes';

/** A ledger with orders flagged for different reasons, a minute apart, and one posted. */
const ledgerWithFlags = async () => {
  const clock = new FakeClock(MORNING);
  const ledger = new FakeLedger(clock);
  const flag = async (channel: 'scayle' | 'amazon', orderId: string, reason: string, latestShipDate?: string) => {
    await ledger.create({
      channel,
      orderId,
      data: { shopKey: 'uk', countryCode: 'GB', marketplaceId: 'UK', ...(latestShipDate ? { latestShipDate } : {}) },
    });
    await ledger.transition(channel, orderId, { from: 'received', to: 'pending' });
    await ledger.transition(channel, orderId, { from: 'pending', to: 'flagged', reason });
    await clock.advance(60_000);
  };
  await flag('scayle', '1001', 'SKU_UNMAPPED: TEE-RED-M');
  await flag('scayle', '1002', 'SKU_UNMAPPED: TEE-RED-M, TEE-BLUE-S');
  await flag('amazon', '202-0000001-0000001', 'SKU_UNMAPPED: TEE-RED-M', '2025-03-03T23:59:59Z');
  // Flagged later, but due to ship first.
  await flag('amazon', '202-0000001-0000002', 'SKU_UNMAPPED: LEGACY-TEE-RED-M', '2025-03-02T23:59:59Z');
  await flag('scayle', '1003', 'ORDER_TOTAL_MISMATCH: SCAYLE total 1190, lines 1090');
  await ledger.create({ channel: 'scayle', orderId: '1004' });
  const sent: string[] = [];
  const retry = makeRetryOrder({
    ledger,
    queue: { send: async (m: OrderEventMessage) => void sent.push(m.orderId) },
    amazonQueue: {
      sendAll: async (ms: readonly AmazonOrderMessage[]) => void sent.push(...ms.map((m) => m.amazonOrderId)),
    },
    now: () => new Date(clock.now()),
  });
  return { ledger, retry, sent };
};

describe('retrying flagged orders once their cause is fixed', () => {
  it('retries every flagged order whose reason names the SKU, Amazon orders first, then oldest first', async () => {
    const { ledger, retry, sent } = await ledgerWithFlags();
    const found = await makeRetryFlagged({ ledger, retry })({ match: 'TEE-RED-M' });
    expect(found.map((f) => [f.channel, f.orderId, f.outcome?.queued])).toEqual([
      ['amazon', '202-0000001-0000001', true],
      ['scayle', '1001', true],
      ['scayle', '1002', true],
    ]);
    expect(sent).toEqual(['202-0000001-0000001', '1001', '1002']);
  });

  it('lists without queueing in a dry run, matching whole words of the reason only', async () => {
    const { ledger, retry, sent } = await ledgerWithFlags();
    const retryFlagged = makeRetryFlagged({ ledger, retry });
    const found = await retryFlagged({ match: 'SKU_UNMAPPED', dryRun: true });
    expect(found.map((f) => f.orderId)).toEqual(['202-0000001-0000002', '202-0000001-0000001', '1001', '1002']);
    expect(found.every((f) => f.outcome === undefined)).toBe(true);
    // TEE-RED is a prefix of TEE-RED-M, not a SKU any order names.
    expect(await retryFlagged({ match: 'TEE-RED', dryRun: true })).toEqual([]);
    expect((await retryFlagged({ match: 'TEE-BLUE-S', dryRun: true })).map((f) => f.orderId)).toEqual(['1002']);
    await expect(retryFlagged({ match: ' ' })).rejects.toThrow(/say which flagged orders/);
    expect(sent).toEqual([]);
  });

  it('reports an order whose retry failed and still retries the rest', async () => {
    const { ledger, retry, sent } = await ledgerWithFlags();
    const found = await makeRetryFlagged({
      ledger,
      retry: async (orderId) => {
        if (orderId === '1001') throw new Error('SQS is unavailable');
        return retry(orderId);
      },
    })({ match: 'TEE-RED-M' });
    expect(found.map((f) => [f.orderId, f.outcome?.queued ?? f.error])).toEqual([
      ['202-0000001-0000001', true],
      ['1001', 'SQS is unavailable'],
      ['1002', true],
    ]);
    expect(sent).toEqual(['202-0000001-0000001', '1002']);
  });

  it('leaves an order that is not flagged or stuck alone when retried by id', async () => {
    const { ledger, retry } = await ledgerWithFlags();
    await ledger.transition('scayle', '1004', { from: 'received', to: 'pending' });
    await ledger.transition('scayle', '1004', { from: 'pending', to: 'sent' });
    await ledger.transition('scayle', '1004', { from: 'sent', to: 'acknowledged' });
    expect(await retry('1004')).toEqual({ orderId: '1004', status: 'acknowledged', queued: false });
    await expect(retry('9999')).rejects.toThrow(/not on the ledger/);
  });

  it('takes the SKU as typed, spaces around it and all, and reports the flag reason of each order', async () => {
    const { ledger, retry } = await ledgerWithFlags();

    const found = await makeRetryFlagged({ ledger, retry })({ match: ' TEE-BLUE-S ', dryRun: true });

    expect(found).toEqual([
      {
        channel: 'scayle',
        orderId: '1002',
        reason: 'SKU_UNMAPPED: TEE-RED-M, TEE-BLUE-S',
        flaggedAt: '2025-03-01T10:01:00.000Z',
      },
    ]);
  });

  it('orders the flagged orders the same whatever order the ledger lists them in', async () => {
    const { ledger, retry } = await ledgerWithFlags();
    const listed = await ledger.listByStatus('flagged');
    const permutations = <T>(items: readonly T[]): T[][] =>
      items.length <= 1
        ? [[...items]]
        : items.flatMap((item, i) => permutations(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]));

    for (const order of permutations(listed)) {
      const found = await makeRetryFlagged({ ledger: { listByStatus: async () => order }, retry })({
        match: 'SKU_UNMAPPED',
        dryRun: true,
      });
      expect(found.map((f) => f.orderId)).toEqual(['202-0000001-0000002', '202-0000001-0000001', '1001', '1002']);
    }
  });

  it('queues an Amazon order as a retry trigger for its marketplace, and leaves one already in SCAYLE alone', async () => {
    const clock = new FakeClock(MORNING);
    const ledger = new FakeLedger(clock);
    const queued: AmazonOrderMessage[] = [];
    const retry = makeRetryOrder({
      ledger,
      queue: { send: async () => undefined },
      amazonQueue: { sendAll: async (ms: readonly AmazonOrderMessage[]) => void queued.push(...ms) },
      now: () => new Date(clock.now()),
    });
    await ledger.create({ channel: 'amazon', orderId: 'A-1', data: { marketplaceId: 'A1F83G8C2ARO7P' } });
    await ledger.create({ channel: 'amazon', orderId: 'A-2' });
    await ledger.create({ channel: 'amazon', orderId: 'A-3' });
    await ledger.transition('amazon', 'A-3', { from: 'received', to: 'pending' });
    await ledger.transition('amazon', 'A-3', { from: 'pending', to: 'sent' });
    await ledger.transition('amazon', 'A-3', { from: 'sent', to: 'acknowledged' });

    expect(await retry('A-1')).toEqual({
      orderId: 'A-1',
      status: 'received',
      queued: true,
      eventId: `retry#${MORNING}`,
    });
    await retry('A-2');
    expect(await retry('A-3')).toEqual({ orderId: 'A-3', status: 'acknowledged', queued: false });

    const seenAt = new Date(MORNING).toISOString();
    expect(queued).toEqual([
      { amazonOrderId: 'A-1', eventId: `retry#${MORNING}`, source: 'retry', marketplaceId: 'A1F83G8C2ARO7P', seenAt },
      { amazonOrderId: 'A-2', eventId: `retry#${MORNING}`, source: 'retry', seenAt },
    ]);
  });

  it('queues a SCAYLE order as a fresh order-confirmed for the shop on the ledger', async () => {
    const { ledger } = await ledgerWithFlags();
    const sent: OrderEventMessage[] = [];
    const at = Date.parse('2025-03-01T11:00:00.000Z');
    const retryScayle = makeRetryOrder({
      ledger,
      queue: { send: async (m: OrderEventMessage) => void sent.push(m) },
      now: () => new Date(at),
    });

    expect(await retryScayle('1001')).toMatchObject({ queued: true, eventId: `retry-1001-${at}` });

    expect(sent).toEqual([
      {
        eventId: `retry-1001-${at}`,
        event: 'order-confirmed',
        shopKey: 'uk',
        countryCode: 'GB',
        orderId: '1001',
        occurredAt: '2025-03-01T11:00:00.000Z',
        receivedAt: '2025-03-01T11:00:00.000Z',
      },
    ]);
  });

  it('puts back an order stuck before OrderWise confirmed it, pending or sent', async () => {
    const { ledger, retry, sent } = await ledgerWithFlags();
    await ledger.transition('scayle', '1004', { from: 'received', to: 'pending' });
    expect(await retry('1004')).toMatchObject({ status: 'pending', queued: true });

    await ledger.transition('scayle', '1004', { from: 'pending', to: 'sent' });
    expect(await retry('1004')).toMatchObject({ status: 'sent', queued: true });

    expect(sent).toEqual(['1004', '1004']);
  });

  it('stamps a retry with the current time when no clock is given', async () => {
    const { ledger } = await ledgerWithFlags();
    const retry = makeRetryOrder({ ledger, queue: { send: async () => undefined } });
    const before = Date.now();

    const outcome = await retry('1001');

    expect(Number(outcome.eventId?.replace('retry-1001-', ''))).toBeGreaterThanOrEqual(before);
  });
});
