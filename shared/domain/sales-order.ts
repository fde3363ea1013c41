import type { DeliveryAddress } from '../ports';
import { PermanentError } from '../runtime/errors';
import type { ScayleOrder } from '../schemas/scayle';
import { sum } from './money';

/** One sales order line: all units of one variant, priced in minor units. */
export interface SalesOrderLine {
  /** SCAYLE variant reference key. */
  readonly sku: string;
  /** OrderWise stock code. */
  readonly variantCode: string;
  readonly quantity: number;
  /** Gross unit price before item-level discounts. */
  readonly unitGrossMinor: number;
  /** Item-level discounts of all units together, so that `quantity x unit - discount` is exact. */
  readonly discountMinor: number;
  readonly taxRate: number;
  readonly lineGrossMinor: number;
  readonly lineTaxMinor: number;
}

/** An order-level amount: shipping fee or voucher. */
export interface OrderLevelAmount {
  readonly key: string;
  readonly grossMinor: number;
  readonly taxMinor: number;
  readonly taxRate: number;
}

/**
 * A SCAYLE order as the ERP must receive it: lines grouped by variant, every money field in minor units.
 * `totalGrossMinor` = lines + shipping - vouchers, and equals SCAYLE's `cost.withTax`.
 */
export interface SalesOrder {
  /** The SCAYLE order id, sent as OrderWise's `eCommerceOrderNumber`: the key of the look-up before create. */
  readonly externalReference: string;
  readonly orderDate: string;
  readonly currency: string;
  readonly lines: readonly SalesOrderLine[];
  readonly shipping: readonly OrderLevelAmount[];
  readonly vouchers: readonly OrderLevelAmount[];
  readonly totalGrossMinor: number;
  readonly totalTaxMinor: number;
}

/** An order names SKUs the ERP does not know; the order must be flagged, not posted. */
export class SkuUnmappedError extends PermanentError {
  constructor(readonly skus: readonly string[]) {
    super(`no OrderWise stock code for ${skus.join(', ')}`);
  }
}

/** SCAYLE's own figures do not add up; posting would put a wrong value into the ERP. */
export class OrderTotalsInconsistentError extends PermanentError {
  constructor(
    readonly expectedMinor: number,
    readonly computedMinor: number,
  ) {
    super(`SCAYLE total ${expectedMinor} differs from items + fees - reductions = ${computedMinor}`);
  }
}

const orderLevel = (amounts: ScayleOrder['cost']['appliedFees'], prefix: string): OrderLevelAmount[] =>
  amounts.map((amount, i) => ({
    key: amount.key ?? amount.category ?? `${prefix}-${i + 1}`,
    grossMinor: amount.amount.withTax,
    taxMinor: amount.tax?.vat.amount ?? 0,
    taxRate: amount.tax?.vat.rate ?? 0,
  }));

/**
 * Maps a SCAYLE order to the ERP's sales order. SCAYLE sends one item per unit; units of the same variant
 * become one line whose discount is the sum of the units' discounts, so no minor unit is lost to rounding.
 * Units of one variant at different tax rates (rare, but possible across a rate change) stay separate lines.
 * @param stockCodeOf the catalogue map: SCAYLE SKU -> OrderWise stock code, undefined when unmapped.
 * @throws SkuUnmappedError naming every unmapped SKU.
 * @throws OrderTotalsInconsistentError when SCAYLE's total is not the sum of its parts.
 */
export const toSalesOrder = (order: ScayleOrder, stockCodeOf: (sku: string) => string | undefined): SalesOrder => {
  const unmapped = [...new Set(order.items.map((i) => i.variant.referenceKey).filter((sku) => !stockCodeOf(sku)))];
  if (unmapped.length > 0) throw new SkuUnmappedError(unmapped);

  const groups = new Map<string, ScayleOrder['items']>();
  for (const item of order.items) {
    const key = `${item.variant.referenceKey}|${item.price.tax.vat.rate}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const lines: SalesOrderLine[] = [...groups.values()].map((units) => {
    const first = units[0] as ScayleOrder['items'][number];
    const unitGrossMinor = Math.max(...units.map((u) => u.price.undiscountedWithTax ?? u.price.withTax));
    const lineGrossMinor = sum(units.map((u) => u.price.withTax));
    return {
      sku: first.variant.referenceKey,
      variantCode: stockCodeOf(first.variant.referenceKey) as string,
      quantity: units.length,
      unitGrossMinor,
      discountMinor: unitGrossMinor * units.length - lineGrossMinor,
      taxRate: first.price.tax.vat.rate,
      lineGrossMinor,
      lineTaxMinor: sum(units.map((u) => u.price.tax.vat.amount)),
    };
  });
  const shipping = orderLevel(order.cost.appliedFees, 'fee');
  const vouchers = orderLevel(order.cost.appliedReductions, 'voucher');
  const computed =
    sum(lines.map((l) => l.lineGrossMinor)) +
    sum(shipping.map((s) => s.grossMinor)) -
    sum(vouchers.map((v) => v.grossMinor));
  if (computed !== order.cost.withTax) throw new OrderTotalsInconsistentError(order.cost.withTax, computed);
  return {
    externalReference: String(order.id),
    orderDate: order.confirmedAt ?? order.createdAt,
    currency: order.currencyCode,
    lines,
    shipping,
    vouchers,
    totalGrossMinor: computed,
    totalTaxMinor:
      sum(lines.map((l) => l.lineTaxMinor)) +
      sum(shipping.map((s) => s.taxMinor)) -
      sum(vouchers.map((v) => v.taxMinor)),
  };
};

/** The order's shipping address (billing when there is none) as the ERP's delivery address. */
export const deliveryAddressOf = (order: ScayleOrder): DeliveryAddress => {
  const address = order.address?.shipping ?? order.address?.billing ?? {};
  const name = [address.firstName, address.lastName].filter(Boolean).join(' ');
  const street = [address.street, address.houseNumber].filter(Boolean).join(' ');
  const email = address.email ?? order.customer?.email;
  return {
    name,
    lines: [street, address.additional].filter((line): line is string => Boolean(line)),
    town: address.city ?? '',
    postcode: address.zipCode ?? '',
    countryCode: address.countryCode ?? '',
    ...(email ? { email } : {}),
    ...(address.phone ? { telephone: address.phone } : {}),
  };
};
