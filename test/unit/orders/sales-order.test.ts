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
import { type AmountSpec, scayleOrder, type UnitSpec } from '../../helpers/scayle-orders';

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
        taxRate: 0.19,
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
        taxRate: 0.19,
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
      ['SKU-A', 'OW-A', 0.19, 2, 3980, 636],
      ['SKU-A', 'OW-A', 0.07, 1, 1990, 130],
    ]);
  });

  it('carries shipping fees, and vouchers SCAYLE takes off on top of the items, as order-level amounts', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 2990 }],
      fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
      reductions: [
        { category: 'voucher', grossMinor: 500 },
        { category: 'sale', grossMinor: 100 },
      ],
    });
    const salesOrder = toSalesOrder(order, mapped);
    expect(salesOrder.shipping).toEqual([{ key: 'standard', grossMinor: 495, taxMinor: 79, taxRate: 0.19 }]);
    // A reduction has no tax of its own in SCAYLE's model: it carries the items' rate.
    expect(salesOrder.vouchers).toEqual([
      { key: 'voucher', grossMinor: 500, taxMinor: 80, taxRate: 0.1905 },
      { key: 'sale', grossMinor: 100, taxMinor: 16, taxRate: 0.1905 },
    ]);
    expect(salesOrder.totalGrossMinor).toBe(2990 + 495 - 500 - 100);
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
    expect(salesOrder.totalTaxMinor).toBe(477 + 79 - 80 - 16);
  });

  it('leaves a voucher SCAYLE spread over the items in the lines, not again on the order', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 3000 },
        { sku: 'SKU-B', grossMinor: 1000 },
      ],
      fees: [{ category: 'delivery', key: 'standard', grossMinor: 495, taxRate: 19 }],
      reductions: [{ category: 'voucher', grossMinor: 1000 }],
      reductionsInItems: true,
    });
    const salesOrder = toSalesOrder(order, mapped);
    expect(salesOrder.vouchers).toEqual([]);
    expect(salesOrder.lines.map((l) => [l.sku, l.unitGrossMinor, l.discountMinor, l.lineGrossMinor])).toEqual([
      ['SKU-A', 3000, 750, 2250],
      ['SKU-B', 1000, 250, 750],
    ]);
    expect(salesOrder.totalGrossMinor).toBe(3000 + 1000 + 495 - 1000);
    expect(salesOrder.totalGrossMinor).toBe(order.cost.withTax);
    expect(salesOrder.totalTaxMinor).toBe(order.cost.withTax - order.cost.withoutTax);
  });

  it('prices a unit SCAYLE put an absolute voucher on at its reduced price, the voucher in its discount', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 3000 },
        { sku: 'SKU-B', grossMinor: 1000 },
      ],
    });
    const reduced = {
      ...order,
      items: order.items.map((item) =>
        item.id === 1
          ? {
              ...item,
              price: {
                ...item.price,
                absoluteVoucherReducedPrice: {
                  withTax: 2500,
                  withOutTax: 2101,
                  tax: { vat: { amount: 399, rate: 0.19 } },
                },
              },
            }
          : item,
      ),
      cost: {
        ...order.cost,
        withTax: 3500,
        appliedReductions: [{ category: 'voucher', type: 'absolute', amount: { absoluteWithTax: 500, relative: 0 } }],
      },
    };
    const salesOrder = toSalesOrder(reduced, mapped);
    expect(
      salesOrder.lines.map((l) => [l.sku, l.unitGrossMinor, l.discountMinor, l.lineGrossMinor, l.lineTaxMinor]),
    ).toEqual([
      ['SKU-A', 3000, 500, 2500, 399],
      ['SKU-B', 1000, 0, 1000, 160],
    ]);
    expect(salesOrder.vouchers).toEqual([]);
    expect(salesOrder.totalGrossMinor).toBe(3500);
  });

  it('leaves out the units SCAYLE withdrew, whether or not its total still counts them', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 2000 },
        { sku: 'SKU-A', grossMinor: 2000 },
        { sku: 'SKU-B', grossMinor: 1000 },
      ],
    });
    const withdrawn = {
      ...order,
      items: order.items.map((item) => (item.id === 2 ? { ...item, status: 'cancelled' } : item)),
    };
    expect(toSalesOrder(withdrawn, mapped).lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['SKU-A', 1],
      ['SKU-B', 1],
    ]);
    expect(toSalesOrder(withdrawn, mapped).totalGrossMinor).toBe(3000);
    const lowered = { ...withdrawn, cost: { ...withdrawn.cost, withTax: 3000 } };
    expect(toSalesOrder(lowered, mapped).totalGrossMinor).toBe(3000);
    const unavailable = {
      ...order,
      items: order.items.map((item) => (item.id === 3 ? { ...item, status: 'unavailable' } : item)),
    };
    expect(toSalesOrder(unavailable, mapped).lines.map((l) => l.sku)).toEqual(['SKU-A']);
  });

  it('reads the tax from gross and net where a list response leaves price.tax out', () => {
    const order = scayleOrder({ units: [{ sku: 'SKU-A', grossMinor: 1190 }] });
    const bare = {
      ...order,
      items: order.items.map((item) => ({ ...item, price: { withTax: 1190, withoutTax: 1000 } })),
    };
    expect(toSalesOrder(bare, mapped).lines).toMatchObject([{ taxRate: 0.19, lineTaxMinor: 190 }]);
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
      /** SCAYLE spreads vouchers over the items (documented) or lists them on top (also read). */
      reductionsInItems: fc.boolean(),
    })
    .map(({ listPrices, units, fees, vouchers, reductionsInItems }) => {
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
          category: `voucher-${i}`,
          grossMinor: Math.floor(itemsGross * v.share),
          ...(v.taxRate === null ? {} : { taxRate: v.taxRate }),
        }))
        .filter((v) => v.grossMinor > 0);
      return scayleOrder({
        reductionsInItems,
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
    sum(order.items.map((i) => i.price.tax?.vat.amount ?? 0)) +
    sum(order.cost.appliedFees.map((f) => f.tax?.vat.amount ?? 0));
  const reductionsOf = (order: ScayleOrder) => sum(order.cost.appliedReductions.map((r) => r.amount.absoluteWithTax));
  /** Whether SCAYLE's total is items + fees: the reductions are in the item prices. */
  const inItems = (order: ScayleOrder) =>
    sum(order.items.map((i) => i.price.withTax)) + sum(order.cost.appliedFees.map((f) => f.amount.withTax)) ===
    order.cost.withTax;

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
            (i) => i.variant.referenceKey === line.sku && i.price.tax?.vat.rate === line.taxRate,
          );
          expect(line.quantity).toBe(units.length);
          expect(line.variantCode).toBe(STOCK_CODES[line.sku]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the tax: line and shipping tax sum to SCAYLE tax where the reductions are in the items', () => {
    fc.assert(
      fc.property(
        basketArb.filter((order) => inItems(order)),
        (order) => {
          const salesOrder = toSalesOrder(order, mapped);
          expect(salesOrder.vouchers).toEqual([]);
          const parts =
            sum(salesOrder.lines.map((l) => l.lineTaxMinor)) + sum(salesOrder.shipping.map((s) => s.taxMinor));
          expect(parts).toBe(taxOf(order));
          expect(salesOrder.totalTaxMinor).toBe(taxOf(order));
          expect(salesOrder.totalTaxMinor).toBe(order.cost.withTax - order.cost.withoutTax);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes reductions that come on top off the tax at the items' rate, never more than they are worth", () => {
    fc.assert(
      fc.property(
        basketArb.filter((order) => !inItems(order)),
        (order) => {
          const salesOrder = toSalesOrder(order, mapped);
          expect(sum(salesOrder.vouchers.map((v) => v.grossMinor))).toBe(reductionsOf(order));
          for (const voucher of salesOrder.vouchers) {
            expect(voucher.taxMinor).toBeGreaterThanOrEqual(0);
            expect(voucher.taxMinor).toBeLessThanOrEqual(voucher.grossMinor);
          }
          expect(salesOrder.totalTaxMinor).toBe(taxOf(order) - sum(salesOrder.vouchers.map((v) => v.taxMinor)));
        },
      ),
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
          // Off by exactly the reductions is the other reading of where they stand, which is accepted.
          fc.pre(Math.abs(error) !== reductionsOf(order));
          const wrong = { ...order, cost: { ...order.cost, withTax: order.cost.withTax + error } };
          expect(() => toSalesOrder(wrong, mapped)).toThrow(
            expect.objectContaining({
              expectedMinor: order.cost.withTax + error,
              // What the parts add up to: items + fees, less the reductions where they came on top.
              computedMinor: inItems(order) ? order.cost.withTax : order.cost.withTax + reductionsOf(order),
            }),
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

  it('takes the recipient, street and house number, extra line and phone, the country as alpha-2', () => {
    const order = withAddress(
      {
        shipping: {
          recipient: { firstName: 'Anna', lastName: 'Schmidt', gender: 'f', type: 'personal' },
          street: 'Hauptstrasse',
          houseNumber: '12',
          additional: 'c/o Weber',
          zipCode: '20095',
          city: 'Hamburg',
          countryCode: 'DEU',
          phone: '+49 40 123456',
        },
        billing: { recipient: { firstName: 'Bill', lastName: 'Payer' }, city: 'Berlin', countryCode: 'DEU' },
      },
      { email: 'anna@example.com' },
    );
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
          recipient: { firstName: 'Ben', lastName: 'Miller' },
          street: 'High Street',
          zipCode: 'LS1 1AA',
          city: 'Leeds',
          countryCode: 'GBR',
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

  it('carries a collection point (parcel shop) beside the address', () => {
    const order = withAddress({
      shipping: {
        recipient: { firstName: 'Anna', lastName: 'Fohlmeister' },
        street: 'Domstrasse',
        houseNumber: '10',
        zipCode: '20459',
        city: 'Hamburg',
        countryCode: 'DEU',
        collectionPoint: {
          customerKey: 'bced-234-234',
          description: "Pedro's Kiosk",
          key: '12345-a',
          type: 'hermes_parcelshop',
        },
      },
    });
    expect(deliveryAddressOf(order)).toMatchObject({
      name: 'Anna Fohlmeister',
      lines: ['Domstrasse 10'],
      countryCode: 'DE',
      collectionPoint: {
        key: '12345-a',
        type: 'hermes_parcelshop',
        description: "Pedro's Kiosk",
        customerKey: 'bced-234-234',
      },
    });
  });

  it('skips null fields instead of writing "null" into the address', () => {
    const order = withAddress(
      {
        shipping: {
          recipient: { firstName: null, lastName: 'Weber' },
          street: 'Gartenweg',
          houseNumber: null,
          additional: null,
          zipCode: '80331',
          city: 'Munich',
          countryCode: 'DEU',
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

describe('toSalesOrder at the edges', () => {
  /** Marks the units with these ids withdrawn in SCAYLE, as an out-of-stock event would. */
  const withdrawing = (order: ScayleOrder, ids: readonly number[]): ScayleOrder => ({
    ...order,
    items: order.items.map((item) => (ids.includes(item.id) ? { ...item, status: 'cancelled' } : item)),
  });
  const withTotal = (order: ScayleOrder, withTax: number): ScayleOrder => ({
    ...order,
    cost: { ...order.cost, withTax },
  });

  it('takes a fee without tax or net as untaxed, and a fee of nothing at rate 0 rather than a division by zero', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 1000 }],
      fees: [
        { key: 'no-net', grossMinor: 300 },
        { key: 'unknown-net', grossMinor: 200 },
        { key: 'free', grossMinor: 0 },
      ],
    });
    const [noNet, unknownNet, free] = order.cost.appliedFees;
    const bare = {
      ...order,
      cost: {
        ...order.cost,
        appliedFees: [
          { ...noNet, amount: { withTax: 300, withoutTax: null } },
          { ...unknownNet, amount: { withTax: 200 } },
          { ...free, amount: { withTax: 0, withoutTax: 0 } },
        ],
      },
    } as ScayleOrder;

    expect(toSalesOrder(bare, mapped).shipping).toEqual([
      { key: 'no-net', grossMinor: 300, taxMinor: 0, taxRate: 0 },
      { key: 'unknown-net', grossMinor: 200, taxMinor: 0, taxRate: 0 },
      { key: 'free', grossMinor: 0, taxMinor: 0, taxRate: 0 },
    ]);
  });

  it('takes a voucher off on top of the items when units are withdrawn, whether or not the total still counts them', () => {
    const order = withdrawing(
      scayleOrder({
        units: [
          { sku: 'SKU-A', grossMinor: 2000 },
          { sku: 'SKU-B', grossMinor: 1000 },
        ],
        reductions: [{ grossMinor: 500 }],
      }),
      [2],
    );

    for (const total of [2500, 1500]) {
      const salesOrder = toSalesOrder(withTotal(order, total), mapped);
      expect(
        salesOrder.vouchers.map((v) => v.grossMinor),
        String(total),
      ).toEqual([500]);
      expect(salesOrder.totalGrossMinor, String(total)).toBe(1500);
    }
  });

  it('reads a total equal to items + fees as reductions in the items, even when a withdrawn unit is worth the voucher', () => {
    // The voucher of 750 is spread as 500 + 250 over units of 2000 and 1000: the withdrawn unit paid exactly 750.
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 2000 },
        { sku: 'SKU-B', grossMinor: 1000 },
      ],
      reductions: [{ grossMinor: 750 }],
      reductionsInItems: true,
    });

    const salesOrder = toSalesOrder(withTotal(withdrawing(order, [2]), 1500), mapped);

    expect(salesOrder.vouchers).toEqual([]);
    expect(salesOrder.totalGrossMinor).toBe(1500);
  });

  it('prices a line at its dearest unit, so a price change between units never gives a negative discount', () => {
    const order = scayleOrder({
      units: [
        { sku: 'SKU-A', grossMinor: 1800 },
        { sku: 'SKU-A', grossMinor: 2000 },
      ],
    });

    expect(toSalesOrder(order, mapped).lines).toMatchObject([
      { quantity: 2, unitGrossMinor: 2000, discountMinor: 200, lineGrossMinor: 3800 },
    ]);
  });

  it('gives a voucher on an order of free items no tax, rather than a division by zero', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 0 }],
      fees: [{ key: 'standard', grossMinor: 495, taxRate: 19 }],
      reductions: [{ grossMinor: 100 }],
    });

    expect(toSalesOrder(order, mapped).vouchers).toEqual([
      { key: 'voucher', grossMinor: 100, taxMinor: 0, taxRate: 0 },
    ]);
  });

  it('gives a voucher of nothing beside a real one a VAT rate of 0 rather than a division by zero', () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 2000 }],
      reductions: [{ grossMinor: 500 }, { category: 'zero', grossMinor: 0 }],
    });

    expect(toSalesOrder(order, mapped).vouchers[1]).toEqual({ key: 'zero', grossMinor: 0, taxMinor: 0, taxRate: 0 });
  });

  it('names a reduction without a category by its place', () => {
    const order = scayleOrder({ units: [{ sku: 'SKU-A', grossMinor: 2000 }], reductions: [{ grossMinor: 500 }] });
    const [reduction] = order.cost.appliedReductions;
    const uncategorised = { ...order, cost: { ...order.cost, appliedReductions: [{ ...reduction, category: null }] } };

    expect(toSalesOrder(uncategorised as ScayleOrder, mapped).vouchers.map((v) => v.key)).toEqual(['reduction-1']);
  });

  it('says both totals when SCAYLE figures do not add up', () => {
    const order = scayleOrder({ units: [{ sku: 'SKU-A', grossMinor: 1990 }], totalErrorMinor: 1 });

    expect(() => toSalesOrder(order, mapped)).toThrow(
      'SCAYLE total 1991 differs from items + fees - reductions = 1990',
    );
  });
});

describe('deliveryAddressOf at the edges', () => {
  it("names a company's parcel after the customer when the address has no recipient and there is no billing address", () => {
    const order = scayleOrder({
      units: [{ sku: 'SKU-A', grossMinor: 1000 }],
      address: { shipping: { companyName: 'ACME GmbH', street: 'Hafenweg', city: 'Hamburg', countryCode: 'DEU' } },
      customer: { firstName: 'Anna', lastName: 'Schmidt' },
    });

    expect(deliveryAddressOf(order)).toMatchObject({ name: 'Anna Schmidt', company: 'ACME GmbH' });
  });
});
