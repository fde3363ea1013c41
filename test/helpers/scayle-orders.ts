import type { OrderEventMessage } from '../../shared/schemas/queue-messages';
import { type ScayleOrder, scayleOrderSchema } from '../../shared/schemas/scayle';

/** One SCAYLE item (SCAYLE sends one per unit) as a test describes it. */
export interface UnitSpec {
  readonly sku: string;
  /** Gross price of the unit before its own discount. */
  readonly grossMinor: number;
  /** VAT rate in percent; 19 unless given. */
  readonly taxRate?: number;
  readonly discountMinor?: number;
}

/** A fee (shipping) or reduction (voucher) at order level. */
export interface AmountSpec {
  readonly key?: string;
  readonly category?: string;
  readonly grossMinor: number;
  /** VAT rate in percent; without it the amount carries no tax block. */
  readonly taxRate?: number;
}

/** What a test says about a SCAYLE order; everything else gets plausible defaults. */
export interface OrderSpec {
  readonly id?: number;
  readonly units: readonly UnitSpec[];
  readonly fees?: readonly AmountSpec[];
  readonly reductions?: readonly AmountSpec[];
  /**
   * Spread the reductions over the items' prices, as SCAYLE does with a voucher (each item's share in its
   * `price.appliedReductions`, the order total items + fees); otherwise they come on top of the items.
   */
  readonly reductionsInItems?: boolean;
  /** Added to SCAYLE's `cost.withTax`, for an order whose own figures do not add up. */
  readonly totalErrorMinor?: number;
  readonly address?: ScayleOrder['address'];
  readonly customer?: ScayleOrder['customer'];
}

/**
 * Gross to net and VAT the way a shop computes it: VAT rounded to the minor unit; the rate as SCAYLE gives it, a
 * fraction (19 % is 0.19).
 */
const vatSplit = (grossMinor: number, percent: number) => {
  const withoutTax = Math.round((grossMinor * 100) / (100 + percent));
  return { withTax: grossMinor, withoutTax, tax: { vat: { amount: grossMinor - withoutTax, rate: percent / 100 } } };
};

const fee = (amount: AmountSpec) => {
  const split = vatSplit(amount.grossMinor, amount.taxRate ?? 0);
  return {
    ...(amount.category ? { category: amount.category } : {}),
    ...(amount.key ? { key: amount.key } : {}),
    amount: { withTax: split.withTax, withoutTax: split.withoutTax },
    ...(amount.taxRate === undefined ? {} : { tax: split.tax }),
  };
};

/** An order-level reduction as SCAYLE lists it: `{absoluteWithTax, relative}` [V OrderReductionAmount]. */
const reduction = (amount: AmountSpec) => ({
  category: amount.category ?? 'voucher',
  type: 'absolute',
  amount: { absoluteWithTax: amount.grossMinor, relative: 0 },
});

const total = (amounts: readonly number[]) => amounts.reduce((s, a) => s + a, 0);

/** Each unit's share of the reductions, in proportion to what it costs, the odd minor units on the last units. */
const spreadReductions = (paid: readonly number[], reductions: readonly AmountSpec[]): number[] => {
  const all = total(paid);
  const off = Math.min(all, total(reductions.map((r) => r.grossMinor)));
  const shares = paid.map((p) => (all === 0 ? 0 : Math.floor((off * p) / all)));
  let rest = off - total(shares);
  for (let i = paid.length - 1; rest > 0; i = (i - 1 + paid.length) % paid.length) {
    if ((paid[i] as number) - (shares[i] as number) > 0) {
      shares[i] = (shares[i] as number) + 1;
      rest--;
    }
  }
  return shares;
};

/**
 * A SCAYLE order as `GET .../orders/{id}` returns it (the SDK's Order model: recipient names, alpha-3 countries,
 * VAT rates as fractions), with `cost` as items + fees - reductions, the reading where reductions come on top of
 * the item prices. Parsed with the hub's schema, so a builder mistake fails loudly.
 */
export const scayleOrder = (spec: OrderSpec): ScayleOrder => {
  const paid = spec.units.map((unit) => unit.grossMinor - (unit.discountMinor ?? 0));
  const shares = spec.reductionsInItems ? spreadReductions(paid, spec.reductions ?? []) : paid.map(() => 0);
  const items = spec.units.map((unit, i) => {
    const discount = (unit.discountMinor ?? 0) + (shares[i] as number);
    return {
      id: i + 1,
      status: 'available',
      variant: { id: 100_000 + i, referenceKey: unit.sku },
      price: {
        ...vatSplit(unit.grossMinor - discount, unit.taxRate ?? 19),
        ...(discount > 0 ? { undiscountedWithTax: unit.grossMinor } : {}),
        ...((shares[i] as number) > 0
          ? {
              appliedReductions: [
                { category: 'voucher', type: 'absolute', amount: { absoluteWithTax: shares[i], relative: 0 } },
              ],
            }
          : {}),
      },
    };
  });
  const fees = (spec.fees ?? []).map(fee);
  const reductions = (spec.reductions ?? []).map(reduction);
  const onTop = spec.reductionsInItems ? [] : (spec.reductions ?? []);
  const reductionsNet = total(onTop.map((r) => vatSplit(r.grossMinor, r.taxRate ?? 0).withoutTax));
  const withTax =
    total(items.map((i) => i.price.withTax)) +
    total(fees.map((f) => f.amount.withTax)) -
    total(onTop.map((r) => r.grossMinor));
  const withoutTax =
    total(items.map((i) => i.price.withoutTax)) + total(fees.map((f) => f.amount.withoutTax)) - reductionsNet;
  return scayleOrderSchema.parse({
    id: spec.id ?? 10_001,
    referenceKey: null,
    status: 'payment_reserved',
    currencyCode: 'EUR',
    confirmedAt: '2025-03-01T09:59:30.000Z',
    createdAt: '2025-03-01T09:58:00.000Z',
    cost: {
      withTax: withTax + (spec.totalErrorMinor ?? 0),
      withoutTax,
      appliedFees: fees,
      appliedReductions: reductions,
    },
    items,
    address: spec.address ?? {
      shipping: {
        recipient: { firstName: 'Anna', lastName: 'Schmidt', gender: 'f', type: 'personal' },
        street: 'Hauptstrasse',
        houseNumber: '12',
        zipCode: '20095',
        city: 'Hamburg',
        countryCode: 'DEU',
      },
    },
    shopCountry: { shopKey: 'ac', countryCode: 'DE' },
    customer: spec.customer ?? { email: 'anna.schmidt@example.com' },
  });
};

/** The queued SCAYLE order event for `orderId` (shop `ac`, Germany). */
export const orderEvent = (orderId: number | string, overrides: Partial<OrderEventMessage> = {}): OrderEventMessage => {
  const event = overrides.event ?? 'order-confirmed';
  return {
    eventId: `evt-${event === 'order-confirmed' ? 'confirmed' : 'cancelled'}-${orderId}`,
    event,
    shopKey: 'ac',
    countryCode: 'DE',
    orderId: String(orderId),
    occurredAt: '2025-03-01T10:00:00.000Z',
    receivedAt: '2025-03-01T10:00:01.000Z',
    ...overrides,
  };
};
