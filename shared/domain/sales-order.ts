import type { DeliveryAddress } from '../ports';
import { PermanentError } from '../runtime/errors';
import { isWithdrawn, paidPriceOf, type ScayleOrder } from '../schemas/scayle';
import { toAlpha2 } from './countries';
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
  /** VAT rate as a fraction (`0.19`), as SCAYLE gives it. */
  readonly taxRate: number;
  readonly lineGrossMinor: number;
  readonly lineTaxMinor: number;
}

/** An order-level amount: shipping fee or voucher. */
export interface OrderLevelAmount {
  readonly key: string;
  readonly grossMinor: number;
  readonly taxMinor: number;
  /** VAT rate as a fraction (`0.19`). */
  readonly taxRate: number;
}

/**
 * A SCAYLE order as the ERP must receive it: lines grouped by variant, every money field in minor units.
 * `totalGrossMinor` = lines + shipping - vouchers, and equals SCAYLE's `cost.withTax`. `vouchers` is empty when
 * SCAYLE spread its reductions over the items (the documented case): the lines' discounts carry them then.
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

/** The VAT of one SCAYLE amount: SCAYLE's own figures when given, else what its gross and net imply. */
const vatOf = (
  gross: number,
  net: number | null | undefined,
  tax: { readonly vat: { readonly amount: number; readonly rate: number } } | null | undefined,
): { taxMinor: number; taxRate: number } => {
  if (tax) return { taxMinor: tax.vat.amount, taxRate: tax.vat.rate };
  if (net === null || net === undefined || net === 0) return { taxMinor: 0, taxRate: 0 };
  // Lists may leave `price.tax` out [V reference §1.3]: the rate is implied, to four places as rates are quoted.
  return { taxMinor: gross - net, taxRate: Math.round(((gross - net) / net) * 10_000) / 10_000 };
};

/**
 * Whether SCAYLE's total takes the order-level reductions off the items again. SCAYLE lists an order-level
 * reduction (a voucher) on the order; item prices already have their own reductions taken off [V SDK
 * OrderItemPrice], and a voucher may be spread over them too, or kept apart until after confirmation
 * (`absoluteVoucherReducedPrice` [V scayle.dev]). So a total equal to items + fees means the reductions are in the
 * items; one equal to items + fees - reductions means they come on top. Items withdrawn after confirmation may or
 * may not still be in SCAYLE's total.
 */
const reductionsOnTop = (order: ScayleOrder, itemsAndFees: number, withdrawnGross: number): boolean => {
  const reductions = sum(order.cost.appliedReductions.map((r) => r.amount.absoluteWithTax));
  const matches = (total: number) => total === order.cost.withTax || total + withdrawnGross === order.cost.withTax;
  return reductions > 0 && !matches(itemsAndFees) && matches(itemsAndFees - reductions);
};

/**
 * Maps a SCAYLE order to the ERP's sales order. SCAYLE sends one item per unit, each priced after its reductions
 * (sale, and an absolute voucher SCAYLE put on it: `absoluteVoucherReducedPrice`); units of the same variant become one line whose discount is the sum of the
 * units' discounts, so no minor unit is lost to rounding. Units of one variant at different tax rates (rare, but
 * possible across a rate change) stay separate lines. Tax rates stay fractions, as SCAYLE gives them (`0.19`): the
 * ERP adapter converts to the form its API takes. Items SCAYLE withdrew (out of stock, cancelled, unshippable) are
 * not delivered and are left out, so the total is what the customer pays for what is sent.
 * @param stockCodeOf the catalogue map: SCAYLE SKU -> OrderWise stock code, undefined when unmapped.
 * @throws SkuUnmappedError naming every unmapped SKU.
 * @throws OrderTotalsInconsistentError when SCAYLE's total is not the sum of its parts.
 */
export const toSalesOrder = (order: ScayleOrder, stockCodeOf: (sku: string) => string | undefined): SalesOrder => {
  const items = order.items.filter((item) => !isWithdrawn(item));
  const withdrawnGross = sum(order.items.filter(isWithdrawn).map((item) => paidPriceOf(item.price).withTax));
  const unmapped = [...new Set(items.map((i) => i.variant.referenceKey).filter((sku) => !stockCodeOf(sku)))];
  if (unmapped.length > 0) throw new SkuUnmappedError(unmapped);

  const groups = new Map<string, { units: ScayleOrder['items']; taxRate: number; taxMinor: number }>();
  for (const item of items) {
    const paid = paidPriceOf(item.price);
    const { taxMinor, taxRate } = vatOf(paid.withTax, paid.withoutTax, paid.tax ?? item.price.tax);
    const key = `${item.variant.referenceKey}|${taxRate}`;
    const group = groups.get(key) ?? { units: [], taxRate, taxMinor: 0 };
    group.units.push(item);
    group.taxMinor += taxMinor;
    groups.set(key, group);
  }
  const lines: SalesOrderLine[] = [...groups.values()].map(({ units, taxRate, taxMinor }) => {
    const first = units[0] as ScayleOrder['items'][number];
    const unitGrossMinor = Math.max(...units.map((u) => u.price.undiscountedWithTax ?? u.price.withTax));
    const lineGrossMinor = sum(units.map((u) => paidPriceOf(u.price).withTax));
    return {
      sku: first.variant.referenceKey,
      variantCode: stockCodeOf(first.variant.referenceKey) as string,
      quantity: units.length,
      unitGrossMinor,
      discountMinor: unitGrossMinor * units.length - lineGrossMinor,
      taxRate,
      lineGrossMinor,
      lineTaxMinor: taxMinor,
    };
  });
  const shipping: OrderLevelAmount[] = order.cost.appliedFees.map((fee, i) => ({
    key: fee.key ?? fee.category ?? `fee-${i + 1}`,
    grossMinor: fee.amount.withTax,
    ...vatOf(fee.amount.withTax, fee.amount.withoutTax, fee.tax),
  }));
  const linesGross = sum(lines.map((l) => l.lineGrossMinor));
  const linesTax = sum(lines.map((l) => l.lineTaxMinor));
  const itemsAndFees = linesGross + sum(shipping.map((s) => s.grossMinor));
  const vouchers: OrderLevelAmount[] = !reductionsOnTop(order, itemsAndFees, withdrawnGross)
    ? []
    : order.cost.appliedReductions.map((reduction, i) => {
        const grossMinor = reduction.amount.absoluteWithTax;
        // SCAYLE gives a reduction no tax of its own: it carries the items' average rate.
        const taxMinor = linesGross === 0 ? 0 : Math.round((grossMinor * linesTax) / linesGross);
        const net = grossMinor - taxMinor;
        return {
          key: reduction.category ?? `reduction-${i + 1}`,
          grossMinor,
          taxMinor,
          taxRate: net === 0 ? 0 : Math.round((taxMinor / net) * 10_000) / 10_000,
        };
      });
  const computed = itemsAndFees - sum(vouchers.map((v) => v.grossMinor));
  // SCAYLE's total may still count the withdrawn items; what OrderWise gets, and the money check expects, is not.
  if (computed !== order.cost.withTax && computed + withdrawnGross !== order.cost.withTax)
    throw new OrderTotalsInconsistentError(order.cost.withTax, computed);
  return {
    externalReference: String(order.id),
    orderDate: order.confirmedAt ?? order.createdAt ?? new Date(0).toISOString(),
    currency: order.currencyCode,
    lines,
    shipping,
    vouchers,
    totalGrossMinor: computed,
    totalTaxMinor: linesTax + sum(shipping.map((s) => s.taxMinor)) - sum(vouchers.map((v) => v.taxMinor)),
  };
};

/**
 * The order's shipping address (billing when there is none) as the ERP's delivery address: the recipient's name,
 * the street, the country as alpha-2 (SCAYLE gives alpha-3), and the collection point when the parcel goes to a
 * parcel shop rather than the door.
 */
export const deliveryAddressOf = (order: ScayleOrder): DeliveryAddress => {
  const address = order.address?.shipping ?? order.address?.billing ?? {};
  const recipient = address.recipient ?? order.address?.billing?.recipient ?? order.customer ?? {};
  const name = [recipient.firstName, recipient.lastName].filter(Boolean).join(' ');
  const street = [address.street, address.houseNumber].filter(Boolean).join(' ');
  const email = order.customer?.email;
  const point = address.collectionPoint;
  return {
    name,
    ...(address.companyName ? { company: address.companyName } : {}),
    lines: [street, address.additional].filter((line): line is string => Boolean(line)),
    town: address.city ?? '',
    postcode: address.zipCode ?? '',
    countryCode: toAlpha2(address.countryCode) ?? address.countryCode ?? '',
    ...(email ? { email } : {}),
    ...(address.phone ? { telephone: address.phone } : {}),
    ...(point?.key
      ? {
          collectionPoint: {
            key: point.key,
            ...(point.type ? { type: point.type } : {}),
            ...(point.description ? { description: point.description } : {}),
            ...(point.customerKey ? { customerKey: point.customerKey } : {}),
          },
        }
      : {}),
  };
};
