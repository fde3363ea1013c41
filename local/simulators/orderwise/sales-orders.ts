/**
 * Sales orders as the simulated OrderWise takes and keeps them: the create body [O §2.3, plus sent prices and tax
 * amounts A], the lines OrderWise prices from what was sent, and the totals it computes itself, as the real one
 * does, so a pricing disagreement shows up in the hub's money check.
 */
import { z } from 'zod';
import type { DespatchExportDelivery } from './export-templates';
import { CANCELLABLE_STATUSES, type OrderwiseStatus, PICKING_SUB_STATUS } from './facts';
import { DECIMAL_AMOUNT, fromDecimal } from './money';

/** A decimal amount with at most two decimals. */
export const moneySchema = z.string().regex(DECIMAL_AMOUNT, 'must be a decimal with at most two decimals');
const money = moneySchema;

/** One order line: [O] variantCode, quantity, calculateLineSystemPrice; [A] the prices and tax sent with it. */
export const lineSchema = z.object({
  variantCode: z.string().min(1),
  quantity: z.number().int().positive(),
  calculateLineSystemPrice: z.boolean(),
  unitPriceGross: money.optional(),
  discountGross: money.optional(),
  taxRate: z.number().min(0).max(100).optional(),
  taxAmount: money.optional(),
});

const charge = z.object({ code: z.string(), gross: money, taxRate: z.number(), taxAmount: money.optional() });

/** The body of `POST /sales/order` [O §2.3; A currencyCode, deliveryCharges, orderDiscounts]. */
export const salesOrderSchema = z.object({
  customer: z.object({ accountNumber: z.string().min(1) }),
  orderHeader: z.object({
    orderDate: z.string().min(1),
    eCommerceOrderNumber: z.string().min(1),
    systemOrderType: z.number().int(),
    currencyCode: z.string().length(3).optional(),
  }),
  customerDeliveryAddress: z
    .object({
      deliveryName: z.string(),
      address1: z.string(),
      town: z.string(),
      postcode: z.string(),
      countryCode: z.string(),
    })
    .loose(),
  orderLines: z.array(lineSchema).min(1),
  deliveryCharges: z.array(charge).default([]),
  orderDiscounts: z.array(charge).default([]),
});

/** A sales order as the simulator holds it. */
export interface SimSalesOrder {
  orderId: number;
  orderNumber: string;
  eCommerceOrderNumber: string;
  sessionId: number;
  orderStatus: OrderwiseStatus;
  subStatus: string | null;
  totalGrossMinor: number;
  totalTaxMinor: number;
  lines: {
    variantCode: string;
    quantity: number;
    quantityDespatched: number;
    lineGrossMinor: number;
    lineTaxMinor: number;
  }[];
  /** Delivery charges less order discounts: the part of the totals that is not lines. */
  extrasGrossMinor: number;
  extrasTaxMinor: number;
  deliveries: DespatchExportDelivery[];
  body: unknown;
}

/** The issues of a failed parse in one line, naming the parameters. */
export const describe = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');

/** VAT of a line: the amount sent, else OrderWise's own per-line calculation, rounded to the minor unit [A]. */
export const taxOf = (grossMinor: number, rate: number, sent?: string) =>
  sent === undefined ? grossMinor - Math.round((grossMinor * 100) / (100 + rate)) : fromDecimal(sent);

/** A sales order line as OrderWise stores it, priced from what was sent. */
export const toLine = (l: z.output<typeof lineSchema>): SimSalesOrder['lines'][number] => {
  const gross = fromDecimal(l.unitPriceGross ?? '0') * l.quantity - fromDecimal(l.discountGross ?? '0');
  return {
    variantCode: l.variantCode,
    quantity: l.quantity,
    quantityDespatched: 0,
    lineGrossMinor: gross,
    lineTaxMinor: taxOf(gross, l.taxRate ?? 0, l.taxAmount),
  };
};

/** Whether an order can still change without a return: its status allows and picking has not started. */
export const isCancellable = (order: SimSalesOrder) =>
  CANCELLABLE_STATUSES.includes(order.orderStatus) && order.subStatus !== PICKING_SUB_STATUS;

/** OrderWise computes an order's totals from its lines and charges, as the real one does. */
export const retotal = (order: SimSalesOrder) => {
  order.totalGrossMinor = order.lines.reduce((sum, l) => sum + l.lineGrossMinor, order.extrasGrossMinor);
  order.totalTaxMinor = order.lines.reduce((sum, l) => sum + l.lineTaxMinor, order.extrasTaxMinor);
};
