/**
 * The tenant's HTTP export templates: the XML OrderWise pushes as the form field `ExportData=<XML>` [O fbf-orderwise,
 * Extract.php, §2.1] and the `DespatchesSince` export definition answers. Templates are user-defined in OrderWise,
 * so the element names are the customer's choice; these follow the real exports seen in public client code [O §2.4]
 * plus what a tenant configured for the hub adds [A]. Tags per element below.
 */
import { XMLBuilder } from 'fast-xml-parser';

/** One variant row of a stock export. */
export interface StockExportRow {
  readonly variantId: number;
  readonly variantCode: string;
  readonly freeStock: number;
  /** Two-decimal retail price including VAT. */
  readonly priceIncVat: string;
  readonly discontinued: boolean;
  /** ISO-8601 with a zone: when the free stock changed. */
  readonly changedAt: string;
}

/** One delivery (package) of a despatch. */
export interface DespatchExportDelivery {
  readonly deliveryNumber: string;
  /** ISO-8601 with a zone. */
  readonly deliveryDate: string;
  readonly courierName: string;
  readonly consignmentNumbers: readonly string[];
  readonly lines: readonly { readonly variantCode: string; readonly quantity: number }[];
}

/** One order of a despatch export, with the deliveries it reports. */
export interface DespatchExportOrder {
  readonly orderNumber: string;
  readonly eCommerceOrderNumber: string;
  readonly orderStatus: string;
  readonly deliveries: readonly DespatchExportDelivery[];
}

// [A] Indented output with an XML declaration; text is entity-escaped, so a courier named `A & B` stays well-formed.
const builder = new XMLBuilder({ format: true, suppressEmptyNode: false });
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/**
 * The stock export: `<StockExport><Variant>…</Variant>…</StockExport>` [A root and row names], each row with the
 * OrderWise columns [O Extract.php: vad_id, vad_variant_code, vasq_free_stock_quantity, vafp_rsp_inc_vat,
 * vas_discontinued_product (`True`/`False`)] and [A] `last_changed`.
 */
export const stockExportXml = (rows: readonly StockExportRow[]): string =>
  DECLARATION +
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

/**
 * The despatch export, from the observed template [O fbf-orderwise, §2.4]:
 * `<order><orderNo/><orderStatus/><deliveries><deliveryNumber/><deliveryDate/><courierName/>
 * <consignmentNumbers><consignmentNumber/>…</consignmentNumbers></deliveries></order>`, one `<deliveries>` element
 * per delivery (plural name, as in the real template), plus [A] the root `<orders>`, the order's
 * `<eCommerceOrderNumber>` and each delivery's `<lines><line><variantCode/><quantity/></line>…</lines>`.
 */
export const despatchExportXml = (orders: readonly DespatchExportOrder[]): string =>
  DECLARATION +
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
