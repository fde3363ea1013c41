import { describe, expect, it } from 'vitest';
import type { ExceptionItem } from '../../../shared/adapters/aws/exceptions-repository';
import type { LedgerEntry } from '../../../shared/adapters/aws/ledger-repository';
import { makeTrace } from '../../../shared/use-cases/trace';

const order: LedgerEntry = {
  pk: 'scayle#10001',
  channel: 'scayle',
  orderId: '10001',
  status: 'acknowledged',
  ids: { scayle: '10001', orderwise: 'SO000007' },
  attempts: 2,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:05:00.000Z',
  history: [
    { at: '2026-11-23T10:00:00.000Z', from: null, to: 'received' },
    { at: '2026-11-23T10:00:01.000Z', from: 'received', to: 'pending' },
    { at: '2026-11-23T10:00:02.000Z', from: 'pending', to: 'flagged' },
    { at: '2026-11-23T10:05:00.000Z', from: 'flagged', to: 'pending' },
  ],
  data: {},
};
const exception = (id: string, key: string, details: Record<string, unknown>, firstSeenAt: string): ExceptionItem => ({
  id,
  type: 'SKU_UNMAPPED',
  key,
  owner: 'ecommerce',
  status: 'resolved',
  count: 2,
  firstSeenAt,
  lastSeenAt: '2026-11-23T10:04:00.000Z',
  resolvedAt: '2026-11-23T10:04:30.000Z',
  summary: 'unmapped',
  runbook: 'RUNBOOK.md#sku_unmapped',
  details,
});

const trace = makeTrace({
  ledger: {
    get: async (channel, id) => (channel === 'scayle' && id === '10001' ? order : undefined),
    findByReference: async (system, id) => (system === 'orderwise' && id === 'SO000007' ? order : undefined),
  },
  exceptions: {
    list: async () => [
      exception('SKU_UNMAPPED#SKU-9', 'SKU-9', { orderId: '10001', sku: 'SKU-9' }, '2026-11-23T10:00:02.500Z'),
      exception('SKU_UNMAPPED#OTHER', 'OTHER', { orderId: '20002' }, '2026-11-23T09:00:00.000Z'),
    ],
  },
  settlements: { get: async () => undefined },
  catalogue: { get: async (sku) => (sku === 'SKU-9' ? { sku, orderwiseVariantCode: 'OW9' } : undefined) },
});

describe('makeTrace', () => {
  it("finds an order by another system's id and tells its story with its exceptions in time order", async () => {
    const story = await trace('SO000007');
    expect(story.orders.map((o) => o.pk)).toEqual(['scayle#10001']);
    expect(story.exceptions.map((e) => e.id)).toEqual(['SKU_UNMAPPED#SKU-9']);
    expect(story.events.map((e) => e.text)).toEqual([
      'scayle#10001 (new) -> received',
      'scayle#10001 received -> pending',
      'scayle#10001 pending -> flagged',
      'SKU_UNMAPPED#SKU-9 raised for ecommerce: unmapped',
      'SKU_UNMAPPED#SKU-9 seen 2 times, resolved at 2026-11-23T10:04:30.000Z',
      'scayle#10001 flagged -> pending',
    ]);
  });

  it('follows a SKU to its mapping, its exceptions and the orders they held up', async () => {
    const story = await trace('SKU-9');
    expect(story.catalogue).toEqual({ sku: 'SKU-9', orderwiseVariantCode: 'OW9' });
    expect(story.orders.map((o) => o.pk)).toEqual(['scayle#10001']);
  });

  it('tells an Amazon order and the SCAYLE order it became as one story, from either end', async () => {
    const amazonHead: LedgerEntry = {
      ...order,
      pk: 'amazon#202-1-1',
      channel: 'amazon',
      orderId: '202-1-1',
      ids: { amazon: '202-1-1', scayle: '30003' },
      history: [{ at: '2026-11-23T09:59:00.000Z', from: null, to: 'received' }],
    };
    const scayleHead: LedgerEntry = {
      ...order,
      pk: 'scayle#30003',
      orderId: '30003',
      ids: { scayle: '30003', orderwise: 'SO000009', amazon: '202-1-1' },
      history: [{ at: '2026-11-23T10:01:00.000Z', from: null, to: 'received' }],
    };
    const heads = new Map([
      ['amazon#202-1-1', amazonHead],
      ['scayle#30003', scayleHead],
    ]);
    const chain = makeTrace({
      ledger: {
        get: async (channel, id) => heads.get(`${channel}#${id}`),
        findByReference: async (system, id) => (system === 'orderwise' && id === 'SO000009' ? scayleHead : undefined),
      },
      exceptions: { list: async () => [] },
      settlements: { get: async () => undefined },
      catalogue: { get: async () => undefined },
    });
    for (const id of ['202-1-1', 'SO000009']) {
      const story = await chain(id);
      expect(story.orders.map((o) => o.pk).sort(), id).toEqual(['amazon#202-1-1', 'scayle#30003']);
      expect(story.events.map((e) => e.text)).toEqual([
        'amazon#202-1-1 (new) -> received',
        'scayle#30003 (new) -> received',
      ]);
    }
  });

  it('knows nothing about an id it has never seen', async () => {
    expect(await trace('nope')).toMatchObject({ orders: [], exceptions: [], events: [] });
  });
});
