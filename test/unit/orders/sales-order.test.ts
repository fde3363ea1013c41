import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDecimal, sum, toDecimal } from '../../../shared/domain/money';
import {
  deliveryAddressOf,
  OrderTotalsInconsistentError,
  SkuUnmappedError,
  toSalesOrder,
} from '../../../shared/domain/sales-order';
import type { ScayleOrder } from '../../../shared/schemas/scayle';
import { type AmountSpec, scayleOrder, type UnitSpec } from './scayle-orders';

const STOCK_CODES: Record<string, string> = { 'SKU-A': 'OW-A', 'SKU-B': 'OW-B', 'SKU-C': 'OW-C', 'SKU-D': 'OW-D' };
const mapped = (sku: string): string | undefined => STOCK_CODES[sku];

describe('toSalesOrder', () => {
  it('groups the units of one variant into one line with their quantity and summed discount', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 1990 },
        { sku: 'SKU-B', grossMinor: 4990 },
        { sku: 'SKU-A', grossMinor: 1990, discountMinor: 333 },
        { sku: 'SKU-A', grossMinor: 1990, discountMinor: 334 },
      ],
    });
    const salesOrder = toSalesOrder(order, mapped);
    expect(salesOrder.lines).toEqual([
      {
        sku: 'SKU-A',
        variantCode: 'OW-A',
        quantity: 3,
        unitGrossMinor: 1990,
        discountMinor: 667,
        taxRate: 19,
        lineGrossMinor: 5303,
        // 318 + 265 + 264: VAT of 19.90, 16.57 and 16.56, each rounded as SCAYLE did.
        lineTaxMinor: 847,
      },
      {
        sku: 'SKU-B',
        variantCode: 'OW-B',
        quantity: 1,
        unitGrossMinor: 4990,
        discountMinor: 0,
        taxRate: 19,
        lineGrossMinor: 4990,
        lineTaxMinor: 797,
      },
    ]);
    expect(salesOrder).toMatchObject({
      externalReference: '10001',
      orderDate: '2025-03-01T09:59:30.000Z',
      currency: 'EUR',
      totalGrossMinor: 10_293,
      totalTaxMinor: 1644,
    });
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
  });

  it('keeps units of one variant at different tax rates on separate lines', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 1990, taxRate: 19 },
        { sku: 'SKU-A', grossMinor: 1990, taxRate: 7 },
        { sku: 'SKU-A', grossMinor: 1990, taxRate: 19 },
      ],
    });
    const lines = toSalesOrder(order, mapped).lines;
    expect(lines.map((l) => [l.sku, l.variantCode, l.taxRate, l.quantity, l.lineGrossMinor, l.lineTaxMinor])).toEqual([
      ['SKU-A', 'OW-A', 19, 2, 3980, 636],
      ['SKU-A', 'OW-A', 7, 1, 1990, 130],
    ]);
  });

  it('carries shipping fees and vouchers as order-level amounts that make up SCAYLE total', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 2990 }],
      fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
      reductions: [{ category: 'voucher', key: 'WELCOME5', grossMinor: 500, taxRate: 19 }, { grossMinor: 100 }],
    });
    const salesOrder = toSalesOrder(order, mapped);
    expect(salesOrder.shipping).toEqual([{ key: 'standard', grossMinor: 495, taxMinor: 79, taxRate: 19 }]);
    expect(salesOrder.vouchers).toEqual([
      { key: 'WELCOME5', grossMinor: 500, taxMinor: 80, taxRate: 19 },
      // Without key or category the amount is named by its position; without a tax block it carries none.
      { key: 'voucher-2', grossMinor: 100, taxMinor: 0, taxRate: 0 },
    ]);
    expect(salesOrder.totalGrossMinor).toBe(2990 + 495 - 500 - 100);
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
    expect(salesOrder.totalTaxMinor).toBe(477 + 79 - 80);
  });

  it('names a fee by its category when it has no key', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 2990 }],
      fees: [{ category: 'delivery', grossMinor: 495 }, { grossMinor: 300 }],
    });
    expect(toSalesOrder(order, mapped).shipping.map((s) => s.key)).toEqual(['delivery', 'fee-2']);
  });

  it('refuses an order with unmapped SKUs and names every one of them once', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-X', grossMinor: 1000 },
        { sku: 'SKU-A', grossMinor: 1000 },
        { sku: 'SKU-Y', grossMinor: 1000 },
        { sku: 'SKU-X', grossMinor: 1000 },
      ],
    });
    const error = (() => {
      try {
        return toSalesOrder(order, mapped);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SkuUnmappedError);
    expect(error).toMatchObject({ skus: ['SKU-X', 'SKU-Y'], retryable: false });
    expect((error as Error).message).toBe('no OrderWise stock code for SKU-X, SKU-Y');
  });

  it('refuses an order whose SCAYLE total is not items + fees - reductions', () => {
    const order = scayleOrder({ units: [{ sku: 'SKU-A', grossMinor: 1990 }], totalErrorMinor: 1 });
    expect(() => toSalesOrder(order, mapped)).toThrow(OrderTotalsInconsistentError);
    expect(() => toSalesOrder(order, mapped)).toThrow(
      expect.objectContaining({ expectedMinor: 1991, computedMinor: 1990, retryable: false }),
    );
  });
});

describe('toSalesOrder on random baskets', () => {
  const SKUS = Object.keys(STOCK_CODES);
  const RATES = [0, 7, 19, 20] as const;

  /** A basket of 1-30 units over a few SKUs with one list price each, per-unit discounts and mixed rates. */
  const basketArb = fc
    .record({
      listPrices: fc.array(fc.integer({ min: 1, max: 99_999 }), { minLength: SKUS.length, maxLength: SKUS.length }),
      units: fc.array(
        fc.record({
          sku: fc.integer({ min: 0, max: SKUS.length - 1 }),
          // Most units are undiscounted; the rest get any share of their price off, down to a free unit.
          discountShare: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
          taxRate: fc.constantFrom(...RATES),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      fees: fc.array(
        fc.record({ grossMinor: fc.integer({ min: 1, max: 2_500 }), taxRate: fc.option(fc.constantFrom(...RATES)) }),
        { maxLength: 2 },
      ),
      vouchers: fc.array(
        fc.record({
          share: fc.double({ min: 0, max: 0.5, noNaN: true }),
          taxRate: fc.option(fc.constantFrom(...RATES)),
        }),
        { maxLength: 2 },
      ),
    })
    .map(({ listPrices, units, fees, vouchers }) => {
      const unitSpecs: UnitSpec[] = units.map((u) => {
        const grossMinor = listPrices[u.sku] as number;
        return {
          sku: SKUS[u.sku] as string,
          grossMinor,
          discountMinor: Math.floor(grossMinor * u.discountShare),
          taxRate: u.taxRate,
        };
      });
      const itemsGross = sum(unitSpecs.map((u) => u.grossMinor - (u.discountMinor ?? 0)));
      const reductions: AmountSpec[] = vouchers
        .map((v, i) => ({
          key: `VOUCHER${i}`,
          grossMinor: Math.floor(itemsGross * v.share),
          ...(v.taxRate === null ? {} : { taxRate: v.taxRate }),
        }))
        .filter((v) => v.grossMinor > 0);
      return scayleOrder({
        units: unitSpecs,
        fees: fees.map((f) => ({
          category: 'delivery',
          grossMinor: f.grossMinor,
          ...(f.taxRate === null ? {} : { taxRate: f.taxRate }),
        })),
        reductions,
      });
    });

  const taxOf = (order: ScayleOrder) =>
    sum(order.items.map((i) => i.price.tax.vat.amount)) +
    sum(order.cost.appliedFees.map((f) => f.tax?.vat.amount ?? 0)) -
    sum(order.cost.appliedReductions.map((r) => r.tax?.vat.amount ?? 0));

  it('never loses a minor unit: lines + shipping - vouchers is exactly SCAYLE total', () => {
    fc.assert(
      fc.property(basketArb, (order) => {
        const salesOrder = toSalesOrder(order, mapped);
        const parts =
          sum(salesOrder.lines.map((l) => l.lineGrossMinor)) +
          sum(salesOrder.shipping.map((s) => s.grossMinor)) -
          sum(salesOrder.vouchers.map((v) => v.grossMinor));
        expect(parts).toBe(order.cost.withTax);
        expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
      }),
      { numRuns: 500 },
    );
  });

  it('prices every line so that quantity x unit price - discount is the line total, with no negative discount', () => {
    fc.assert(
      fc.property(basketArb, (order) => {
        for (const line of toSalesOrder(order, mapped).lines) {
          expect(line.quantity * line.unitGrossMinor - line.discountMinor).toBe(line.lineGrossMinor);
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeLessThanOrEqual(line.quantity * line.unitGrossMinor);
          for (const amount of [line.unitGrossMinor, line.discountMinor, line.lineGrossMinor, line.lineTaxMinor]) {
            expect(Number.isSafeInteger(amount)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every unit: quantities add up to the number of SCAYLE items, per SKU and tax rate', () => {
    fc.assert(
      fc.property(basketArb, (order) => {
        const lines = toSalesOrder(order, mapped).lines;
        expect(sum(lines.map((l) => l.quantity))).toBe(order.items.length);
        const keys = lines.map((l) => `${l.sku}|${l.taxRate}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const line of lines) {
          const units = order.items.filter(
            (i) => i.variant.referenceKey === line.sku && i.price.tax.vat.rate === line.taxRate,
          );
          expect(line.quantity).toBe(units.length);
          expect(line.variantCode).toBe(STOCK_CODES[line.sku]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the tax: line, shipping and voucher tax sum to SCAYLE tax', () => {
    fc.assert(
      fc.property(basketArb, (order) => {
        const salesOrder = toSalesOrder(order, mapped);
        const parts =
          sum(salesOrder.lines.map((l) => l.lineTaxMinor)) +
          sum(salesOrder.shipping.map((s) => s.taxMinor)) -
          sum(salesOrder.vouchers.map((v) => v.taxMinor));
        expect(parts).toBe(taxOf(order));
        expect(salesOrder.totalTaxMinor).toBe(taxOf(order));
        expect(salesOrder.totalTaxMinor).toBe(order.cost.withTax - order.cost.withoutTax);
      }),
      { numRuns: 300 },
    );
  });

  it('adds up to SCAYLE total in the two-decimal strings OrderWise receives', () => {
    fc.assert(
      fc.property(basketArb, (order) => {
        const salesOrder = toSalesOrder(order, mapped);
        const asOrderwiseReadsIt =
          sum(
            salesOrder.lines.map(
              (l) => fromDecimal(toDecimal(l.unitGrossMinor)) * l.quantity - fromDecimal(toDecimal(l.discountMinor)),
            ),
          ) +
          sum(salesOrder.shipping.map((s) => fromDecimal(toDecimal(s.grossMinor)))) -
          sum(salesOrder.vouchers.map((v) => fromDecimal(toDecimal(v.grossMinor))));
        expect(asOrderwiseReadsIt).toBe(order.cost.withTax);
      }),
      { numRuns: 300 },
    );
  });

  it('names exactly the unmapped SKUs of any basket, each once', () => {
    fc.assert(
      fc.property(basketArb, fc.subarray(SKUS, { minLength: 1 }), (order, unmapped) => {
        const inBasket = [...new Set(order.items.map((i) => i.variant.referenceKey))];
        const expected = inBasket.filter((sku) => unmapped.includes(sku));
        const stockCodeOf = (sku: string) => (unmapped.includes(sku) ? undefined : STOCK_CODES[sku]);
        if (expected.length === 0) {
          expect(toSalesOrder(order, stockCodeOf).lines.length).toBeGreaterThan(0);
          return;
        }
        expect(() => toSalesOrder(order, stockCodeOf)).toThrow(
          expect.objectContaining({ name: 'SkuUnmappedError', skus: expected }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any basket whose SCAYLE total is off by any amount', () => {
    fc.assert(
      fc.property(
        basketArb,
        fc.integer({ min: -10_000, max: 10_000 }).filter((d) => d !== 0),
        (order, error) => {
          const wrong = { ...order, cost: { ...order.cost, withTax: order.cost.withTax + error } };
          expect(() => toSalesOrder(wrong, mapped)).toThrow(
            expect.objectContaining({ expectedMinor: order.cost.withTax + error, computedMinor: order.cost.withTax }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('deliveryAddressOf', () => {
  const base = scayleOrder({ units: [{ sku: 'SKU-A', grossMinor: 1000 }] });
  const withAddress = (address: ScayleOrder['address'], customer?: ScayleOrder['customer']): ScayleOrder => ({
    ...base,
    address,
    customer,
  });

  it('takes the shipping address with name, street and house number, extra line, email and phone', () => {
    const order = withAddress({
      shipping: {
        firstName: 'Anna',
        lastName: 'Schmidt',
        street: 'Hauptstrasse',
        houseNumber: '12',
        additional: 'c/o Weber',
        zipCode: '20095',
        city: 'Hamburg',
        countryCode: 'DE',
        email: 'anna@example.com',
        phone: '+49 40 123456',
      },
      billing: { firstName: 'Bill', lastName: 'Payer', city: 'Berlin' },
    });
    expect(deliveryAddressOf(order)).toStrictEqual({
      name: 'Anna Schmidt',
      lines: ['Hauptstrasse 12', 'c/o Weber'],
      town: 'Hamburg',
      postcode: '20095',
      countryCode: 'DE',
      email: 'anna@example.com',
      telephone: '+49 40 123456',
    });
  });

  it("falls back to the billing address and to the customer's email", () => {
    const order = withAddress(
      {
        billing: {
          firstName: 'Ben',
          lastName: 'Miller',
          street: 'High Street',
          zipCode: 'LS1 1AA',
          city: 'Leeds',
          countryCode: 'GB',
        },
      },
      { email: 'ben@example.com' },
    );
    expect(deliveryAddressOf(order)).toStrictEqual({
      name: 'Ben Miller',
      lines: ['High Street'],
      town: 'Leeds',
      postcode: 'LS1 1AA',
      countryCode: 'GB',
      email: 'ben@example.com',
    });
  });

  it('skips null fields instead of writing "null" into the address', () => {
    const order = withAddress(
      {
        shipping: {
          firstName: null,
          lastName: 'Weber',
          street: 'Gartenweg',
          houseNumber: null,
          additional: null,
          zipCode: '80331',
          city: 'Munich',
          countryCode: 'DE',
          email: null,
          phone: null,
        },
      },
      { email: null },
    );
    expect(deliveryAddressOf(order)).toStrictEqual({
      name: 'Weber',
      lines: ['Gartenweg'],
      town: 'Munich',
      postcode: '80331',
      countryCode: 'DE',
    });
  });

  it('gives empty fields, not a crash, for an order without any address', () => {
    expect(deliveryAddressOf(withAddress(undefined))).toStrictEqual({
      name: '',
      lines: [],
      town: '',
      postcode: '',
      countryCode: '',
    });
  });
});
