import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/adapters/aws/ledger-repository';
import type { ErpOrderState } from '../../../shared/ports';
import { TimeoutError, UpstreamError, UpstreamRejectedError } from '../../../shared/runtime/errors';
import {
  type LiveStatusPorts,
  type LiveStatusRequest,
  liveStatusRequests,
  makeLiveStatus,
} from '../../../shared/use-cases/live-status';
import { makeTrace } from '../../../shared/use-cases/trace';

const erpState = (overrides: Partial<ErpOrderState> = {}): ErpOrderState => ({
  orderId: 77,
  orderNumber: 'SO000077',
  externalReference: '30003',
  status: 'Awaiting Despatch',
  cancellable: true,
  cancelled: false,
  totals: { grossMinor: 5_990, taxMinor: 998 },
  ...overrides,
});

/** Peers that answer from maps; `calls` records what was asked, in order. */
const fakePeers = (overrides: Partial<LiveStatusPorts> = {}) => {
  const calls: string[] = [];
  const ports: LiveStatusPorts = {
    scayle: {
      getOrder: async (shopKey, countryCode, orderId) => {
        calls.push(`scayle ${shopKey}/${countryCode}/${orderId}`);
        return { status: 'confirmed', items: [{ status: 'shipped' }, { status: 'shipped' }, { status: 'open' }] };
      },
    },
    orderwise: {
      findSalesOrder: async (reference) => {
        calls.push(`orderwise find ${reference}`);
        return reference === '30003' ? { orderId: 77, orderNumber: 'SO000077' } : undefined;
      },
      getSalesOrder: async (orderId) => {
        calls.push(`orderwise get ${orderId}`);
        return erpState({ orderId });
      },
    },
    amazon: {
      getOrder: async (amazonOrderId, options) => {
        calls.push(`amazon ${amazonOrderId} pii=${options.pii}`);
        return { OrderStatus: 'Unshipped', LatestShipDate: '2026-11-25T23:59:59Z' };
      },
    },
    timeoutMs: 50,
    ...overrides,
  };
  return { ports, calls };
};

const chain: LiveStatusRequest = {
  scayle: { orderId: '30003', shopKey: 'ac', countryCode: 'GB' },
  orderwise: { orderNumber: 'SO000077', orderId: 77, externalReference: '30003' },
  amazon: { amazonOrderId: '202-1-1' },
};

describe('makeLiveStatus', () => {
  it('says what each system says of the order now, without asking Amazon for personal data', async () => {
    const { ports, calls } = fakePeers();
    const status = await makeLiveStatus(ports)(chain);
    expect(status.systems).toEqual([
      { system: 'scayle', id: '30003', status: 'confirmed', detail: 'items: 2 shipped, 1 open' },
      { system: 'orderwise', id: 'SO000077', status: 'Awaiting Despatch', detail: 'cancellable' },
      { system: 'amazon', id: '202-1-1', status: 'Unshipped', detail: 'LatestShipDate 2026-11-25T23:59:59Z' },
    ]);
    expect(calls).toEqual(['scayle ac/GB/30003', 'orderwise get 77', 'amazon 202-1-1 pii=false']);
  });

  it('finds the OrderWise order by its reference when the ledger never learnt its id, and names its number', async () => {
    const { ports, calls } = fakePeers();
    const status = await makeLiveStatus(ports)({ orderwise: { externalReference: '30003' } });
    expect(status.systems).toEqual([
      { system: 'orderwise', id: 'ref 30003', status: 'Awaiting Despatch', detail: 'order SO000077, cancellable' },
    ]);
    expect(calls).toEqual(['orderwise find 30003', 'orderwise get 77']);
  });

  it('says not found for an order OrderWise has no sales order for, and for a 404 from a peer', async () => {
    const { ports } = fakePeers({
      scayle: {
        getOrder: async () => {
          throw new UpstreamRejectedError('SCAYLE answered 404', 404);
        },
      },
    });
    const status = await makeLiveStatus(ports)({
      scayle: { orderId: '40004', shopKey: 'ac', countryCode: 'DE' },
      orderwise: { externalReference: '40004' },
    });
    expect(status.systems).toEqual([
      { system: 'scayle', id: '40004', status: 'not found' },
      { system: 'orderwise', id: 'ref 40004', status: 'not found' },
    ]);
  });

  it('gives a failing or silent peer an error line and still answers for the others', async () => {
    const { ports } = fakePeers({
      orderwise: {
        findSalesOrder: async () => undefined,
        getSalesOrder: async () => {
          throw new UpstreamError('OrderWise answered 503', 503);
        },
      },
      amazon: { getOrder: () => new Promise(() => {}) },
    });
    const status = await makeLiveStatus(ports)(chain);
    expect(status.systems).toEqual([
      { system: 'scayle', id: '30003', status: 'confirmed', detail: 'items: 2 shipped, 1 open' },
      { system: 'orderwise', id: 'SO000077', status: 'unknown', error: 'UpstreamError: OrderWise answered 503' },
      {
        system: 'amazon',
        id: '202-1-1',
        status: 'unknown',
        error: `${TimeoutError.name}: amazon did not answer within 50 ms`,
      },
    ]);
  });
});

const head = (overrides: Partial<LedgerEntry>): LedgerEntry => ({
  pk: 'scayle#30003',
  channel: 'scayle',
  orderId: '30003',
  status: 'acknowledged',
  ids: { scayle: '30003' },
  attempts: 1,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  history: [{ at: '2026-11-23T10:00:00.000Z', from: null, to: 'received' }],
  data: {},
  ...overrides,
});

const amazonHead = head({
  pk: 'amazon#202-1-1',
  channel: 'amazon',
  orderId: '202-1-1',
  ids: { amazon: '202-1-1', scayle: '30003' },
  data: { scayleShopKey: 'ac', scayleCountryCode: 'GB' },
});
const scayleHead = head({
  ids: { scayle: '30003', orderwise: 'SO000077', amazon: '202-1-1' },
  data: { shopKey: 'ac', countryCode: 'GB', orderwiseOrderId: 77 },
});

describe('liveStatusRequests', () => {
  it('asks once per chain: an Amazon order and the SCAYLE order it became are one request', () => {
    expect(liveStatusRequests([amazonHead, scayleHead])).toEqual([chain]);
    expect(liveStatusRequests([scayleHead, amazonHead])).toEqual([chain]);
  });

  it('asks OrderWise by reference for a SCAYLE order the ledger holds no OrderWise id for', () => {
    const flagged = head({ status: 'flagged', data: { shopKey: 'ac', countryCode: 'DE' } });
    expect(liveStatusRequests([flagged])).toEqual([
      { scayle: { orderId: '30003', shopKey: 'ac', countryCode: 'DE' }, orderwise: { externalReference: '30003' } },
    ]);
  });

  it('asks only Amazon for an Amazon order that has no SCAYLE order yet', () => {
    const ghost = head({ pk: 'amazon#202-9-9', channel: 'amazon', orderId: '202-9-9', ids: { amazon: '202-9-9' } });
    expect(liveStatusRequests([ghost])).toEqual([{ amazon: { amazonOrderId: '202-9-9' } }]);
  });
});

describe('makeTrace with live status', () => {
  const heads = new Map([
    ['amazon#202-1-1', amazonHead],
    ['scayle#30003', scayleHead],
  ]);
  const sources = {
    ledger: {
      get: async (channel: string, id: string) => heads.get(`${channel}#${id}`),
      findByReference: async () => undefined,
    },
    exceptions: { list: async () => [] },
    settlements: { get: async () => undefined },
    catalogue: { get: async () => undefined },
  };

  it("adds what each system says now to the hub's story", async () => {
    const { ports } = fakePeers();
    const live = makeLiveStatus(ports);
    const story = await makeTrace({ ...sources, live: async (requests) => Promise.all(requests.map(live)) })('30003');
    expect(story.events).toHaveLength(2);
    expect(story.now?.flatMap((o) => o.systems.map((s) => `${s.system} ${s.status}`))).toEqual([
      'scayle confirmed',
      'orderwise Awaiting Despatch',
      'amazon Unshipped',
    ]);
  });

  it('still tells the story when the live read fails as a whole, with the reason on every line', async () => {
    const story = await makeTrace({
      ...sources,
      live: async () => {
        throw new UpstreamError('the live status read failed on stage dev: Task timed out');
      },
    })('202-1-1');
    expect(story.events).toHaveLength(2);
    expect(story.now?.[0]?.systems).toEqual(
      ['scayle', 'orderwise', 'amazon'].map((system) =>
        expect.objectContaining({
          system,
          status: 'unknown',
          error: 'UpstreamError: the live status read failed on stage dev: Task timed out',
        }),
      ),
    );
  });

  it('reads nothing live unless asked', async () => {
    expect(await makeTrace(sources)('30003')).not.toHaveProperty('now');
  });
});
