import type { OrderEventMessage } from '../../../shared/schemas/queue-messages';
import { type ScayleOrder, scayleOrderSchema } from '../../../shared/schemas/scayle';

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
  /** Added to SCAYLE's `cost.withTax`, for an order whose own figures do not add up. */
  readonly totalErrorMinor?: number;
  readonly address?: ScayleOrder['address'];
  readonly customer?: ScayleOrder['customer'];
}

/** Gross to net and VAT the way a shop computes it: VAT rounded to the minor unit. */
const vatSplit = (grossMinor: number, rate: number) => {
  const withoutTax = Math.round((grossMinor * 100) / (100 + rate));
  return { withTax: grossMinor, withoutTax, tax: { vat: { amount: grossMinor - withoutTax, rate } } };
};

const applied = (amount: AmountSpec) => {
  const split = vatSplit(amount.grossMinor, amount.taxRate ?? 0);
  return {
    ...(amount.category ? { category: amount.category } : {}),
    ...(amount.key ? { key: amount.key } : {}),
    amount: { withTax: split.withTax, withoutTax: split.withoutTax },
    ...(amount.taxRate === undefined ? {} : { tax: split.tax }),
  };
};

const total = (amounts: readonly number[]) => amounts.reduce((s, a) => s + a, 0);

/**
 * A SCAYLE order as `GET .../orders/{id}` returns it, with `cost` computed as the shop does: items + fees -
 * reductions, with and without tax. Parsed with the hub's schema, so a builder mistake fails loudly.
 */
export const scayleOrder = (spec: OrderSpec): ScayleOrder => {
  const items = spec.units.map((unit, i) => {
    const discount = unit.discountMinor ?? 0;
    return {
      id: i + 1,
      status: 'available',
      variant: { id: 100_000 + i, referenceKey: unit.sku },
      price: {
        ...vatSplit(unit.grossMinor - discount, unit.taxRate ?? 19),
        ...(discount > 0 ? { undiscountedWithTax: unit.grossMinor } : {}),
      },
    };
  });
  const fees = (spec.fees ?? []).map(applied);
  const reductions = (spec.reductions ?? []).map(applied);
  const withTax =
    total(items.map((i) => i.price.withTax)) +
    total(fees.map((f) => f.amount.withTax)) -
    total(reductions.map((r) => r.amount.withTax));
  const withoutTax =
    total(items.map((i) => i.price.withoutTax)) +
    total(fees.map((f) => f.amount.withoutTax)) -
    total(reductions.map((r) => r.amount.withoutTax));
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
        firstName: 'Anna',
        lastName: 'Schmidt',
        street: 'Hauptstrasse',
        houseNumber: '12',
        zipCode: '20095',
        city: 'Hamburg',
        countryCode: 'DE',
      },
    },
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
