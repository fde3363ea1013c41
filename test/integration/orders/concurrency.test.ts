import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExceptionsRepository } from '../../../shared/adapters/aws/exceptions-repository';
import type { LedgerRepository } from '../../../shared/adapters/aws/ledger-repository';
import { isRetryable, TimeoutError } from '../../../shared/runtime/errors';
import { makePostOrder, OrderBusyError } from '../../../shared/use-cases/post-order';
import { useLedgerTables } from '../../helpers/dynamodb';
import { FakeCatalogue, FakeCommerce, FakeErp } from '../../helpers/order-fakes';
import { orderEvent, scayleOrder } from '../../helpers/scayle-orders';

/** How long a posting worker holds an order. */
const LEASE_MS = 120_000;

const tables = useLedgerTables();
let ledger: LedgerRepository;
let exceptions: ExceptionsRepository;

beforeAll(async () => {
  ({ ledger, exceptions } = tables());
  // The first writes of a fresh JVM are slow; keep that out of the races.
  await ledger.create({ channel: 'scayle', orderId: 'warm-up' });
  await ledger.transition('scayle', 'warm-up', { from: 'received', to: 'pending' });
});

/** One SCAYLE order and `erp`; `poster` makes a posting use case over the real ledger, its clock given. */
const scenario = (orderId: number, erp: FakeErp) => {
  const commerce = new FakeCommerce();
  commerce.add(scayleOrder({ id: orderId, units: [{ sku: 'SKU-A', grossMinor: 2990 }] }));
  const catalogue = new FakeCatalogue({ 'SKU-A': 'OW-A' });
  const poster = (now: () => number = Date.now) =>
    makePostOrder({ commerce, locate: commerce.locate(), erp, ledger, catalogue, exceptions, leaseMs: LEASE_MS, now });
  return { commerce, poster, message: orderEvent(orderId) };
};

describe('makePostOrder racing on the DynamoDB ledger', () => {
  it('lets one of several simultaneous deliveries post the order; the others are busy, then duplicates', async () => {
    const erp = new FakeErp();
    const { poster, message, commerce } = scenario(30_001, erp);
    const posters = Array.from({ length: 4 }, () => poster());
    // The winner's create is held until the three others have run into its lease, however the machine schedules
    // them: a create that merely takes a while lets a slow loser arrive after it and find a duplicate instead.
    const release = erp.holdCreates();
    let settled = 0;
    // Each outcome is taken as it comes: a loser's rejection must not wait, unhandled, for the winner.
    const runs = posters.map((postOrder) =>
      Promise.allSettled([postOrder(message)]).then(([result]) => {
        settled++;
        return result as PromiseSettledResult<Awaited<ReturnType<typeof postOrder>>>;
      }),
    );
    await vi.waitFor(() => expect(settled).toBe(3), { timeout: 10_000 });
    release();

    const results = await Promise.all(runs);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won.map((r) => r.value)).toEqual(['acknowledged']);
    expect(lost).toHaveLength(3);
    for (const { reason } of lost) {
      expect(reason).toBeInstanceOf(OrderBusyError);
      expect(isRetryable(reason)).toBe(true);
    }
    expect(erp.calls.create).toBe(1);

    // The queue brings the losers' messages back after the winner finished.
    for (const postOrder of posters.slice(1)) expect(await postOrder(message)).toBe('duplicate');
    expect(erp.calls.create).toBe(1);
    expect(erp.ordersFor('30001')).toHaveLength(1);
    expect(commerce.calls.setOrderReference).toBe(1);
    const entry = await ledger.get('scayle', '30001');
    expect(entry).toMatchObject({ status: 'acknowledged', attempts: 1, ids: { orderwise: 'SO000001' } });
    expect(entry?.history.map((h) => h.to)).toEqual(['received', 'pending', 'sent', 'acknowledged']);
  });

  it('keeps a worker that arrives while another is creating the order from posting it again', async () => {
    const erp = new FakeErp();
    const { poster, message } = scenario(30_002, erp);
    const [first, second] = [poster(), poster()];
    const release = erp.holdCreates();

    const winner = first(message);
    await erp.createsStarted(1);
    const late = second(message).catch((e: unknown) => e);
    await Promise.race([late, erp.createsStarted(2)]);
    release();

    expect(await winner).toBe('acknowledged');
    const lateOutcome = await late;
    expect(erp.ordersFor('30002')).toHaveLength(1);
    expect(lateOutcome).toBeInstanceOf(OrderBusyError);
  });

  it('takes over an order whose worker died once its lease has run out, and still creates it once', async () => {
    const erp = new FakeErp();
    const { poster, message } = scenario(30_003, erp);
    // A worker took the order and died before it could even give it back: only its lease is left.
    await ledger.create({ channel: 'scayle', orderId: '30003' });
    await ledger.transition('scayle', '30003', {
      from: 'received',
      to: 'pending',
      lease: { now: new Date().toISOString(), until: new Date(Date.now() + LEASE_MS).toISOString(), id: 'dead-worker' },
    });

    await expect(poster()(message)).rejects.toBeInstanceOf(OrderBusyError);
    const afterLease = poster(() => Date.now() + LEASE_MS + 1_000);
    expect(await afterLease(message)).toBe('acknowledged');

    expect(erp.ordersFor('30003')).toHaveLength(1);
    expect(erp.calls.create).toBe(1);
    const entry = await ledger.get('scayle', '30003');
    expect(entry).toMatchObject({ status: 'acknowledged', attempts: 1 });
    expect(entry?.leaseUntil).toBeUndefined();
  });

  it('gives the order back when an attempt fails, so the retry posts it at once and still once', async () => {
    const erp = new FakeErp();
    const { poster, message } = scenario(30_004, erp);
    erp.failNextCreate('timeout-after-commit');
    await expect(poster()(message)).rejects.toBeInstanceOf(TimeoutError);
    expect((await ledger.get('scayle', '30004'))?.leaseUntil).toBeUndefined();

    expect(await poster()(message)).toBe('acknowledged');
    expect(erp.calls.create).toBe(1);
    expect(erp.ordersFor('30004')).toHaveLength(1);
  });
});
