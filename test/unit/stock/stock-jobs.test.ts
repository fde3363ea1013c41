import { describe, expect, it } from 'vitest';
import type { FreeStockRow } from '../../../shared/adapters/orderwise/client';
import type { ExceptionType } from '../../../shared/domain/exception-types';
import type { StockEventMessage } from '../../../shared/schemas/queue-messages';
import { makeObserveScayle } from '../../../shared/use-cases/stock/observe-scayle';
import {
  makePullStock,
  makeReconcileStock,
  ORDERWISE_PULL_CURSOR,
} from '../../../shared/use-cases/stock/reconcile-stock';
import { InMemoryCatalogue, InMemoryStock, TEST_STOCK_POLICY } from '../../helpers/stock-fakes';

const policy = TEST_STOCK_POLICY;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const clock = { now: () => NOW, sleep: async () => {} };
const UK = 'A1F83G8C2ARO7P';

const row = (id: number, code: string, freeStock: number, changedAt: string): FreeStockRow => ({
  variantId: id,
  variantCode: code,
  freeStock,
  changedAt,
});

const setup = (rows: FreeStockRow[], scayle: Record<string, number>) => {
  const stock = new InMemoryStock();
  const queued: StockEventMessage[] = [];
  const raised: { type: ExceptionType; key: string; details: Record<string, unknown> }[] = [];
  const sinces: string[] = [];
  const deps = {
    erp: {
      stockChangedSince: async (since: string) => {
        sinces.push(since);
        return rows;
      },
      freeStockPage: async (afterId: number, limit: number) =>
        rows.filter((r) => r.variantId > afterId).slice(0, limit),
    },
    stock,
    catalogue: new InMemoryCatalogue([
      { sku: 'DRIFT', orderwiseVariantCode: 'OW-1', amazon: { [UK]: { sellerSku: 'AMZ-1' } } },
      { sku: 'CLOSE', orderwiseVariantCode: 'OW-2' },
      { sku: 'BEHIND', orderwiseVariantCode: 'OW-3' },
      { sku: 'FRESH', orderwiseVariantCode: 'OW-4' },
      { sku: 'FINE', orderwiseVariantCode: 'OW-5', amazon: { [UK]: { sellerSku: 'AMZ-5' } } },
    ]),
    commerce: {
      getStock: async (sku: string) => [
        { warehouseReferenceKey: 'WH-MAIN', quantity: scayle[sku] ?? 0, changedAt: null },
      ],
    },
    queue: { sendAll: async (messages: readonly StockEventMessage[]) => void queued.push(...messages) },
    exceptions: {
      raise: async (type: ExceptionType, key: string, details: Record<string, unknown> = {}) => {
        raised.push({ type, key, details });
        return {} as never;
      },
    },
    policy,
    clock,
    pageSize: 2,
  };
  return { deps, stock, queued, raised, sinces };
};

const ledger = (stock: InMemoryStock, sku: string, owQuantity: number, owChangedAt: string) =>
  stock.items.set(sku, { sku, owQuantity, owChangedAt, version: 1 });

describe('the stock reconcile', () => {
  const rows = [
    row(1, 'OW-1', 10, '2026-11-23T10:00:00.000Z'),
    row(2, 'OW-2', 10, '2026-11-23T10:00:00.000Z'),
    row(3, 'OW-3', 10, '2026-11-23T10:00:00.000Z'),
    row(4, 'OW-4', 10, '2026-11-23T11:58:00.000Z'),
    row(5, 'OW-5', 10, '2026-11-23T10:00:00.000Z'),
    row(6, 'OW-UNKNOWN', 3, '2026-11-23T10:00:00.000Z'),
  ];

  it('repairs what is off through the queue, raises STOCK_DRIFT only above the threshold, and syncs Amazon in full', async () => {
    const { deps, stock, queued, raised } = setup(rows, { DRIFT: 3, CLOSE: 7, BEHIND: 8, FINE: 8 });
    for (const sku of ['DRIFT', 'CLOSE', 'FINE']) ledger(stock, sku, 10, '2026-11-23T10:00:00.000Z');
    ledger(stock, 'BEHIND', 5, '2026-11-23T09:00:00.000Z');
    ledger(stock, 'FRESH', 4, '2026-11-23T11:00:00.000Z');

    const outcome = await makeReconcileStock(deps)();

    expect(outcome).toMatchObject({ checked: 5, repaired: 4, unmapped: 1 });
    expect(outcome.drifted).toEqual([{ sku: 'DRIFT', expected: 8, scayle: 3, orderwise: 10 }]);
    expect(raised.map((r) => [r.type, r.key])).toEqual([['STOCK_DRIFT', 'DRIFT']]);
    expect(
      queued.map((m) => (m.kind === 'orderwise-stock' ? [m.variantCode, m.freeStock, m.source, m.force ?? false] : [])),
    ).toEqual([
      ['OW-1', 10, 'reconcile', true],
      ['OW-2', 10, 'reconcile', true],
      ['OW-3', 10, 'reconcile', false],
      ['OW-4', 10, 'reconcile', false],
    ]);
    expect((await stock.listAmazonPending()).map((i) => [i.sku, i.amazonForce])).toEqual([
      ['DRIFT', true],
      ['FINE', true],
    ]);
  });
});

describe('the OrderWise stock pull', () => {
  it('queues every figure changed since the cursor less the overlap, and moves the cursor to the newest', async () => {
    const rows = [row(1, 'OW-1', 4, '2026-11-23T11:50:00Z'), row(2, 'OW-2', 6, '2026-11-23T11:55:00Z')];
    const { deps, stock, queued, sinces } = setup(rows, {});
    expect(await makePullStock(deps)()).toEqual({ queued: 2, cursor: '2026-11-23T11:55:00.000Z' });
    expect(queued.map((m) => m.kind === 'orderwise-stock' && [m.variantCode, m.source])).toEqual([
      ['OW-1', 'pull'],
      ['OW-2', 'pull'],
    ]);
    expect(await stock.cursor(ORDERWISE_PULL_CURSOR)).toBe('2026-11-23T11:55:00.000Z');
    await makePullStock(deps)();
    expect(sinces).toEqual(['2026-11-23T10:58:00.000Z', '2026-11-23T11:53:00.000Z']);
  });
});

describe('reading SCAYLE variant changes', () => {
  it('records SCAYLE’s own stock over all warehouses and its prices, and marks the SKU for Amazon', async () => {
    const stock = new InMemoryStock();
    const observe = makeObserveScayle({
      stock,
      commerce: {
        getStock: async () => [
          { warehouseReferenceKey: 'WH-MAIN', quantity: 4, changedAt: '2026-11-23T11:00:00Z' },
          { warehouseReferenceKey: 'WH-2', quantity: 2, changedAt: '2026-11-23T11:30:00Z' },
        ],
        getCurrentPrices: async () => ({ EUR: 2990 }),
      },
      clock,
    });
    const base = { kind: 'scayle-variant', sku: 'SKU-A', eventId: 'e1', receivedAt: '2026-11-23T12:00:00Z' } as const;
    await observe({ ...base, event: 'product-variant-stock-updated' });
    await observe({ ...base, event: 'product-variant-prices-updated' });
    const item = await stock.get('SKU-A');
    expect(item?.scayleObserved).toMatchObject({ quantity: 6, changedAt: '2026-11-23T11:30:00.000Z' });
    expect(item?.prices?.EUR?.amountMinor).toBe(2990);
    expect(item?.amazonPending).toBe('pending');
  });
});
