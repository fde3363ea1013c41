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
});
