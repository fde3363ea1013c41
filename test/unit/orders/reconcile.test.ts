import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../shared/adapters/aws/object-store';
import { UpstreamRejectedError } from '../../../shared/runtime/errors';
import { makePostOrder } from '../../../shared/use-cases/post-order';
import { makeReconcileOrderTotals } from '../../../shared/use-cases/reconcile-order-totals';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeCatalogue, FakeCommerce, FakeErp, FakeExceptions, FakeLedger, MORNING } from '../../helpers/order-fakes';
import { orderEvent, scayleOrder, type UnitSpec } from '../../helpers/scayle-orders';

/** The data bucket in memory. */
class FakeObjectStore implements ObjectStore {
  readonly files = new Map<string, { body: string; contentType: string }>();

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    this.files.set(key, { body: typeof body === 'string' ? body : new TextDecoder().decode(body), contentType });
  }

  async getText(key: string): Promise<string> {
    const file = this.files.get(key);
    if (!file) throw new Error(`no object ${key}`);
    return file.body;
  }
}

const WINDOW = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-01T23:59:59.999Z' };

/**
 * Orders posted through the real posting use case into fakes, an hour apart, so the ledger holds acknowledged
 * orders with the totals posting records; `toleranceMinor` is the money check's tolerance.
 */
const world = async (toleranceMinor: number, baskets: readonly (readonly UnitSpec[])[]) => {
  const clock = new FakeClock(MORNING);
  const ledger = new FakeLedger(clock);
  const erp = new FakeErp();
  const exceptions = new FakeExceptions(clock);
  const reports = new FakeObjectStore();
  const commerce = new FakeCommerce();
  const postOrder = makePostOrder({
    commerce,
    locate: commerce.locate(),
    erp,
    ledger,
    catalogue: new FakeCatalogue({ 'SKU-A': 'OW-A', 'SKU-B': 'OW-B' }),
    exceptions,
  });
  for (const [i, units] of baskets.entries()) {
    const id = 10_001 + i;
    commerce.add(scayleOrder({ id, units }));
    expect(await postOrder(orderEvent(id))).toBe('acknowledged');
    await clock.advance(3_600_000);
  }
  const reconcile = makeReconcileOrderTotals({ ledger, erp, exceptions, reports, toleranceMinor });
  return { ledger, erp, exceptions, reports, reconcile };
};

// 119.00 with 19.00 VAT, and 59.90 with 9.56 VAT.
const ORDER_A = [{ sku: 'SKU-A', grossMinor: 11_900 }];
const ORDER_B = [{ sku: 'SKU-B', grossMinor: 5_990 }];

describe('makeReconcileOrderTotals', () => {
  it('finds nothing to report when OrderWise holds what SCAYLE charged', async () => {
    const { reconcile, reports, exceptions } = await world(0, [ORDER_A, ORDER_B]);

    const result = await reconcile(WINDOW, '2025-03-01');

    expect(result).toEqual({
      checked: 2,
      mismatches: 0,
      unchecked: 0,
      reportKey: 'reports/reconciliation/2025-03-01.csv',
    });
    expect(exceptions.list()).toEqual([]);
    const rows = (await reports.getText(result.reportKey)).trim().split('\n').slice(1);
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => row.endsWith(',ok'))).toBe(true);
  });

  it('writes one CSV row per order and field with both values, the difference and the verdict', async () => {
    const { reconcile, reports, erp } = await world(2, [ORDER_A, ORDER_B]);
    // OrderWise now says 59.95 gross, 9.55 VAT: gross and net are off by more than 0.02, VAT by 0.01.
    erp.reprice('SO000002', 5_995, 955);

    const { reportKey } = await reconcile(WINDOW, '2025-03-01');

    expect(reports.files.get(reportKey)).toEqual({
      contentType: 'text/csv',
      body: [
        'scayle_order_id,orderwise_order_number,currency,field,scayle,orderwise,difference,result',
        '10001,SO000001,EUR,gross,119.00,119.00,0.00,ok',
        '10001,SO000001,EUR,net,100.00,100.00,0.00,ok',
        '10001,SO000001,EUR,tax,19.00,19.00,0.00,ok',
        '10002,SO000002,EUR,gross,59.90,59.95,0.05,mismatch',
        '10002,SO000002,EUR,net,50.34,50.40,0.06,mismatch',
        '10002,SO000002,EUR,tax,9.56,9.55,-0.01,ok',
        '',
      ].join('\n'),
    });
  });

  it('raises one ORDER_TOTAL_MISMATCH per order for finance, naming only the fields that differ', async () => {
    const { reconcile, erp, exceptions } = await world(0, [ORDER_A, ORDER_B]);
    erp.reprice('SO000001', 12_000, 1_900);
    erp.reprice('SO000002', 5_990, 950);

    expect(await reconcile(WINDOW, '2025-03-01')).toMatchObject({ checked: 2, mismatches: 2 });

    expect(
      exceptions.list().map(({ type, key, owner, count, details }) => ({ type, key, owner, count, details })),
    ).toEqual([
      {
        type: 'ORDER_TOTAL_MISMATCH',
        key: '10001',
        owner: 'finance',
        count: 1,
        details: {
          orderId: '10001',
          orderwiseOrderNumber: 'SO000001',
          currency: 'EUR',
          differences: {
            gross: { scayle: '119.00', orderwise: '120.00', difference: '1.00' },
            net: { scayle: '100.00', orderwise: '101.00', difference: '1.00' },
          },
        },
      },
      {
        type: 'ORDER_TOTAL_MISMATCH',
        key: '10002',
        owner: 'finance',
        count: 1,
        details: {
          orderId: '10002',
          orderwiseOrderNumber: 'SO000002',
          currency: 'EUR',
          differences: {
            net: { scayle: '50.34', orderwise: '50.40', difference: '0.06' },
            tax: { scayle: '9.56', orderwise: '9.50', difference: '-0.06' },
          },
        },
      },
    ]);
  });

  it('counts a difference up to the tolerance as ok and one minor unit more as a mismatch', async () => {
    const within = await world(3, [ORDER_A]);
    within.erp.reprice('SO000001', 11_903, 1_900);
    expect(await within.reconcile(WINDOW, '2025-03-01')).toMatchObject({ checked: 1, mismatches: 0 });
    expect(within.exceptions.list()).toEqual([]);

    const beyond = await world(3, [ORDER_A]);
    beyond.erp.reprice('SO000001', 11_904, 1_900);
    expect(await beyond.reconcile(WINDOW, '2025-03-01')).toMatchObject({ checked: 1, mismatches: 1 });
    expect(beyond.exceptions.list('ORDER_TOTAL_MISMATCH')).toHaveLength(1);
  });

  it("leaves out an Amazon order's own entry: its SCAYLE order is the one checked against OrderWise", async () => {
    const { reconcile, ledger, exceptions } = await world(0, [ORDER_A]);
    // The Amazon order became SCAYLE order 10001; its own entry names no OrderWise order.
    await ledger.create({ channel: 'amazon', orderId: '026-1234567-1234567', ids: { scayle: '10001' } });
    await ledger.transition('amazon', '026-1234567-1234567', { from: 'received', to: 'pending' });
    await ledger.transition('amazon', '026-1234567-1234567', { from: 'pending', to: 'sent' });
    await ledger.transition('amazon', '026-1234567-1234567', { from: 'sent', to: 'acknowledged' });

    expect(await reconcile(WINDOW, '2025-03-01')).toMatchObject({ checked: 1, mismatches: 0 });
    expect(exceptions.list()).toEqual([]);
  });

  it('checks only the orders acknowledged in the window and still writes a report when there are none', async () => {
    const { reconcile, reports, erp } = await world(0, [ORDER_A, ORDER_B]);
    erp.reprice('SO000001', 1, 0);
    // The first order was acknowledged at 10:00, the second at 11:00.
    const result = await reconcile({ from: '2025-03-01T10:30:00.000Z', to: '2025-03-01T12:00:00.000Z' }, '2025-03-01');
    expect(result).toMatchObject({ checked: 1, mismatches: 0 });
    expect(await reports.getText(result.reportKey)).not.toContain('10001');

    const empty = await reconcile({ from: '2025-03-02T00:00:00.000Z', to: '2025-03-02T23:59:59.999Z' }, '2025-03-02');
    expect(empty).toEqual({
      checked: 0,
      mismatches: 0,
      unchecked: 0,
      reportKey: 'reports/reconciliation/2025-03-02.csv',
    });
    expect(await reports.getText(empty.reportKey)).toBe(
      'scayle_order_id,orderwise_order_number,currency,field,scayle,orderwise,difference,result\n',
    );
  });

  it('records an order whose OrderWise totals cannot be read as unchecked with the reason, and raises nothing', async () => {
    const { reconcile, reports, exceptions, erp } = await world(0, [ORDER_A, ORDER_B]);
    erp.withholdTotals('no totals in the status answer, and no salesOrderTotals export definition');

    const result = await reconcile(WINDOW, '2025-03-01');

    expect(result).toMatchObject({ checked: 0, mismatches: 0, unchecked: 2 });
    expect(exceptions.list()).toEqual([]);
    expect((await reports.getText(result.reportKey)).trim().split('\n').slice(1)).toEqual([
      '10001,SO000001,EUR,all,,,,"unchecked: no totals in the status answer, and no salesOrderTotals export definition"',
      '10002,SO000002,EUR,all,,,,"unchecked: no totals in the status answer, and no salesOrderTotals export definition"',
    ]);
  });

  it('records an order OrderWise cannot answer for as unchecked with the error, and checks the others', async () => {
    const { reconcile, reports, erp } = await world(0, [ORDER_A, ORDER_B]);
    const read = erp.salesOrderTotals.bind(erp);
    erp.salesOrderTotals = async (orderId) => {
      if (orderId === 1) throw new UpstreamRejectedError('OrderWise getOrderStatus answered 404', 404);
      return read(orderId);
    };

    const result = await reconcile(WINDOW, '2025-03-01');

    expect(result).toMatchObject({ checked: 1, mismatches: 0, unchecked: 1 });
    const rows = (await reports.getText(result.reportKey)).trim().split('\n').slice(1);
    expect(rows[0]).toBe(
      '10001,SO000001,EUR,all,,,,unchecked: OrderWise could not be read: OrderWise getOrderStatus answered 404',
    );
    expect(rows.slice(1).every((row) => row.startsWith('10002,SO000002,EUR,') && row.endsWith(',ok'))).toBe(true);
  });
});
