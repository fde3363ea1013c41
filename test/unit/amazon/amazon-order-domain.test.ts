import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AddressMissingError,
  AmazonTotalMismatchError,
  nextStepOf,
  reservationsOf,
  SellerSkuUnmappedError,
  splitEvenly,
  toScayleOrderCreate,
  unmappedOf,
} from '../../../shared/domain/amazon-order';
import {
  type AmazonOrder,
  type AmazonOrderItem,
  getOrderItemsResponseSchema,
  getOrdersResponseSchema,
} from '../../../shared/schemas/amazon-orders';
import { scayleOrderCreateSchema } from '../../../shared/schemas/scayle';

const UK = 'A1F83G8C2ARO7P';
const US = 'ATVPDKIKX0DER';
const shop = { shopKey: 'ac', countryCode: 'GB', channelKey: 'marketplace_amazon_uk' };
const gbp = (amount: string) => ({ CurrencyCode: 'GBP', Amount: amount });
const skuOf = (sellerSku: string) => (sellerSku.startsWith('AMZ-') ? sellerSku.replace('AMZ-', 'SH-') : undefined);

const order = (overrides: Partial<AmazonOrder> = {}): AmazonOrder => ({
  AmazonOrderId: '202-1234567-7654321',
  PurchaseDate: '2026-11-20T10:00:00Z',
  LastUpdateDate: '2026-11-20T10:05:00Z',
  OrderStatus: 'Unshipped',
  MarketplaceId: UK,
  FulfillmentChannel: 'MFN',
  LatestShipDate: '2026-11-22T23:59:59Z',
  ShippingAddress: {
    Name: 'Jane Q Public',
    AddressLine1: '1 High Street',
    AddressLine2: 'Flat 2',
    City: 'Leeds',
    PostalCode: 'LS1 1AA',
    CountryCode: 'GB',
    Phone: '+44 113 000000',
  },
  BuyerInfo: { BuyerEmail: 'abc@marketplace.amazon.co.uk', BuyerName: 'Jane Public' },
  ...overrides,
});

const item = (overrides: Partial<AmazonOrderItem> = {}): AmazonOrderItem => ({
  ASIN: 'B0TEST0001',
  OrderItemId: '11111111111111',
  SellerSKU: 'AMZ-A',
  QuantityOrdered: 1,
  QuantityShipped: 0,
  ItemPrice: gbp('20.00'),
  ItemTax: gbp('3.33'),
  ...overrides,
});

describe('toScayleOrderCreate', () => {
  it('splits a VAT-inclusive line over its units to the minor unit, promotion and shipping included', () => {
    const external = toScayleOrderCreate(
      order({ OrderTotal: gbp('33.49') }),
      [
        item({
          QuantityOrdered: 3,
          ItemPrice: gbp('30.00'),
          ItemTax: gbp('5.00'),
          PromotionDiscount: gbp('0.50'),
          PromotionDiscountTax: gbp('0.08'),
          ShippingPrice: gbp('3.99'),
          ShippingTax: gbp('0.67'),
        }),
      ],
      skuOf,
      shop,
    );
    expect(scayleOrderCreateSchema.safeParse(external).success).toBe(true);
    expect(external.items).toHaveLength(3);
    // 29.50 over three units: 9.84 + 9.83 + 9.83; tax 4.92 as 1.64 each.
    expect(external.items.map((u) => u.price.withTax)).toEqual([984, 983, 983]);
    expect(external.items.map((u) => u.price.tax.vat.amount)).toEqual([164, 164, 164]);
    expect(external.items.every((u) => u.price.undiscountedWithTax === 1000)).toBe(true);
    expect(external.items.every((u) => u.variant.referenceKey === 'SH-A')).toBe(true);
    expect(external.cost.appliedFees).toEqual([
      expect.objectContaining({ category: 'delivery', amount: { withTax: 399, withoutTax: 332 } }),
    ]);
    expect(external.cost.withTax).toBe(3349);
    expect(external.cost.withoutTax).toBe(2950 - 492 + 332);
    expect(external.publicKey).toBe('202-1234567-7654321');
    expect(external.channel).toEqual({ key: 'marketplace_amazon_uk' });
    expect(external.items.map((u) => u.legacyCustomData)).toEqual([
      { amazonOrderItemId: '11111111111111' },
      { amazonOrderItemId: '11111111111111' },
      { amazonOrderItemId: '11111111111111' },
    ]);
    expect(external.legacyCustomData).toEqual({
      amazonOrderId: '202-1234567-7654321',
      marketplaceId: UK,
      latestShipDate: '2026-11-22T23:59:59Z',
    });
    // SCAYLE's address model: the name under recipient, the country as alpha-3.
    expect(external.address.shipping).toMatchObject({
      recipient: { firstName: 'Jane Q', lastName: 'Public', type: 'personal' },
      street: '1 High Street',
      additional: 'Flat 2',
      zipCode: 'LS1 1AA',
      city: 'Leeds',
      countryCode: 'GBR',
    });
    // VAT rates as SCAYLE's model takes them: fractions.
    expect(external.items[0]?.price.tax.vat.rate).toBe(0.2002);
    expect(external.cost.appliedFees[0]?.tax.vat.rate).toBe(0.2018);
  });

  it('adds the tax on top where the marketplace shows prices without it (US)', () => {
    const external = toScayleOrderCreate(
      order({ MarketplaceId: US, OrderTotal: { CurrencyCode: 'USD', Amount: '11.01' } }),
      [item({ ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' }, ItemTax: { CurrencyCode: 'USD', Amount: '1.01' } })],
      skuOf,
      { ...shop, countryCode: 'US' },
    );
    expect(external.items[0]?.price).toEqual({
      withTax: 1101,
      withoutTax: 1000,
      tax: { vat: { amount: 101, rate: 0.101 } },
    });
    expect(external.currencyCode).toBe('USD');
  });

  it('names every unmapped SellerSKU with its ASIN', () => {
    const run = () =>
      toScayleOrderCreate(
        order(),
        [item(), item({ SellerSKU: 'LEGACY-1', ASIN: 'B0LEGACY01' }), item({ SellerSKU: 'LEGACY-1' })],
        skuOf,
        shop,
      );
    expect(run).toThrow(SellerSkuUnmappedError);
    try {
      run();
    } catch (error) {
      expect((error as SellerSkuUnmappedError).unmapped).toEqual([{ sellerSku: 'LEGACY-1', asin: 'B0LEGACY01' }]);
    }
  });

  it('refuses an order without its address and one whose total is not the sum of its parts', () => {
    expect(() => toScayleOrderCreate(order({ ShippingAddress: undefined }), [item()], skuOf, shop)).toThrow(
      AddressMissingError,
    );
    expect(() => toScayleOrderCreate(order({ OrderTotal: gbp('19.99') }), [item()], skuOf, shop)).toThrow(
      AmazonTotalMismatchError,
    );
  });

  it('leaves out items the buyer asked to cancel', () => {
    const external = toScayleOrderCreate(
      order(),
      [item(), item({ OrderItemId: '2', BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true' } })],
      skuOf,
      shop,
    );
    expect(external.items).toHaveLength(1);
  });
});

describe('the next step and the reservation of an Amazon order', () => {
  it('reserves Pending orders, creates Unshipped ones, cancels cancelled ones and leaves Amazon-fulfilled ones', () => {
    expect(nextStepOf({ OrderStatus: 'Pending' }, [item()])).toBe('reserve');
    expect(nextStepOf({ OrderStatus: 'Unshipped' }, [item()])).toBe('create');
    expect(nextStepOf({ OrderStatus: 'PartiallyShipped' }, [item()])).toBe('create');
    expect(nextStepOf({ OrderStatus: 'Canceled' }, [item()])).toBe('cancel');
    expect(
      nextStepOf({ OrderStatus: 'Unshipped' }, [item({ BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true' } })]),
    ).toBe('cancel');
    expect(nextStepOf({ OrderStatus: 'Unshipped', FulfillmentChannel: 'AFN' }, [item()])).toBe('none');
    expect(nextStepOf({ OrderStatus: 'Shipped' }, [item()])).toBe('none');
  });

  it('reserves the open units of mapped SKUs, summed per SKU', () => {
    const units = reservationsOf(
      [
        item({ QuantityOrdered: 3, QuantityShipped: 1 }),
        item({ OrderItemId: '2', QuantityOrdered: 2 }),
        item({ SellerSKU: 'LEGACY-1', QuantityOrdered: 5 }),
      ],
      skuOf,
    );
    expect([...units]).toEqual([['SH-A', 4]]);
  });

  it('splits evenly, never losing a minor unit, also when negative', () => {
    expect(splitEvenly(1000, 3)).toEqual([334, 333, 333]);
    expect(splitEvenly(-5, 2)).toEqual([-3, -2]);
    expect(splitEvenly(6, 3)).toEqual([2, 2, 2]);
  });
});

describe("Amazon's sample payloads", () => {
  const fixtures = path.resolve(import.meta.dirname, '../../fixtures/amazon');
  it('map the sandbox order and its items (the buyer cancelled its only item)', () => {
    const orders = getOrdersResponseSchema.parse(
      JSON.parse(readFileSync(path.join(fixtures, 'getOrders_TEST_CASE_200.response.json'), 'utf8')),
    ).payload.Orders;
    const items = getOrderItemsResponseSchema.parse(
      JSON.parse(readFileSync(path.join(fixtures, 'getOrderItems_TEST_CASE_200.response.json'), 'utf8')),
    ).payload.OrderItems;
    expect(orders.length).toBeGreaterThan(0);
    expect(nextStepOf(orders[0] as AmazonOrder, items)).toBe('cancel');
    expect([...reservationsOf(items, () => 'SKU-1')]).toEqual([['SKU-1', 1]]);
  });
});

describe('toScayleOrderCreate: the customer, the address and the currency', () => {
  const create = (o: AmazonOrder, items: AmazonOrderItem[] = [item()]) => toScayleOrderCreate(o, items, skuOf, shop);

  it("names the customer as the buyer, and falls back to the address's name and a reserved email", () => {
    expect(create(order()).customer).toEqual({
      email: 'abc@marketplace.amazon.co.uk',
      firstName: 'Jane',
      lastName: 'Public',
    });
    expect(create(order({ BuyerInfo: { BuyerName: '' } })).customer).toEqual({
      email: '202-1234567-7654321@marketplace.amazon.invalid',
      firstName: 'Jane Q',
      lastName: 'Public',
    });
  });

  it('uses a one-word name as both first and last name, so the parcel carries the name the buyer gave', () => {
    const external = create(order({ ShippingAddress: { ...order().ShippingAddress, Name: 'Cher' }, BuyerInfo: {} }));

    expect(external.address.shipping.recipient).toMatchObject({ firstName: 'Cher', lastName: 'Cher' });
    expect(external.customer).toMatchObject({ firstName: 'Cher', lastName: 'Cher' });
  });

  it('joins the second and third address lines, and leaves out what Amazon does not give', () => {
    const address = order().ShippingAddress;
    expect(
      create(order({ ShippingAddress: { ...address, AddressLine3: 'Rear entrance' } })).address.shipping,
    ).toMatchObject({ additional: 'Flat 2, Rear entrance', phone: '+44 113 000000' });

    const bare = create(
      order({
        ShippingAddress: { Name: 'Jane Q Public', AddressLine1: '1 High St', City: 'Leeds', CountryCode: 'GB' },
      }),
    ).address.shipping;
    expect(bare).toEqual({
      recipient: { firstName: 'Jane Q', lastName: 'Public', type: 'personal' },
      street: '1 High St',
      city: 'Leeds',
      countryCode: 'GBR',
    });
  });

  it('says the address is not released yet when Amazon gives none', () => {
    expect(() => create(order({ ShippingAddress: undefined }))).toThrow(
      new AddressMissingError('Amazon order 202-1234567-7654321 has no shipping address yet'),
    );
  });

  it('refuses an address in a country it cannot name', () => {
    expect(() => create(order({ ShippingAddress: { ...order().ShippingAddress, CountryCode: 'XX' } }))).toThrow(
      new AddressMissingError('Amazon order 202-1234567-7654321 names no known country'),
    );
  });

  it("takes the currency from the total, else the first priced item, else the marketplace's own, else EUR", () => {
    const unpriced = item({ ItemPrice: undefined, ItemTax: undefined });
    const priced = item({ OrderItemId: '2', ItemPrice: { CurrencyCode: 'SEK', Amount: '0.00' }, ItemTax: undefined });
    expect(create(order(), [unpriced, priced]).currencyCode).toBe('SEK');
    expect(create(order(), [unpriced]).currencyCode).toBe('GBP');
    expect(create(order({ MarketplaceId: undefined }), [unpriced]).currencyCode).toBe('EUR');
  });

  it('records an empty marketplace, and takes prices as tax-inclusive, for an order that names none', () => {
    const external = create(order({ MarketplaceId: undefined }));

    expect(external.legacyCustomData).toMatchObject({ marketplaceId: '' });
    expect(external.items[0]?.price.withTax).toBe(2000);
  });

  it('adds no fee and no reduction when there is no shipping to charge', () => {
    expect(create(order()).cost).toMatchObject({ withTax: 2000, appliedFees: [], appliedReductions: [] });
  });

  it('creates no unit and charges no shipping for an item with nothing ordered', () => {
    const external = create(order(), [
      item(),
      item({ OrderItemId: '2', QuantityOrdered: 0, ShippingPrice: gbp('3.99') }),
    ]);

    expect(external.items).toHaveLength(1);
    expect(external.cost.appliedFees).toEqual([]);
  });

  it('gives a free unit a VAT rate of 0 rather than a division by zero', () => {
    const external = create(order(), [item({ ItemPrice: gbp('0.00'), ItemTax: gbp('0.00') })]);

    expect(external.items[0]?.price.tax.vat).toEqual({ amount: 0, rate: 0 });
  });

  it('takes a promotion and its tax off the price where tax comes on top (US)', () => {
    const usd = (amount: string) => ({ CurrencyCode: 'USD', Amount: amount });
    const external = toScayleOrderCreate(
      order({ MarketplaceId: US }),
      [
        item({
          ItemPrice: usd('10.00'),
          ItemTax: usd('1.00'),
          PromotionDiscount: usd('2.00'),
          PromotionDiscountTax: usd('0.20'),
        }),
      ],
      skuOf,
      { ...shop, countryCode: 'US' },
    );

    expect(external.items[0]?.price).toMatchObject({ withTax: 880, withoutTax: 800, undiscountedWithTax: 1100 });
  });

  it('does not hold a cancelled order to its total', () => {
    expect(() => create(order({ OrderStatus: 'Canceled', OrderTotal: gbp('0.00') }))).not.toThrow();
  });

  it('names every unmapped SellerSKU with its ASIN in the message the flag carries', () => {
    expect(() =>
      create(order(), [
        item({ SellerSKU: 'LEGACY-1', ASIN: 'B0LEGACY01' }),
        item({ SellerSKU: 'LEGACY-2', ASIN: 'B0LEGACY02' }),
      ]),
    ).toThrow('SellerSKU without a SCAYLE variant: LEGACY-1 (B0LEGACY01), LEGACY-2 (B0LEGACY02)');
  });
});

describe('the next step and the units of an Amazon order, at the edges', () => {
  const cancelRequested = { BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true' as const } };

  it('cancels only when the buyer asked to cancel every item, and never for an order without items', () => {
    expect(nextStepOf(order(), [item(cancelRequested), item({ OrderItemId: '2' })])).toBe('create');
    expect(nextStepOf(order(), [item(cancelRequested), item({ OrderItemId: '2', ...cancelRequested })])).toBe('cancel');
    expect(nextStepOf(order(), [])).toBe('create');
  });

  it('reserves an order Amazon holds as PendingAvailability (a pre-order)', () => {
    expect(nextStepOf(order({ OrderStatus: 'PendingAvailability' }), [item()])).toBe('reserve');
  });

  it('holds nothing for an item already shipped in full', () => {
    expect(reservationsOf([item({ QuantityOrdered: 2, QuantityShipped: 2 })], skuOf)).toEqual(new Map());
  });

  it('names an item without a SellerSKU as unmapped under an empty SellerSKU', () => {
    expect(unmappedOf([item({ SellerSKU: undefined, ASIN: 'B0NOSKU' })], skuOf)).toEqual([
      { sellerSku: '', asin: 'B0NOSKU' },
    ]);
  });
});
