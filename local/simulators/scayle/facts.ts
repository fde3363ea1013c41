/**
 * What the SCAYLE simulator takes to be true about SCAYLE, in one place so that each fact is easy to correct.
 * Tags as in ../shared/reference/scayle.md: [V] vendor-verified (scayle.dev, the Admin API SDKs' models and
 * fixtures), [O] observed in vendor samples, [A] assumption. Sources: ../shared/reference/scayle.md (§ numbers),
 * ../shared/fixtures/scayle/ (copied to test/fixtures/scayle/), scayle/admin-api-php-sdk `lib/Models/*.php` at
 * 063fe14 ("SDK"), and scayle.dev pages named where they are used.
 *
 * Two assumptions shape what the simulator leaves out rather than what it does:
 * - [A] Changes made through the Admin API (stock, prices, shipments, cancellations, reference keys) deliver no
 *   webhook: the hub ignores the echo of its own writes. Changes made in SCAYLE itself (`/_sim/*`) deliver theirs.
 * - [A] SCAYLE's quantity blockers (reservations released by a stock write with a newer `changedAt` [V reference
 *   §1.5]) are not simulated: the last stock write wins.
 */
import type { RatePlan } from '../sim-server';

/** Path of the Admin API below the tenant's host [V reference §1.1]. */
export const ADMIN_API_BASE = '/api/admin/v1';

/** The Admin API key the simulator accepts unless told otherwise (sent as `X-Access-Token` [V reference §1.1]). */
export const DEFAULT_SCAYLE_TOKEN = 'local-scayle-token';

const perMinute = (limit: number): RatePlan => ({ rate: limit / 60, burst: limit });

/**
 * Per-minute limits of each simulated operation, by the scope the published OpenAPI puts it in [V reference §1.2].
 * [A] A bulk request counts once against stocksWrite, whatever the number of its operations; shop reads count
 * against globalRead. [A] Webhook events, webhook subscriptions and carriers: which scope the OpenAPI gives them was
 * not found (the stored `x-rateLimit` excerpt is cut off after stocksWrite and shows no per-endpoint scopes), and
 * "if the scope is not given, there are no rate limits" [V scayle.dev api-guides/admin-api/getting-started/rate-limits];
 * the general scopes, globalRead (1000) for reads and globalWrite (300) for writes, are the best supported guess and
 * still stop a runaway client. [A] The whole minute's budget may come at once (a bucket of one minute's calls).
 */
export const RATE_LIMITS = {
  getOrder: perMinute(1000), // ordersRead
  listOrders: perMinute(1000),
  getOrderStatus: perMinute(1000),
  createOrder: perMinute(300), // ordersWrite
  setOrderReference: perMinute(300),
  createShipment: perMinute(300), // fulfillmentWrite
  createCancellation: perMinute(300),
  putStock: perMinute(2500), // stocksWrite
  bulkStocks: perMinute(2500),
  getStock: perMinute(2500), // stocksRead
  getBulkRequest: perMinute(1000), // globalRead
  putPrice: perMinute(300), // pricesWrite
  getPrices: perMinute(2500), // pricesRead
  getProduct: perMinute(1000), // productRead
  listProducts: perMinute(1000),
  listShops: perMinute(1000), // globalRead
  listShopCountries: perMinute(1000),
  listWebhookEvents: perMinute(1000), // globalRead [A, see above]
  listWebhookSubscriptions: perMinute(1000),
  getWebhookSubscription: perMinute(1000),
  createWebhookSubscription: perMinute(300), // globalWrite [A, see above]
  updateWebhookSubscription: perMinute(300),
  deleteWebhookSubscription: perMinute(300),
  listCarriers: perMinute(1000), // globalRead [A, see above]
  getCarrier: perMinute(1000),
} as const satisfies Record<string, RatePlan>;

/** The name of a simulated Admin API operation (for `/_sim/faults` and `/_sim/calls`). */
export type ScayleOperation = keyof typeof RATE_LIMITS;

/**
 * Error answers: `{errors: [{errorKey, message, context}]}` [V SDK `lib/Exceptions/ApiErrorException.php` reads
 * exactly these three keys]. The `errorKey` values are [A]: SCAYLE's own keys were not found.
 */
export const ERROR_KEYS = {
  unauthorized: 'UNAUTHORIZED',
  notFound: 'NOT_FOUND',
  validation: 'VALIDATION_ERROR',
  variantNotFound: 'VARIANT_NOT_FOUND',
  channelNotFound: 'CHANNEL_NOT_FOUND',
  /** [A] A second order with the same `publicKey` in one shop. */
  orderExists: 'ORDER_ALREADY_EXISTS',
  /** [A] A shipment or cancellation of an item already shipped or cancelled. */
  itemFulfilled: 'ITEM_ALREADY_FULFILLED',
  throttled: 'TOO_MANY_REQUESTS',
  internal: 'INTERNAL_ERROR',
} as const;

/** Answer to a call past its rate limit: 429 [A reference §1.2] with `X-RateLimit-*` headers [V Java SDK]. */
export const THROTTLED_STATUS = 429;

/** A shop of the tenant: a numeric id, a two-character key [V SDK `Shop.php`] and its countries. */
export interface ShopOption {
  readonly id: number;
  readonly key: string;
  /** ISO 3166-1 alpha-2 codes of the shop's countries. */
  readonly countryCodes: readonly string[];
  /**
   * Shop-country ids by country code. Default: the tenant's shop countries numbered from 1 in the order given (the
   * default shop: DE 1, GB 2) [A].
   */
  readonly shopCountryIds?: Readonly<Record<string, number>>;
}

/** The demo hub's shop: key `ac`, selling in Germany and Great Britain. */
export const DEFAULT_SHOPS: readonly ShopOption[] = [{ id: 1, key: 'ac', countryCodes: ['DE', 'GB'] }];

/** What the simulator knows of a shop country [A: currency, language and VAT are the country's usual ones]. */
export interface CountryFacts {
  /** ISO 3166-1 alpha-3: addresses carry it [V SDK `CustomerAddress.countryCode`]. */
  readonly alpha3: string;
  readonly currencyCode: string;
  /** `ShopCountry.defaultLanguageCode`, e.g. `de_DE` [O fixture ShopAllResponse]. */
  readonly language: string;
  /** Standard VAT rate as a fraction, as order prices carry it [V SDK `OrderVat.rate`, fixture 0.19]. */
  readonly vatRate: number;
}

/** The countries the simulator can sell in. */
export const COUNTRIES: Readonly<Record<string, CountryFacts>> = {
  DE: { alpha3: 'DEU', currencyCode: 'EUR', language: 'de_DE', vatRate: 0.19 },
  GB: { alpha3: 'GBR', currencyCode: 'GBP', language: 'en_GB', vatRate: 0.2 },
  AT: { alpha3: 'AUT', currencyCode: 'EUR', language: 'de_AT', vatRate: 0.2 },
  FR: { alpha3: 'FRA', currencyCode: 'EUR', language: 'fr_FR', vatRate: 0.2 },
  NL: { alpha3: 'NLD', currencyCode: 'EUR', language: 'nl_NL', vatRate: 0.21 },
};

/**
 * Webhook envelopes [V scayle.dev event pages, fixtures webhooks/*.json]: `{key, type, occurredAt, payload}` plus
 * `locale {appId, countryCode, currencyCode, languageCode}` for the checkout events or `meta {tenantKey, xRequestId}`
 * for the admin events, and `version` where the page shows one.
 * - `order-confirmed`: locale (see {@link localeOf}), no version [V fixture].
 * - `order-cancelled` / `order-canceled`: meta, no version [V fixture]; both spellings are documented [V].
 * - `order-item-out-of-stock`, `order-item-canceled`, `order-item-unshippable`: meta with `version`, payload
 *   `{order}` as the order-item-unshippable page shows it [V]; the same for the other two is [A], and
 *   whether v2 also lists the affected items is cut off on the page [A: it does not].
 * - product events: meta with `version: 1` [V fixtures].
 */
export const WEBHOOK_ENVELOPES = {
  'order-confirmed': { envelope: 'locale' },
  'order-cancelled': { envelope: 'meta' },
  'order-canceled': { envelope: 'meta' },
  'order-item-out-of-stock': { envelope: 'meta', version: 1 },
  'order-item-canceled': { envelope: 'meta', version: 1 },
  'order-item-unshippable': { envelope: 'meta', version: 1 },
  'product-updated': { envelope: 'meta', version: 1 },
  'product-variant-deleted': { envelope: 'meta', version: 1 },
  'product-variant-stock-updated': { envelope: 'meta', version: 1 },
  'product-variant-prices-updated': { envelope: 'meta', version: 1 },
} as const satisfies Record<string, { envelope: 'locale' | 'meta'; version?: number }>;

/**
 * The `locale` of a checkout event [V fixture order-confirmed]: `appId` is the shop-country id, not the shop id
 * [A, backed by SDK `ShopCountry.id` "the ID of the shop country" and the docs' Storefront example
 * `shopId=1001`]; `countryCode` the alpha-2 code and `languageCode` the bare language, as the fixture has them [O]
 * (a vendor example shows `DEU` and `de-DE`).
 */
export const localeOf = (shopCountry: {
  readonly id: number;
  readonly countryCode: string;
  readonly facts: CountryFacts;
}) => ({
  appId: shopCountry.id,
  countryCode: shopCountry.countryCode,
  currencyCode: shopCountry.facts.currencyCode,
  languageCode: shopCountry.facts.language.slice(0, 2),
});

/** A webhook event the simulator delivers. */
export type WebhookEvent = keyof typeof WEBHOOK_ENVELOPES;

/**
 * What `GET /webhooks/events` says of each event the simulator delivers [V SDK `lib/Models/WebhookEvent.php`:
 * `event`, `version`, `description`, `isDeprecated` ("not allowed for new subscriptions"), `isBlocking`,
 * `supportedFilters {merchants}`; fixture WebhookEventAllResponse.json, which leaves `isBlocking` out].
 * - `version`: the envelope's (see {@link WEBHOOK_ENVELOPES}); 1 for `order-confirmed`, whose envelope shows none [A].
 * - `description`: the words of scayle.dev where quoted [V developer-guide/transactions-and-orders/processing for
 *   order-confirmed and order-item-out-of-stock; developer-guide/customise-extend/webhooks/events/<event> for
 *   order-cancelled, order-item-unshippable and product-variant-stock-updated]; the others are [A] in the same style.
 * - [A] none is deprecated or blocking (the blocking hooks documented are merchant callbacks such as the order
 *   cancellation URL [O scayle.dev developer-guide/products/manage-merchants/order-cancellation], not these events),
 *   and none can be filtered by merchant: the simulator's events name no merchant, so it could not apply such a
 *   filter (the fixture's `customer-created` has `merchants: false` too).
 */
export const WEBHOOK_EVENT_DESCRIPTIONS: Readonly<Record<WebhookEvent, string>> = {
  'order-confirmed': 'Occurs when payment reservation has been successfully completed, and the order is confirmed.',
  'order-cancelled': 'Get notified when all items of an order have been canceled.',
  'order-canceled': 'Get notified when all items of an order have been canceled.',
  'order-item-out-of-stock':
    'Occurs during order delegation whenever an item is removed from the order, due to being out-of-stock when delegated to the merchant.',
  'order-item-canceled': 'Get notified whenever an order item is canceled.',
  'order-item-unshippable': 'Get notified whenever an order item is unshippable.',
  'product-updated': 'Get notified when the attributes of a product change.',
  'product-variant-deleted': 'Get notified when a product variant is deleted.',
  'product-variant-stock-updated': 'Get notified when the stock of a product variant changes.',
  'product-variant-prices-updated': 'Get notified when the prices of a product variant change.',
};

/** `isDeprecated`, `isBlocking` and `supportedFilters` of every event the simulator sends [A, see above]. */
export const WEBHOOK_EVENT_FLAGS = { isDeprecated: false, isBlocking: false, supportedFilters: { merchants: false } };

/** The version a subscription to an event gets and its deliveries carry (see {@link WEBHOOK_EVENT_DESCRIPTIONS}). */
export const webhookVersionOf = (event: WebhookEvent): number => {
  const format: { envelope: 'locale' | 'meta'; version?: number } = WEBHOOK_ENVELOPES[event];
  return format.version ?? 1;
};

/**
 * Webhook subscriptions [V SDK `lib/Services/WebhookSubscriptionService.php`: `POST /webhooks/subscriptions`,
 * `GET /webhooks/subscriptions`, `GET|PATCH|DELETE /webhooks/subscriptions/{subscriptionId}` (an integer);
 * `lib/Models/WebhookSubscription.php` `{id, event, version, url, filters}`; `WebhookSubscriptionPatch` `{url,
 * filters}` with `include|exclude: {add, remove}`; fixtures WebhookSubscription*.json]. Subscriptions are global, not
 * per shop [V scayle.dev developer-guide/customise-and-extend/webhooks/overview: "Webhook subscriptions for the Admin
 * API are always global"].
 * - The URL's user info is the Basic credentials of the deliveries [V reference §1.7], and answers show it as
 *   `***:***` ("Sensitive data will be obfuscated in responses" [V model], fixtures Create/Get/All
 *   `https://***:***@foobar.tld/notifiy`). The Update fixture shows `foo:bar` in the clear; taken as the fixture
 *   echoing its request [A], so every answer obfuscates.
 * - [A] `event` and `url` are required (the SDK marks nothing required); the event must be one `GET /webhooks/events`
 *   lists, `version` defaults to the event's and any other is refused; `filters` defaults to `[]`; the URL must be
 *   http(s) (the local hub listens on http) with valid percent-encoding in its user info.
 * - [A] PATCH filter `i` changes the subscription's filter `i` (the fixture has one on each side): `add` appends the
 *   keys not yet there, `remove` drops keys; `event` and `version` cannot change (the patch model has neither).
 * - [A] Answers: 201 with the subscription on create, 200 on read and change, 204 without a body on delete (the SDK
 *   returns void), 404 for an id that names no subscription. Ids are integers [V model] from 1, never reused [A].
 * - [A] Filters are kept and shown, not applied: no event the simulator sends supports them (see above).
 * - [A] The list is paged like the other collections (`limit`, `cursor`, `cursor.next` [V reference §1.2]) although
 *   the fixture shows no cursor; the events list is not, as in its fixture.
 */
export const WEBHOOK_SUBSCRIPTIONS = { createdStatus: 201, deletedStatus: 204 } as const;

/** A carrier as the Admin API shows it [V SDK `lib/Models/Carrier.php`]. */
export interface Carrier {
  /** "The ID of the carrier created by SCAYLE." [V model] */
  readonly id: number;
  /** The carrier key a shipment names in `carrier` [V reference §1.4]. */
  readonly key: string;
  readonly name: string;
  readonly trackingUrl: string;
}

/**
 * The tenant's carriers unless the simulator is given others: the one of the SDK's fixture [V scayle/admin-api-php-sdk
 * `tests/fixtures/CarrierAllResponse.json` at 063fe14: `{id: 1, key: "DHL_STD_NATIONAL", name: "DHL", trackingUrl:
 * "http://nolp.dhl.de/nextt-online-public/set_identcodes.do"}`].
 */
export const DEFAULT_CARRIERS: readonly Carrier[] = [
  {
    id: 1,
    key: 'DHL_STD_NATIONAL',
    name: 'DHL',
    trackingUrl: 'http://nolp.dhl.de/nextt-online-public/set_identcodes.do',
  },
];

/**
 * [A] The tracking URL of a carrier the simulator is given without one: the Panel requires one [V scayle.dev
 * user-guide/settings/checkout/checkout-config/carriers: name, carrier code, group name and tracking URL "all
 * required"], so the simulator makes one up under the reserved `example` domain.
 */
export const carrierTrackingUrlOf = (key: string): string => `https://tracking.example/${encodeURIComponent(key)}`;

/** The item-level events a `POST /_sim/orders/{id}/items/cancel` can announce [V scayle.dev developer-guide/customise-and-extend/webhooks/events]. */
export const ITEM_EVENTS = ['order-item-out-of-stock', 'order-item-canceled', 'order-item-unshippable'] as const;

/** An item-level cancellation event. */
export type ItemEvent = (typeof ITEM_EVENTS)[number];

/** Where a stock change made in SCAYLE goes when it names no warehouse: the demo hub's warehouse. */
export const DEFAULT_WAREHOUSE_REFERENCE_KEY = 'WH-MAIN';

/** The tenant that `meta.tenantKey` names, as in the fixtures [O]. */
export const DEFAULT_TENANT_KEY = 'acme';

/**
 * Order item statuses [V SDK `OrderItem.status`: available, unavailable, deliverable, undeliverable, cancelled,
 * returned; fixture: delivered]. What an item becomes after each way of being taken out of an order is [A, from the
 * events' names]; each way also sets `cancelledAt` [A].
 */
export const ITEM_STATUS = {
  open: 'available',
  shipped: 'delivered',
  afterEvent: {
    'order-item-out-of-stock': 'unavailable',
    'order-item-unshippable': 'undeliverable',
    'order-item-canceled': 'cancelled',
  } satisfies Record<ItemEvent, string>,
  /** `POST /fulfillment/cancellations`: "items cannot be fulfilled" [V reference §1.4]. */
  fulfilmentCancellation: 'undeliverable',
  /** The whole order cancelled in SCAYLE (customer service, account area). */
  orderCancelled: 'cancelled',
} as const;

/** Items in these statuses are out of the order: they count in no total and can be neither shipped nor cancelled. */
export const ITEM_STATUSES_OUT: readonly string[] = ['unavailable', 'undeliverable', 'cancelled'];

/**
 * Order `status` and `detailedStatus` [V Java `OrderStatusEnum`, scayle.dev "Order Hierarchy & States", fixtures].
 * The names and the codes of a cancelled order (`order_cancelled`, `billing_payment_cancelled`) are [A].
 */
export const ORDER_STATES = {
  confirmed: {
    status: 'payment_reserved',
    detailedStatus: {
      order: { code: 'order_confirmed', name: 'Confirmed' },
      shipping: { code: 'shipping_open', name: 'Open' },
      billing: { code: 'billing_payment_pending', name: 'Payment reserved' },
    },
  },
  shipped: {
    status: 'invoice_completed',
    detailedStatus: {
      order: { code: 'order_invoiced', name: 'Invoiced' },
      shipping: { code: 'shipping_delivered', name: 'Shipped' },
      billing: { code: 'billing_completed', name: 'Completed' },
    },
  },
  cancelled: {
    status: 'cancellation_completed',
    detailedStatus: {
      order: { code: 'order_cancelled', name: 'Cancelled' },
      shipping: { code: 'shipping_open', name: 'Open' },
      billing: { code: 'billing_payment_cancelled', name: 'Payment cancelled' },
    },
  },
} as const;

/**
 * Money of an order [V SDK models `OrderCost`, `OrderItemPrice`]:
 * - amounts are integer minor units; VAT rates on order prices and fees are fractions (0.19);
 * - an item's `price.withTax` has its `appliedReductions` (sale) taken off, `undiscountedWithTax` is before them;
 * - an absolute voucher is spread over the items: each item keeps `price.withTax` and shows the voucher's share in
 *   `price.absoluteVoucherReducedPrice {withTax, withOutTax, tax}` [A, from the SDK's
 *   `OrderItemAbsoluteVoucherReducedPrice` and scayle.dev price-calculator-v1: "an order-level discount applied to
 *   a single item"]; the share is proportional to the item's price, the remainder on the last item [A];
 * - `cost.appliedReductions` lists each voucher with its total `{absoluteWithTax, relative}` [V shape];
 * - `cost.withTax` is after every reduction [V `OrderCost.withTax`]: the items as paid (voucher taken off) plus the
 *   fees; `withoutTax` likewise; `cost.tax.vat.amount` the difference [O fixture 1390 − 1168 = 222];
 * - net from gross per item: `withoutTax = round(withTax / (1 + rate))`, VAT the difference [A];
 * - [A] an item taken out of the order leaves `cost` without its amounts; fees stay.
 */
export const MONEY = {
  /** Delivery fee of a shop order [O fixture: category delivery, key least_packages, option deliveryCosts]. */
  deliveryFee: { category: 'delivery', key: 'least_packages', option: 'deliveryCosts' },
  /** `shipping.policy` [O fixture]. */
  shippingPolicy: 'least_packages',
} as const;

/**
 * External order creation through the Admin API (`POST /shops/{shopKey}/countries/{countryCode}/orders`) [V SDK
 * `OrderService::create`, body and answer the `Order` model; fixtures OrderCreateRequest/OrderCreateResponse]. The SDK
 * marks no field as required; no scayle.dev page describing the endpoint was found. So [A]:
 * - required: `address.billing` and `address.shipping` (recipient first and last name, street, zip code, city,
 *   alpha-3 country), at least one item naming a variant by `id` or `referenceKey` with `price.withTax` and
 *   `price.tax.vat.rate`, `cost.withTax`, `currencyCode`, `customer`, `publicKey`; everything else is optional and
 *   fields the simulator does not model are ignored;
 * - `cost.withTax` must be the items' `price.withTax` plus the fees' `amount.withTax` (the fixture: 1190 + 200 = 1390,
 *   its voucher already inside the item price);
 * - an unknown variant is refused with 400 naming the field; a given `channel.key` must name a channel of the tenant
 *   ("creation is aborted" otherwise [V channel-configuration page]);
 * - a second order with the same `publicKey` in one shop is refused with 409;
 * - the answer is 201 with the stored order [A]; no `order-confirmed` follows, the creator knows of the order;
 * - the given `id`, `status`, timestamps other than `confirmedAt`, `packages` and `payment` are not taken over.
 */
export const EXTERNAL_ORDERS = { answerStatus: 201, duplicatePublicKeyStatus: 409 } as const;

/**
 * Reading orders [V scayle.dev developer-guide/transactions-and-orders/manage-transactions]: "Get an order … is not bound to a specific shop country; however, it still
 * requires the shop country details … without filtering by the shop country": any valid shop key and country read any
 * order. [A] The list (`GET …/orders`) holds the orders of the path's shop country; `filters[publicKey]` narrows it
 * (no filter names are documented). [A] Setting the reference key, shipments and cancellations need the order's own
 * shop key and country.
 */
export const ORDER_READS_ANY_SHOP_COUNTRY = true;

/**
 * Time filters of the order list, after the ones the Admin API documents for customers ("Minimum (inclusive)
 * modification date" `filters[minUpdatedAt]`, and `filters[minCreatedAt]`) [V scayle.dev developer-guide/customer/
 * export-customers; A that orders take them too, in ISO-8601]. A filter the tenant does not know is ignored [A].
 */
export const ORDER_LIST_TIME_FILTERS = {
  'filters[minUpdatedAt]': 'updatedAt',
  'filters[minCreatedAt]': 'createdAt',
} as const;

/**
 * [A] Stock and prices are kept for any variant identifier the caller names, as this simulator always did: SCAYLE
 * would refuse a variant it does not know. An unknown variant has id 0 in webhooks. Warehouses are not checked either
 * (SCAYLE wants them to exist first [V reference §1.5]); each new reference key gets the next warehouse id.
 */
export const STOCK_FOR_ANY_VARIANT = true;

/**
 * [A] Delivery: up to four attempts with 100 ms, 200 ms, 300 ms pauses until the receiver answers 2xx (SCAYLE's
 * policy is undocumented; its monitoring shows 0/200/400/500 [V reference §1.7]). A retry sends the same bytes.
 */
export const DELIVERY_ATTEMPTS = 4;
