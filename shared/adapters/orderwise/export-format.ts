import { XMLBuilder } from 'fast-xml-parser';

/**
 * The XML of OrderWise HTTP exports, which OrderWise pushes as the form field `ExportData` (reference
 * orderwise.md §2.1, §2.4). Export templates are user-defined in OrderWise; the element names below follow
 * the real exports seen in public client code [O] plus what the hub needs [A] (a change time on stock rows, the
 * e-commerce order number and despatched lines on despatches). The customer's templates must produce these
 * names; the simulator builds them, the hub reads them.
 */

/** One stock row: [O] vad_id, vad_variant_code, vasq_free_stock_quantity, vafp_rsp_inc_vat, vas_discontinued_product; [A] last_changed. */
export interface StockExportRow {
  readonly variantId: number;
  readonly variantCode: string;
  readonly freeStock: number;
  readonly priceIncVat: string;
  readonly discontinued: boolean;
  /** ISO-8601: when OrderWise's free stock changed. */
  readonly changedAt: string;
}

/** One delivery (package) of a despatch: [O] deliveryNumber, deliveryDate, courierName, consignmentNumbers; [A] lines. */
export interface DespatchExportDelivery {
  readonly deliveryNumber: string;
  readonly deliveryDate: string;
  readonly courierName: string;
  readonly consignmentNumbers: readonly string[];
  readonly lines: readonly { readonly variantCode: string; readonly quantity: number }[];
}

/** One order of a despatch export: [O] orderNo, orderStatus, deliveries; [A] eCommerceOrderNumber. */
export interface DespatchExportOrder {
  readonly orderNumber: string;
  readonly eCommerceOrderNumber: string;
  readonly orderStatus: string;
  readonly deliveries: readonly DespatchExportDelivery[];
}

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false });
const declaration = '<?xml version="1.0" encoding="utf-8"?>\n';

/** The XML of a stock export. */
export const buildStockExport = (rows: readonly StockExportRow[]): string =>
  declaration +
  builder.build({
    StockExport: {
      Variant: rows.map((row) => ({
        vad_id: row.variantId,
        vad_variant_code: row.variantCode,
        vasq_free_stock_quantity: row.freeStock,
        vafp_rsp_inc_vat: row.priceIncVat,
        vas_discontinued_product: row.discontinued ? 'True' : 'False',
        last_changed: row.changedAt,
      })),
    },
  });

/** The XML of a despatch export. */
export const buildDespatchExport = (orders: readonly DespatchExportOrder[]): string =>
  declaration +
  builder.build({
    orders: {
      order: orders.map((order) => ({
        orderNo: order.orderNumber,
        eCommerceOrderNumber: order.eCommerceOrderNumber,
        orderStatus: order.orderStatus,
        deliveries: order.deliveries.map((delivery) => ({
          deliveryNumber: delivery.deliveryNumber,
          deliveryDate: delivery.deliveryDate,
          courierName: delivery.courierName,
          consignmentNumbers: { consignmentNumber: [...delivery.consignmentNumbers] },
          lines: { line: delivery.lines.map((line) => ({ variantCode: line.variantCode, quantity: line.quantity })) },
        })),
      })),
    },
  });
