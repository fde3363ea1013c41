import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/adapters/aws/ledger-repository';
import type { OrderStatus } from '../../../shared/domain/order-status';
import type { OrderEventMessage } from '../../../shared/schemas/queue-messages';
import { makeSweepOrders, type SweepOrdersDeps } from '../../../shared/use-cases/sweep-orders';
import { FakeClock } from '../../helpers/fake-clock';
import { memoryCursors } from '../../helpers/memory-cursors';
import { FakeExceptions, MORNING } from '../../helpers/order-fakes';

const MINUTE = 60_000;
const FILTER = 'filters[minUpdatedAt]';

/** A SCAYLE shop country's orders as the list answers them, `pageSize` a page, each `{id, confirmedAt}`. */
const listing = (orders: { id: number; confirmedAt?: string }[], pageSize = 2) => {
  const queries: { shopKey: string; since: string; cursor?: string; filter: string }[] = [];
  const scayle: SweepOrdersDeps['scayle'] = {
    listOrdersUpdatedSince: async (shopKey, _country, query) => {
      queries.push({
        shopKey,
        since: query.since,
        filter: query.filter,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      const start = Number(query.cursor ?? 0);
      const next = start + pageSize < orders.length ? String(start + pageSize) : undefined;
      return { orders: orders.slice(start, start + pageSize), ...(next ? { next } : {}) };
    },
  };
  return { scayle, queries };
};

/** A sweep over fakes, the ledger knowing the orders given with their status. */
const sweepWorld = (
  orders: { id: number; confirmedAt?: string }[],
  known: Record<string, OrderStatus> = {},
  maxPages = 10,
) => {
  const clock = new FakeClock(MORNING);
  const ledger = new Map(Object.entries(known));
  const queued: OrderEventMessage[] = [];
  const fake = new FakeExceptions(clock);
  const exceptions: SweepOrdersDeps['exceptions'] = {
    raise: (type, key, details) => fake.raise(type, key, details),
    resolveOpen: (type, key) => fake.resolveOpen(type, key),
    list: async (filter = {}) =>
      fake.list(filter.type).filter((item) => !filter.status || item.status === filter.status),
  };
  const cursors = memoryCursors();
  const { scayle, queries } = listing(orders);
  const sweep = makeSweepOrders({
    scayle,
    ledger: {
      get: async (_channel, orderId) => {
        const status = ledger.get(orderId);
        return status ? ({ orderId, status } as LedgerEntry) : undefined;
      },
    },
    queue: { send: async (message) => void queued.push(message) },
    exceptions,
    cursors,
    clock,
    shops: [{ shopKey: 'ac', countryCode: 'DE' }],
    filter: FILTER,
    windowMs: 360 * MINUTE,
    graceMs: 10 * MINUTE,
    maxPages,
  });
  return { sweep, queued, exceptions: fake, ledger, cursors, queries, clock };
};

const ago = (minutes: number) => new Date(MORNING - minutes * MINUTE).toISOString();

describe('makeSweepOrders', () => {
  it('queues every confirmed order the ledger does not know, past the grace period, and raises ORDER_WEBHOOK_MISSED', async () => {
    const world = sweepWorld(
      [
        { id: 1, confirmedAt: ago(30) },
        { id: 2, confirmedAt: ago(30) },
        { id: 3, confirmedAt: ago(5) },
        { id: 4 },
        { id: 5, confirmedAt: ago(60) },
      ],
      { '2': 'acknowledged' },
    );

    const outcome = await world.sweep();

    expect(outcome).toEqual({ checked: 3, missed: ['1', '5'], resolved: 0, unfinished: 0 });
    expect(world.queued).toEqual([
      expect.objectContaining({
        eventId: 'sweep#1',
        event: 'order-confirmed',
        orderId: '1',
        shopKey: 'ac',
        countryCode: 'DE',
      }),
      expect.objectContaining({ eventId: 'sweep#5', orderId: '5', occurredAt: ago(60) }),
    ]);
    expect(world.exceptions.list('ORDER_WEBHOOK_MISSED').map((e) => [e.key, e.owner, e.status])).toEqual([
      ['1', 'operations', 'open'],
      ['5', 'operations', 'open'],
    ]);
    // The whole window is listed by the tenant's filter, every page, and the cursor moves to the judged edge.
    expect(world.queries.map((q) => [q.filter, q.since, q.cursor])).toEqual([
      [FILTER, ago(360), undefined],
      [FILTER, ago(360), '2'],
      [FILTER, ago(360), '4'],
    ]);
    expect(world.cursors.state('scayle-order-sweep#ac#DE')).toEqual({ at: ago(10) });
  });

  it('closes the exception once the ledger shows the order settled, and keeps it while it is not', async () => {
    const world = sweepWorld([
      { id: 1, confirmedAt: ago(30) },
      { id: 2, confirmedAt: ago(30) },
    ]);
    await world.sweep();
    world.ledger.set('1', 'acknowledged');
    world.ledger.set('2', 'pending');

    const second = await world.sweep();

    expect(second).toMatchObject({ missed: [], resolved: 1 });
    expect(world.exceptions.list('ORDER_WEBHOOK_MISSED').map((e) => [e.key, e.status])).toEqual([
      ['1', 'resolved'],
      ['2', 'open'],
    ]);
  });

  it('stops at maxPages and goes on from there in the next run, over the same window', async () => {
    const orders = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, confirmedAt: ago(30) }));
    const world = sweepWorld(orders, {}, 2);

    const first = await world.sweep();
    await world.clock.advance(15 * MINUTE);
    const second = await world.sweep();

    expect(first).toMatchObject({ missed: ['1', '2', '3', '4'], unfinished: 1 });
    expect(second).toMatchObject({ missed: ['5', '6'], unfinished: 0 });
    expect(world.queries.slice(2).map((q) => [q.since, q.cursor])).toEqual([[ago(360), '4']]);
    expect(world.cursors.state('scayle-order-sweep#ac#DE')).toEqual({ at: ago(10) });
  });
});
