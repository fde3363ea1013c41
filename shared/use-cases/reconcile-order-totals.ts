import type { ObjectStore } from '../adapters/aws/object-store';
import { toDecimal } from '../domain/money';
import type { ErpGateway, ExceptionSink, OrderLedger } from '../ports';
import { toCsv } from '../runtime/csv';

/** The ports the money check needs. */
export interface ReconcileDeps {
  readonly ledger: OrderLedger;
  readonly erp: ErpGateway;
  readonly exceptions: ExceptionSink;
  readonly reports: ObjectStore;
  /** Largest difference in minor units that is not a mismatch. */
  readonly toleranceMinor: number;
}

/** The result of one run. */
export interface ReconcileResult {
  readonly checked: number;
  readonly mismatches: number;
  /** Orders whose OrderWise totals could not be read (each a CSV row with the reason). */
  readonly unchecked: number;
  readonly reportKey: string;
}

/** One order's comparison, as a report row. */
interface Comparison {
  orderId: string;
  orderwiseOrderNumber: string;
  currency: string;
  fields: { name: 'gross' | 'net' | 'tax'; scayle: number; orderwise: number }[];
}

const CSV_HEADER = [
  'scayle_order_id',
  'orderwise_order_number',
  'currency',
  'field',
  'scayle',
  'orderwise',
  'difference',
  'result',
];

/**
 * The daily money check (loop 10): for every order acknowledged in the window, compares SCAYLE's total with
 * the value OrderWise holds now, field by field (gross, net, tax). A difference above the tolerance becomes an
 * `ORDER_TOTAL_MISMATCH` exception for finance; every comparison lands in a CSV report under
 * `reports/reconciliation/<date>.csv`. An order whose OrderWise totals cannot be read (the tenant's OrderWise
 * answers none) is a row `unchecked` with the reason, never a failed run.
 */
export const makeReconcileOrderTotals =
  ({ ledger, erp, exceptions, reports, toleranceMinor }: ReconcileDeps) =>
  async (window: { from: string; to: string }, reportDate: string): Promise<ReconcileResult> => {
    // An Amazon order's own entry (channel amazon) is acknowledged once SCAYLE has it and holds no OrderWise order:
    // its SCAYLE-channel entry is the one OrderWise holds a sales order for, and is checked like any web order.
    const entries = (await ledger.listByStatus('acknowledged', window)).filter((entry) => entry.channel === 'scayle');
    const rows: string[][] = [];
    let mismatches = 0;
    let unchecked = 0;
    for (const entry of entries) {
      // One order OrderWise cannot answer for (gone, a broken row) is that order's row, not the end of the report.
      const state = await erp.salesOrderTotals(Number(entry.data.orderwiseOrderId)).catch((error: Error) => ({
        orderNumber: entry.ids.orderwise ?? '',
        unavailable: `OrderWise could not be read: ${error.message}`,
      }));
      const currency = String(entry.data.currency ?? '');
      if ('unavailable' in state) {
        unchecked++;
        rows.push([entry.orderId, state.orderNumber, currency, 'all', '', '', '', `unchecked: ${state.unavailable}`]);
        continue;
      }
      const scayleGross = Number(entry.data.scayleTotalMinor);
      const scayleTax = Number(entry.data.scayleTaxMinor);
      const { grossMinor, taxMinor } = state.totals;
      const comparison: Comparison = {
        orderId: entry.orderId,
        orderwiseOrderNumber: state.orderNumber,
        currency,
        fields: [
          { name: 'gross', scayle: scayleGross, orderwise: grossMinor },
          { name: 'net', scayle: scayleGross - scayleTax, orderwise: grossMinor - taxMinor },
          { name: 'tax', scayle: scayleTax, orderwise: taxMinor },
        ],
      };
      const off = comparison.fields.filter((f) => Math.abs(f.scayle - f.orderwise) > toleranceMinor);
      for (const field of comparison.fields) {
        const difference = field.orderwise - field.scayle;
        const result = off.includes(field) ? 'mismatch' : 'ok';
        rows.push([
          comparison.orderId,
          comparison.orderwiseOrderNumber,
          comparison.currency,
          field.name,
          toDecimal(field.scayle),
          toDecimal(field.orderwise),
          toDecimal(difference),
          result,
        ]);
      }
      if (off.length > 0) {
        mismatches++;
        await exceptions.raise('ORDER_TOTAL_MISMATCH', entry.orderId, {
          orderId: entry.orderId,
          orderwiseOrderNumber: state.orderNumber,
          currency: comparison.currency,
          differences: Object.fromEntries(
            off.map((f) => [
              f.name,
              {
                scayle: toDecimal(f.scayle),
                orderwise: toDecimal(f.orderwise),
                difference: toDecimal(f.orderwise - f.scayle),
              },
            ]),
          ),
        });
      }
    }
    const reportKey = `reports/reconciliation/${reportDate}.csv`;
    await reports.put(reportKey, toCsv(CSV_HEADER, rows), 'text/csv');
    return { checked: entries.length - unchecked, mismatches, unchecked, reportKey };
  };
