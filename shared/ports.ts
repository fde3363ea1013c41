import type { SpApiClient } from './adapters/amazon/client';
import type { CatalogueRepository } from './adapters/aws/catalogue-repository';
import type { ExceptionsRepository } from './adapters/aws/exceptions-repository';
import type { LedgerRepository } from './adapters/aws/ledger-repository';
import type { StockEventsQueue } from './adapters/aws/stock-events-queue';
import type { StockRepository } from './adapters/aws/stock-repository';
import type { OrderwiseClient } from './adapters/orderwise/client';
import type { ScayleClient } from './adapters/scayle/client';
import type { SalesOrder, SalesOrderLine } from './domain/sales-order';
import type { ScayleOrder } from './schemas/scayle';

/** A sales order as the ERP identifies it. */
export interface ErpOrderRef {
  readonly orderId: number;
  readonly orderNumber: string;
}

/** What the ERP says of a sales order now. */
export interface ErpOrderState extends ErpOrderRef {
  readonly externalReference: string;
  /** The ERP's own status words, kept for people to read. */
  readonly status: string;
  readonly subStatus?: string;
  /** True while the order can still be cancelled without a return (nothing picked or despatched). */
  readonly cancellable: boolean;
  readonly cancelled: boolean;
  /** The order's totals, when the ERP's status answer carries them (see `ErpGateway.salesOrderTotals`). */
  readonly totals?: ErpTotals;
}

/** A sales order's totals as the ERP holds them, in minor units. */
export interface ErpTotals {
  readonly grossMinor: number;
  readonly taxMinor: number;
}

/** The ERP (OrderWise) as the order loop needs it. */
export interface ErpGateway {
  /** The sales order created for `externalReference`, if any: the look-up before every create. */
  findSalesOrder(externalReference: string): Promise<ErpOrderRef | undefined>;
  createSalesOrder(order: SalesOrder, delivery: DeliveryAddress): Promise<ErpOrderRef>;
  getSalesOrder(orderId: number): Promise<ErpOrderState>;
  /**
   * The order's totals wherever this ERP keeps them; `unavailable` says why they cannot be read (the money check
   * then records the order as unchecked instead of failing).
   */
  salesOrderTotals(
    orderId: number,
  ): Promise<{ orderNumber: string } & ({ totals: ErpTotals } | { unavailable: string })>;
  /** Cancels the order; resolves `too-late` when picking or despatch has started. */
  cancelSalesOrder(orderId: number): Promise<'cancelled' | 'too-late'>;
  /**
   * Replaces the lines of the stock codes named (quantity 0 removes a code); `too-late` once picking or despatch
   * has started.
   */
  amendSalesOrderLines(orderId: number, lines: readonly SalesOrderLine[]): Promise<'amended' | 'too-late'>;
}

/** Where the parcel goes, as the ERP's delivery address takes it. */
export interface DeliveryAddress {
  readonly name: string;
  readonly company?: string;
  readonly lines: readonly string[];
  readonly town: string;
  readonly postcode: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode: string;
  readonly email?: string;
  readonly telephone?: string;
  /** A parcel shop or locker the parcel goes to (SCAYLE `collectionPoint`); the lines stay the customer's. */
  readonly collectionPoint?: {
    readonly key: string;
    readonly type?: string;
    readonly description?: string;
    /** The customer's number with the collection point's carrier, which the carrier needs to hand the parcel over. */
    readonly customerKey?: string;
  };
}

/** The commerce platform (SCAYLE) as the order loop needs it. */
export interface CommerceGateway {
  getOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder>;
  /** The order, or undefined when SCAYLE has no such order (404). */
  findOrder(shopKey: string, countryCode: string, orderId: string): Promise<ScayleOrder | undefined>;
  /** Stores the ERP order number on the SCAYLE order (`PUT .../reference-key`). */
  setOrderReference(shopKey: string, countryCode: string, orderId: string, referenceKey: string): Promise<void>;
}

/** The catalogue map: SCAYLE variant reference key -> OrderWise stock code. */
export interface CatalogueLookup {
  stockCodes(skus: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** The order ledger operations the use cases need. */
export type OrderLedger = Pick<
  LedgerRepository,
  'create' | 'get' | 'transition' | 'releaseLease' | 'listByStatus' | 'findByReference'
>;

/** Where use cases record exceptions. */
export type ExceptionSink = Pick<ExceptionsRepository, 'raise'>;

/** The stock ledger operations the stock loop needs. */
export type StockLedger = Pick<
  StockRepository,
  | 'get'
  | 'applyOrderwise'
  | 'recordScaylePush'
  | 'recordScayleState'
  | 'markAmazonPending'
  | 'listAmazonPending'
  | 'markAmazonInFlight'
  | 'releaseFeed'
  | 'recordAmazonPush'
  | 'acquireLock'
  | 'releaseLock'
  | 'feedsInFlight'
  | 'setFeedInFlight'
  | 'cursor'
  | 'advanceCursor'
  | 'writeReservations'
>;

/** The catalogue map as the stock loop reads it. */
export type StockCatalogue = Pick<CatalogueRepository, 'byStockCodes' | 'entries' | 'all' | 'listingStates'>;

/** SCAYLE as the stock loop needs it: absolute stock per warehouse, and its stock and prices read back. */
export type StockCommerce = Pick<ScayleClient, 'putStocks' | 'getStock' | 'getCurrentPrices'>;

/** OrderWise's free stock, through its export definitions. */
export type StockErp = Pick<OrderwiseClient, 'stockChangedSince' | 'freeStockPage'>;

/** Amazon's listings as the stock loop updates them. */
export type StockMarketplace = Pick<
  SpApiClient,
  'patchListingsItem' | 'submitListingsFeed' | 'getFeed' | 'feedIssues' | 'assumeQuotaSpent'
>;

/** Where stock events are queued. */
export type StockQueue = Pick<StockEventsQueue, 'sendAll'>;
