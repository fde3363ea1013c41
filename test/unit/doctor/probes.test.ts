import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDERWISE_PROFILE, orderwiseProfileSchema } from '../../../shared/adapters/orderwise/profile';
import { UpstreamRejectedError, ValidationError } from '../../../shared/runtime/errors';
import { type AmazonDoctorInput, amazonProbes } from '../../../shared/use-cases/doctor/amazon';
import { type CheckResult, runProbes } from '../../../shared/use-cases/doctor/checks';
import { type OrderwiseDoctorInput, orderwiseProbes } from '../../../shared/use-cases/doctor/orderwise';
import { type ScayleDoctorInput, scayleProbes } from '../../../shared/use-cases/doctor/scayle';
import { scayleFixture } from '../../helpers/scayle-simulator';

const NOW = Date.parse('2026-12-08T10:00:00Z');
const WEBHOOK_URL = 'https://hub.example/dev/webhooks/scayle';
const EVERY_EVENT = [
  'order-confirmed',
  'order-cancelled',
  'order-item-out-of-stock',
  'order-item-canceled',
  'order-item-unshippable',
  'product-variant-stock-updated',
  'product-variant-prices-updated',
  'product-updated',
  'product-variant-deleted',
];
const subscribed = (events: readonly string[], url = 'https://***:***@hub.example/dev/webhooks/scayle') =>
  events.map((event, i) => ({ id: i + 1, event, url }));

const statusOf = (results: readonly CheckResult[], id: string) => results.find((r) => r.id === id)?.status;
const lineOf = (results: readonly CheckResult[], id: string) => results.find((r) => r.id === id);

const scayle = (overrides: Partial<ScayleDoctorInput['reader']> = {}) =>
  runProbes(
    scayleProbes({
      reader: {
        shopCountries: async () => [
          { id: 1, countryCode: 'DE' },
          { id: 2, countryCode: 'GB' },
        ],
        webhookSubscriptions: async () => subscribed(EVERY_EVENT),
        carriers: async () => [
          { id: 1, key: 'DHL' },
          { id: 2, key: 'OTHER' },
        ],
        recentOrders: async () => [],
        ...overrides,
      },
      secretName: 'scayle-hub/dev/scayle-api',
      shops: [{ key: 'ac', countries: [{ countryCode: 'DE', id: 1 }, { countryCode: 'GB' }] }],
      webhookUrl: WEBHOOK_URL,
      carrierKeys: ['DHL', 'OTHER', 'DHL'],
      sweepFilter: 'filters[minUpdatedAt]',
      now: NOW,
    }),
  );

describe('scayleProbes', () => {
  it('passes a tenant set up as the hub expects, and cannot tell from a shop without orders', async () => {
    const results = await scayle();

    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['scayle.shops.ac', 'pass'],
      ['scayle.webhook-subscriptions', 'pass'],
      ['scayle.recent-order', 'cannot-check'],
      ['scayle.public-key-filter', 'cannot-check'],
      ['scayle.order-sweep-filter', 'cannot-check'],
      ['scayle.external-order-create', 'cannot-check'],
      ['scayle.item-statuses', 'cannot-check'],
      ['scayle.carriers', 'pass'],
    ]);
  });

  it("names a missing country and a shop country id other than the stage's", async () => {
    const results = await scayle({ shopCountries: async () => [{ id: 7, countryCode: 'DE' }] });

    expect(lineOf(results, 'scayle.shops.ac')).toMatchObject({
      status: 'fail',
      detail: "shop 'ac': DE has shop country id 7, the stage says 1; no country GB",
    });
  });

  it('names the events without a subscription to this stage, where they go instead, and missing credentials', async () => {
    const results = await scayle({
      webhookSubscriptions: async () => [
        ...subscribed(EVERY_EVENT.filter((e) => e !== 'order-confirmed' && e !== 'product-updated')),
        ...subscribed(['order-confirmed'], 'https://***:***@old-hub.example/webhooks/scayle'),
        ...subscribed(['product-updated'], WEBHOOK_URL),
      ],
    });

    expect(lineOf(results, 'scayle.webhook-subscriptions')).toMatchObject({
      status: 'fail',
      detail:
        'no subscription to https://hub.example/dev/webhooks/scayle for order-confirmed; subscribed elsewhere: order-confirmed -> https://old-hub.example/webhooks/scayle; without Basic credentials in the URL: product-updated',
    });
  });

  it("names subscriptions whose merchant filter leaves out the stage's merchant", async () => {
    const results = await runProbes(
      scayleProbes({
        reader: {
          shopCountries: async () => [{ id: 1, countryCode: 'DE' }],
          webhookSubscriptions: async () =>
            subscribed(EVERY_EVENT).map((s) =>
              s.event === 'order-confirmed'
                ? { ...s, filters: [{ merchantReferenceKeys: { include: ['merchant-2'] } }] }
                : s.event === 'product-updated'
                  ? { ...s, filters: [{ merchantReferenceKeys: { exclude: ['merchant-1'] } }] }
                  : { ...s, filters: [{ merchantReferenceKeys: { include: ['merchant-1', 'merchant-2'] } }] },
            ),
          carriers: async () => [],
          recentOrders: async () => [],
        },
        secretName: 'scayle-hub/dev/scayle-api',
        shops: [{ key: 'ac', countries: [{ countryCode: 'DE' }] }],
        webhookUrl: WEBHOOK_URL,
        carrierKeys: [],
        merchantReferenceKey: 'merchant-1',
        sweepFilter: 'filters[minUpdatedAt]',
        now: NOW,
      }),
    );

    expect(lineOf(results, 'scayle.webhook-subscriptions')?.detail).toBe(
      'filtered to other merchants than merchant-1: order-confirmed, product-updated',
    );
  });

  it('takes either spelling of an event SCAYLE spells two ways', async () => {
    const spelledOtherwise = EVERY_EVENT.map((e) => (e === 'order-cancelled' ? 'order-canceled' : e));

    expect(
      statusOf(
        await scayle({ webhookSubscriptions: async () => subscribed(spelledOtherwise) }),
        'scayle.webhook-subscriptions',
      ),
    ).toBe('pass');
  });

  it('parses the newest order and names the field that does not parse', async () => {
    const results = await scayle({ recentOrders: async () => [{ id: 'not a number' }] });

    expect(lineOf(results, 'scayle.recent-order')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/does not parse: id: /),
    });
  });

  it('trusts filters[publicKey] and the sweep time filter only when SCAYLE narrows the list by them', async () => {
    const order = scayleFixture<Record<string, unknown>>('admin-api/OrderGetResponse.json');
    const other = { ...order, id: 902, publicKey: 'someone-else' };
    const asked: Readonly<Record<string, string>>[] = [];
    const filtering = await scayle({
      recentOrders: async (_shop, _country, _limit, filters = {}) => {
        asked.push(filters);
        return filters['filters[minUpdatedAt]'] ? [] : [order];
      },
    });
    const ignoring = await scayle({
      recentOrders: async (_shop, _country, _limit, filters = {}) =>
        filters['filters[publicKey]'] ? [other, order] : [order],
    });

    expect(statusOf(filtering, 'scayle.recent-order')).toBe('pass');
    expect(statusOf(filtering, 'scayle.public-key-filter')).toBe('pass');
    expect(statusOf(filtering, 'scayle.order-sweep-filter')).toBe('pass');
    expect(asked).toEqual([
      {},
      { 'filters[publicKey]': order.publicKey },
      { 'filters[minUpdatedAt]': '2027-12-08T10:00:00.000Z' },
    ]);
    expect(lineOf(ignoring, 'scayle.public-key-filter')).toMatchObject({
      status: 'fail',
      detail: `filters[publicKey]=${order.publicKey} answers 2 orders (someone-else, ${order.publicKey}): SCAYLE does not filter by public key as assumed`,
    });
    expect(lineOf(ignoring, 'scayle.order-sweep-filter')?.detail).toBe(
      "filters[minUpdatedAt]=2027-12-08T10:00:00.000Z still answers orders: SCAYLE ignores the sweep's time filter, so each sweep would read every order",
    );
  });

  it('names carrier keys SCAYLE does not have, once each', async () => {
    const results = await scayle({ carriers: async () => [{ id: 1, key: 'DPD' }] });

    expect(lineOf(results, 'scayle.carriers')?.detail).toBe(
      'carrier keys the hub sends that SCAYLE does not have: DHL, OTHER',
    );
  });

  it('fails a probe whose call throws, with the error and what to check', async () => {
    const results = await scayle({
      carriers: async () => {
        throw new UpstreamRejectedError('SCAYLE listCarriers answered 401', 401);
      },
    });

    expect(lineOf(results, 'scayle.carriers')).toEqual({
      id: 'scayle.carriers',
      system: 'SCAYLE',
      status: 'fail',
      detail: 'SCAYLE listCarriers answered 401',
      fix: expect.stringContaining('secret scayle-hub/dev/scayle-api'),
    });
  });
});

const STOCK_ROW = {
  vad_id: 1,
  vad_variant_code: 'OW-1',
  vasq_free_stock_quantity: 3,
  last_changed: '2026-12-08T09:00:00.000',
};
const STOCK_READ = { variantId: 1, variantCode: 'OW-1', freeStock: 3, changedAt: '2026-12-08T09:00:00.000Z' };

const orderwise = (
  overrides: Partial<OrderwiseDoctorInput['client']> = {},
  recentOrder?: OrderwiseDoctorInput['recentOrder'],
) => {
  const exports: { definition: string | number; parameters: unknown }[] = [];
  const results = runProbes(
    orderwiseProbes({
      client: {
        profile: orderwiseProfileSchema.parse({ exportDefinitions: { salesOrderTotals: 105 } }),
        checkToken: async () => {},
        freeStockPage: async () => [STOCK_READ],
        stockChangedSince: async () => [STOCK_READ],
        runExport: async (definition, parameters) => {
          exports.push({ definition, parameters });
          if (definition === 'SalesOrderByEcomRef') return [{ orderId: 4, orderNumber: 'SO4' }];
          return definition === 105 ? [{ totalGross: '1.00', totalTax: '0.16' }] : [STOCK_ROW];
        },
        despatchesSince: async () => [],
        salesOrderStatus: async () => ({
          orderId: 4,
          orderNumber: 'SO4',
          eCommerceOrderNumber: '1001',
          orderStatus: 'Awaiting despatch',
        }),
        salesOrderTotals: async () => ({ orderNumber: 'SO4', totals: { grossMinor: 100, taxMinor: 16 } }),
        ...overrides,
      },
      secretName: 'scayle-hub/dev/orderwise-api',
      ...(recentOrder ? { recentOrder } : {}),
      now: NOW,
    }),
  );
  return { results, exports };
};

describe('orderwiseProbes', () => {
  it('runs every definition with its parameters and passes the columns the hub reads', async () => {
    const run = orderwise({}, { orderwiseOrderId: 4, externalReference: '1001' });
    const results = await run.results;

    expect(results.filter((r) => r.status !== 'cannot-check').map((r) => [r.id, r.status])).toEqual([
      ['orderwise.token', 'pass'],
      ['orderwise.export.salesOrderByRef', 'pass'],
      ['orderwise.export.freeStockPage', 'pass'],
      ['orderwise.export.freeStockChangedSince', 'pass'],
      ['orderwise.export.salesOrderTotals', 'pass'],
      ['orderwise.export.despatchesSince', 'pass'],
      ['orderwise.status', 'pass'],
      ['orderwise.status-totals', 'pass'],
    ]);
    expect(run.exports).toContainEqual({
      definition: 'FreeStockChangedSince',
      parameters: { '@since': '2026-12-07T09:00:00' },
    });
    expect(run.exports).toContainEqual({ definition: 'SalesOrderByEcomRef', parameters: { '@ref': '1001' } });
    expect(lineOf(results, 'orderwise.status-totals')?.detail).toBe('the money check reads totals from definition 105');
  });

  it('names the columns a definition lacks, and cannot tell from one that answers no rows', async () => {
    const results = await orderwise({
      runExport: async (definition) =>
        definition === 'FreeStockPage' ? { data: [{ vad_id: 1, vad_variant_code: 'OW-1', free: 3 }] } : [],
    }).results;

    expect(lineOf(results, 'orderwise.export.freeStockPage')).toMatchObject({
      status: 'fail',
      detail: 'definition FreeStockPage answers without vasq_free_stock_quantity, last_changed',
    });
    expect(statusOf(results, 'orderwise.export.freeStockChangedSince')).toBe('cannot-check');
  });

  it('fails a stock definition whose rows the hub cannot read, or that answers changes from before @since', async () => {
    const results = await orderwise({
      freeStockPage: async () => {
        throw new ValidationError('invalid OrderWise FreeStockPage export rows', [
          { field: '0.vasq_free_stock_quantity', message: 'Invalid input' },
        ]);
      },
      stockChangedSince: async () => [{ ...STOCK_READ, changedAt: '2026-12-01T00:00:00.000Z' }],
    }).results;

    expect(lineOf(results, 'orderwise.export.freeStockPage')?.detail).toBe(
      'definition FreeStockPage answers rows the hub cannot read: invalid OrderWise FreeStockPage export rows',
    );
    expect(lineOf(results, 'orderwise.export.freeStockChangedSince')?.detail).toMatch(
      /^definition FreeStockChangedSince answers a row changed at 2026-12-01T00:00:00.000Z, before @since/,
    );
  });

  it('blames the user, not a definition, when OrderWise refuses the token', async () => {
    const results = await orderwise({
      checkToken: async () => {
        throw new UpstreamRejectedError('OrderWise getToken answered 401', 401);
      },
    }).results;

    expect(lineOf(results, 'orderwise.token')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('secret scayle-hub/dev/orderwise-api'),
    });
  });

  it('fails the totals line when neither the status nor a definition gives totals', async () => {
    const results = await orderwise(
      { salesOrderTotals: async () => ({ orderNumber: 'SO4', unavailable: 'no totals anywhere' }) },
      { orderwiseOrderId: 4, externalReference: '1001' },
    ).results;

    expect(lineOf(results, 'orderwise.status-totals')).toMatchObject({ status: 'fail', detail: 'no totals anywhere' });
  });

  it('marks each assumption a read cannot show as not checkable, with the configured value and how to check it', async () => {
    const results = await orderwise().results;

    expect(lineOf(results, 'orderwise.cancel')).toEqual({
      id: 'orderwise.cancel',
      system: 'OrderWise',
      status: 'cannot-check',
      detail: `not checkable read-only: cancel is PUT "${DEFAULT_ORDERWISE_PROFILE.paths.cancel}", answering 409 once picking has started`,
      fix: expect.stringContaining('sandbox'),
    });
    expect(statusOf(results, 'orderwise.status')).toBe('cannot-check');
  });
});

const amazon = (overrides: Partial<AmazonDoctorInput['reader']> = {}) =>
  runProbes(
    amazonProbes({
      reader: {
        token: async () => 'Atza|token',
        participations: async () => [
          { id: 'A1F83G8C2ARO7P', suspendedListings: false },
          { id: 'A1PA6795UKMFR9', suspendedListings: true },
        ],
        checkSellerId: async () => ({ accepted: true }),
        orderChangeSubscription: async () => ({ subscriptionId: 's-1', sqsArn: 'arn:aws:sqs:eu-west-1:1:hub' }),
        ...overrides,
      },
      listSettlementReports: async () => [{}, {}],
      secretName: 'scayle-hub/dev/amazon-lwa',
      sellerId: 'A2SELLER',
      marketplaceIds: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9'],
      notificationsQueueArn: 'arn:aws:sqs:eu-west-1:1:hub',
      now: NOW,
    }),
  );

describe('amazonProbes', () => {
  it('passes a seller set up as the stage says, noting suspended listings', async () => {
    const results = await amazon();

    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['amazon.lwa', 'pass'],
      ['amazon.participations', 'pass'],
      ['amazon.seller-id', 'pass'],
      ['amazon.order-change', 'pass'],
      ['amazon.settlement-reports', 'pass'],
      ['amazon.carrier-codes', 'cannot-check'],
    ]);
    expect(lineOf(results, 'amazon.participations')?.detail).toMatch(/suspended listings in A1PA6795UKMFR9/);
  });

  it('names a marketplace the seller is not in, a refused seller id, and ORDER_CHANGE going elsewhere or nowhere', async () => {
    const elsewhere = await amazon({
      participations: async () => [{ id: 'A1F83G8C2ARO7P', suspendedListings: false }],
      checkSellerId: async () => ({ accepted: false, status: 400 }),
      orderChangeSubscription: async () => ({ subscriptionId: 's-1', sqsArn: 'arn:aws:sqs:eu-west-1:1:other' }),
    });
    const nowhere = await amazon({ orderChangeSubscription: async () => undefined });

    expect(lineOf(elsewhere, 'amazon.participations')?.detail).toBe(
      'the seller does not participate in A1PA6795UKMFR9 (it does in A1F83G8C2ARO7P)',
    );
    expect(lineOf(elsewhere, 'amazon.seller-id')?.detail).toBe(
      'Amazon refuses seller id A2SELLER for this refresh token (400)',
    );
    expect(lineOf(elsewhere, 'amazon.order-change')?.detail).toBe(
      'ORDER_CHANGE notifications go to arn:aws:sqs:eu-west-1:1:other, not arn:aws:sqs:eu-west-1:1:hub',
    );
    expect(lineOf(nowhere, 'amazon.order-change')?.detail).toMatch(/^there is no ORDER_CHANGE subscription/);
  });

  it("names what the ORDER_CHANGE subscription's event filter leaves out, and passes one that keeps what the hub needs", async () => {
    const sqsArn = 'arn:aws:sqs:eu-west-1:1:hub';
    const narrow = await amazon({
      orderChangeSubscription: async () => ({
        subscriptionId: 's-1',
        sqsArn,
        marketplaceIds: ['A1F83G8C2ARO7P'],
        orderChangeTypes: ['OrderStatusChange'],
      }),
    });
    const enough = await amazon({
      orderChangeSubscription: async () => ({
        subscriptionId: 's-1',
        sqsArn,
        marketplaceIds: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9', 'A13V1IB3VIYZZH'],
        orderChangeTypes: ['OrderStatusChange', 'BuyerRequestedChange'],
      }),
    });

    expect(lineOf(narrow, 'amazon.order-change')).toMatchObject({
      status: 'fail',
      detail:
        "the ORDER_CHANGE subscription's event filter leaves out A1PA6795UKMFR9, BuyerRequestedChange: those orders arrive only through the poll",
    });
    expect(lineOf(enough, 'amazon.order-change')?.status).toBe('pass');
  });
});
