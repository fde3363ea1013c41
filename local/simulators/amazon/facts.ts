/**
 * What the SP-API simulator takes to be true about Amazon, in one place so that each fact is easy to correct.
 * Tags as in ../shared/reference/amazon-sp-api.md: [V] vendor-verified, [O] observed in real third-party code or
 * data, [A] assumption.
 */
import type { RatePlan } from '../sim-server';

/** Default usage plans of every simulated operation [V reference §3.2]. */
export const USAGE_PLANS = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  createRestrictedDataToken: { rate: 1, burst: 10 },
  getListingsItem: { rate: 5, burst: 10 },
  putListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  deleteListingsItem: { rate: 5, burst: 5 },
  searchListingsItems: { rate: 5, burst: 5 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  getReports: { rate: 0.0222, burst: 10 },
  getReport: { rate: 2, burst: 15 },
  createReport: { rate: 0.0167, burst: 15 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  getDefinitionsProductType: { rate: 5, burst: 10 },
  searchDefinitionsProductTypes: { rate: 5, burst: 10 },
  createDestination: { rate: 1, burst: 5 },
  getDestinations: { rate: 1, burst: 5 },
  createSubscription: { rate: 1, burst: 5 },
  getSubscription: { rate: 1, burst: 5 },
  deleteSubscriptionById: { rate: 1, burst: 5 },
  /** Not in the reference table: [V models/sellers-api-model/sellers.json operation description]. */
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
} as const satisfies Record<string, RatePlan>;

/** The name of a simulated SP-API operation. */
export type SpApiOperation = keyof typeof USAGE_PLANS;

/** `x-amzn-RateLimit-Limit` as Amazon writes it: `5.0` for whole rates [O real responses], `0.0167` otherwise. */
export const rateLimitHeader = (rate: number): string => (Number.isInteger(rate) ? rate.toFixed(1) : String(rate));

/** What the simulator needs to know of a marketplace. */
export interface MarketplaceFacts {
  /** ISO 3166-1 alpha-2, so `GB` where Amazon's marketplace id table writes `UK` (see MARKETPLACES). */
  readonly countryCode: string;
  readonly currency: string;
  /** The marketplace's name: an order's SalesChannel and getMarketplaceParticipations' `name`. */
  readonly salesChannel: string;
  /** The marketplace's default language, written `en_GB` as getMarketplaceParticipations does. */
  readonly languageTag: string;
  readonly domainName: string;
  /** Standard VAT / sales tax rate in percent used for ItemTax [A]. */
  readonly taxRate: number;
  /** Whether ItemPrice already contains the tax (EU/UK VAT) or tax comes on top (US sales tax) [A]. */
  readonly pricesIncludeTax: boolean;
}

const fact = (
  countryCode: string,
  currency: string,
  salesChannel: string,
  languageTag: string,
  taxRate: number,
): MarketplaceFacts => ({
  countryCode,
  currency,
  salesChannel,
  languageTag,
  // Every observed domain is the name, lowercase, behind `www.`.
  domainName: `www.${salesChannel.toLowerCase()}`,
  taxRate,
  pricesIncludeTax: true,
});

/**
 * Marketplaces the simulator can serve. Ids [V developer-docs "Marketplace IDs", reference §3.1]. Country code,
 * name, currency, language and domain as getMarketplaceParticipations answers them: the US row is the example of
 * [V models/sellers-api-model/sellers.json]; the European rows are a real EU seller's participations [O
 * openbridge/embedded-api README], which write the UK `GB` (the model asks for ISO 3166-1 alpha-2 [V]; the id table's
 * `UK` is a documentation slip [O amzn/selling-partner-api-models#2872]). Tax: [A].
 */
export const MARKETPLACES: Readonly<Record<string, MarketplaceFacts>> = {
  A1F83G8C2ARO7P: fact('GB', 'GBP', 'Amazon.co.uk', 'en_GB', 20),
  A1PA6795UKMFR9: fact('DE', 'EUR', 'Amazon.de', 'de_DE', 19),
  A13V1IB3VIYZZH: fact('FR', 'EUR', 'Amazon.fr', 'fr_FR', 20),
  APJ6JRA9NG5V4: fact('IT', 'EUR', 'Amazon.it', 'it_IT', 22),
  A1RKKUPIHCS9HS: fact('ES', 'EUR', 'Amazon.es', 'es_ES', 21),
  A1805IZSGTT6HS: fact('NL', 'EUR', 'Amazon.nl', 'nl_NL', 21),
  A2NODRKZP88ZB9: fact('SE', 'SEK', 'Amazon.se', 'sv_SE', 25),
  A1C3SOZRARQ6R3: fact('PL', 'PLN', 'Amazon.pl', 'pl_PL', 23),
  ATVPDKIKX0DER: { ...fact('US', 'USD', 'Amazon.com', 'en_US', 8), pricesIncludeTax: false },
};

/** The seller's store name in every marketplace it participates in [A]. */
export const STORE_NAME = 'SCAYLE Demo Store';

/** LWA access tokens and restricted data tokens live one hour [V]. */
export const TOKEN_TTL_SECONDS = 3600;

/** Scopes a grantless (`client_credentials`) token may be asked for [V reference §3.1]. */
export const GRANTLESS_SCOPES = ['sellingpartnerapi::notifications', 'sellingpartnerapi::migration'] as const;

/**
 * getOrders' upper bound (`CreatedBefore`/`LastUpdatedBefore`) must be at least two minutes before now [V]. When the
 * caller gives none, the bound is now minus those two minutes and is echoed in the response, as MWS ListOrders
 * documented it [A for SP-API]: a poller must take the echoed bound as its next checkpoint, never its own clock.
 */
export const ORDERS_LAG_MS = 120_000;

/** Orders API v0 filters on these statuses [V ordersV0.json]. */
export const ORDER_STATUSES = [
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'InvoiceUnconfirmed',
  'Canceled',
  'Unfulfillable',
] as const;

/**
 * Orders in these statuses carry no OrderTotal and count no items, as the sandbox's Pending order shows [O fixture
 * getOrders_TEST_CASE_200_NEXT_TOKEN]; that Canceled orders behave the same is [A].
 */
export const STATUSES_WITHOUT_TOTALS: readonly string[] = ['Pending', 'Canceled'];

/** ShippingAddress is only given (with an RDT) for orders in these statuses [V reference §3.3]. */
export const STATUSES_WITH_ADDRESS: readonly string[] = [
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'InvoiceUnconfirmed',
];

/** Ship-by and deliver-by windows of a new order, in days after purchase [A]. */
export const ORDER_WINDOWS = { latestShipDays: 2, earliestDeliveryDays: 3, latestDeliveryDays: 5 } as const;

/** Values of ORDER_CHANGE `ChangeReason`: the buyer cancel text is [V fixture], the status change text [A]. */
export const CHANGE_REASONS = {
  buyerRequestedCancel: 'Buyer Requested Cancel',
  statusChange: 'Order status changed',
} as const;

/**
 * An MFN order takes its units off the listing's quantity when it is placed and a cancellation gives the unshipped
 * units back [A]: this is why a stock sync must send absolute quantities after every order.
 */
export const ORDERS_RESERVE_LISTING_QUANTITY = true;

/** The order's shipping charge is carried on its first item; the other items show 0.00 [A]. */
export const SHIPPING_ON_FIRST_ITEM = true;

/** Error codes and messages in Amazon's words where seen [O/V], else [A]. */
export const ERRORS = {
  invalidInput: 'InvalidInput',
  /** confirmShipment's 400 code as the sandbox answers it [V confirmShipment_sandbox_400]. */
  confirmShipmentInvalid: 'Invalid Input',
  notFound: 'NotFound',
  /** Listings Items answers an unknown SKU with this code [O real 404 body]. */
  listingNotFound: 'NOT_FOUND',
  unauthorized: 'Unauthorized',
  unauthorizedMessage: 'Access to requested resource is denied.',
  quotaExceeded: 'QuotaExceeded',
  quotaExceededMessage: 'You exceeded your quota for the requested resource.',
  unparsable: 'Request has missing or invalid parameters and cannot be parsed.',
  internal: 'InternalFailure',
  internalMessage: 'We encountered an internal error. Please try again.',
  conflict: 'Conflict',
  /** The message of Notifications' 409 [O amzn/selling-partner-api-docs#2072, #1800]. */
  conflictMessage: 'The requested resource conflict with a resource in the server.',
  /**
   * A Listings Items call whose path names a sellerId the token's seller cannot use in the marketplace: 400
   * InvalidInput with this message [O jlevers/selling-partner-api#777, a vendor code on patchListingsItem]; that a
   * different seller's id is answered the same way, rather than with 403 Unauthorized, is [A].
   */
  foreignSeller: "Invalid 'sellerId' and 'marketplaceId' combination provided.",
  /** searchListingsItems given another search's pageToken [O amzn/selling-partner-api-models#4977]. */
  pageTokenMismatch: "Search parameters do not match the provided 'pageToken'.",
} as const;

/** searchListingsItems pages: `pageSize` 1 to 20, default 10, and no more than 1000 SKUs paged through [V]. */
export const LISTINGS_SEARCH = { defaultPageSize: 10, maxPageSize: 20, maxResults: 1000 } as const;

/** Listings issue codes [O real responses, amzn/selling-partner-api-models issues #5009, #5219]. */
export const ISSUE_CODES = {
  /** "'X' is required but not supplied." */
  missingAttribute: '90220',
  /** "The provided value for 'X' is invalid." */
  invalidValue: '4000001',
  /** "The field 'f' for the attribute 'X' does not have enough values." */
  tooFewValues: '99022',
  /**
   * A PATCH on a SKU the seller does not list. Amazon itself ACCEPTs offer-only patches for unknown SKUs and so
   * creates an incomplete listing [O amzn/selling-partner-api-docs#3748]; the hub wants such mistakes surfaced, so
   * the simulator answers INVALID with this code [A].
   */
  unknownSku: 'NOT_FOUND',
} as const;

/** Pre-signed document URLs (feed uploads, report and result downloads) expire after five minutes [V]. */
export const DOCUMENT_URL_TTL_MS = 5 * 60_000;

/** A JSON_LISTINGS_FEED holds at most this many messages [V]. */
export const MAX_FEED_MESSAGES = 25_000;

/** A feed or report moves IN_QUEUE -> IN_PROGRESS -> done at least this often, or on every poll [A]. */
export const PROCESSING_STEP_MS = 1000;

/** getReports' `createdSince` defaults to 90 days back; reports are kept as long [V]. */
export const REPORT_RETENTION_MS = 90 * 24 * 3600_000;

/** Settlement reports are generated by Amazon and cannot be requested with createReport [V reference §3.9]. */
export const SETTLEMENT_REPORT_TYPES: readonly string[] = [
  'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE',
  'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2',
  'GET_V2_SETTLEMENT_REPORT_DATA_XML',
];

/**
 * Amazon requires `carrierCode` to match its carrier list exactly [V reference amazon-carriers.md]; the hub validates
 * codes against that list before calling, so the simulator accepts any non-empty code and checks only the rule that
 * `Other` needs a `carrierName`.
 */
export const CARRIER_CODE_OTHER = 'Other';

/**
 * The columns of a V2 settlement flat file, in order, as the header of every real report in
 * ../shared/fixtures (observed: Amazon UK, DE and US settlements, October 2024).
 */
export const V2_SETTLEMENT_COLUMNS = [
  'settlement-id',
  'settlement-start-date',
  'settlement-end-date',
  'deposit-date',
  'total-amount',
  'currency',
  'transaction-type',
  'order-id',
  'merchant-order-id',
  'adjustment-id',
  'shipment-id',
  'marketplace-name',
  'amount-type',
  'amount-description',
  'amount',
  'fulfillment-id',
  'posted-date',
  'posted-date-time',
  'order-item-code',
  'merchant-order-item-id',
  'merchant-adjustment-item-id',
  'sku',
  'quantity-purchased',
  'promotion-id',
] as const;
